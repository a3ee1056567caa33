/**
 * Transformer encoder-decoder (Vaswani et al. 2017), small and readable:
 * sinusoidal positional encoding, multi-head attention with Q, K and V exposed
 * per layer and head, self-attention in the encoder, causal self-attention and
 * cross-attention in the decoder, position-wise feed-forward layers, and layer
 * normalisation before each sub-layer (pre-LN, which trains without warm-up).
 *
 * There is no recurrence: every position of a sequence is computed at once, in
 * parallel, which is why training feeds the whole reference target (teacher
 * forcing is the only way to train it; decoding is still one token at a time).
 */
import { candidateLogits, type Candidates } from '../training/sampledSoftmax';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { BOS_ID, EOS_ID, PAD_ID } from '../vocab';
import { uniformInit, variable, assignWeights } from './cell';
import type { Decoded, PairBatch } from './seq2seq';

/** The longest sequence any Transformer here reads (the positional encoding itself has no limit). */
export const MAX_POSITIONS = 1024;

export interface TransformerConfig {
  sourceVocabSize: number;
  targetVocabSize: number;
  /** Model width d. */
  dModel: number;
  heads: number;
  /** Inner width of the feed-forward layers (usually 4d). */
  dFF: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Longest sequence the positional encoding covers. */
  maxLength: number;
}

export const TRANSFORMER_PRESETS = {
  tiny: { dModel: 32, heads: 4, dFF: 64, encoderLayers: 1, decoderLayers: 1, maxLength: 64 },
  /** The shape of the benchmark in the engine issue: 2 layers, d = 128, 4 heads. */
  small: { dModel: 128, heads: 4, dFF: 512, encoderLayers: 2, decoderLayers: 2, maxLength: 128 },
} satisfies Record<string, Omit<TransformerConfig, 'sourceVocabSize' | 'targetVocabSize'>>;

/**
 * PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)): [length, d].
 * Each dimension pair is a rotation at its own frequency, so a fixed offset is a linear map.
 */
export function positionalEncoding(length: number, d: number): Float32Array {
  const pe = new Float32Array(length * d);
  for (let pos = 0; pos < length; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos / Math.pow(10000, i / d);
      pe[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) pe[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return pe;
}

/** What one attention sub-layer computed, for the probe: each [B, heads, T, dk] or [B, heads, Tq, Tk]. */
export interface AttentionProbe {
  q: tf.Tensor4D;
  k: tf.Tensor4D;
  v: tf.Tensor4D;
  weights: tf.Tensor4D;
  /** q·k/√dk before the mask: [B, h, Tq, Tk]. */
  scores: tf.Tensor4D;
  /** The additive mask as it was broadcast onto the scores (0 or -1e9), or undefined for none. */
  bias?: tf.Tensor;
  /** Each head's weighted sum of the values: [B, h, Tq, dk]. */
  heads: tf.Tensor4D;
  /** The sub-layer's output, concat(heads) W_o + b_o: [B, Tq, d]. */
  output: tf.Tensor3D;
}

/** Multi-head attention weights by name prefix: `${p}/query_kernel` etc. */
export function multiHeadAttention(
  w: Record<string, tf.Tensor>,
  p: string,
  query: tf.Tensor3D,
  memory: tf.Tensor3D,
  heads: number,
  bias: tf.Tensor | undefined,
  probe?: AttentionProbe[],
): tf.Tensor3D {
  const [B, Tq, d] = query.shape;
  const Tk = memory.shape[1];
  const dk = d / heads;
  const project = (x: tf.Tensor3D, name: string, T: number) =>
    tf.transpose(tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, d]), w[`${p}/${name}_kernel`] as tf.Tensor2D), w[`${p}/${name}_bias`]), [B, T, heads, dk]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, h, T, dk]
  const q = project(query, 'query', Tq);
  const k = project(memory, 'key', Tk);
  const v = project(memory, 'value', Tk);
  const raw = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dk)) as tf.Tensor4D; // [B, h, Tq, Tk]: q·k / √dk
  const scores = bias ? (tf.add(raw, bias) as tf.Tensor4D) : raw;
  const weights = tf.softmax(scores) as tf.Tensor4D;
  const heads4 = tf.matMul(weights, v) as tf.Tensor4D; // [B, h, Tq, dk]
  const context = tf.reshape(tf.transpose(heads4, [0, 2, 1, 3]), [B * Tq, d]); // [B*Tq, d]: the heads concatenated
  const output = tf.reshape(tf.add(tf.matMul(context, w[`${p}/output_kernel`] as tf.Tensor2D), w[`${p}/output_bias`]), [B, Tq, d]) as tf.Tensor3D;
  probe?.push({ q, k, v, weights, scores: raw, bias, heads: heads4, output });
  return output;
}

export function layerNorm(x: tf.Tensor3D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta) as tf.Tensor3D;
}

/** Position-wise feed-forward: relu(x W1 + b1) W2 + b2, weights `${p}/ffn1_kernel` etc. */
export function feedForward(w: Record<string, tf.Tensor>, p: string, x: tf.Tensor3D): tf.Tensor3D {
  const [B, T, d] = x.shape;
  const hidden = tf.relu(tf.add(tf.matMul(tf.reshape(x, [B * T, d]), w[`${p}/ffn1_kernel`]), w[`${p}/ffn1_bias`]));
  return tf.reshape(tf.add(tf.matMul(hidden, w[`${p}/ffn2_kernel`]), w[`${p}/ffn2_bias`]), [B, T, d]) as tf.Tensor3D;
}

export interface TransformerProbe {
  /** Positional encodings added to the source embeddings: [S, d]. */
  positionalEncoding: Float32Array;
  /** One entry per attention sub-layer, in order: encoder self, then per decoder layer self and cross. */
  attention: Array<{ name: string; kind: 'self' | 'causal-self' | 'cross'; heads: number; queries: number; keys: number; weights: Float32Array; q: Float32Array; k: Float32Array; v: Float32Array }>;
}

/** One attention sub-layer's numbers for one sentence (batch row 0): see Transformer.fullProbe. */
export interface FullProbe {
  name: string;
  layer: number;
  kind: 'self' | 'causal-self' | 'cross';
  heads: number;
  queries: number;
  keys: number;
  dk: number;
  /** [heads, queries|keys, dk] */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** [heads, queries, keys]: q·k/√dk before the mask, and the softmax weights after it. */
  scores: Float32Array;
  weights: Float32Array;
  /** [queries, keys]: 1 where masked. */
  mask: Float32Array;
  /** [heads, queries, dk] */
  headOutputs: Float32Array;
  /** [queries, d] */
  output: Float32Array;
}

export class Transformer {
  readonly weights: Record<string, tf.Variable>;
  private readonly pe: tf.Tensor2D;

  constructor(
    readonly config: TransformerConfig,
    seed = 1,
  ) {
    const { dModel: d, heads, dFF, sourceVocabSize: Vs, targetVocabSize: Vt } = config;
    if (d % heads !== 0) throw new Error(`transformer: dModel ${d} is not a multiple of heads ${heads}`);
    if (d % 2 !== 0) throw new Error('transformer: dModel must be even (sin/cos pairs)');
    const rng = new Rng(seed);
    const w: Record<string, tf.Variable> = {
      'encoder/embedding': variable(Float32Array.from(rng.uniformArray(Vs * d, -1, 1), (x) => x * Math.sqrt(3 / d)), [Vs, d]),
      'decoder/embedding': variable(Float32Array.from(rng.uniformArray(Vt * d, -1, 1), (x) => x * Math.sqrt(3 / d)), [Vt, d]),
      'output/bias': variable(new Float32Array(Vt), [Vt]),
    };
    const attention = (p: string) => {
      for (const n of ['query', 'key', 'value', 'output']) {
        w[`${p}/${n}_kernel`] = uniformInit(rng, [d, d], d);
        w[`${p}/${n}_bias`] = variable(new Float32Array(d), [d]);
      }
    };
    const norm = (p: string) => {
      w[`${p}/gamma`] = variable(new Float32Array(d).fill(1), [d]);
      w[`${p}/beta`] = variable(new Float32Array(d), [d]);
    };
    const ffn = (p: string) => {
      w[`${p}/ffn1_kernel`] = uniformInit(rng, [d, dFF], d);
      w[`${p}/ffn1_bias`] = variable(new Float32Array(dFF), [dFF]);
      w[`${p}/ffn2_kernel`] = uniformInit(rng, [dFF, d], dFF);
      w[`${p}/ffn2_bias`] = variable(new Float32Array(d), [d]);
    };
    for (let l = 0; l < config.encoderLayers; l++) {
      const p = `encoder/layer${l}`;
      attention(`${p}/self`);
      norm(`${p}/norm1`);
      norm(`${p}/norm2`);
      ffn(p);
    }
    norm('encoder/final_norm');
    for (let l = 0; l < config.decoderLayers; l++) {
      const p = `decoder/layer${l}`;
      attention(`${p}/self`);
      attention(`${p}/cross`);
      norm(`${p}/norm1`);
      norm(`${p}/norm2`);
      norm(`${p}/norm3`);
      ffn(p);
    }
    norm('decoder/final_norm');
    this.weights = w;
    this.pe = tf.keep(tf.tensor2d(positionalEncoding(config.maxLength, d), [config.maxLength, d]));
  }

  setWeights(named: Record<string, tf.Tensor>): void {
    assignWeights(this.weights, named);
  }

  dispose(): void {
    tf.dispose([...Object.values(this.weights), this.pe]);
  }

  /** Token embeddings scaled by √d plus positions: ids [B, T] → [B, T, d]. */
  private embed(ids: tf.Tensor2D, table: tf.Tensor): tf.Tensor3D {
    const [B, T] = ids.shape;
    const d = this.config.dModel;
    if (T > MAX_POSITIONS) throw new Error(`transformer: a sequence of ${T} tokens is longer than the ${MAX_POSITIONS} positions it reads`);
    const e = tf.reshape(tf.gather(table, tf.reshape(ids, [-1])), [B, T, d]);
    // The encoding is defined for any length: past the table kept for training lengths it is computed.
    const pe = T <= this.pe.shape[0] ? tf.slice(this.pe, [0, 0], [T, d]) : tf.tensor2d(positionalEncoding(T, d), [T, d]);
    return tf.add(tf.mul(e, Math.sqrt(d)), pe) as tf.Tensor3D;
  }

  private ffn(p: string, x: tf.Tensor3D): tf.Tensor3D {
    return feedForward(this.weights, p, x);
  }

  /** source [B, S] → memory [B, S, d]; padding positions are masked out of every attention. */
  encode(source: tf.Tensor2D, probe?: AttentionProbe[]): { memory: tf.Tensor3D; padBias: tf.Tensor4D } {
    const [B, S] = source.shape;
    const w = this.weights;
    const padBias = tf.reshape(tf.mul(tf.cast(tf.equal(source, PAD_ID), 'float32'), -1e9), [B, 1, 1, S]) as tf.Tensor4D;
    let x = this.embed(source, w['encoder/embedding']);
    for (let l = 0; l < this.config.encoderLayers; l++) {
      const p = `encoder/layer${l}`;
      const n1 = layerNorm(x, w[`${p}/norm1/gamma`], w[`${p}/norm1/beta`]);
      x = tf.add(x, multiHeadAttention(w, `${p}/self`, n1, n1, this.config.heads, padBias, probe)) as tf.Tensor3D;
      x = tf.add(x, this.ffn(p, layerNorm(x, w[`${p}/norm2/gamma`], w[`${p}/norm2/beta`]))) as tf.Tensor3D;
    }
    return { memory: layerNorm(x, w['encoder/final_norm/gamma'], w['encoder/final_norm/beta']), padBias };
  }

  /** Decoder over target inputs [B, T] (starting with <s>): features [B, T, d], each position seeing only earlier ones. */
  decodeAll(targetIn: tf.Tensor2D, memory: tf.Tensor3D, padBias: tf.Tensor4D, probe?: AttentionProbe[]): tf.Tensor3D {
    const T = targetIn.shape[1];
    const w = this.weights;
    // Causal mask: position i may not look at j > i.
    const causal = tf.reshape(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9), [1, 1, T, T]);
    let x = this.embed(targetIn, w['decoder/embedding']);
    for (let l = 0; l < this.config.decoderLayers; l++) {
      const p = `decoder/layer${l}`;
      const n1 = layerNorm(x, w[`${p}/norm1/gamma`], w[`${p}/norm1/beta`]);
      x = tf.add(x, multiHeadAttention(w, `${p}/self`, n1, n1, this.config.heads, causal, probe)) as tf.Tensor3D;
      const n2 = layerNorm(x, w[`${p}/norm2/gamma`], w[`${p}/norm2/beta`]);
      x = tf.add(x, multiHeadAttention(w, `${p}/cross`, n2, memory, this.config.heads, padBias, probe)) as tf.Tensor3D;
      x = tf.add(x, this.ffn(p, layerNorm(x, w[`${p}/norm3/gamma`], w[`${p}/norm3/beta`]))) as tf.Tensor3D;
    }
    return layerNorm(x, w['decoder/final_norm/gamma'], w['decoder/final_norm/beta']);
  }

  /** Output layer tied to the target embedding: features [N, d] → logits [N, Vt]. */
  private project(features: tf.Tensor2D, candidates?: Candidates): tf.Tensor2D {
    // Sampled softmax (training): only the candidates' columns, their importance correction added.
    if (candidates) return candidateLogits(features, this.weights['decoder/embedding'] as tf.Tensor2D, this.weights['output/bias'] as tf.Tensor1D, candidates);
    return tf.add(tf.matMul(features, this.weights['decoder/embedding'], false, true), this.weights['output/bias']) as tf.Tensor2D;
  }

  /**
   * Training logits, time-major rows [(T-1) * B, Vt] like Seq2Seq's. The whole
   * reference is read at once, so teacher forcing is complete (ratio must be 1).
   */
  trainingLogits(batch: PairBatch, teacherForcing = 1, _rng?: unknown, candidates?: Candidates): tf.Tensor2D {
    if (teacherForcing < 1) throw new Error('the Transformer reads the whole reference at once (in parallel), so it trains with teacher forcing 1 only');
    const { batchSize: B, sourceLength: S, targetLength: T } = batch;
    const { memory, padBias } = this.encode(tf.tensor2d(batch.source, [B, S], 'int32'));
    const target = tf.tensor2d(batch.target, [B, T], 'int32');
    const features = this.decodeAll(tf.slice(target, [0, 0], [B, T - 1]), memory, padBias); // [B, T-1, d]
    const timeMajor = tf.reshape(tf.transpose(features, [1, 0, 2]), [(T - 1) * B, this.config.dModel]);
    return this.project(timeMajor as tf.Tensor2D, candidates);
  }

  /**
   * Greedy decoding of one sentence, with the cross-attention of the last decoder layer averaged
   * over heads; `topK` adds each step's k likeliest tokens. With `forced` (teacher forcing) the
   * decoder reads the whole reference at once, as in training: one pass, every step in parallel.
   */
  async decode(sourceIds: readonly number[], options: { maxLength?: number; topK?: number; forced?: readonly number[]; probeIds?: readonly number[] } = {}): Promise<Decoded> {
    const S = sourceIds.length;
    if (S === 0) throw new Error('decode: empty source');
    const maxLength = Math.min(options.maxLength ?? 2 * S + 10, this.config.maxLength - 1);
    const k = options.topK ? Math.max(1, Math.min(Math.floor(options.topK), this.config.targetVocabSize)) : 0;
    const out: number[] = [];
    let logProb = 0;
    const stepLogProbs: number[] = [];
    const probed: number[] = [];
    const topk: Array<Array<{ id: number; p: number }>> = [];
    const readTop = async (logp: tf.Tensor2D, rows: number) => {
      if (!k) return;
      const top = tf.topk(logp, k);
      const [v, i] = await Promise.all([top.values.data(), top.indices.data()]);
      tf.dispose([top.values, top.indices]);
      for (let r = 0; r < rows; r++) topk.push(Array.from({ length: k }, (_, j) => ({ id: i[r * k + j], p: Math.exp(v[r * k + j]) })));
    };
    const enc = tf.tidy(() => {
      const e = this.encode(tf.tensor2d([sourceIds as number[]], [1, S], 'int32'));
      return { memory: tf.keep(e.memory), padBias: tf.keep(e.padBias) };
    });
    try {
      if (options.forced) {
        const forced = [...options.forced];
        if (forced.length + 1 > this.config.maxLength) throw new Error(`decode: the reference is longer than this Transformer's ${this.config.maxLength - 1} positions`);
        const T = forced.length + 1;
        const [logpT, predT] = tf.tidy(() => {
          const features = this.decodeAll(tf.tensor2d([[BOS_ID, ...forced]], [1, T], 'int32'), enc.memory, enc.padBias);
          const logp = tf.logSoftmax(this.project(tf.reshape(features, [T, this.config.dModel]) as tf.Tensor2D)) as tf.Tensor2D;
          return [logp, tf.argMax(logp, 1)];
        });
        const [logp, pred] = await Promise.all([logpT.data(), predT.data()]);
        await readTop(logpT as tf.Tensor2D, T);
        tf.dispose([logpT, predT]);
        const V = this.config.targetVocabSize;
        [...forced, EOS_ID].forEach((id, t) => {
          stepLogProbs.push(logp[t * V + id]);
          logProb += logp[t * V + id];
          if (options.probeIds) probed.push(Math.exp(logp[t * V + (t < options.probeIds.length ? options.probeIds[t] : EOS_ID)]));
        });
        const attention = await this.crossAttention(sourceIds, forced, enc.memory, enc.padBias);
        return { ids: forced, attention, contexts: [], logProb, stepLogProbs, predicted: Array.from(pred), ...(k ? { topk } : {}), ...(options.probeIds ? { probed } : {}) };
      }
      for (let t = 0; t < maxLength; t++) {
        // The decoder reruns over the prefix: simple, and at these lengths cheap.
        const [best, lp, logpRow] = tf.tidy(() => {
          const features = this.decodeAll(tf.tensor2d([[BOS_ID, ...out]], [1, t + 1], 'int32'), enc.memory, enc.padBias);
          const last = tf.reshape(tf.slice(features, [0, t, 0], [1, 1, this.config.dModel]), [1, this.config.dModel]) as tf.Tensor2D;
          const logp = tf.logSoftmax(this.project(last));
          return [tf.argMax(logp, 1), tf.max(logp, 1), logp];
        });
        const [id] = await best.data();
        const [p] = await lp.data();
        await readTop(logpRow as tf.Tensor2D, 1);
        if (options.probeIds) {
          const row = await logpRow.data();
          probed.push(Math.exp(row[t < options.probeIds.length ? options.probeIds[t] : EOS_ID]));
        }
        tf.dispose([best, lp, logpRow]);
        logProb += p;
        stepLogProbs.push(p);
        if (id === EOS_ID) break;
        out.push(id);
      }
      const attention = await this.crossAttention(sourceIds, out, enc.memory, enc.padBias);
      return { ids: out, attention, contexts: [], logProb, stepLogProbs, ...(k ? { topk } : {}), ...(options.probeIds ? { probed } : {}) };
    } finally {
      tf.dispose([enc.memory, enc.padBias]);
    }
  }

  /** [output step][source position]: the last decoder layer's cross-attention, averaged over heads. */
  private async crossAttention(sourceIds: readonly number[], outIds: number[], memory: tf.Tensor3D, padBias: tf.Tensor4D): Promise<number[][]> {
    if (outIds.length === 0) return [];
    const S = sourceIds.length;
    const T = outIds.length;
    const avg = tf.tidy(() => {
      const probe: AttentionProbe[] = [];
      this.decodeAll(tf.tensor2d([[BOS_ID, ...outIds.slice(0, T - 1)]], [1, T], 'int32'), memory, padBias, probe);
      return tf.mean(probe[probe.length - 1].weights, 1); // [1, T, S]
    });
    const data = await avg.data();
    avg.dispose();
    return Array.from({ length: T }, (_, t) => Array.from(data.subarray(t * S, (t + 1) * S)));
  }

  /**
   * Every number of every attention sub-layer for a source and a target (the Transformer lens's
   * drill-down): Q, K, V, the scaled scores before the mask, the mask, the weights, each head's
   * output, and the sub-layer's output, for batch row 0, in the order of `sublayerNames()`.
   */
  async fullProbe(sourceIds: readonly number[], targetIds: readonly number[]): Promise<FullProbe[]> {
    const S = sourceIds.length;
    const T = targetIds.length + 1;
    const probe: AttentionProbe[] = [];
    const kept = tf.tidy(() => {
      const { memory, padBias } = this.encode(tf.tensor2d([sourceIds as number[]], [1, S], 'int32'), probe);
      this.decodeAll(tf.tensor2d([[BOS_ID, ...targetIds]], [1, T], 'int32'), memory, padBias, probe);
      return probe.map((p) => {
        const [, , Tq, Tk] = p.weights.shape;
        const mask = p.bias ? tf.cast(tf.less(tf.broadcastTo(tf.reshape(tf.slice(p.bias, [0, 0, 0, 0], [1, 1, p.bias.shape[2] as number, Tk]), [p.bias.shape[2] as number, Tk]), [Tq, Tk]), -1), 'float32') : tf.zeros([Tq, Tk]);
        return [p.q, p.k, p.v, p.scores, mask, p.weights, p.heads, p.output] as tf.Tensor[];
      });
    });
    try {
      const names = this.sublayerNames();
      const out: FullProbe[] = [];
      for (let i = 0; i < kept.length; i++) {
        const [q, k, v, scores, mask, weights, heads, output] = await Promise.all(kept[i].map((t) => t.data() as Promise<Float32Array>));
        const shape = kept[i][5].shape as number[];
        out.push({ ...names[i], heads: shape[1], queries: shape[2], keys: shape[3], dk: this.config.dModel / this.config.heads, q, k, v, scores, mask, weights, headOutputs: heads, output });
      }
      return out;
    } finally {
      tf.dispose(kept.flat());
    }
  }

  /** The attention sub-layers in forward order: encoder self per layer, then per decoder layer causal self and cross. */
  sublayerNames(): Array<{ name: string; layer: number; kind: 'self' | 'causal-self' | 'cross' }> {
    const names: Array<{ name: string; layer: number; kind: 'self' | 'causal-self' | 'cross' }> = [];
    for (let l = 0; l < this.config.encoderLayers; l++) names.push({ name: `encoder/layer${l}/self`, layer: l, kind: 'self' });
    for (let l = 0; l < this.config.decoderLayers; l++) names.push({ name: `decoder/layer${l}/self`, layer: l, kind: 'causal-self' }, { name: `decoder/layer${l}/cross`, layer: l, kind: 'cross' });
    return names;
  }

  /**
   * Everything the Transformer view shows for a source and target: positional
   * encodings, and Q, K, V and attention weights of every sub-layer and head.
   */
  async probe(sourceIds: readonly number[], targetIds: readonly number[]): Promise<TransformerProbe> {
    const S = sourceIds.length;
    const T = targetIds.length + 1;
    const names: Array<{ name: string; kind: 'self' | 'causal-self' | 'cross' }> = [];
    for (let l = 0; l < this.config.encoderLayers; l++) names.push({ name: `encoder/layer${l}/self`, kind: 'self' });
    for (let l = 0; l < this.config.decoderLayers; l++) names.push({ name: `decoder/layer${l}/self`, kind: 'causal-self' }, { name: `decoder/layer${l}/cross`, kind: 'cross' });
    const probe: AttentionProbe[] = [];
    const kept = tf.tidy(() => {
      const { memory, padBias } = this.encode(tf.tensor2d([sourceIds as number[]], [1, S], 'int32'), probe);
      this.decodeAll(tf.tensor2d([[BOS_ID, ...targetIds]], [1, T], 'int32'), memory, padBias, probe);
      return probe.flatMap((p) => [p.weights, p.q, p.k, p.v]);
    });
    try {
      const data = await Promise.all(kept.map((t) => t.data() as Promise<Float32Array>));
      return {
        positionalEncoding: positionalEncoding(S, this.config.dModel),
        attention: names.map((n, i) => {
          const weights = kept[4 * i];
          return { ...n, heads: this.config.heads, queries: weights.shape[2], keys: weights.shape[3], weights: data[4 * i], q: data[4 * i + 1], k: data[4 * i + 2], v: data[4 * i + 3] };
        }),
      };
    } finally {
      tf.dispose(kept);
    }
  }
}

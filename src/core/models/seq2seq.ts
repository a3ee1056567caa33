/**
 * Sequence-to-sequence encoder-decoder with GRUs, with or without attention.
 *
 *   attention 'none'      Cho et al. 2014: the encoder's last state is the one
 *                         context vector; it starts the decoder and is fed to it
 *                         at every step.
 *   attention 'additive'  Bahdanau et al. 2015: score(s_{t-1}, h_j) = vᵀ tanh(W_q s_{t-1} + W_k h_j);
 *                         the context c_t = Σ_j α_tj h_j is an input of the decoder step.
 *   attention 'dot'       Luong et al. 2015: s_t = GRU(y_{t-1}, s_{t-1}); score = s_t · h_j;
 *                         h̃_t = tanh(W_c [c_t; s_t]) feeds the output layer.
 *
 * Either way the decoder looks back at every encoder state at every step (or,
 * without attention, at none of them), and the probe returns the attention
 * weights [target × source] and the context vector of every decoder step.
 *
 * Training uses teacher forcing with a ratio: at each step each sequence gets the
 * reference previous word with probability `ratio`, else the model's own previous
 * prediction (scheduled sampling, Bengio et al. 2015, when the ratio decays).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { BOS_ID, EOS_ID } from '../vocab';
import { additiveAttention, additiveKeys, AttentionOutput, dotAttention, maskBias } from './attention';
import { uniformInit, variable, assignWeights } from './cell';
import { GruCell } from './gru';
import { candidateLogits, type Candidates } from '../training/sampledSoftmax';

export type AttentionKind = 'none' | 'additive' | 'dot';

export interface Seq2SeqConfig {
  attention: AttentionKind;
  sourceVocabSize: number;
  targetVocabSize: number;
  /** Embedding size, source and target. */
  embeddingSize: number;
  /** GRU units, encoder and decoder. */
  units: number;
  /**
   * Tie the output layer to the target embedding (Press & Wolf 2017): logits =
   * (out · W_p) · Eᵀ + b. Halves the output layer's cost, which dominates
   * training with a large target vocabulary, and helps on small corpora.
   */
  tieEmbeddings?: boolean;
}

export const SEQ2SEQ_PRESETS = {
  tiny: { attention: 'dot', embeddingSize: 16, units: 32 },
  /** The shape of the benchmark in the engine issue: GRU 128. */
  bench: { attention: 'dot', embeddingSize: 128, units: 128 },
  translate: { attention: 'dot', embeddingSize: 128, units: 256, tieEmbeddings: true },
} satisfies Record<string, Omit<Seq2SeqConfig, 'sourceVocabSize' | 'targetVocabSize'>>;

/** What one decoding returns, all read back to plain arrays. */
export interface Decoded {
  /** Output token ids, without <s>, up to and without </s>. */
  ids: number[];
  /** [output step][source position] attention weights (empty rows for attention 'none'). */
  attention: number[][];
  /** [output step][unit] context vector the step used. */
  contexts: number[][];
  /** Sum of log-probabilities of the chosen tokens (including </s> when produced). */
  logProb: number;
  /** Per step, the log-probability of the token taken (the reference's when forced), </s> last when produced. */
  stepLogProbs?: number[];
  /** With `topK`: per step (the </s> step included), the k likeliest next tokens and their probabilities. */
  topk?: Array<Array<{ id: number; p: number }>>;
  /** Forced: what the model would have written at each step, fed the reference before it (argmax). */
  predicted?: number[];
  /** With `probeIds`: per step, the probability of that step's probed token. */
  probed?: number[];
}

/** One hypothesis of one step of a beam search (the tree: `parent` indexes the previous step's live list). */
export interface BeamNode {
  ids: number[];
  logProb: number;
  score: number;
  parent: number;
  /** It ended with </s> at this step (and left the beam). */
  finished: boolean;
}

/** Decoding options shared by greedy, forced and what-if decoding. */
export interface DecodeOptions {
  maxLength?: number;
  /** Feed these target ids (teacher forcing) instead of the model's own outputs. */
  forced?: readonly number[];
  stopAtEos?: boolean;
  /** Return the k likeliest tokens of every step. */
  topK?: number;
  /** Keep the attention row and context of the closing </s> step too (one row more than the words). */
  includeEnd?: boolean;
  /** Per step t, also read the probability of token probeIds[t] (say, the reference's word t while free-running). */
  probeIds?: readonly number[];
  /** What-if: at output step `step`, these attention weights over the source replace the model's own. */
  forceAttention?: { step: number; weights: readonly number[] };
}

/** Padded batch of source and target ids, batch-major [B, T]. */
export interface PairBatch {
  source: Int32Array;
  sourceLength: number;
  target: Int32Array; // <s> y1 ... yn </s> padded
  targetLength: number;
  batchSize: number;
}

export class Seq2Seq {
  readonly encoder: GruCell;
  readonly decoder: GruCell;
  readonly weights: Record<string, tf.Variable>;

  constructor(
    readonly config: Seq2SeqConfig,
    seed = 1,
  ) {
    const { sourceVocabSize: Vs, targetVocabSize: Vt, embeddingSize: E, units: H, attention } = config;
    if (!(Vs > 4 && Vt > 4 && E > 0 && H > 0)) throw new Error(`seq2seq: bad sizes ${JSON.stringify(config)}`);
    if (!['none', 'additive', 'dot'].includes(attention)) throw new Error(`seq2seq: unknown attention "${attention}"`);
    const rng = new Rng(seed);
    this.encoder = new GruCell({ inputSize: E, units: H }, rng, 'encoder/gru');
    // Additive attention and no attention feed the context into the decoder step.
    this.decoder = new GruCell({ inputSize: attention === 'dot' ? E : E + H, units: H }, rng, 'decoder/gru');
    const outIn = attention === 'dot' ? H : 2 * H;
    const w: Record<string, tf.Variable> = {
      'encoder/embedding': variable(rng.uniformArray(Vs * E, -0.1, 0.1), [Vs, E]),
      'decoder/embedding': variable(rng.uniformArray(Vt * E, -0.1, 0.1), [Vt, E]),
      ...this.encoder.weights,
      ...this.decoder.weights,
      'output/bias': variable(new Float32Array(Vt), [Vt]),
    };
    if (config.tieEmbeddings) w['output/projection'] = uniformInit(rng, [outIn, E], outIn);
    else w['output/kernel'] = uniformInit(rng, [outIn, Vt], outIn);
    if (attention === 'additive') {
      w['attention/query_kernel'] = uniformInit(rng, [H, H], H);
      w['attention/key_kernel'] = uniformInit(rng, [H, H], H);
      w['attention/v'] = uniformInit(rng, [H], H);
    } else if (attention === 'dot') {
      w['attention/combine_kernel'] = uniformInit(rng, [2 * H, H], 2 * H);
    }
    this.weights = w;
  }

  setWeights(named: Record<string, tf.Tensor>): void {
    assignWeights(this.weights, named);
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }

  /** Encodes source ids [B, S] with their mask [B, S]: states [B, S, H] and the last real state [B, H]. */
  encode(source: tf.Tensor2D, sourceMask: tf.Tensor2D): { states: tf.Tensor3D; final: tf.Tensor2D } {
    const [B, S] = source.shape;
    const x = tf.gather(this.weights['encoder/embedding'], tf.transpose(source)) as tf.Tensor3D; // [S, B, E]
    const hs = this.encoder.forward(x, tf.transpose(sourceMask) as tf.Tensor2D); // [S, B, H]; padding keeps the state
    const final = tf.reshape(tf.slice(hs, [S - 1, 0, 0], [1, B, this.config.units]), [B, this.config.units]) as tf.Tensor2D;
    return { states: tf.transpose(hs, [1, 0, 2]) as tf.Tensor3D, final }; // [B, S, H]
  }

  /** Precomputes what every decoder step reuses. */
  private memory(states: tf.Tensor3D, sourceMask: tf.Tensor2D) {
    const keys = this.config.attention === 'additive' ? additiveKeys(states, this.weights['attention/key_kernel'] as tf.Tensor2D) : undefined; // [B, S, H]
    return { states, keys, maskBias: maskBias(sourceMask) };
  }

  /** Attention of a query [B, H] over the memory: weights [B, S] and context [B, H]. */
  private attend(query: tf.Tensor2D, mem: ReturnType<Seq2Seq['memory']>): AttentionOutput {
    return this.config.attention === 'additive'
      ? additiveAttention(query, mem.states, mem.keys!, this.weights['attention/query_kernel'] as tf.Tensor2D, this.weights['attention/v'] as tf.Tensor1D, mem.maskBias)
      : dotAttention(query, mem.states, mem.maskBias);
  }

  /**
   * One decoder step from the previous token ids [B] and state [B, H]: the
   * logits [B, Vt], the new state, and what the step looked at.
   */
  private decodeStep(prevIds: tf.Tensor1D, state: tf.Tensor2D, mem: ReturnType<Seq2Seq['memory']>, fixedContext: tf.Tensor2D, forcedAlpha?: tf.Tensor2D) {
    // What-if: given weights [B, S] stand in for the model's, and the context follows from them.
    const attend = (query: tf.Tensor2D): AttentionOutput =>
      forcedAlpha ? { alpha: forcedAlpha, context: tf.reshape(tf.matMul(tf.expandDims(forcedAlpha, 1), mem.states), [forcedAlpha.shape[0], this.config.units]) as tf.Tensor2D } : this.attend(query, mem);
    const e = tf.gather(this.weights['decoder/embedding'], prevIds) as tf.Tensor2D; // [B, E]
    let out: tf.Tensor2D;
    let alpha: tf.Tensor2D | undefined;
    let context: tf.Tensor2D;
    let next: tf.Tensor2D;
    switch (this.config.attention) {
      case 'none':
        context = fixedContext;
        next = this.decoder.stepFromInput(tf.concat([e, context], 1) as tf.Tensor2D, state).h;
        out = tf.concat([next, context], 1) as tf.Tensor2D; // [B, 2H]
        break;
      case 'additive':
        ({ alpha, context } = attend(state)); // looks back with s_{t-1}
        next = this.decoder.stepFromInput(tf.concat([e, context], 1) as tf.Tensor2D, state).h;
        out = tf.concat([next, context], 1) as tf.Tensor2D; // [B, 2H]
        break;
      case 'dot':
        next = this.decoder.stepFromInput(e, state).h;
        ({ alpha, context } = attend(next)); // looks back with s_t
        out = tf.tanh(tf.matMul(tf.concat([context, next], 1), this.weights['attention/combine_kernel'])) as tf.Tensor2D; // [B, H]
        break;
    }
    return { out, state: next, alpha, context };
  }

  /** The output layer: features [N, outIn] → logits [N, Vt]. */
  /**
   * The output layer. With tied embeddings, `embeddingT` ([E, Vt], transposed once
   * per sentence) spares decoding a transpose of the whole embedding at every step.
   */
  private project(out: tf.Tensor2D, embeddingT?: tf.Tensor2D, candidates?: Candidates): tf.Tensor2D {
    const w = this.weights;
    let logits: tf.Tensor;
    if (candidates) {
      // Sampled softmax (training): only the candidates' columns, their importance correction added.
      return this.config.tieEmbeddings
        ? candidateLogits(tf.matMul(out, w['output/projection']), w['decoder/embedding'] as tf.Tensor2D, w['output/bias'] as tf.Tensor1D, candidates)
        : candidateLogits(out, w['output/kernel'] as tf.Tensor2D, w['output/bias'] as tf.Tensor1D, candidates, 'columns');
    }
    if (!this.config.tieEmbeddings) logits = tf.matMul(out, w['output/kernel']);
    else if (embeddingT) logits = tf.matMul(tf.matMul(out, w['output/projection']), embeddingT); // [N, E] x [E, Vt]
    else logits = tf.matMul(tf.matMul(out, w['output/projection']), w['decoder/embedding'], false, true); // [N, E] x [Vt, E]ᵀ
    return tf.add(logits, w['output/bias']) as tf.Tensor2D;
  }

  /** What decoding a sentence reuses at every step: the transposed output embedding. */
  private inferenceOutput(): tf.Tensor2D | undefined {
    return this.config.tieEmbeddings ? (tf.transpose(this.weights['decoder/embedding']) as tf.Tensor2D) : undefined;
  }

  /** One decoder step with its logits (inference, and training with scheduled sampling). */
  private decodeStepLogits(prevIds: tf.Tensor1D, state: tf.Tensor2D, mem: ReturnType<Seq2Seq['memory']>, fixedContext: tf.Tensor2D, embeddingT?: tf.Tensor2D, forcedAlpha?: tf.Tensor2D) {
    const step = this.decodeStep(prevIds, state, mem, fixedContext, forcedAlpha);
    return { ...step, logits: this.project(step.out, embeddingT) };
  }

  /**
   * Training forward pass: logits for every target step, time-major rows
   * [(T-1) * B, Vt], predicting target[:, 1:] from target[:, :-1] (or from the
   * model's own predictions where teacher forcing does not apply). With
   * `candidates` (sampled softmax), the columns are the candidates'.
   */
  trainingLogits(batch: PairBatch, teacherForcing: number, rng: Rng, candidates?: Candidates): tf.Tensor2D {
    const { batchSize: B, sourceLength: S, targetLength: T } = batch;
    const source = tf.tensor2d(batch.source, [B, S], 'int32');
    const sourceMask = tf.cast(tf.notEqual(source, 0), 'float32') as tf.Tensor2D;
    const { states, final } = this.encode(source, sourceMask);
    const mem = this.memory(states, sourceMask);
    const target = tf.tensor2d(batch.target, [B, T], 'int32');
    if (teacherForcing >= 1 && this.config.attention !== 'additive') return this.project(this.teacherForcedOutputs(target, states, final, mem.maskBias), undefined, candidates);
    const gold = tf.unstack(tf.transpose(target)) as tf.Tensor1D[]; // T × [B]
    let state = final;
    let prev = gold[0];
    const outs: tf.Tensor2D[] = [];
    for (let t = 0; t < T - 1; t++) {
      const step = this.decodeStep(prev, state, mem, final);
      outs.push(step.out);
      state = step.state;
      if (t + 1 < T - 1) {
        if (teacherForcing >= 1) prev = gold[t + 1];
        else {
          // Per sequence: the reference word with probability `teacherForcing`, else the model's own guess.
          const useGold = tf.tensor1d(Array.from({ length: B }, () => (rng.next() < teacherForcing ? 1 : 0)), 'bool');
          // The model's guesses enter as new data, cut from the tape: no gradient flows through a choice of word.
          const guess = tf.tensor1d(tf.argMax(this.project(step.out), 1).dataSync() as Int32Array, 'int32');
          prev = tf.where(useGold, gold[t + 1], guess) as tf.Tensor1D;
        }
      }
    }
    // The output layer once for every step: one large product (and one for its gradient) instead of T small ones.
    return this.project(tf.concat(outs, 0) as tf.Tensor2D, undefined, candidates); // [(T-1)*B, Vt or C]
  }

  /**
   * The decoder's output features for every step at once, time-major
   * [(T-1) * B, outIn], when every input is the reference word. Without input
   * feeding (Luong's dot attention, and no attention) no step's input depends on
   * an earlier step's attention, so the decoder GRU runs over the whole target
   * with one input projection, and attention is two batched products for all
   * steps: the same numbers as decodeStep step by step, in far fewer operations.
   */
  private teacherForcedOutputs(target: tf.Tensor2D, states: tf.Tensor3D, final: tf.Tensor2D, bias: tf.Tensor2D): tf.Tensor2D {
    const [B, T] = target.shape;
    const H = this.config.units;
    const inputs = tf.transpose(tf.slice(target, [0, 0], [B, T - 1])); // [T-1, B]
    let x = tf.gather(this.weights['decoder/embedding'], inputs) as tf.Tensor3D; // [T-1, B, E]
    if (this.config.attention === 'none') {
      const context = tf.broadcastTo(tf.expandDims(final, 0), [T - 1, B, H]);
      x = tf.concat([x, context], 2) as tf.Tensor3D;
      const hs = this.decoder.forward(x, undefined, undefined, final); // [T-1, B, H]
      return tf.reshape(tf.concat([hs, context], 2), [(T - 1) * B, 2 * H]) as tf.Tensor2D;
    }
    const hs = this.decoder.forward(x, undefined, undefined, final); // [T-1, B, H]: s_t
    const queries = tf.transpose(hs, [1, 0, 2]) as tf.Tensor3D; // [B, T-1, H]
    const scores = tf.add(tf.matMul(queries, states, false, true), tf.expandDims(bias, 1)); // [B, T-1, S]: s_t · h_j
    const alpha = tf.softmax(scores) as tf.Tensor3D;
    const context = tf.matMul(alpha, states); // [B, T-1, H]
    const features = tf.transpose(tf.concat([context, queries], 2), [1, 0, 2]); // [T-1, B, 2H]
    return tf.tanh(tf.matMul(tf.reshape(features, [(T - 1) * B, 2 * H]), this.weights['attention/combine_kernel'])) as tf.Tensor2D;
  }

  /**
   * Teacher forcing for one pair, every step at once where the architecture allows it (dot
   * attention and no attention: no step's input depends on an earlier step's attention, so the
   * decoder GRU runs over the whole reference and attention is two batched products, as in
   * training); additive attention feeds each step's context into the next, so it goes step by step.
   * Returns what decode({ forced }) returns: each reference word's log-probability (</s> last),
   * what the model would write at each step, and the attention rows.
   */
  async teacherForced(sourceIds: readonly number[], targetIds: readonly number[]): Promise<Decoded> {
    if (sourceIds.length === 0) throw new Error('decode: empty source');
    if (this.config.attention === 'additive') return this.decode(sourceIds, { forced: targetIds });
    const S = sourceIds.length;
    const T = targetIds.length + 1;
    const H = this.config.units;
    const labels = [...targetIds, EOS_ID];
    const [logpT, predT, alphaT] = tf.tidy(() => {
      const source = tf.tensor2d([sourceIds as number[]], [1, S], 'int32');
      const { states, final } = this.encode(source, tf.ones([1, S]) as tf.Tensor2D);
      const inputs = tf.tensor2d([BOS_ID, ...targetIds], [T, 1], 'int32'); // time-major [T, 1]
      let x = tf.gather(this.weights['decoder/embedding'], inputs) as tf.Tensor3D; // [T, 1, E]
      let features: tf.Tensor2D;
      let alpha: tf.Tensor = tf.zeros([T, 0]);
      if (this.config.attention === 'none') {
        const context = tf.broadcastTo(tf.expandDims(final, 0), [T, 1, H]);
        x = tf.concat([x, context], 2) as tf.Tensor3D;
        const hs = this.decoder.forward(x, undefined, undefined, final); // [T, 1, H]
        features = tf.reshape(tf.concat([hs, context], 2), [T, 2 * H]) as tf.Tensor2D;
      } else {
        const hs = tf.reshape(this.decoder.forward(x, undefined, undefined, final), [T, H]) as tf.Tensor2D; // s_t
        const st = tf.reshape(states, [S, H]);
        alpha = tf.softmax(tf.matMul(hs, st, false, true)); // [T, S]
        const context = tf.matMul(alpha as tf.Tensor2D, st); // [T, H]
        features = tf.tanh(tf.matMul(tf.concat([context, hs], 1), this.weights['attention/combine_kernel'])) as tf.Tensor2D;
      }
      const logp = tf.logSoftmax(this.project(features)); // [T, Vt]
      const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(labels, 'int32'), this.config.targetVocabSize)), 1);
      return [picked, tf.argMax(logp, 1), alpha];
    });
    try {
      const [logp, pred, alpha] = await Promise.all([logpT.data(), predT.data(), alphaT.data()]);
      const width = this.config.attention === 'none' ? 0 : S;
      const stepLogProbs = Array.from(logp);
      return {
        ids: [...targetIds],
        attention: Array.from({ length: targetIds.length }, (_, t) => Array.from(alpha.subarray(t * width, (t + 1) * width))),
        contexts: [],
        logProb: stepLogProbs.reduce((a, b) => a + b, 0),
        stepLogProbs,
        predicted: Array.from(pred),
      };
    } finally {
      tf.dispose([logpT, predT, alphaT]);
    }
  }

  /**
   * Decodes one source sentence: greedy (argmax kept on the device, read back
   * once) or, with `forced`, fed the reference target ids (teacher-forced).
   * `topK` adds each step's k likeliest tokens; `forceAttention` replaces one
   * step's attention weights, and decoding goes on from there on the model's own.
   */
  async decode(sourceIds: readonly number[], options: DecodeOptions = {}): Promise<Decoded> {
    if (sourceIds.length === 0) throw new Error('decode: empty source');
    const S = sourceIds.length;
    const forced = options.forced;
    const steps = forced ? forced.length + 1 : (options.maxLength ?? Math.min(2 * S + 10, 200));
    const k = options.topK ? Math.max(1, Math.min(Math.floor(options.topK), this.config.targetVocabSize)) : 0;
    const fa = options.forceAttention;
    if (fa) {
      if (this.config.attention === 'none') throw new Error('decode: this model has no attention to force (its decoder reads one context vector)');
      if (fa.weights.length !== S || fa.weights.some((w) => !(w >= 0))) throw new Error(`decode: forced attention needs ${S} non-negative weights`);
    }
    const [idsT, logpT, alphaT, ctxT, topvT, topiT, probedT] = tf.tidy(() => {
      const source = tf.tensor2d([sourceIds as number[]], [1, S], 'int32');
      const mask = tf.ones([1, S]) as tf.Tensor2D;
      const { states, final } = this.encode(source, mask);
      const mem = this.memory(states, mask);
      const embeddingT = this.inferenceOutput();
      const forcedAlpha = fa ? tf.div(tf.tensor2d([fa.weights as number[]], [1, S]), Math.max(1e-12, fa.weights.reduce((a, b) => a + b, 0))) as tf.Tensor2D : undefined;
      let state = final;
      let prev = tf.tensor1d([BOS_ID], 'int32');
      const ids: tf.Tensor[] = [];
      const logps: tf.Tensor[] = [];
      const alphas: tf.Tensor[] = [];
      const contexts: tf.Tensor[] = [];
      const topv: tf.Tensor[] = [];
      const topi: tf.Tensor[] = [];
      const probes: tf.Tensor[] = [];
      const probeIds = options.probeIds;
      const stopAtEos = !forced && options.stopAtEos !== false;
      for (let t = 0; t < steps; t++) {
        const step = this.decodeStepLogits(prev, state, mem, final, embeddingT, fa && fa.step === t ? forcedAlpha : undefined);
        const logp = tf.logSoftmax(step.logits); // [1, Vt]
        const chosen = tf.cast(tf.argMax(step.logits, 1), 'int32') as tf.Tensor1D; // [1]
        const picked = forced ? tf.tensor1d([t < forced.length ? forced[t] : EOS_ID], 'int32') : chosen;
        ids.push(chosen);
        logps.push(tf.gather(tf.reshape(logp, [-1]), picked));
        alphas.push(step.alpha ?? tf.zeros([1, 0]));
        contexts.push(step.context);
        if (k) {
          const top = tf.topk(logp, k);
          topv.push(tf.exp(top.values));
          topi.push(top.indices);
        }
        if (probeIds) probes.push(tf.exp(tf.gather(tf.reshape(logp, [-1]), tf.tensor1d([t < probeIds.length ? probeIds[t] : EOS_ID], 'int32'))));
        state = step.state;
        prev = picked;
        // On the CPU a one-number read is cheap: stop at </s> instead of decoding to maxLength.
        if (stopAtEos && chosen.dataSync()[0] === EOS_ID) break;
      }
      const none = tf.zeros([0]);
      return [tf.concat(ids), tf.concat(logps), tf.concat(alphas), tf.concat(contexts), k ? tf.concat(topv) : none, k ? tf.concat(topi) : tf.clone(none), probeIds ? tf.concat(probes) : tf.clone(none)];
    });
    try {
      const [ids, logp, alpha, ctx, topv, topi, probed] = await Promise.all([idsT.data(), logpT.data(), alphaT.data(), ctxT.data(), topvT.data(), topiT.data(), probedT.data()]);
      const H = this.config.units;
      const width = this.config.attention === 'none' ? 0 : S;
      // Free-running: stop at the first </s>. Forced: every step of the reference (plus its </s>).
      let n = ids.length;
      if (!forced) {
        const end = Array.from(ids).indexOf(EOS_ID);
        n = end < 0 ? ids.length : end + 1;
      }
      const out: Decoded = { ids: [], attention: [], contexts: [], logProb: 0, stepLogProbs: [] };
      if (k) out.topk = [];
      if (forced) out.predicted = [];
      if (options.probeIds) out.probed = [];
      for (let t = 0; t < n; t++) {
        out.logProb += logp[t];
        out.stepLogProbs!.push(logp[t]);
        if (k) out.topk!.push(Array.from({ length: k }, (_, j) => ({ id: topi[t * k + j], p: topv[t * k + j] })));
        if (forced) out.predicted!.push(ids[t]);
        if (options.probeIds) out.probed!.push(probed[t]);
        if (!forced && ids[t] === EOS_ID) {
          if (options.includeEnd) {
            out.attention.push(Array.from(alpha.subarray(t * width, (t + 1) * width)));
            out.contexts.push(Array.from(ctx.subarray(t * H, (t + 1) * H)));
          }
          break;
        }
        if (forced && t === forced.length) {
          if (options.includeEnd) {
            out.attention.push(Array.from(alpha.subarray(t * width, (t + 1) * width)));
            out.contexts.push(Array.from(ctx.subarray(t * H, (t + 1) * H)));
          }
          break;
        }
        out.ids.push(ids[t]);
        out.attention.push(Array.from(alpha.subarray(t * width, (t + 1) * width)));
        out.contexts.push(Array.from(ctx.subarray(t * H, (t + 1) * H)));
      }
      return out;
    } finally {
      tf.dispose([idsT, logpT, alphaT, ctxT, topvT, topiT, probedT]);
    }
  }

  /**
   * Greedy decoding of many sentences at once (padded to the longest; padding is masked out of
   * the encoder's last state and of attention): the same outputs as decode() one by one, in far
   * fewer kernel calls. Returns each sentence's output ids, up to and without </s>.
   */
  async decodeBatch(sources: ReadonlyArray<readonly number[]>, options: { maxLength?: number } = {}): Promise<number[][]> {
    const B = sources.length;
    if (B === 0) return [];
    if (sources.some((s) => s.length === 0)) throw new Error('decode: empty source');
    const S = Math.max(...sources.map((s) => s.length));
    const steps = options.maxLength ?? Math.min(2 * S + 10, 200);
    const padded = new Int32Array(B * S);
    sources.forEach((s, b) => padded.set(s, b * S));
    const enc = tf.tidy(() => {
      const source = tf.tensor2d(padded, [B, S], 'int32');
      const mask = tf.cast(tf.notEqual(source, 0), 'float32') as tf.Tensor2D;
      const { states, final } = this.encode(source, mask);
      const mem = this.memory(states, mask);
      return { states: tf.keep(mem.states), keys: mem.keys && tf.keep(mem.keys), maskBias: tf.keep(mem.maskBias), final: tf.keep(final), embeddingT: this.inferenceOutput() && tf.keep(this.inferenceOutput()!) };
    });
    const chosen: tf.Tensor[] = [];
    let state = tf.keep(enc.final.clone());
    let prev = tf.keep(tf.fill([B], BOS_ID, 'int32') as tf.Tensor1D);
    let ended = tf.keep(tf.zeros([B], 'bool'));
    try {
      for (let t = 0; t < steps; t++) {
        const [next, ids, nowEnded] = tf.tidy(() => {
          const step = this.decodeStepLogits(prev, state, { states: enc.states, keys: enc.keys, maskBias: enc.maskBias }, enc.final, enc.embeddingT);
          const ids = tf.cast(tf.argMax(step.logits, 1), 'int32') as tf.Tensor1D;
          return [step.state, ids, tf.logicalOr(ended, tf.equal(ids, EOS_ID))];
        });
        tf.dispose([state, prev, ended]);
        state = tf.keep(next);
        prev = tf.keep(ids);
        ended = tf.keep(nowEnded);
        chosen.push(tf.keep(ids.clone()));
        // Every few steps, one read: stop once every sentence has written </s>.
        if (t % 4 === 3) {
          const allEnded = tf.all(ended);
          const done = (await allEnded.data())[0];
          allEnded.dispose();
          if (done) break;
        }
      }
      const all = await Promise.all(chosen.map((c) => c.data()));
      return sources.map((_, b) => {
        const out: number[] = [];
        for (const step of all) {
          if (step[b] === EOS_ID) break;
          out.push(step[b]);
        }
        return out;
      });
    } finally {
      tf.dispose([state, prev, ended, enc.states, enc.maskBias, enc.final, ...chosen, ...(enc.keys ? [enc.keys] : []), ...(enc.embeddingT ? [enc.embeddingT] : [])]);
    }
  }

  /**
   * Beam search with K beams and a length penalty ((5 + len) / 6)^α (Wu et al.
   * 2016; α = 0 ranks by total log-probability). K = 1 is greedy decoding.
   */
  async beamSearch(sourceIds: readonly number[], K: number, options: { maxLength?: number; lengthPenalty?: number; trace?: boolean } = {}): Promise<Decoded & { beam?: BeamNode[][] }> {
    if (!(K >= 1 && Number.isInteger(K))) throw new Error(`beam size must be a positive integer (got ${K})`);
    const S = sourceIds.length;
    if (S === 0) throw new Error('decode: empty source');
    const Vt = this.config.targetVocabSize;
    const H = this.config.units;
    const maxLength = options.maxLength ?? Math.min(2 * S + 10, 200);
    const alphaLp = options.lengthPenalty ?? 0;
    const penalty = (len: number) => Math.pow((5 + len) / 6, alphaLp);
    interface Hyp {
      ids: number[];
      attention: number[][];
      contexts: number[][];
      logProb: number;
    }
    const finished: Array<Hyp & { score: number }> = [];
    const enc = tf.tidy(() => {
      const source = tf.tensor2d([sourceIds as number[]], [1, S], 'int32');
      const mask = tf.ones([1, S]) as tf.Tensor2D;
      const { states, final } = this.encode(source, mask);
      const embeddingT = this.inferenceOutput();
      return { states: tf.keep(states), final: tf.keep(final), embeddingT: embeddingT && tf.keep(embeddingT) };
    });
    let beams: Hyp[] = [{ ids: [], attention: [], contexts: [], logProb: 0 }];
    // The tree, when traced: every step's kept hypotheses and the ones that ended there.
    const trace: BeamNode[][] | undefined = options.trace ? [] : undefined;
    let state = tf.keep(enc.final.clone()); // [k, H]
    try {
      for (let t = 0; t < maxLength && beams.length > 0; t++) {
        const k = beams.length;
        const prevIds = beams.map((b) => (b.ids.length ? b.ids[b.ids.length - 1] : BOS_ID));
        const [logpT, stateT, alphaT, ctxT] = tf.tidy(() => {
          const states = tf.tile(enc.states, [k, 1, 1]) as tf.Tensor3D; // [k, S, H]
          const mem = this.memory(states, tf.ones([k, S]) as tf.Tensor2D);
          const fixed = tf.tile(enc.final, [k, 1]) as tf.Tensor2D;
          const step = this.decodeStepLogits(tf.tensor1d(prevIds, 'int32'), state, mem, fixed, enc.embeddingT);
          return [tf.logSoftmax(step.logits), step.state, step.alpha ?? tf.zeros([k, 0]), step.context];
        });
        const [logp, alpha, ctx] = await Promise.all([logpT.data(), alphaT.data(), ctxT.data()]);
        // Candidates: every beam × every word, best K·2 (so that K remain after </s> ones leave).
        const candidates: Array<{ beam: number; word: number; logProb: number }> = [];
        for (let b = 0; b < k; b++) {
          const base = beams[b].logProb;
          // Keep the best few words per beam to bound the work: K+1 always suffice.
          const row = logp.subarray(b * Vt, (b + 1) * Vt);
          const best = topIndices(row, K + 1);
          for (const w of best) candidates.push({ beam: b, word: w, logProb: base + row[w] });
        }
        candidates.sort((a, b) => b.logProb - a.logProb);
        const next: Hyp[] = [];
        const origins: number[] = [];
        const nodes: BeamNode[] = [];
        const width = this.config.attention === 'none' ? 0 : S;
        for (const c of candidates) {
          if (next.length >= K) break;
          const parent = beams[c.beam];
          const att = [...parent.attention, Array.from(alpha.subarray(c.beam * width, (c.beam + 1) * width))];
          const cx = [...parent.contexts, Array.from(ctx.subarray(c.beam * H, (c.beam + 1) * H))];
          if (c.word === EOS_ID) {
            const score = c.logProb / penalty(parent.ids.length + 1);
            finished.push({ ids: parent.ids, attention: parent.attention, contexts: parent.contexts, logProb: c.logProb, score });
            nodes.push({ ids: [...parent.ids, EOS_ID], logProb: c.logProb, score, parent: c.beam, finished: true });
            if (finished.length >= K) break;
            continue;
          }
          next.push({ ids: [...parent.ids, c.word], attention: att, contexts: cx, logProb: c.logProb });
          nodes.push({ ids: [...parent.ids, c.word], logProb: c.logProb, score: c.logProb / penalty(parent.ids.length + 1), parent: c.beam, finished: false });
          origins.push(c.beam);
        }
        // Live nodes first, in beam order (their index is the next step's parent), then the finished ones.
        trace?.push([...nodes.filter((n) => !n.finished), ...nodes.filter((n) => n.finished)]);
        const old = state;
        state = tf.keep(tf.tidy(() => (origins.length ? tf.gather(stateT, tf.tensor1d(origins, 'int32')) : tf.zeros([0, H]))));
        tf.dispose([old, logpT, stateT, alphaT, ctxT]);
        beams = next;
        if (finished.length >= K) break;
        // Stop when no live beam can beat the best finished one (scores only fall as words are added when α = 0).
        if (alphaLp === 0 && finished.length && beams.every((b) => b.logProb < Math.max(...finished.map((f) => f.score)))) break;
      }
      for (const b of beams) finished.push({ ...b, score: b.logProb / penalty(b.ids.length) });
      finished.sort((a, b) => b.score - a.score);
      const best = finished[0];
      return { ids: best.ids, attention: best.attention, contexts: best.contexts, logProb: best.logProb, ...(trace ? { beam: trace } : {}) };
    } finally {
      tf.dispose([state, enc.states, enc.final, ...(enc.embeddingT ? [enc.embeddingT] : [])]);
    }
  }
}

/** Indices of the n largest values (n small), largest first. */
function topIndices(values: ArrayLike<number>, n: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (idx.length < n) {
      idx.push(i);
      idx.sort((a, b) => values[b] - values[a]);
    } else if (values[i] > values[idx[n - 1]]) {
      idx[n - 1] = i;
      idx.sort((a, b) => values[b] - values[a]);
    }
  }
  return idx;
}

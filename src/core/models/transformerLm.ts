/**
 * A decoder-only Transformer language model (GPT-style, pre-LN): token embedding × √d plus the
 * sinusoidal positions, N blocks of causal multi-head self-attention and a feed-forward layer,
 * a final layer norm, and an output layer tied to the embedding. No recurrence: every position
 * reads every earlier one directly, so the whole sequence is computed at once, in parallel, and
 * the last output's dependence on an early word does not pass through a chain of derivative
 * factors as an RNN's does (see `inputGradientNorms`).
 *
 * It shares the encoder-decoder Transformer's building blocks (multiHeadAttention, layerNorm,
 * feedForward, positionalEncoding), so it is the same arithmetic the Transformer lens checks.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { BOS_ID } from '../vocab';
import { assignWeights, uniformInit, variable } from './cell';
import { feedForward, layerNorm, MAX_POSITIONS, multiHeadAttention, positionalEncoding } from './transformer';

export interface TransformerLmConfig {
  vocabSize: number;
  dModel: number;
  heads: number;
  dFF: number;
  layers: number;
}

export class TransformerLanguageModel {
  readonly weights: Record<string, tf.Variable>;

  constructor(
    readonly config: TransformerLmConfig,
    seed = 1,
  ) {
    const { vocabSize: V, dModel: d, heads, dFF, layers } = config;
    if (!(V > 4 && d > 0 && heads > 0 && d % heads === 0 && dFF > 0 && layers > 0)) throw new Error(`transformer LM: bad sizes ${JSON.stringify(config)}`);
    const rng = new Rng(seed);
    const w: Record<string, tf.Variable> = { embedding: variable(rng.uniformArray(V * d, -0.1, 0.1), [V, d]), 'output/bias': variable(new Float32Array(V), [V]) };
    const norm = (p: string) => {
      w[`${p}/gamma`] = variable(new Float32Array(d).fill(1), [d]);
      w[`${p}/beta`] = variable(new Float32Array(d), [d]);
    };
    for (let l = 0; l < layers; l++) {
      const p = `layer${l}`;
      for (const n of ['query', 'key', 'value', 'output']) {
        w[`${p}/self/${n}_kernel`] = uniformInit(rng, [d, d], d);
        w[`${p}/self/${n}_bias`] = variable(new Float32Array(d), [d]);
      }
      w[`${p}/ffn1_kernel`] = uniformInit(rng, [d, dFF], d);
      w[`${p}/ffn1_bias`] = variable(new Float32Array(dFF), [dFF]);
      w[`${p}/ffn2_kernel`] = uniformInit(rng, [dFF, d], dFF);
      w[`${p}/ffn2_bias`] = variable(new Float32Array(d), [d]);
      norm(`${p}/norm1`);
      norm(`${p}/norm2`);
    }
    norm('final_norm');
    this.weights = w;
  }

  setWeights(named: Record<string, tf.Tensor>): void {
    assignWeights(this.weights, named);
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }

  /** The embedded inputs [B, T, d]: token × √d + position. */
  embed(ids: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = ids.shape;
    const d = this.config.dModel;
    if (T > MAX_POSITIONS) throw new Error(`transformer LM: a sequence of ${T} tokens is longer than the ${MAX_POSITIONS} positions it reads`);
    const e = tf.reshape(tf.gather(this.weights.embedding, tf.reshape(ids, [-1])), [B, T, d]);
    return tf.add(tf.mul(e, Math.sqrt(d)), tf.tensor2d(positionalEncoding(T, d), [T, d])) as tf.Tensor3D;
  }

  /** The blocks over embedded inputs x [B, T, d] → features [B, T, d], each position seeing only itself and earlier ones. */
  features(x: tf.Tensor3D): tf.Tensor3D {
    return layerNorm(this.residual(x), this.weights['final_norm/gamma'], this.weights['final_norm/beta']);
  }

  /** The residual stream after the last block (before the final layer norm): [B, T, d]. */
  residual(x: tf.Tensor3D): tf.Tensor3D {
    const T = x.shape[1];
    const w = this.weights;
    const causal = tf.reshape(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9), [1, 1, T, T]);
    for (let l = 0; l < this.config.layers; l++) {
      const p = `layer${l}`;
      const n1 = layerNorm(x, w[`${p}/norm1/gamma`], w[`${p}/norm1/beta`]);
      x = tf.add(x, multiHeadAttention(w, `${p}/self`, n1, n1, this.config.heads, causal)) as tf.Tensor3D;
      x = tf.add(x, feedForward(w, p, layerNorm(x, w[`${p}/norm2/gamma`], w[`${p}/norm2/beta`]))) as tf.Tensor3D;
    }
    return x;
  }

  /** Logits for ids [B, T], time-major rows [T * B, V] (as the recurrent LanguageModel's, for the same trainer). */
  logits(ids: tf.Tensor2D): tf.Tensor2D {
    const [B, T] = ids.shape;
    const f = this.features(this.embed(ids)); // [B, T, d]
    const timeMajor = tf.reshape(tf.transpose(f, [1, 0, 2]), [T * B, this.config.dModel]) as tf.Tensor2D;
    return tf.add(tf.matMul(timeMajor, this.weights.embedding, false, true), this.weights['output/bias']) as tf.Tensor2D;
  }

  /** After each word of `ids` (read after <s>), the next-word probabilities: [T, V]. */
  async nextWordProbs(ids: readonly number[]): Promise<Float32Array> {
    if (ids.length === 0) throw new Error('transformer LM: empty sequence');
    const p = tf.tidy(() => {
      const input = tf.tensor2d([[BOS_ID, ...ids]], [1, ids.length + 1], 'int32');
      return tf.slice(tf.softmax(this.logits(input)), [1, 0], [ids.length, -1]); // the rows after each word
    });
    try {
      return (await p.data()) as Float32Array;
    } finally {
      p.dispose();
    }
  }

  /**
   * How much the last position depends on each word's input: ‖∂(Σ r_T)/∂x_t‖, r_T the residual
   * stream at the last position (the Transformer's running state; the final layer norm would make
   * its sum constant), x_t the embedded input of every word (read after <s>). At the last word it
   * is √d (the residual passes x_T through), as an RNN's ‖∂h_T/∂h_T‖ is √H. Attention reaches every
   * earlier position in one step, so it does not shrink with distance as an RNN's ‖∂h_T/∂h_t‖ does.
   */
  async inputGradientNorms(ids: readonly number[]): Promise<Float32Array> {
    const T = ids.length + 1;
    const norms = tf.tidy(() => {
      const x = this.embed(tf.tensor2d([[BOS_ID, ...ids]], [1, T], 'int32'));
      const g = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(this.residual(input as tf.Tensor3D), [0, T - 1, 0], [1, 1, this.config.dModel])))(x); // [1, T, d]
      return tf.sqrt(tf.sum(tf.square(tf.slice(g, [0, 1, 0], [1, T - 1, this.config.dModel])), 2)).reshape([T - 1]); // the words' positions
    });
    try {
      return (await norms.data()) as Float32Array;
    } finally {
      norms.dispose();
    }
  }
}

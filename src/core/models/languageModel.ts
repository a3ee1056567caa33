/**
 * A word-level recurrent language model: embedding → one recurrent cell →
 * softmax over the vocabulary, predicting the next word at every step. It is
 * the shipped default behind the timestep view: its states are what a
 * recurrent network computes when it reads a sentence word by word.
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentKind } from '../../protocol/trace';
import { Rng } from '../random';
import { gradientNorms, RecurrentCell, variable, assignWeights } from './cell';
import { GruCell } from './gru';
import { LstmCell } from './lstm';
import { RnnCell } from './rnn';

export interface LanguageModelConfig {
  cell: RecurrentKind;
  /** Only for cell 'rnn'. */
  activation?: 'tanh' | 'sigmoid';
  vocabSize: number;
  /** Embedding size, the recurrent cell's input size. */
  embeddingSize: number;
  /** Hidden units of the recurrent cell. */
  units: number;
}

export const LM_PRESETS = {
  /** The shipped defaults: small enough to read unit by unit in a heatmap. */
  'default-lstm': { cell: 'lstm', embeddingSize: 24, units: 32 },
  'default-gru': { cell: 'gru', embeddingSize: 24, units: 32 },
  'default-rnn-tanh': { cell: 'rnn', activation: 'tanh', embeddingSize: 24, units: 32 },
  'default-rnn-sigmoid': { cell: 'rnn', activation: 'sigmoid', embeddingSize: 24, units: 32 },
} satisfies Record<string, Omit<LanguageModelConfig, 'vocabSize'>>;

export function makeCell(config: LanguageModelConfig, rng: Rng): RecurrentCell {
  const cellConfig = { inputSize: config.embeddingSize, units: config.units };
  switch (config.cell) {
    case 'lstm':
      return new LstmCell(cellConfig, rng);
    case 'gru':
      return new GruCell(cellConfig, rng);
    case 'rnn':
      return new RnnCell({ ...cellConfig, activation: config.activation ?? 'tanh' }, rng);
  }
}

export interface LmProbe {
  /** [time, stateKeys.length * units]: each step's states side by side. */
  states: Float32Array;
  stateKeys: readonly string[];
  units: number;
  /** Top next-word predictions after each step: ids and probabilities, [time][k]. */
  topIds: Int32Array;
  topProbs: Float32Array;
  k: number;
}

export class LanguageModel {
  readonly cell: RecurrentCell;
  readonly embedding: tf.Variable; // [vocab, embeddingSize]
  readonly outputKernel: tf.Variable; // [units, vocab]
  readonly outputBias: tf.Variable; // [vocab]

  constructor(
    readonly config: LanguageModelConfig,
    seed = 1,
  ) {
    const { vocabSize: V, embeddingSize: E, units: H } = config;
    if (!(V > 4 && E > 0 && H > 0)) throw new Error(`language model: bad sizes vocab ${V}, embedding ${E}, units ${H}`);
    const rng = new Rng(seed);
    this.embedding = variable(rng.uniformArray(V * E, -0.1, 0.1), [V, E]);
    this.cell = makeCell(config, rng);
    const k = 1 / Math.sqrt(H);
    this.outputKernel = variable(rng.uniformArray(H * V, -k, k), [H, V]);
    this.outputBias = variable(new Float32Array(V), [V]);
  }

  /** Every trainable weight by name: what a checkpoint stores. */
  get weights(): Record<string, tf.Variable> {
    return {
      'embedding/embeddings': this.embedding,
      ...this.cell.weights,
      'output/kernel': this.outputKernel,
      'output/bias': this.outputBias,
    };
  }

  /** Replaces every weight with the named tensors (shapes must match). */
  setWeights(named: Record<string, tf.Tensor>): void {
    assignWeights(this.weights, named);
  }

  /** ids: [batch, time] int32 → logits [time * batch, vocab], time-major rows. */
  logits(ids: tf.Tensor2D): tf.Tensor2D {
    const [B, T] = ids.shape;
    const x = tf.gather(this.embedding, tf.transpose(ids)) as tf.Tensor3D; // [T, B, E]
    const h = this.cell.forward(x); // [T, B, H]
    const flat = tf.reshape(h, [T * B, this.config.units]); // [T*B, H]
    return tf.add(tf.matMul(flat, this.outputKernel), this.outputBias) as tf.Tensor2D; // [T*B, V]
  }

  /** Runs one sequence step by step and reads everything back at once. */
  async probe(ids: readonly number[], k = 5): Promise<LmProbe> {
    if (ids.length === 0) throw new Error('probe: empty sequence');
    const T = ids.length;
    const V = this.config.vocabSize;
    for (const id of ids) if (!(id >= 0 && id < V)) throw new Error(`probe: token id ${id} outside vocabulary of ${V}`);
    const topK = Math.min(k, V);
    const [states, topVals, topIdx] = tf.tidy(() => {
      const x = tf.reshape(tf.gather(this.embedding, tf.tensor1d(ids as number[], 'int32')), [T, 1, this.config.embeddingSize]); // [T, 1, E]
      const s = this.cell.probe(x as tf.Tensor3D); // [T, keys*H]
      const h = tf.slice(s, [0, 0], [T, this.config.units]); // [T, H]
      const probs = tf.softmax(tf.add(tf.matMul(h, this.outputKernel), this.outputBias)); // [T, V]
      const top = tf.topk(probs, topK);
      return [s, top.values, top.indices];
    });
    try {
      // Read back outside tidy: returning typed arrays from tidy makes it walk every element.
      const [sd, pv, pi] = await Promise.all([states.data(), topVals.data(), topIdx.data()]);
      return {
        states: sd as Float32Array,
        stateKeys: this.cell.stateKeys,
        units: this.config.units,
        topIds: pi as Int32Array,
        topProbs: pv as Float32Array,
        k: topK,
      };
    } finally {
      tf.dispose([states, topVals, topIdx]);
    }
  }

  /** ‖∂(Σ h_T)/∂h_t‖ for each step of a sequence (see gradientNorms in cell.ts). */
  async gradientNorms(ids: readonly number[]): Promise<Float32Array> {
    const x = tf.tidy(() => tf.reshape(tf.gather(this.embedding, tf.tensor1d(ids as number[], 'int32')), [ids.length, 1, this.config.embeddingSize]) as tf.Tensor3D);
    try {
      return await gradientNorms(this.cell, x);
    } finally {
      x.dispose();
    }
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }
}

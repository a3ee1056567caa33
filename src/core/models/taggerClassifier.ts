/**
 * Two heads on one recurrent encoder, so one text shows both ways of reading a
 * recurrent network's outputs:
 *   tagging         an output at every step (part of speech, named entities): softmax(W_t h_t)
 *   classification  one output from the last state (sentiment, language): softmax(W_c h_T)
 * The encoder is any of the cells (RNN tanh/sigmoid, LSTM, GRU); padding is
 * masked, so h_T is each sequence's own last state.
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentKind } from '../../protocol/trace';
import { Rng } from '../random';
import { RecurrentCell, uniformInit, variable, assignWeights } from './cell';
import { makeCell } from './languageModel';

export interface TaggerClassifierConfig {
  cell: RecurrentKind;
  activation?: 'tanh' | 'sigmoid';
  vocabSize: number;
  embeddingSize: number;
  units: number;
  /** Number of tags (0: no tagging head). */
  tags: number;
  /** Number of classes (0: no classification head). */
  classes: number;
}

export interface HeadsBatch {
  ids: Int32Array; // [B, T], 0 = padding
  tags?: Int32Array; // [B, T]
  labels?: Int32Array; // [B]
  batchSize: number;
  length: number;
}

export interface HeadsOutput {
  /** [T, tags] probabilities per step (empty without a tagging head). */
  tagProbs: Float32Array;
  /** [classes] from the last state (empty without a classification head). */
  classProbs: Float32Array;
  /** [T, classes]: the classification head read at every step, showing how the decision forms. */
  classProbsPerStep: Float32Array;
}

export class TaggerClassifier {
  readonly cell: RecurrentCell;
  readonly weights: Record<string, tf.Variable>;

  constructor(
    readonly config: TaggerClassifierConfig,
    seed = 1,
  ) {
    const { vocabSize: V, embeddingSize: E, units: H, tags, classes } = config;
    if (!(V > 4 && E > 0 && H > 0 && tags >= 0 && classes >= 0 && tags + classes > 0)) throw new Error(`tagger/classifier: bad sizes ${JSON.stringify(config)}`);
    const rng = new Rng(seed);
    const embedding = variable(rng.uniformArray(V * E, -0.1, 0.1), [V, E]);
    this.cell = makeCell({ cell: config.cell, activation: config.activation, vocabSize: V, embeddingSize: E, units: H }, rng);
    this.weights = { 'embedding/embeddings': embedding, ...this.cell.weights };
    if (tags > 0) {
      this.weights['tagger/kernel'] = uniformInit(rng, [H, tags], H);
      this.weights['tagger/bias'] = variable(new Float32Array(tags), [tags]);
    }
    if (classes > 0) {
      this.weights['classifier/kernel'] = uniformInit(rng, [H, classes], H);
      this.weights['classifier/bias'] = variable(new Float32Array(classes), [classes]);
    }
  }

  setWeights(named: Record<string, tf.Tensor>): void {
    assignWeights(this.weights, named);
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }

  /** States for ids [B, T]: every step's h [T, B, H] and each sequence's last real state [B, H]. */
  private encode(ids: tf.Tensor2D) {
    const [B, T] = ids.shape;
    const mask = tf.cast(tf.notEqual(tf.transpose(ids), 0), 'float32') as tf.Tensor2D; // [T, B]
    const x = tf.gather(this.weights['embedding/embeddings'], tf.transpose(ids)) as tf.Tensor3D; // [T, B, E]
    const hs = this.cell.forward(x, mask); // [T, B, H]; padded steps keep the state
    const last = tf.reshape(tf.slice(hs, [T - 1, 0, 0], [1, B, this.config.units]), [B, this.config.units]) as tf.Tensor2D;
    return { hs, last, mask };
  }

  /** Tagging logits [T*B, tags] (time-major rows) and classification logits [B, classes]. */
  logits(ids: tf.Tensor2D): { tags?: tf.Tensor2D; classes?: tf.Tensor2D; mask: tf.Tensor2D } {
    const [B, T] = ids.shape;
    const { hs, last, mask } = this.encode(ids);
    const w = this.weights;
    const tags = w['tagger/kernel'] ? (tf.add(tf.matMul(tf.reshape(hs, [T * B, this.config.units]), w['tagger/kernel']), w['tagger/bias']) as tf.Tensor2D) : undefined;
    const classes = w['classifier/kernel'] ? (tf.add(tf.matMul(last, w['classifier/kernel']), w['classifier/bias']) as tf.Tensor2D) : undefined;
    return { tags, classes, mask };
  }

  /** The encoder's per-step states for one sequence: [T, stateKeys.length * units] (see RecurrentCell.probe). */
  async probeStates(ids: readonly number[]): Promise<Float32Array> {
    const t = tf.tidy(() => this.cell.probe(tf.reshape(tf.gather(this.weights['embedding/embeddings'], tf.tensor1d(ids as number[], 'int32')), [ids.length, 1, this.config.embeddingSize]) as tf.Tensor3D));
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  }

  /** Both heads for one sequence, read back. */
  async read(ids: readonly number[]): Promise<HeadsOutput> {
    const T = ids.length;
    if (T === 0) throw new Error('tagger/classifier: empty sequence');
    const w = this.weights;
    const [tagP, clsP, clsSteps] = tf.tidy(() => {
      const { hs } = this.encode(tf.tensor2d([ids as number[]], [1, T], 'int32'));
      const flat = tf.reshape(hs, [T, this.config.units]); // [T, H] (batch 1)
      const tagProbs = w['tagger/kernel'] ? tf.softmax(tf.add(tf.matMul(flat, w['tagger/kernel']), w['tagger/bias'])) : tf.zeros([0]);
      const stepClasses = w['classifier/kernel'] ? tf.softmax(tf.add(tf.matMul(flat, w['classifier/kernel']), w['classifier/bias'])) : tf.zeros([0, 0]);
      const lastClasses = w['classifier/kernel'] ? tf.slice(stepClasses, [T - 1, 0], [1, -1]) : tf.zeros([0]);
      return [tagProbs, lastClasses, stepClasses];
    });
    try {
      const [a, b, c] = await Promise.all([tagP.data(), clsP.data(), clsSteps.data()]);
      return { tagProbs: a as Float32Array, classProbs: b as Float32Array, classProbsPerStep: c as Float32Array };
    } finally {
      tf.dispose([tagP, clsP, clsSteps]);
    }
  }
}

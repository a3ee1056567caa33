/**
 * One recurrent encoder trained with both heads at once: a tag at every step and a label from the
 * last state (the sum of the two cross-entropies). The embedded tagger + classifier defaults are
 * made this way from the project's sentiment grammar, one per cell type, so the timestep panel can
 * show one text read both ways by the same states.
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentKind } from '../../protocol/trace';
import { splitPairs } from '../data/pairs';
import { HeadsBatch, TaggerClassifier, TaggerClassifierConfig } from '../models/taggerClassifier';
import { Rng } from '../random';
import { Vocab } from '../vocab';
import { maskedSparseCrossEntropy } from './losses';
import { train } from './trainer';

export interface JointExample {
  words: string[];
  tags: string[];
  label: string;
}

export interface JointHeadsOptions {
  cell: RecurrentKind;
  activation?: 'tanh' | 'sigmoid';
  embeddingSize: number;
  units: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  validation: number;
  test: number;
  onEpoch?: (epoch: number, metrics: Record<string, number>) => void;
}

export interface JointHeadsResult {
  model: TaggerClassifier;
  vocab: Vocab;
  tagNames: string[];
  classNames: string[];
  /** Held-out test accuracy of each head (tags over real words, labels over sentences). */
  metrics: { tagAccuracy: number; classAccuracy: number; testSentences: number; seconds: number };
}

export async function trainJointHeads(examples: readonly JointExample[], o: JointHeadsOptions): Promise<JointHeadsResult> {
  const split = splitPairs(examples, o.seed, o.validation, o.test);
  const vocab = Vocab.build(split.train.map((e) => e.words));
  const tagNames = [...new Set(examples.flatMap((e) => e.tags))].sort();
  const classNames = [...new Set(examples.map((e) => e.label))].sort();
  const config: TaggerClassifierConfig = { cell: o.cell, activation: o.cell === 'rnn' ? (o.activation ?? 'tanh') : undefined, vocabSize: vocab.size, embeddingSize: o.embeddingSize, units: o.units, tags: tagNames.length, classes: classNames.length };
  const model = new TaggerClassifier(config, o.seed);
  const toBatch = (group: readonly JointExample[]): HeadsBatch => {
    const T = Math.max(...group.map((e) => e.words.length));
    const ids = new Int32Array(group.length * T);
    const tags = new Int32Array(group.length * T);
    group.forEach((e, b) =>
      e.words.forEach((w, t) => {
        ids[b * T + t] = vocab.id(w);
        tags[b * T + t] = tagNames.indexOf(e.tags[t]);
      }),
    );
    return { ids, tags, labels: Int32Array.from(group.map((e) => classNames.indexOf(e.label))), batchSize: group.length, length: T };
  };
  /** Both losses, and correct counts, for a batch. */
  const evaluate = (b: HeadsBatch) => {
    const outs = model.logits(tf.tensor2d(b.ids, [b.batchSize, b.length], 'int32'));
    const tagLabels = tf.reshape(tf.transpose(tf.tensor2d(b.tags!, [b.batchSize, b.length], 'int32')), [-1]) as tf.Tensor1D; // time-major, as the logits
    const mask = tf.reshape(outs.mask, [-1]) as tf.Tensor1D;
    const labels = tf.tensor1d(b.labels!, 'int32');
    return {
      loss: tf.add(maskedSparseCrossEntropy(outs.tags!, tagLabels, mask), maskedSparseCrossEntropy(outs.classes!, labels, tf.ones([b.batchSize]) as tf.Tensor1D)) as tf.Scalar,
      tagCorrect: tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(outs.tags!, 1), tagLabels), 'float32'), mask)),
      tagTotal: tf.sum(mask),
      classCorrect: tf.sum(tf.cast(tf.equal(tf.argMax(outs.classes!, 1), labels), 'float32')),
    };
  };
  const score = async (items: readonly JointExample[]) => {
    let loss = 0;
    let tagCorrect = 0;
    let tagTotal = 0;
    let classCorrect = 0;
    for (let i = 0; i < items.length; i += 256) {
      const b = toBatch(items.slice(i, i + 256));
      const r = tf.tidy(() => {
        const e = evaluate(b);
        return [e.loss, e.tagCorrect, e.tagTotal, e.classCorrect].map((t) => t.dataSync()[0]);
      });
      loss += r[0] * b.batchSize;
      tagCorrect += r[1];
      tagTotal += r[2];
      classCorrect += r[3];
    }
    return { loss: loss / items.length, tagAccuracy: tagCorrect / tagTotal, classAccuracy: classCorrect / items.length };
  };
  const rng = new Rng(o.seed);
  let best: Record<string, tf.Tensor> | undefined;
  const r = await train<HeadsBatch>({
    epochs: o.epochs,
    learningRate: o.learningRate,
    clipNorm: 5,
    batches: () => {
      const order = rng.shuffle([...split.train.keys()]);
      const out: HeadsBatch[] = [];
      for (let i = 0; i < order.length; i += o.batchSize) out.push(toBatch(order.slice(i, i + o.batchSize).map((k) => split.train[k])));
      return out;
    },
    tokensIn: (b) => b.batchSize * b.length,
    variables: Object.values(model.weights),
    loss: (b) => evaluate(b).loss,
    validate: async (epoch) => {
      const m = await score(split.validation);
      o.onEpoch?.(epoch, m);
      return m;
    },
    onImproved: async () => {
      tf.dispose(Object.values(best ?? {}));
      best = Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, tf.clone(v)]));
    },
  });
  if (best) {
    model.setWeights(best);
    tf.dispose(Object.values(best));
  }
  const test = await score(split.test);
  return { model, vocab, tagNames, classNames, metrics: { tagAccuracy: test.tagAccuracy, classAccuracy: test.classAccuracy, testSentences: split.test.length, seconds: r.seconds } };
}

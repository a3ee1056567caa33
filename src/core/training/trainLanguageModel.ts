/**
 * Trains a LanguageModel on tokenised sentences: next-word prediction with
 * padding masks, Adam, gradient clipping by global norm, a seeded shuffle, and
 * every step inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import type { LanguageModel } from '../models/languageModel';
import { Rng } from '../random';
import { BOS_ID, EOS_ID, PAD_ID, Vocab } from '../vocab';
import { maskedSparseCrossEntropy } from './losses';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Global gradient norm above which gradients are scaled down. */
  clipNorm: number;
  seed: number;
  /** Longest sentence used, in tokens (longer ones are cut). */
  maxLength: number;
  onProgress?: (p: { epoch: number; step: number; steps: number; loss: number; tokensPerSecond: number }) => void;
  /** Checked between steps; true stops training after the current step. */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  losses: number[];
  finalLoss: number;
  steps: number;
  tokens: number;
  seconds: number;
}

/** Pads a batch of id sequences into inputs, targets and a mask, each [B, T]. */
export function makeBatch(sequences: number[][], maxLength: number) {
  const seqs = sequences.map((s) => [BOS_ID, ...s.slice(0, maxLength - 1), EOS_ID]);
  const T = Math.max(...seqs.map((s) => s.length)) - 1;
  const B = seqs.length;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  seqs.forEach((s, b) => {
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = t < s.length - 1 ? s[t] : PAD_ID;
      targets[b * T + t] = t < s.length - 1 ? s[t + 1] : PAD_ID;
      mask[b * T + t] = t < s.length - 1 ? 1 : 0;
    }
  });
  return { inputs, targets, mask, B, T };
}

export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    const out: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return out;
  });
}

/** Any next-word model the trainer can fit: its variables, and time-major logits [T*B, V] for ids [B, T] (the recurrent LanguageModel, the TransformerLanguageModel). */
export type TrainableLanguageModel = Pick<LanguageModel, 'weights' | 'logits'>;

export async function trainLanguageModel(model: TrainableLanguageModel, sentences: string[][], vocab: Vocab, options: TrainOptions): Promise<TrainResult> {
  if (sentences.length === 0) throw new Error('training: the corpus has no sentences');
  const rng = new Rng(options.seed);
  const data = sentences.map((s) => vocab.ids(s));
  const optimizer = tf.train.adam(options.learningRate);
  const variables = model.weights;
  const losses: number[] = [];
  const stepsPerEpoch = Math.ceil(data.length / options.batchSize);
  const steps = options.epochs * stepsPerEpoch;
  let step = 0;
  let tokens = 0;
  const t0 = Date.now();
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = rng.shuffle([...data.keys()]);
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (options.shouldStop?.()) return finish();
        const batch = makeBatch(order.slice(s * options.batchSize, (s + 1) * options.batchSize).map((i) => data[i]), options.maxLength);
        const lossTensor = tf.tidy(() => {
          const ids = tf.tensor2d(batch.inputs, [batch.B, batch.T], 'int32');
          // Targets and mask in the time-major order of the logits' rows.
          const targets = tf.reshape(tf.transpose(tf.tensor2d(batch.targets, [batch.B, batch.T], 'int32')), [-1]) as tf.Tensor1D;
          const mask = tf.reshape(tf.transpose(tf.tensor2d(batch.mask, [batch.B, batch.T])), [-1]) as tf.Tensor1D;
          const { value, grads } = tf.variableGrads(() => maskedSparseCrossEntropy(model.logits(ids), targets, mask), Object.values(variables));
          optimizer.applyGradients(clipByGlobalNorm(grads, options.clipNorm) as tf.NamedTensorMap as unknown as Record<string, tf.Variable>);
          return value;
        });
        const loss = (await lossTensor.data())[0];
        lossTensor.dispose();
        // Yield to the event loop, so a cancel message (in the worker) lands before the next step.
        await new Promise((r) => setImmediate(r));
        losses.push(loss);
        step++;
        tokens += batch.mask.reduce((a, b) => a + b, 0);
        if (options.onProgress && (step % 20 === 0 || step === steps)) {
          const seconds = (Date.now() - t0) / 1000;
          options.onProgress({ epoch, step, steps, loss, tokensPerSecond: tokens / Math.max(seconds, 1e-9) });
        }
      }
    }
    return finish();
  } finally {
    optimizer.dispose();
  }

  function finish(): TrainResult {
    const tail = losses.slice(-50);
    return {
      losses,
      finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(tail.length, 1),
      steps: step,
      tokens,
      seconds: (Date.now() - t0) / 1000,
    };
  }
}

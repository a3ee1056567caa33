/**
 * Sampled softmax (src/core/training/sampledSoftmax.ts): the candidate set, the
 * unbiasedness of its normaliser, and the training loss it gives, checked
 * against the loss computed here in float64 from the model's full logits.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { makePairBatch } from '../../src/core/data/pairs';
import { Seq2Seq } from '../../src/core/models/seq2seq';
import { Transformer } from '../../src/core/models/transformer';
import { Rng } from '../../src/core/random';
import { sampleCandidates } from '../../src/core/training/sampledSoftmax';
import { translationLoss, type TranslationModel } from '../../src/core/training/trainTranslation';
import { reversalData, trainOnPairs, useWasm } from './helpers';

before(useWasm);

test('candidates hold every label word once, then distinct others, and the labels are remapped onto them', () => {
  const labels = [7, 3, 7, 0, 9, 3];
  const c = sampleCandidates(labels, 20, 8, new Rng(1));
  assert.equal(c.labelWords, 4); // 7, 3, 0, 9
  assert.deepEqual(Array.from(c.ids.slice(0, 4)), [7, 3, 0, 9]);
  assert.equal(c.ids.length, 8);
  assert.equal(new Set(c.ids).size, 8, 'no word twice');
  for (const id of c.ids) assert.ok(id >= 0 && id < 20);
  labels.forEach((y, i) => assert.equal(c.ids[c.labels[i]], y));
  // log(R / m): 16 others, 4 drawn.
  assert.deepEqual(Array.from(c.correction.slice(0, 4)), [0, 0, 0, 0]);
  for (const v of c.correction.slice(4)) assert.ok(Math.abs(v - Math.log(16 / 4)) < 1e-6);
  // More distinct labels than the size: all of them, nothing drawn.
  const all = sampleCandidates([1, 2, 3, 4, 5], 20, 3, new Rng(1));
  assert.equal(all.ids.length, 5);
  // The whole vocabulary: no correction at all.
  const whole = sampleCandidates([2, 2], 6, 100, new Rng(1));
  assert.deepEqual([...whole.ids].sort(), [0, 1, 2, 3, 4, 5]);
  assert.ok(whole.correction.every((v) => v === 0));
  assert.throws(() => sampleCandidates([20], 20, 8, new Rng(1)), /outside the vocabulary/);
  assert.throws(() => sampleCandidates([0], 0, 8, new Rng(1)), /vocabulary size/);
});

test('the sampled normaliser is unbiased: its mean over many draws is the full softmax normaliser', () => {
  const V = 12;
  const logits = Array.from({ length: V }, (_, v) => Math.sin(v * 1.7) * 2 + (v === 4 ? 3 : 0));
  const Z = logits.reduce((s, l) => s + Math.exp(l), 0);
  const rng = new Rng(3);
  const draws = 20000;
  let mean = 0;
  const seen = new Array(V).fill(0);
  for (let i = 0; i < draws; i++) {
    const c = sampleCandidates([4, 9], V, 5, rng);
    let zHat = 0;
    c.ids.forEach((id, k) => {
      zHat += Math.exp(logits[id] + c.correction[k]);
      seen[id]++;
    });
    mean += zHat / draws;
  }
  assert.ok(Math.abs(mean - Z) / Z < 0.01, `mean Ẑ ${mean} vs Z ${Z}`);
  // Each of the 10 others is drawn with probability 3/10.
  for (let v = 0; v < V; v++) if (v !== 4 && v !== 9) assert.ok(Math.abs(seen[v] / draws - 0.3) < 0.02, `word ${v} drawn ${seen[v] / draws}`);
});

/** The masked mean of −l_y + log Ẑ over the batch's rows, in float64, from the model's full logits. */
function referenceLoss(full: Float32Array, V: number, labels: Int32Array, size: number, seed: number): number {
  const c = sampleCandidates(labels, V, size, new Rng(seed));
  let sum = 0;
  let count = 0;
  labels.forEach((y, r) => {
    if (y === 0) return;
    let zHat = 0;
    c.ids.forEach((id, k) => (zHat += Math.exp(full[r * V + id] + c.correction[k])));
    sum += -full[r * V + y] + Math.log(zHat);
    count++;
  });
  return sum / count;
}

function timeMajorLabels(target: Int32Array, B: number, T: number): Int32Array {
  const out = new Int32Array((T - 1) * B);
  for (let t = 1; t < T; t++) for (let b = 0; b < B; b++) out[(t - 1) * B + b] = target[b * T + t];
  return out;
}

for (const kind of ['seq2seq', 'transformer'] as const) {
  test(`${kind}: the training loss with sampled softmax is −l_y + log Ẑ over the candidates; with every word a candidate it is the full loss`, () => {
    const V = 4 + 36;
    const model: TranslationModel =
      kind === 'seq2seq'
        ? new Seq2Seq({ attention: 'dot', sourceVocabSize: V, targetVocabSize: V, embeddingSize: 12, units: 16 }, 5)
        : new Transformer({ sourceVocabSize: V, targetVocabSize: V, dModel: 16, heads: 2, dFF: 32, encoderLayers: 1, decoderLayers: 1, maxLength: 16 }, 5);
    const batch = makePairBatch(reversalData(8, 11, 36, 3, 4));
    const labels = timeMajorLabels(batch.target, batch.batchSize, batch.targetLength);
    const full = tf.tidy(() => model.trainingLogits(batch, 1, new Rng(0)).dataSync() as Float32Array);
    for (const size of [10, 24]) {
      const got = tf.tidy(() => translationLoss(model, batch, 1, new Rng(42), size).dataSync()[0]);
      const want = referenceLoss(full, V, labels, size, 42);
      assert.ok(Math.abs(got - want) < 1e-4, `size ${size}: loss ${got} vs reference ${want}`);
    }
    // Every word a candidate (in a shuffled order): the full softmax's loss exactly.
    const fullLoss = tf.tidy(() => translationLoss(model, batch, 1, new Rng(0)).dataSync()[0]);
    const whole = sampleCandidates(labels, V, V, new Rng(9));
    const wholeLoss = tf.tidy(() => {
      const logits = model.trainingLogits(batch, 1, new Rng(0), whole);
      const lse = tf.logSumExp(logits, 1);
      const picked = tf.gatherND(logits, tf.tensor2d(Array.from(whole.labels, (l, r) => [r, l]), [labels.length, 2], 'int32'));
      const mask = tf.tensor1d(Array.from(labels, (y) => (y === 0 ? 0 : 1)));
      return tf.div(tf.sum(tf.mul(tf.sub(lse, picked), mask)), tf.sum(mask)).dataSync()[0];
    });
    assert.ok(Math.abs(wholeLoss - fullLoss) < 1e-5, `all candidates ${wholeLoss} vs full ${fullLoss}`);
    // A candidate count at or above the vocabulary is the full softmax.
    assert.equal(tf.tidy(() => translationLoss(model, batch, 1, new Rng(0), V).dataSync()[0]), fullLoss);
    model.dispose();
  });
}

test('a seq2seq trained with sampled softmax (16 of 68 words a batch) still learns to reverse, decoded with the full softmax', async () => {
  const SYMBOLS = 64;
  const V = 4 + SYMBOLS;
  const model = new Seq2Seq({ attention: 'dot', sourceVocabSize: V, targetVocabSize: V, embeddingSize: 24, units: 48 }, 3);
  const data = reversalData(500 * 32, 1, SYMBOLS, 3, 3);
  const rng = new Rng(2);
  // trainOnPairs' loss with the sampled softmax switched on: the same batches and optimiser as the seq2seq tests.
  await trainOnPairs(model, data, { steps: 500, learningRate: 0.01, clipNorm: 5, rng, sampled: 16 });
  let correct = 0;
  const tests = reversalData(40, 99, SYMBOLS, 3, 3);
  for (const { source, target } of tests) if ((await model.decode(source)).ids.join() === target.join()) correct++;
  assert.ok(correct >= 30, `reversed ${correct}/40 exactly`);
  model.dispose();
});

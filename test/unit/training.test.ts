import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { generateCorpus } from '../../src/core/data/grammar';
import { LanguageModel } from '../../src/core/models/languageModel';
import { maskedSparseCrossEntropy } from '../../src/core/training/losses';
import { scheduledRate, train } from '../../src/core/training/trainer';
import { clipByGlobalNorm, makeBatch, trainLanguageModel } from '../../src/core/training/trainLanguageModel';
import { Vocab } from '../../src/core/vocab';
import { assertClose, useWasm } from './helpers';

before(useWasm);

test('masked cross-entropy: value by hand, padding ignored, gradient = (softmax − onehot)·mask/count', async () => {
  const logits = tf.tensor2d([
    [1, 2, 3],
    [0, 0, 0],
    [5, -5, 0],
  ]);
  const labels = tf.tensor1d([2, 0, 1], 'int32');
  const mask = tf.tensor1d([1, 1, 0]);
  // Row 0: -log(e^3/(e+e^2+e^3)) = 0.40760596; row 1: log 3 = 1.09861229; row 2 masked out.
  const loss = maskedSparseCrossEntropy(logits, labels, mask);
  assertClose(await loss.data(), [(0.40760596444 + 1.09861228867) / 2], 1e-6, 'loss');
  const g = tf.grad((l: tf.Tensor) => maskedSparseCrossEntropy(l as tf.Tensor2D, labels, mask))(logits);
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const s = e[0] + e[1] + e[2];
  assertClose(
    await g.data(),
    [e[0] / s / 2, e[1] / s / 2, (e[2] / s - 1) / 2, (1 / 3 - 1) / 2, 1 / 3 / 2, 1 / 3 / 2, 0, 0, 0],
    1e-6,
    'gradient',
  );
  // Agrees with tfjs's own loss on the unmasked rows.
  const ref = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3), logits.slice([0, 0], [2, 3]));
  assertClose(await loss.data(), await ref.data(), 1e-6, 'vs tf.losses');
  tf.dispose([logits, labels, mask, loss, g, ref]);
});

test('makeBatch adds <s> and </s>, pads with 0 and masks the padding', () => {
  const b = makeBatch([[5, 6], [7]], 10);
  assert.equal(b.T, 3);
  assert.deepEqual(Array.from(b.inputs), [2, 5, 6, 2, 7, 0]);
  assert.deepEqual(Array.from(b.targets), [5, 6, 3, 7, 3, 0]);
  assert.deepEqual(Array.from(b.mask), [1, 1, 1, 1, 1, 0]);
});

test('clipByGlobalNorm scales to the clip norm only when above it', async () => {
  const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }; // norm 5
  const c = clipByGlobalNorm(g, 1);
  assertClose([...(await c.a.data()), ...(await c.b.data())], [0.6, 0, 0, 0.8], 1e-6, 'clipped');
  const u = clipByGlobalNorm(g, 10);
  assertClose([...(await u.a.data()), ...(await u.b.data())], [3, 0, 0, 4], 1e-6, 'unclipped');
  tf.dispose([g.a, g.b, c.a, c.b, u.a, u.b]);
});

for (const cell of ['lstm', 'gru', 'rnn'] as const) {
  test(`${cell} language model: loss falls, runs repeat exactly, no tensors leak over 100 steps`, async () => {
    const corpus = generateCorpus(1600, 5);
    const vocab = Vocab.build(corpus);
    const config = { cell, vocabSize: vocab.size, embeddingSize: 8, units: 12 };
    const opts = { epochs: 4, batchSize: 64, learningRate: 0.02, clipNorm: 5, seed: 3, maxLength: 20 };
    const model = new LanguageModel(config, 1);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const r1 = await trainLanguageModel(model, corpus, vocab, { ...opts, onProgress: () => counts.push(tf.memory().numTensors) });
    assert.equal(r1.steps, 100);
    assert.equal(tf.memory().numTensors, before, 'tensors after training');
    assert.ok(new Set(counts).size === 1, `tensor count changed during training: ${counts.join(',')}`);
    const first = r1.losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    assert.ok(first > Math.log(vocab.size) - 0.5, `initial loss ${first} near log(V) = ${Math.log(vocab.size)}`);
    assert.ok(r1.finalLoss < first - 1.5, `loss fell from ${first} to ${r1.finalLoss}`);
    const again = new LanguageModel(config, 1);
    const r2 = await trainLanguageModel(again, corpus, vocab, opts);
    assert.deepEqual(r2.losses, r1.losses, 'same seed, same losses');
    model.dispose();
    again.dispose();
  });
}

test('training stops when asked, and refuses an empty corpus', async () => {
  const corpus = generateCorpus(200, 1);
  const vocab = Vocab.build(corpus);
  const model = new LanguageModel({ cell: 'gru', vocabSize: vocab.size, embeddingSize: 4, units: 4 }, 1);
  let n = 0;
  const r = await trainLanguageModel(model, corpus, vocab, { epochs: 5, batchSize: 8, learningRate: 0.01, clipNorm: 5, seed: 1, maxLength: 16, shouldStop: () => ++n > 3 });
  assert.equal(r.steps, 3);
  await assert.rejects(trainLanguageModel(model, [], vocab, { epochs: 1, batchSize: 8, learningRate: 0.01, clipNorm: 5, seed: 1, maxLength: 16 }), /no sentences/);
  model.dispose();
});

test('linear learning-rate schedule: falls from the base rate to a 5% floor over the run', () => {
  assert.equal(scheduledRate(0.01, 'constant', 0.9), 0.01);
  assert.equal(scheduledRate(0.01, undefined, 0.9), 0.01);
  assertClose([scheduledRate(0.01, 'linear', 0), scheduledRate(0.01, 'linear', 0.5), scheduledRate(0.01, 'linear', 0.97), scheduledRate(0.01, 'linear', 3)], [0.01, 0.005, 0.0005, 0.0005], 1e-12, 'rates');
});

test('the ETA counts down the time limit when the limit comes before the last epoch', async () => {
  const w = tf.variable(tf.scalar(3));
  const etas: number[] = [];
  let n = 0;
  const r = await train({
    epochs: 100_000,
    learningRate: 0.01,
    clipNorm: 5,
    batches: () => Array.from({ length: 50 }, (_, i) => i),
    tokensIn: () => 1,
    loss: () => tf.square(w) as tf.Scalar,
    variables: [w],
    progressEvery: 5,
    timeLimitSeconds: 60,
    shouldStop: () => ++n > 40,
    onProgress: (p) => etas.push(p.etaSeconds),
  });
  assert.equal(r.stoppedBy, 'cancelled');
  assert.ok(etas.length >= 8, `${etas.length} progress reports`);
  // 5,000,000 steps at thousands a second would take far longer than the 60 s limit; the limit wins.
  for (const e of etas) assert.ok(e <= 60 && e > 55, `ETA ${e} s with a 60 s limit`);
  w.dispose();
});

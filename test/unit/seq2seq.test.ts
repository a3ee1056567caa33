/**
 * Seq2seq with and without attention on a task whose alignment is known:
 * reversing a sequence of symbols. The attention of output step t must point at
 * source position S-1-t; beam search with K = 1 must equal greedy decoding.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { makePairBatch, EncodedPair } from '../../src/core/data/pairs';
import { AttentionKind, Seq2Seq } from '../../src/core/models/seq2seq';
import { Rng } from '../../src/core/random';
import { translationLoss } from '../../src/core/training/trainTranslation';
import { reversalData, trainOnPairs, useWasm } from './helpers';

before(useWasm);

const SYMBOLS = 12; // ids 4..15
const reversal = (n: number, seed: number): EncodedPair[] => reversalData(n, seed, SYMBOLS, 3, 4);

async function trainReversal(attention: AttentionKind, steps: number, teacherForcing = 1): Promise<Seq2Seq> {
  const model = new Seq2Seq({ attention, sourceVocabSize: 4 + SYMBOLS, targetVocabSize: 4 + SYMBOLS, embeddingSize: 16, units: 48 }, 3);
  await trainOnPairs(model, reversal(steps * 32, 1), { steps, learningRate: 0.01, clipNorm: 5, teacherForcing, rng: new Rng(2) });
  return model;
}

test('dot attention learns to reverse, and its attention points at the mirrored source position', async () => {
  const model = await trainReversal('dot', 400);
  const tests = reversal(40, 99);
  let correct = 0;
  let aligned = 0;
  let cells = 0;
  for (const { source, target } of tests) {
    const d = await model.decode(source);
    if (d.ids.join() === target.join()) correct++;
    assert.equal(d.attention.length, d.ids.length);
    d.attention.forEach((row, t) => {
      assert.equal(row.length, source.length);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'attention weights sum to 1');
      if (t < source.length) {
        cells++;
        if (row.indexOf(Math.max(...row)) === source.length - 1 - t) aligned++;
      }
    });
  }
  assert.ok(correct >= 32, `reversed ${correct}/40 exactly`);
  assert.ok(aligned / cells > 0.9, `attention on the mirrored position ${aligned}/${cells}`);
  model.dispose();
});

test('additive attention learns the same task; beam search with K=1 equals greedy; wider beams are no worse', async () => {
  const model = await trainReversal('additive', 400);
  for (const { source } of reversal(15, 7)) {
    const greedy = await model.decode(source);
    const beam1 = await model.beamSearch(source, 1);
    assert.deepEqual(beam1.ids, greedy.ids);
    assert.ok(Math.abs(beam1.logProb - greedy.logProb) < 1e-4, `log-prob ${beam1.logProb} vs ${greedy.logProb}`);
    assert.deepEqual(beam1.attention.map((r) => r.map((v) => v.toFixed(5))), greedy.attention.map((r) => r.map((v) => v.toFixed(5))));
    const beam4 = await model.beamSearch(source, 4);
    assert.ok(beam4.logProb >= greedy.logProb - 1e-4, `beam 4 log-prob ${beam4.logProb} < greedy ${greedy.logProb}`);
  }
  model.dispose();
});

test('without attention: one context vector, no attention rows; teacher-forced decoding scores the reference', async () => {
  const model = new Seq2Seq({ attention: 'none', sourceVocabSize: 16, targetVocabSize: 16, embeddingSize: 8, units: 16 }, 1);
  const src = [5, 6, 7];
  const free = await model.decode(src, { maxLength: 5 });
  assert.ok(free.attention.every((r) => r.length === 0));
  assert.equal(free.contexts[0].length, 16);
  // Every step's context is the same vector: the encoder's last state.
  for (const c of free.contexts) assert.deepEqual(c, free.contexts[0]);
  const forced = await model.decode(src, { forced: [9, 10] });
  assert.equal(forced.ids.length, 2, 'one prediction per reference word');
  assert.ok(forced.logProb < 0);
  model.dispose();
});

test('scheduled sampling: a ratio below 1 still trains, and nothing leaks over training', async () => {
  const before = tf.memory().numTensors;
  const model = await trainReversal('dot', 60, 0.5);
  const after = tf.memory().numTensors;
  assert.equal(after - before, Object.keys(model.weights).length, 'only the weights remain');
  model.dispose();
});

test('teacher-forced training (all steps at once) scores a batch exactly as step-by-step forced decoding does, for every attention kind', async () => {
  for (const attention of ['none', 'additive', 'dot'] as const) {
    const model = new Seq2Seq({ attention, sourceVocabSize: 20, targetVocabSize: 20, embeddingSize: 8, units: 12, tieEmbeddings: attention === 'dot' }, 5);
    const pairs: EncodedPair[] = [
      { source: [5, 6, 7, 8], target: [9, 10, 11] },
      { source: [12, 13], target: [14, 15, 16, 17, 18] },
    ];
    // Batch loss: mean over real target tokens (with </s>) of −log p.
    const batchLoss = tf.tidy(() => translationLoss(model, makePairBatch(pairs), 1, new Rng(1)).dataSync()[0]);
    let sum = 0;
    let tokens = 0;
    for (const p of pairs) {
      const d = await model.decode(p.source, { forced: p.target }); // one step per word, then </s>
      sum -= d.logProb;
      tokens += p.target.length + 1;
    }
    assert.ok(Math.abs(batchLoss - sum / tokens) < 1e-5, `${attention}: batch loss ${batchLoss} vs forced decoding ${sum / tokens}`);
    model.dispose();
  }
});

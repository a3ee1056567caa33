/**
 * The Transformer on a task whose answer is known (reversing a sequence), its
 * probe (positional encodings, Q, K, V and weights of every head), and the
 * causal mask (a decoder position never attends to a later one).
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { makePairBatch, EncodedPair } from '../../src/core/data/pairs';
import { Transformer, TRANSFORMER_PRESETS } from '../../src/core/models/transformer';
import { reversalData, trainOnPairs, useWasm } from './helpers';

before(useWasm);

const SYMBOLS = 10;
const reversal = (n: number, seed: number): EncodedPair[] => reversalData(n, seed, SYMBOLS, 3, 3);

test('learns to reverse sequences; cross-attention of output t points at source S-1-t', async () => {
  const model = new Transformer({ ...TRANSFORMER_PRESETS.tiny, sourceVocabSize: 4 + SYMBOLS, targetVocabSize: 4 + SYMBOLS }, 2);
  const data = reversal(300 * 32, 1);
  const before = tf.memory().numTensors;
  await trainOnPairs(model, data, { steps: 300, learningRate: 0.003, clipNorm: 1 });
  assert.equal(tf.memory().numTensors, before, 'training leaks no tensors');
  let correct = 0;
  let aligned = 0;
  let cells = 0;
  for (const { source, target } of reversal(30, 77)) {
    const d = await model.decode(source);
    if (d.ids.join() === target.join()) correct++;
    d.attention.forEach((row, t) => {
      if (t >= source.length) return;
      cells++;
      if (row.indexOf(Math.max(...row)) === source.length - 1 - t) aligned++;
    });
  }
  assert.ok(correct >= 24, `reversed ${correct}/30 exactly`);
  assert.ok(aligned / cells > 0.7, `cross-attention on the mirrored position ${aligned}/${cells}`);
  assert.throws(() => tf.tidy(() => model.trainingLogits(makePairBatch(data.slice(0, 32)), 0.5)), /teacher forcing 1 only/);
  model.dispose();
});

test('the probe exposes positional encodings, and Q, K, V and weights per layer and head; the causal mask holds', async () => {
  const model = new Transformer({ ...TRANSFORMER_PRESETS.tiny, decoderLayers: 2, sourceVocabSize: 20, targetVocabSize: 20 }, 1);
  const p = await model.probe([5, 6, 7, 8], [9, 10]);
  assert.equal(p.positionalEncoding.length, 4 * 32);
  assert.deepEqual(p.attention.map((a) => `${a.name}:${a.kind}`), ['encoder/layer0/self:self', 'decoder/layer0/self:causal-self', 'decoder/layer0/cross:cross', 'decoder/layer1/self:causal-self', 'decoder/layer1/cross:cross']);
  const enc = p.attention[0];
  assert.deepEqual([enc.heads, enc.queries, enc.keys], [4, 4, 4]);
  assert.equal(enc.q.length, 4 * 4 * 8, '[heads, positions, d/heads]');
  const cross = p.attention[2];
  assert.deepEqual([cross.queries, cross.keys], [3, 4]);
  const self = p.attention[1];
  for (let h = 0; h < 4; h++) {
    for (let i = 0; i < 3; i++) {
      let sum = 0;
      for (let j = 0; j < 3; j++) {
        const w = self.weights[(h * 3 + i) * 3 + j];
        sum += w;
        if (j > i) assert.ok(w < 1e-6, `head ${h}: position ${i} attends to later ${j} (${w})`);
      }
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }
  }
  model.dispose();
});

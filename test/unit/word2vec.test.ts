/**
 * word2vec: the SIMD kernel's update against the same update written plainly
 * (float64), the samplers against word2vec.c's formulas, and training on a
 * corpus whose structure is known (two groups of words that never meet).
 */
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'path';
import { Rng } from '../../src/core/random';
import { countVocab, keepProbabilities, trainSkipGram, unigramTable } from '../../src/core/word2vec/skipgram';
import { WordVectors } from '../../src/core/word2vec/vectors';
import { assertClose, ROOT } from './helpers';

const kernel = fs.readFileSync(path.join(ROOT, 'dist', 'wasm', 'sgns.wasm'));

test('the SIMD kernel does word2vec.c\'s update for one pair (positive + negatives)', async () => {
  const dim = 16; // a multiple of 8 (rows of 32 bytes)
  const row = dim * 4;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(kernel, { env: { memory } });
  const trainPair = instance.exports.train_pair as (...a: number[]) => void;
  const f32 = new Float32Array(memory.buffer);
  const rng = new Rng(4);
  const IN = 0;
  const OUT = [row, 2 * row, 3 * row]; // positive, then two negatives
  const NEU = 4 * row;
  const EXP = 5 * row;
  const TGT = EXP + 1001 * 4;
  for (let k = 0; k < 4 * dim; k++) f32[k] = rng.uniform(-0.5, 0.5);
  for (let i = 0; i <= 1000; i++) {
    const e = Math.exp(((i / 1000) * 2 - 1) * 6);
    f32[EXP / 4 + i] = e / (e + 1);
  }
  new Int32Array(memory.buffer, TGT, 3).set(OUT);
  const inV = Array.from(f32.subarray(0, dim));
  const outs = OUT.map((o) => Array.from(f32.subarray(o / 4, o / 4 + dim)));
  const alpha = 0.05;
  // The update written plainly, with the same sigmoid table lookup as word2vec.c.
  const sig = (f: number) => (f > 6 ? 1 : f < -6 ? 0 : f32[EXP / 4 + Math.trunc((f + 6) * (1000 / 12))]);
  const neu = new Array(dim).fill(0);
  const expectedOuts = outs.map((o) => [...o]);
  outs.forEach((o, t) => {
    const f = o.reduce((s, v, k) => s + v * inV[k], 0);
    const g = ((t === 0 ? 1 : 0) - sig(f)) * alpha;
    for (let k = 0; k < dim; k++) neu[k] += g * o[k];
    for (let k = 0; k < dim; k++) expectedOuts[t][k] = o[k] + g * inV[k];
  });
  const expectedIn = inV.map((v, k) => v + neu[k]);
  trainPair(IN, TGT, 3, row, alpha, NEU, EXP);
  assertClose(f32.subarray(0, dim), expectedIn, 1e-6, 'input row');
  OUT.forEach((o, t) => assertClose(f32.subarray(o / 4, o / 4 + dim), expectedOuts[t], 1e-6, `output row ${t}`));
});

test('vocabulary, unigram^0.75 table and subsampling follow word2vec.c', () => {
  const v = countVocab([['a', 'b', 'a', 'c'], ['a', 'b', 'd']], 2);
  assert.deepEqual(v.words, ['a', 'b']);
  assert.deepEqual(Array.from(v.counts), [3, 2]);
  const table = unigramTable(Float64Array.from([16, 1]), 1000);
  const share = table.filter((x) => x === 0).length / 1000;
  assert.ok(Math.abs(share - 8 / 9) < 0.01, `16^0.75 / (16^0.75 + 1) = 8/9, got ${share}`);
  // keep = (sqrt(c / (s·N)) + 1) · (s·N) / c: with s·N = 1, c = 100 → (10 + 1) / 100 = 0.11
  const keep = keepProbabilities(Float64Array.from([100, 1]), 1000, 1e-3);
  assert.ok(Math.abs(keep[0] - 0.11) < 1e-6);
  assert.equal(keep[1], 1);
});

test('training separates two groups of words that never share a sentence, and leaves no NaN', async () => {
  const rng = new Rng(9);
  const groupA = Array.from({ length: 8 }, (_, i) => `a${i}`);
  const groupB = Array.from({ length: 8 }, (_, i) => `b${i}`);
  const sentences = Array.from({ length: 3000 }, (_, i) => {
    const g = i % 2 ? groupA : groupB;
    return Array.from({ length: 8 }, () => g[rng.int(g.length)]);
  });
  const r = await trainSkipGram(sentences, { dim: 16, window: 3, negative: 5, epochs: 3, minCount: 1, sample: 0 }, { kernel });
  assert.equal(r.vectors.size, 16);
  assert.ok(r.vectors.vectors.every(Number.isFinite));
  for (const w of ['a0', 'b3']) {
    const nn = r.vectors.neighbors(w, 7);
    assert.ok(nn.every((n) => n.word[0] === w[0]), `${w}: ${nn.map((n) => n.word).join(' ')}`);
  }
  assert.ok(r.vectors.similarity('a1', 'a2') > r.vectors.similarity('a1', 'b2') + 0.3);
  assert.ok(r.wordsPerSecond > 0);
});

test('the same seed gives the same vectors; stopping early returns what was learned', async () => {
  const sentences = Array.from({ length: 300 }, (_, i) => ['x', 'y', 'z', `w${i % 5}`]);
  const a = await trainSkipGram(sentences, { dim: 8, minCount: 1, epochs: 2, seed: 3 }, { kernel });
  const b = await trainSkipGram(sentences, { dim: 8, minCount: 1, epochs: 2, seed: 3 }, { kernel });
  assert.deepEqual(a.vectors.vectors, b.vectors.vectors);
  const stopped = await trainSkipGram(
    Array.from({ length: 5000 }, () => ['p', 'q', 'r', 's']),
    { dim: 8, minCount: 1, epochs: 50 },
    { kernel, shouldStop: () => true },
  );
  assert.equal(stopped.stopped, true);
  await assert.rejects(trainSkipGram([['only']], { minCount: 5 }, { kernel }), /at least 2 are needed/);
});

test('neighbours, analogies and similarity on hand-made vectors', () => {
  // Dimensions [royal, male, fruit]: king − man + woman lands on queen.
  const words = ['king', 'queen', 'man', 'woman', 'apple'];
  const v = new WordVectors(words, Float32Array.from([1, 1, 0, 1, -1, 0, 0, 1, 0, 0, -1, 0, 0, 0.2, 1]), 3);
  assert.deepEqual(v.analogy('man', 'king', 'woman', 1).map((n) => n.word), ['queen']);
  const nn = v.neighbors('king', 4);
  assert.equal(nn.length, 4);
  assert.ok(!nn.some((n) => n.word === 'king'), 'the word itself is left out');
  for (let i = 1; i < nn.length; i++) assert.ok(nn[i - 1].similarity >= nn[i].similarity, 'sorted');
  assert.ok(Math.abs(v.similarity('king', 'king') - 1) < 1e-6);
  assert.throws(() => v.neighbors('zebra'), /"zebra" is not in the vocabulary/);
  assert.throws(() => new WordVectors(['a'], new Float32Array(3), 2), /need 2 numbers, got 3/);
});

test('nearest neighbours on tfjs (transposed matrix, top-k) = the plain loop', async () => {
  const { setupBackend } = await import('../../src/core/tfjs/backend');
  const { nodeModulesWasmDir } = await import('../../src/core/tfjs/wasmDir');
  const { TfNearest } = await import('../../src/core/word2vec/tfNearest');
  await setupBackend(nodeModulesWasmDir());
  const rng = new Rng(2);
  const words = Array.from({ length: 500 }, (_, i) => `w${i}`);
  const v = new WordVectors(words, rng.uniformArray(500 * 24, -1, 1), 24);
  const index = new TfNearest(v);
  for (const w of ['w0', 'w17', 'w499']) {
    const i = v.index.get(w)!;
    const q = v.vectors.subarray(i * 24, (i + 1) * 24);
    const plain = v.neighbors(w, 10);
    const fast = await index.nearest(q, 10, new Set([i]));
    assert.deepEqual(fast.map((n) => n.word), plain.map((n) => n.word));
    assertClose(fast.map((n) => n.similarity), plain.map((n) => n.similarity), 1e-5, 'similarities');
  }
  index.dispose();
});

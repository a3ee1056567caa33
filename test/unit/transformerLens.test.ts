/**
 * The Transformer lens's engine: the embedded English → Korean Transformer (media/models/
 * translate-en-ko-transformer, made by `npm run train:defaults -- en-ko-transformer`) translates
 * held-out grammar sentences and its cross-attention finds the grammar's true alignment; the
 * attention the lens shows obeys the rules (rows sum to 1, causal rows are zero above the
 * diagonal, padding gets no weight); the drill-down, recomputed by hand from Q, K, V and W_o,
 * reproduces the forward pass; the positional encoding matches the formula at any length.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { drillDown, headFlags, keysByMass, meanOverHeads, weightRow } from '../../src/core/attentionMath';
import { generateTranslationPairs } from '../../src/core/data/translationGrammar';
import { TRANSFORMER_MODEL_ID } from '../../src/core/defaultIds';
import { positionalEncoding, Transformer, TRANSFORMER_PRESETS } from '../../src/core/models/transformer';
import { attentionJson, attentionView, loadTransformer, MAX_LENS_TOKENS, peJson } from '../../src/core/transformerLens';
import { PAD_ID } from '../../src/core/vocab';
import { ROOT, useWasm } from './helpers';
import * as path from 'path';

before(useWasm);

const MODELS = path.join(ROOT, 'media', 'models');

test('the embedded Transformer translates held-out grammar sentences, and its cross-attention finds the true alignment', async () => {
  const m = loadTransformer(TRANSFORMER_MODEL_ID, MODELS);
  assert.deepEqual([m.model.config.encoderLayers, m.model.config.decoderLayers, m.model.config.heads], [2, 2, 4]);
  const pairs = generateTranslationPairs(60, 424242); // a seed the training corpus did not use
  let exact = 0;
  // Per cross-attention layer (heads averaged): target words whose most-attended source word is a true source.
  const aligned = [0, 0];
  let total = 0;
  for (const p of pairs) {
    const v = await attentionView(m, p.source.join(' '));
    if (v.output.join(' ') !== p.target.join(' ')) continue;
    exact++;
    for (const s of v.sublayers.filter((x) => x.kind === 'cross')) {
      const mean = meanOverHeads(s);
      for (let t = 0; t < p.target.length; t++) {
        const row = mean.subarray(t * s.keys, (t + 1) * s.keys);
        const best = row.indexOf(Math.max(...row));
        if (p.alignment[t].includes(best)) aligned[s.layer]++;
      }
    }
    total += p.target.length;
  }
  assert.ok(exact >= 57, `${exact}/60 held-out sentences translated exactly`);
  const best = Math.min(...aligned) / total;
  console.log(`cross-attention peaks on a true source word: layer 1 ${((100 * aligned[0]) / total).toFixed(1)}%, layer 2 ${((100 * aligned[1]) / total).toFixed(1)}% of ${total} target words`);
  assert.ok(best >= 0.85, `each cross-attention layer peaks on a true source word for ${(best * 100).toFixed(1)}% of target words`);
  m.model.dispose();
});

test('every attention row sums to 1; causal rows are zero above the diagonal; the contract JSON has every layer, kind and head', async () => {
  const m = loadTransformer(TRANSFORMER_MODEL_ID, MODELS);
  const v = await attentionView(m, 'the teacher read the book at school today .');
  assert.deepEqual(
    v.sublayers.map((s) => `${s.layer}:${s.kind}`),
    ['0:encoder-self', '1:encoder-self', '0:decoder-self', '0:cross', '1:decoder-self', '1:cross'],
  );
  for (const s of v.sublayers) {
    assert.equal(s.keys, s.kind === 'encoder-self' || s.kind === 'cross' ? v.source.length : v.decoderInput.length);
    assert.equal(s.queries, s.kind === 'encoder-self' ? v.source.length : v.decoderInput.length);
    for (let h = 0; h < s.heads; h++) {
      for (let i = 0; i < s.queries; i++) {
        const row = weightRow(s, h, i);
        assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `${s.name} head ${h} row ${i} sums to 1`);
        if (s.kind === 'decoder-self') for (let j = i + 1; j < s.keys; j++) assert.equal(row[j], 0, `${s.name}: position ${i} sees later ${j}`);
      }
    }
  }
  const json = attentionJson(v);
  assert.equal(json.layers.length, 6);
  assert.equal(json.layers[0].heads.length, 4);
  assert.equal(json.layers[3].heads[0].length, v.decoderInput.length, 'a row per query');
  assert.equal(json.layers[3].heads[0][0].length, v.source.length, 'a weight per key');
  m.model.dispose();
});

/** Independent multi-head attention by the textbook formula on plain arrays, from the raw weights. */
function referenceAttention(w: Record<string, Float32Array>, p: string, x: number[][], mem: number[][], heads: number, masked: (i: number, j: number) => boolean) {
  const d = x[0].length;
  const dk = d / heads;
  const proj = (rows: number[][], name: string) =>
    rows.map((r) => Array.from({ length: d }, (_, c) => r.reduce((acc, v, k) => acc + v * w[`${p}/${name}_kernel`][k * d + c], w[`${p}/${name}_bias`][c])));
  const Q = proj(x, 'query');
  const K = proj(mem, 'key');
  const V = proj(mem, 'value');
  const weights: number[][][] = [];
  const concat = x.map(() => new Array<number>(d).fill(0));
  for (let h = 0; h < heads; h++) {
    weights.push(
      Q.map((q, i) => {
        const s = K.map((k, j) => (masked(i, j) ? -Infinity : q.slice(h * dk, (h + 1) * dk).reduce((a, v, t) => a + v * k[h * dk + t], 0) / Math.sqrt(dk)));
        const mx = Math.max(...s);
        const e = s.map((v) => Math.exp(v - mx));
        const z = e.reduce((a, b) => a + b, 0);
        const row = e.map((v) => v / z);
        for (let t = 0; t < dk; t++) concat[i][h * dk + t] = row.reduce((a, wj, j) => a + wj * V[j][h * dk + t], 0);
        return row;
      }),
    );
  }
  const out = proj(concat, 'output');
  return { weights, out };
}

test('the probe matches an independent multi-head attention, padding gets no weight, and the drill-down reproduces the forward pass to 1e-5', async () => {
  const model = new Transformer({ ...TRANSFORMER_PRESETS.tiny, heads: 2, dModel: 8, dFF: 16, sourceVocabSize: 12, targetVocabSize: 12 }, 3);
  const w = Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
  // The encoder's first sub-layer by hand: embeddings × √d + PE, layer norm, attention.
  const src = [4, 5, 6, PAD_ID, PAD_ID];
  const d = 8;
  const pe = positionalEncoding(src.length, d);
  const x = src.map((id, t) => Array.from({ length: d }, (_, c) => w['encoder/embedding'][id * d + c] * Math.sqrt(d) + pe[t * d + c]));
  const ln = x.map((r) => {
    const mean = r.reduce((a, b) => a + b, 0) / d;
    const varc = r.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
    return r.map((v, c) => ((v - mean) / Math.sqrt(varc + 1e-5)) * w['encoder/layer0/norm1/gamma'][c] + w['encoder/layer0/norm1/beta'][c]);
  });
  const ref = referenceAttention(w, 'encoder/layer0/self', ln, ln, 2, (_i, j) => src[j] === PAD_ID);
  const probes = await model.fullProbe(src, [7, 8]);
  const enc = probes[0];
  for (let h = 0; h < 2; h++) {
    for (let i = 0; i < src.length; i++) {
      for (let j = 0; j < src.length; j++) {
        const got = enc.weights[(h * src.length + i) * src.length + j];
        assert.ok(Math.abs(got - ref.weights[h][i][j]) < 1e-5, `head ${h} [${i}, ${j}]: ${got} vs ${ref.weights[h][i][j]}`);
        if (src[j] === PAD_ID) assert.ok(got < 1e-9, `padding key ${j} gets weight ${got}`);
      }
      for (let c = 0; c < d; c++) assert.ok(Math.abs(enc.output[i * d + c] - ref.out[i][c]) < 1e-4, `output [${i}, ${c}]`);
    }
    assert.equal(enc.mask[0 * src.length + 3], 1, 'the mask marks padding');
  }
  // The drill-down: every head and query of every sub-layer, recomputed from its Q, K, V, mask and W_o.
  const s = {
    ...enc,
    kind: 'encoder-self' as const,
    weights: { data: enc.weights, shape: [2, 5, 5] },
    scores: { data: enc.scores, shape: [2, 5, 5] },
    mask: { data: enc.mask, shape: [5, 5] },
    q: { data: enc.q, shape: [2, 5, 4] },
    k: { data: enc.k, shape: [2, 5, 4] },
    v: { data: enc.v, shape: [2, 5, 4] },
    headOutputs: { data: enc.headOutputs, shape: [2, 5, 4] },
    outputKernel: { data: w['encoder/layer0/self/output_kernel'], shape: [8, 8] },
    outputBias: { data: w['encoder/layer0/self/output_bias'], shape: [8] },
    output: { data: enc.output, shape: [5, 8] },
  };
  for (let h = 0; h < 2; h++) {
    for (let i = 0; i < 5; i++) {
      const dd = drillDown(s, h, i);
      for (const [what, err] of Object.entries(dd.error)) assert.ok(err < 1e-5, `drill-down head ${h} query ${i}: ${what} off by ${err}`);
    }
  }
  model.dispose();
});

test('the drill-down reproduces every head of the embedded model, causal mask included', async () => {
  const m = loadTransformer(TRANSFORMER_MODEL_ID, MODELS);
  const v = await attentionView(m, 'my friend found the key in the garden .');
  let worst = 0;
  for (const s of v.sublayers) {
    for (let h = 0; h < s.heads; h++) {
      for (let i = 0; i < s.queries; i++) {
        const dd = drillDown(s, h, i);
        worst = Math.max(worst, ...Object.values(dd.error));
        if (s.kind === 'decoder-self') assert.deepEqual(dd.masked, Array.from({ length: s.keys }, (_, j) => j > i));
      }
    }
  }
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
  m.model.dispose();
});

test('the positional encoding matches the formula, stays in [-1, 1] past the training length, and the lens reads long text', async () => {
  const { pe } = peJson(500, 64);
  for (const [pos, i] of [[0, 0], [7, 3], [123, 10], [499, 62], [499, 63]]) {
    const k = Math.floor(i / 2);
    const angle = pos / Math.pow(10000, (2 * k) / 64);
    assert.ok(Math.abs(pe[pos][i] - (i % 2 === 0 ? Math.sin(angle) : Math.cos(angle))) < 1e-6, `PE(${pos}, ${i})`);
  }
  assert.ok(pe.every((row) => row.every((x) => x >= -1 && x <= 1)));
  const m = loadTransformer(TRANSFORMER_MODEL_ID, MODELS);
  // Longer than any training sentence, and longer than the lens reads: cut at the limit, with the count.
  const words = Array.from({ length: 2000 }, (_, i) => (i % 7 === 6 ? '.' : ['the', 'cat', 'saw', 'a', 'dog', 'today'][i % 6]));
  const v = await attentionView(m, words.join(' '));
  assert.equal(v.source.length, MAX_LENS_TOKENS);
  assert.equal(v.truncatedTokens, 2000 - MAX_LENS_TOKENS);
  assert.ok(MAX_LENS_TOKENS > (v.trainedLength ?? 0), 'past the longest training sentence');
  const enc = v.sublayers[0];
  assert.equal(enc.keys, MAX_LENS_TOKENS);
  m.model.dispose();
});

test('unknown words, Korean text and a single word give a view, not an error; an empty text says why', async () => {
  const m = loadTransformer(TRANSFORMER_MODEL_ID, MODELS);
  const unk = await attentionView(m, 'zebras juggle quantum spaceships');
  assert.ok(unk.source.every((t) => t.unknown));
  const ko = await attentionView(m, '고양이가 빵을 먹었다');
  assert.equal(ko.source.length, 3);
  const one = await attentionView(m, 'cat');
  assert.equal(one.sublayers[0].keys, 1);
  assert.ok(Math.abs(weightRow(one.sublayers[0], 0, 0)[0] - 1) < 1e-6);
  await assert.rejects(attentionView(m, '   \n '), /no words/);
  m.model.dispose();
});

test('head flags: one-hot rows are focused (with their pattern), even rows uniform; pruning keeps the largest weights up to the mass', () => {
  const n = 5;
  const eye = new Float32Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + Math.max(0, i - 1)] = 1;
  const flat = new Float32Array(n * n).fill(1 / n);
  const s = { heads: 2, queries: n, keys: n, weights: { data: Float32Array.from([...eye, ...flat]), shape: [2, n, n] }, mask: { data: new Float32Array(n * n), shape: [n, n] } };
  const [f0, f1] = headFlags(s);
  assert.equal(f0.flag, 'focused');
  assert.equal(f0.pattern, 'previous');
  assert.ok(f0.entropy < 1e-6);
  assert.equal(f1.flag, 'uniform');
  assert.ok(Math.abs(f1.entropy - 1) < 1e-6);
  assert.deepEqual(keysByMass([0.1, 0.6, 0.05, 0.25], 0.8), [1, 3]);
  assert.deepEqual(keysByMass([0.1, 0.6, 0.05, 0.25], 1), [1, 3, 0, 2]);
  assert.deepEqual(keysByMass([0, 1, 0], 1), [1]);
  void tf;
});

/**
 * PCA (src/core/projection/pca.ts) against independent references: a planted two-direction
 * structure whose answer is known, the power method with deflation on the full covariance in
 * float64 (another algorithm), the embedded vectors through `seqlens project`, and bad input.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { before, test } from 'node:test';
import { NonFiniteVector, pca } from '../../src/core/projection/pca';
import { Rng } from '../../src/core/random';
import { ROOT, useWasm } from './helpers';

before(useWasm);

function randomUnit(rng: Rng, d: number): number[] {
  const v = Array.from({ length: d }, () => rng.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

test('a planted structure: the components are the planted directions, the explained shares their variances', async () => {
  const rng = new Rng(11);
  const n = 3000;
  const d = 40;
  const u = randomUnit(rng, d);
  let w = randomUnit(rng, d);
  const dot = u.reduce((s, x, i) => s + x * w[i], 0);
  w = w.map((x, i) => x - dot * u[i]);
  const wn = Math.hypot(...w);
  w = w.map((x) => x / wn);
  const x = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const a = 5 * rng.normal();
    const b = 2 * rng.normal();
    for (let i = 0; i < d; i++) x[r * d + i] = 3 + a * u[i] + b * w[i] + 0.1 * rng.normal();
  }
  const res = await pca(x, n, d, 2);
  const cos = (c: number, v: number[]) => Math.abs(v.reduce((s, vi, i) => s + vi * res.components[c * d + i], 0));
  assert.ok(cos(0, u) > 0.999, `first component · u = ${cos(0, u)}`);
  assert.ok(cos(1, w) > 0.999, `second component · w = ${cos(1, w)}`);
  const total = 25 + 4 + 0.01 * d;
  assert.ok(Math.abs(res.explained[0] - 25 / total) < 0.03 && Math.abs(res.explained[1] - 4 / total) < 0.02, `explained ${res.explained}`);
});

test('random data: coordinates equal the power method with deflation on the float64 covariance, up to sign', async () => {
  const rng = new Rng(12);
  const n = 600;
  const d = 12;
  const scales = Array.from({ length: d }, (_, i) => 3 / (i + 1)); // distinct variances
  const x = new Float32Array(n * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) x[r * d + i] = scales[i] * rng.normal() + (i % 3);
  const mix = Array.from({ length: d }, () => randomUnit(rng, d)); // a random rotation-ish mix, so the axes are not the answer
  const y = new Float32Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) y[r * d + j] = mix[j].reduce((s, m, i) => s + m * x[r * d + i], 0);
  // Reference: the covariance, then its top 3 eigenvectors by the power method with deflation.
  const mean = Array.from({ length: d }, (_, i) => { let s = 0; for (let r = 0; r < n; r++) s += y[r * d + i]; return s / n; });
  const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => { let s = 0; for (let r = 0; r < n; r++) s += (y[r * d + i] - mean[i]) * (y[r * d + j] - mean[j]); return s; }));
  const refs: number[][] = [];
  for (let c = 0; c < 3; c++) {
    let v = Array.from({ length: d }, (_, i) => Math.sin(i + c + 1));
    for (let it = 0; it < 3000; it++) {
      let nv = cov.map((row) => row.reduce((s, x2, j) => s + x2 * v[j], 0));
      for (const prev of refs) { const p = nv.reduce((s, x2, i) => s + x2 * prev[i], 0); nv = nv.map((x2, i) => x2 - p * prev[i]); }
      const norm = Math.hypot(...nv);
      v = nv.map((x2) => x2 / norm);
    }
    refs.push(v);
  }
  const res = await pca(y, n, d, 3, { iterations: 6 });
  for (let c = 0; c < 3; c++) {
    const ref = Array.from({ length: n }, (_, r) => refs[c].reduce((s, v, i) => s + v * (y[r * d + i] - mean[i]), 0));
    const got = Array.from({ length: n }, (_, r) => res.coords[r * 3 + c]);
    const sign = Math.sign(ref.reduce((s, v, i) => s + v * got[i], 0));
    const worst = Math.max(...ref.map((v, i) => Math.abs(v - sign * got[i])));
    const scale = Math.max(...ref.map(Math.abs));
    assert.ok(worst < 1e-3 * scale, `component ${c + 1}: largest difference ${worst} (coordinates up to ${scale})`);
  }
});

test('the embedded word vectors: the default iterations give the coordinates of a long run (correlation ≥ 0.9999)', async () => {
  const { loadVectorFile } = await import('../../src/core/word2vec/parse');
  const v = loadVectorFile(path.join(ROOT, 'media', 'vectors', 'wordnet-64d.bin'));
  const ref = await pca(v.vectors, v.size, v.dim, 2, { iterations: 10 });
  const got = await pca(v.vectors, v.size, v.dim, 2);
  for (let c = 0; c < 2; c++) {
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < v.size; i++) {
      const a = got.coords[i * 2 + c];
      const b = ref.coords[i * 2 + c];
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    const corr = sxy / Math.sqrt(sxx * syy);
    assert.ok(corr >= 0.9999, `component ${c + 1}: correlation with 10 iterations ${corr} (and the same sign)`);
  }
});

test('small and bad input: one word, two words, a constant set, a NaN row', async () => {
  const one = await pca(Float32Array.from([1, 2, 3]), 1, 3, 2);
  assert.ok(Array.from(one.coords).every((c) => Math.abs(c) < 1e-5), `one word sits at the origin (${Array.from(one.coords)})`);
  const two = await pca(Float32Array.from([0, 0, 2, 0]), 2, 2, 2);
  assert.ok(Math.abs(Math.abs(two.coords[0] - two.coords[2]) - 2) < 1e-5, 'two words are their distance apart on the first axis');
  const flat = await pca(new Float32Array(5 * 4).fill(7), 5, 4, 2);
  assert.ok(flat.coords.every((c) => Math.abs(c) < 1e-4) && flat.explained.every((e) => e === 0), 'no variance, no spread');
  await assert.rejects(pca(Float32Array.from([1, 2, NaN, 4]), 2, 2, 2), (e: unknown) => e instanceof NonFiniteVector && e.row === 1);
});

test('seqlens project: the embedded vectors on two or three components; bad options are one-line errors', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  const r = cli('project', '--limit', '2000', '--dims', '3', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { words: string[]; coords: number[][]; method: string; explained: number[] };
  assert.equal(doc.method, 'pca');
  assert.equal(doc.words.length, 2000);
  assert.ok(doc.coords.every((c) => c.length === 3 && c.every(Number.isFinite)));
  assert.ok(doc.explained[0] >= doc.explained[1] && doc.explained[1] >= doc.explained[2], 'components by variance');
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(doc.coords.reduce((s, p) => s + p[c], 0) / 2000) < 1e-3 * Math.max(...doc.coords.map((p) => Math.abs(p[c]))) * 50, 'centred');
  for (const [args, pattern] of [
    [['--method', 'mds'], /one of pca, umap, tsne/],
    [['--dims', '4'], /--dims/],
  ] as Array<[string[], RegExp]>) {
    const bad = cli('project', ...args);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, pattern);
  }
});

test('seqlens similarity: one-hot cosines are the identity, the embeddings\' are symmetric with related words close', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  const r = cli('similarity', '--words', 'river lake king queen', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { words: string[]; embedding: number[][]; oneHot: number[][] };
  assert.deepEqual(doc.oneHot, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  doc.embedding.forEach((row, i) => {
    assert.ok(Math.abs(row[i] - 1) < 1e-5, 'cos(w, w) = 1');
    row.forEach((c, j) => assert.ok(Math.abs(c - doc.embedding[j][i]) < 1e-6, 'symmetric'));
  });
  assert.ok(doc.embedding[0][1] > doc.embedding[0][2] && doc.embedding[2][3] > doc.embedding[2][1], 'river is nearer lake than king; king nearer queen than lake');
  const bad = cli('similarity', '--words', 'river zzzqqq');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /not in the vocabulary: zzzqqq/);
});

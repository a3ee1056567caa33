/**
 * UMAP, t-SNE, the exact neighbour graph and trustworthiness (src/core/projection) against
 * independent references: umap-learn 0.5.3's fuzzy graph and a/b curve, scikit-learn 1.2.1's
 * trustworthiness and t-SNE joint probabilities, all computed on a small fixed data set that the
 * fixture holds (test/fixtures/reference/manifold_reference.py wrote it); then the maps themselves
 * on planted clusters, and `seqlens project --method umap|tsne` with its bad input.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { before, test } from 'node:test';
import { cosineKnn, kSmallest, trustworthiness } from '../../src/core/projection/knn';
import { conditionalP, jointP, tsne } from '../../src/core/projection/tsne';
import { findAB, fuzzyGraph, smoothKnnDist, umap } from '../../src/core/projection/umap';
import { pca } from '../../src/core/projection/pca';
import { Rng } from '../../src/core/random';
import { ROOT, useWasm } from './helpers';

before(useWasm);

interface Reference {
  x: number[][];
  k: number;
  graph: { row: number[]; col: number[]; val: number[] };
  sigma: number[];
  rho: number[];
  ab: Record<string, [number, number]>;
  randomEmbedding: number[][];
  trustRandom: number;
  pcaEmbedding: number[][];
  trustPca: number;
  tsne: { perplexity: number; k: number; row: number[]; col: number[]; val: number[] };
}
const ref = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'manifold-reference.json'), 'utf8')) as Reference;
const n = ref.x.length;
const d = ref.x[0].length;
const X = Float32Array.from(ref.x.flat());

/** umap-learn's convention: the point itself first, at distance 0, then k − 1 others. */
async function selfFirst(k: number) {
  const knn = await cosineKnn(X, n, d, k - 1);
  const idx = new Int32Array(n * k);
  const dist = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    idx[i * k] = i;
    for (let j = 1; j < k; j++) {
      idx[i * k + j] = knn.indices[i * (k - 1) + j - 1];
      dist[i * k + j] = knn.distances[i * (k - 1) + j - 1];
    }
  }
  return { knn, idx, dist };
}

test('exact cosine neighbours: the same as a brute-force float64 sort, the point itself never its own', async () => {
  const k = 7;
  const knn = await cosineKnn(X, n, d, k);
  const unit = ref.x.map((r) => {
    const s = Math.hypot(...r);
    return r.map((v) => v / s);
  });
  for (let i = 0; i < n; i++) {
    const others = unit
      .map((u, j) => ({ j, dist: 1 - u.reduce((s, v, c) => s + v * unit[i][c], 0) }))
      .filter((e) => e.j !== i)
      .sort((a, b) => a.dist - b.dist || a.j - b.j)
      .slice(0, k);
    assert.deepEqual(Array.from(knn.indices.subarray(i * k, (i + 1) * k)), others.map((e) => e.j), `row ${i}`);
    for (let j = 0; j < k; j++) assert.ok(Math.abs(knn.distances[i * k + j] - others[j].dist) < 1e-5);
  }
  // Duplicates: identical vectors are each other's nearest, at distance 0, and never themselves.
  const dup = Float32Array.from([1, 0, 1, 0, 0, 1, 1, 1]);
  const g = await cosineKnn(dup, 4, 2, 2);
  assert.equal(g.indices[0], 1);
  assert.equal(g.indices[2], 0);
  assert.equal(g.distances[0], 0);
  assert.deepEqual(kSmallest(5, 2, 0, (j) => [0, 3, 1, 1, 2][j]), [2, 3]);
});

test('UMAP: the a, b curve fit equals umap-learn find_ab_params', () => {
  for (const [minDist, [a, b]] of Object.entries(ref.ab)) {
    const got = findAB(1, Number(minDist));
    assert.ok(Math.abs(got.a - a) < 2e-3 * a, `min_dist ${minDist}: a ${got.a} vs ${a}`);
    assert.ok(Math.abs(got.b - b) < 2e-3 * b, `min_dist ${minDist}: b ${got.b} vs ${b}`);
  }
});

test('UMAP: ρ, σ and the fuzzy graph equal umap-learn fuzzy_simplicial_set on the same neighbours', async () => {
  const k = ref.k;
  const { idx, dist } = await selfFirst(k);
  const { rho, sigma } = smoothKnnDist(dist, k);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(rho[i] - ref.rho[i]) < 1e-5, `ρ[${i}] ${rho[i]} vs ${ref.rho[i]}`);
    assert.ok(Math.abs(sigma[i] - ref.sigma[i]) < 1e-3 * Math.max(ref.sigma[i], 1e-6) + 1e-6, `σ[${i}] ${sigma[i]} vs ${ref.sigma[i]}`);
  }
  const g = fuzzyGraph(idx, dist, k);
  const want = new Map(ref.graph.row.map((r, m) => [r * n + ref.graph.col[m], ref.graph.val[m]]));
  const got = new Map(Array.from(g.head).map((h, m) => [h * n + g.tail[m], g.weight[m]]));
  assert.equal(got.size, want.size, 'the same edges');
  for (const [key, w] of want) {
    assert.ok(got.has(key), `edge ${Math.floor(key / n)} → ${key % n}`);
    assert.ok(Math.abs(got.get(key)! - w) < 1e-4, `edge ${Math.floor(key / n)} → ${key % n}: ${got.get(key)} vs ${w}`);
  }
});

test('PCA equals numpy\'s SVD of the mean-centred data up to sign', async () => {
  const p = await pca(X, n, d, 2);
  for (let c = 0; c < 2; c++) {
    const ours = Array.from({ length: n }, (_, i) => p.coords[i * 2 + c]);
    const theirs = ref.pcaEmbedding.map((row) => row[c]);
    const sign = Math.sign(ours.reduce((s, v, i) => s + v * theirs[i], 0));
    ours.forEach((v, i) => assert.ok(Math.abs(sign * v - theirs[i]) < 2e-3, `component ${c + 1}, row ${i}: ${sign * v} vs ${theirs[i]}`));
  }
});

test('odd vocabularies map: numbers, emoji, Korean and a duplicated word; one or two words by PCA, a clear message for UMAP', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'seqlens-vocab-'));
  try {
    const rng = new Rng(2);
    const words = ['42', '😀', '강', '강', 'river', 'ünï', '3.14', '—', 'a', 'b'];
    const file = path.join(dir, 'odd.txt');
    fs.writeFileSync(file, `${words.length} 8\n` + words.map((w) => `${w} ${Array.from({ length: 8 }, () => rng.normal().toFixed(4)).join(' ')}`).join('\n') + '\n');
    for (const method of ['pca', 'umap', 'tsne']) {
      const r = cli('project', '--vectors', file, '--method', method, '--json');
      assert.equal(r.status, 0, `${method}: ${r.stderr}`);
      const j = JSON.parse(r.stdout) as { words: string[]; coords: number[][] };
      assert.equal(j.words.length, words.length, `${method}: every row, duplicates too`);
      assert.ok(j.coords.flat().every(Number.isFinite), `${method}: finite`);
    }
    const two = path.join(dir, 'two.txt');
    fs.writeFileSync(two, '2 3\nhello 1 2 3\nworld 1 2 3.5\n');
    const r2 = cli('project', '--vectors', two, '--json');
    assert.equal(r2.status, 0, r2.stderr);
    assert.equal((JSON.parse(r2.stdout) as { coords: number[][] }).coords.length, 2);
    const u2 = cli('project', '--vectors', two, '--method', 'umap');
    assert.equal(u2.status, 2);
    assert.match(u2.stderr, /2 words: UMAP needs at least 4 \(use --method pca\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('trustworthiness equals scikit-learn trustworthiness(metric="cosine") on a random and a PCA map', async () => {
  const random = await trustworthiness(X, n, d, Float32Array.from(ref.randomEmbedding.flat()), 2, 10);
  const pcaMap = await trustworthiness(X, n, d, Float32Array.from(ref.pcaEmbedding.flat()), 2, 10);
  assert.ok(Math.abs(random - ref.trustRandom) < 1e-6, `random ${random} vs ${ref.trustRandom}`);
  assert.ok(Math.abs(pcaMap - ref.trustPca) < 1e-6, `pca ${pcaMap} vs ${ref.trustPca}`);
});

test('t-SNE: the joint probabilities equal scikit-learn _joint_probabilities_nn (perplexity 5)', async () => {
  const { perplexity, k } = ref.tsne;
  const knn = await cosineKnn(X, n, d, k);
  const P = jointP(knn, conditionalP(knn.distances, k, perplexity));
  const want = new Map(ref.tsne.row.map((r, m) => [r * n + ref.tsne.col[m], ref.tsne.val[m]]));
  let sum = 0;
  for (let i = 0; i < n; i++)
    for (let m = P.rowStart[i]; m < P.rowStart[i + 1]; m++) {
      const key = i * n + P.cols[m];
      sum += P.vals[m];
      assert.ok(want.has(key), `edge ${i} → ${P.cols[m]}`);
      assert.ok(Math.abs(P.vals[m] - want.get(key)!) < 1e-6, `p(${i}, ${P.cols[m]}) ${P.vals[m]} vs ${want.get(key)}`);
    }
  assert.equal(P.cols.length, want.size);
  assert.ok(Math.abs(sum - 1) < 1e-9);
});

/** Planted clusters in 32 dimensions: 6 tight groups of 50 around random centres. */
function clusters(seed: number) {
  const rng = new Rng(seed);
  const groups = 6;
  const per = 50;
  const dim = 32;
  const centres = Array.from({ length: groups }, () => Array.from({ length: dim }, () => rng.normal()));
  const x = new Float32Array(groups * per * dim);
  const label: number[] = [];
  for (let g = 0; g < groups; g++)
    for (let p = 0; p < per; p++) {
      const i = g * per + p;
      label.push(g);
      for (let c = 0; c < dim; c++) x[i * dim + c] = centres[g][c] + 0.35 * rng.normal();
    }
  return { x, n: groups * per, dim, label };
}

/** The share of points whose nearest map neighbour is in their own cluster. */
function clusterPurity(coords: Float32Array, dims: number, label: number[]): number {
  let same = 0;
  for (let i = 0; i < label.length; i++) {
    const [j] = kSmallest(label.length, 1, i, (t) => {
      let s = 0;
      for (let c = 0; c < dims; c++) s += (coords[t * dims + c] - coords[i * dims + c]) ** 2;
      return s;
    });
    if (label[j] === label[i]) same++;
  }
  return same / label.length;
}

test('UMAP and t-SNE keep the planted clusters apart and beat PCA on trustworthiness, in 2D and 3D; a seed repeats', async () => {
  const c = clusters(4);
  for (const dims of [2, 3] as const) {
    const p = await pca(c.x, c.n, c.dim, dims);
    const knnU = await cosineKnn(c.x, c.n, c.dim, 14);
    const u = await umap(knnU, { dims, init: p.coords, seed: 3 });
    const knnT = await cosineKnn(c.x, c.n, c.dim, 91);
    const t = await tsne(knnT, { dims, init: p.coords, iterations: 500 });
    const trustP = await trustworthiness(c.x, c.n, c.dim, p.coords, dims);
    const trustU = await trustworthiness(c.x, c.n, c.dim, u.coords, dims);
    const trustT = await trustworthiness(c.x, c.n, c.dim, t.coords, dims);
    assert.ok(clusterPurity(u.coords, dims, c.label) > 0.98, `UMAP ${dims}D purity`);
    assert.ok(clusterPurity(t.coords, dims, c.label) > 0.98, `t-SNE ${dims}D purity`);
    assert.ok(trustU > trustP && trustT > trustP, `${dims}D trustworthiness: UMAP ${trustU}, t-SNE ${trustT}, PCA ${trustP}`);
    assert.ok(t.klDivergence > 0 && t.klDivergence < 3, `KL ${t.klDivergence}`);
    for (const v of [...u.coords, ...t.coords]) assert.ok(Number.isFinite(v));
    if (dims === 2) {
      const again = await umap(knnU, { dims, init: p.coords, seed: 3 });
      assert.deepEqual(Array.from(again.coords), Array.from(u.coords), 'the same seed, the same map');
    }
  }
});

test('duplicates and a tiny set: finite maps, no division by zero', async () => {
  // 10 points, three of them the same vector.
  const rng = new Rng(9);
  const x = new Float32Array(10 * 4).map(() => rng.normal());
  x.copyWithin(4, 0, 4);
  x.copyWithin(8, 0, 4);
  const p = await pca(x, 10, 4, 2);
  const knn = await cosineKnn(x, 10, 4, 9);
  const u = await umap(knn, { dims: 2, init: p.coords, neighbours: 5 });
  const t = await tsne(knn, { dims: 2, init: p.coords, perplexity: 3, iterations: 100 });
  for (const v of [...u.coords, ...t.coords]) assert.ok(Number.isFinite(v), 'finite');
});

test('seqlens project --method umap | tsne: the contract, 3D, trustworthiness beside PCA, and bad input', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 300_000 });
  const r = cli('project', '--method', 'umap', '--limit', '600', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { method: string; words: string[]; coords: number[][]; trustworthiness: { umap: number; pca: number; k: number }; parameters: { neighbors: number } };
  assert.equal(j.method, 'umap');
  assert.equal(j.words.length, 600);
  assert.equal(j.coords.length, 600);
  assert.ok(j.coords.every((c) => c.length === 2 && c.every(Number.isFinite)));
  assert.equal(j.trustworthiness.k, 10);
  assert.ok(j.trustworthiness.umap > j.trustworthiness.pca, `UMAP ${j.trustworthiness.umap} vs PCA ${j.trustworthiness.pca}`);
  assert.equal(j.parameters.neighbors, 15);
  const t = cli('project', '--method', 'tsne', '--dims', '3', '--limit', '300', '--iterations', '300', '--json');
  assert.equal(t.status, 0, t.stderr);
  const tj = JSON.parse(t.stdout) as { coords: number[][]; klDivergence: number; trustworthiness: { tsne: number; pca: number } };
  assert.ok(tj.coords.every((c) => c.length === 3));
  assert.ok(tj.trustworthiness.tsne > tj.trustworthiness.pca);
  const tooMany = cli('project', '--method', 'tsne', '--limit', '60000');
  assert.notEqual(tooMany.status, 0);
  assert.match(tooMany.stderr, /at most 50,000/);
  const tooFew = cli('project', '--method', 'umap', '--limit', '3');
  assert.notEqual(tooFew.status, 0);
  assert.match(tooFew.stderr, /at least 4 \(use --method pca\)/);
  const bad = cli('project', '--method', 'mds');
  assert.match(bad.stderr, /one of pca, umap, tsne/);
});

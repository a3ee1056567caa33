/**
 * UMAP (McInnes, Healy & Melville 2018), written here step for step after umap-learn 0.5 (the
 * reference implementation; its fuzzy graph and curve are checked against it in the tests), in
 * typed arrays and WebAssembly: umap-js, measured first, took 44 s on 20,000 × 64 (11 s of it
 * building its sparse matrices), over the 20 s budget; this takes 16 s.
 *
 * 1. Each point's k nearest neighbours (exact, cosine: knn.ts), the point itself counted in k.
 * 2. smooth_knn_dist: ρᵢ the distance to the nearest neighbour, σᵢ such that
 *    Σⱼ exp(−(dᵢⱼ − ρᵢ)/σᵢ) = log₂ k.
 * 3. Memberships wᵢⱼ = exp(−(dᵢⱼ − ρᵢ)/σᵢ), made symmetric by the fuzzy union w + wᵀ − w∘wᵀ.
 * 4. Layout: from the PCA coordinates (umap-learn's init="pca", scaled to [0, 10]), stochastic
 *    gradient descent on the fuzzy cross-entropy: each edge sampled in proportion to its weight,
 *    pulled by 1/(1 + a d^2b) (a, b fitted to min_dist), 5 random points pushed away per sample,
 *    the learning rate falling linearly from 1 to 0. The epochs run in WebAssembly (umapEpoch.wat).
 */
import type { Knn } from './knn';
import { ProjectionStopped } from './knn';
import { Rng } from '../random';
import umapEpochWasm from './umapEpoch.wat';

const align8 = (x: number) => Math.ceil(x / 8) * 8;

export interface UmapOptions {
  dims: 2 | 3;
  /** Neighbours per point, the point itself counted (umap-learn's n_neighbors). */
  neighbours?: number;
  minDist?: number;
  spread?: number;
  /** Default: 500 up to 10,000 points, 200 beyond (umap-learn's). */
  epochs?: number;
  seed?: number;
  /** n × dims PCA coordinates. */
  init: Float32Array;
  onEpoch?: (epoch: number, total: number, coords: Float32Array | undefined) => void;
  snapshotEvery?: number;
  shouldStop?: () => boolean;
}

/**
 * a, b of the low-dimensional similarity 1 / (1 + a d^(2b)), fitted by least squares to the curve
 * that is 1 up to min_dist and exp(−(d − min_dist)/spread) after it (umap-learn's find_ab_params,
 * there scipy's curve_fit; here Gauss–Newton with a step halving, on the same 300 points).
 */
export function findAB(spread: number, minDist: number): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = (spread * 3 * i) / 299;
    xs.push(x);
    ys.push(x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
  }
  const loss = (a: number, b: number) => xs.reduce((s, x, i) => s + (1 / (1 + a * x ** (2 * b)) - ys[i]) ** 2, 0);
  let a = 1;
  let b = 1;
  let current = loss(a, b);
  for (let it = 0; it < 200; it++) {
    // Jacobian of f = 1/(1 + a x^2b): ∂f/∂a = −x^2b f², ∂f/∂b = −2a ln(x) x^2b f².
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (x === 0) continue;
      const p = x ** (2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[i];
      const da = -p * f * f;
      const db = -2 * a * Math.log(x) * p * f * f;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    const det = jaa * jbb - jab * jab;
    if (!(Math.abs(det) > 1e-300)) break;
    let sa = -(jbb * ga - jab * gb) / det;
    let sb = -(jaa * gb - jab * ga) / det;
    let improved = false;
    for (let h = 0; h < 30; h++) {
      const na = a + sa;
      const nb = b + sb;
      if (na > 0 && nb > 0) {
        const l = loss(na, nb);
        if (l < current) {
          const done = current - l < 1e-14;
          a = na;
          b = nb;
          current = l;
          improved = !done;
          break;
        }
      }
      sa /= 2;
      sb /= 2;
    }
    if (!improved) break;
  }
  return { a, b };
}

/** ρ and σ of every point (umap-learn's smooth_knn_dist, local_connectivity 1, bandwidth 1). `dist` is n × k with the point itself first at 0. */
export function smoothKnnDist(dist: Float32Array, k: number): { rho: Float64Array; sigma: Float64Array } {
  const n = dist.length / k;
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  const target = Math.log2(k);
  let meanAll = 0;
  for (let i = 0; i < dist.length; i++) meanAll += dist[i];
  meanAll /= dist.length;
  for (let i = 0; i < n; i++) {
    const row = dist.subarray(i * k, (i + 1) * k);
    let firstNonZero = -1;
    let maxNonZero = 0;
    for (let j = 0; j < k; j++)
      if (row[j] > 0) {
        if (firstNonZero < 0) firstNonZero = j;
        maxNonZero = Math.max(maxNonZero, row[j]);
      }
    // local_connectivity = 1: ρ is the nearest non-zero distance (the k-th would interpolate).
    rho[i] = firstNonZero >= 0 ? row[firstNonZero] : 0;
    if (firstNonZero < 0 && maxNonZero > 0) rho[i] = maxNonZero;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 1; j < k; j++) {
        const d = row[j] - rho[i];
        psum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < 1e-5) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    sigma[i] = mid;
    let meanRow = 0;
    for (let j = 0; j < k; j++) meanRow += row[j];
    meanRow /= k;
    if (rho[i] > 0) {
      if (sigma[i] < 1e-3 * meanRow) sigma[i] = 1e-3 * meanRow;
    } else if (sigma[i] < 1e-3 * meanAll) sigma[i] = 1e-3 * meanAll;
  }
  return { rho, sigma };
}

/** The symmetric fuzzy graph as edge lists (both directions, sorted by head then tail). `idx`, `dist`: n × k, the point itself first. */
export function fuzzyGraph(idx: Int32Array, dist: Float32Array, k: number): { head: Int32Array; tail: Int32Array; weight: Float64Array } {
  const n = idx.length / k;
  const { rho, sigma } = smoothKnnDist(dist, k);
  // Directed memberships wᵢⱼ, keyed i·n + j.
  const directed = new Map<number, number>();
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      const t = idx[i * k + j];
      if (t === i || t < 0) continue;
      const d = dist[i * k + j] - rho[i];
      directed.set(i * n + t, d <= 0 || sigma[i] === 0 ? 1 : Math.exp(-(d / sigma[i])));
    }
  // The fuzzy union w + wᵀ − w∘wᵀ.
  const union = new Map<number, number>();
  for (const [key, w] of directed) {
    const i = Math.floor(key / n);
    const t = key - i * n;
    const back = directed.get(t * n + i) ?? 0;
    const u = w + back - w * back;
    union.set(key, u);
    union.set(t * n + i, u);
  }
  const keys = Float64Array.from(union.keys()).sort();
  const head = new Int32Array(keys.length);
  const tail = new Int32Array(keys.length);
  const weight = new Float64Array(keys.length);
  keys.forEach((key, m) => {
    head[m] = Math.floor(key / n);
    tail[m] = key - head[m] * n;
    weight[m] = union.get(key)!;
  });
  return { head, tail, weight };
}

export async function umap(knn: Knn, o: UmapOptions): Promise<{ coords: Float32Array; epochs: number; neighbours: number; a: number; b: number }> {
  const n = knn.indices.length / knn.k;
  const d = o.dims;
  const neighbours = Math.min(o.neighbours ?? 15, knn.k + 1, n);
  if (neighbours < 2) throw new Error(`umap: ${n} points are too few`);
  // The neighbour lists with the point itself first (umap-learn's convention).
  const k = neighbours;
  const idx = new Int32Array(n * k);
  const dist = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    idx[i * k] = i;
    for (let j = 1; j < k; j++) {
      idx[i * k + j] = knn.indices[i * knn.k + j - 1];
      dist[i * k + j] = knn.distances[i * knn.k + j - 1];
    }
  }
  const g = fuzzyGraph(idx, dist, k);
  const total = o.epochs ?? (n <= 10_000 ? 500 : 200);
  // Edges too weak to be sampled once in all the epochs are dropped (as umap-learn does).
  let wmax = 0;
  for (const w of g.weight) wmax = Math.max(wmax, w);
  const keep: number[] = [];
  for (let m = 0; m < g.weight.length; m++) if (g.weight[m] >= wmax / total) keep.push(m);
  const E = keep.length;
  const head = new Int32Array(E);
  const tail = new Int32Array(E);
  const perSample = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    const m = keep[e];
    head[e] = g.head[m];
    tail[e] = g.tail[m];
    perSample[e] = wmax / g.weight[m]; // n_epochs / (n_epochs · w / w_max)
  }
  const negativeRate = 5;
  const perNegative = perSample.map((p) => p / negativeRate);
  const nextSample = Float64Array.from(perSample);
  const nextNegative = Float64Array.from(perNegative);
  const { a, b } = findAB(o.spread ?? 1, o.minDist ?? 0.1);
  const rng = new Rng(o.seed ?? 1);
  // PCA start, scaled so its largest coordinate is 10, a little noise, then each axis to [0, 10].
  const y = new Float64Array(n * d);
  let max = 0;
  for (let i = 0; i < o.init.length; i++) max = Math.max(max, Math.abs(o.init[i]));
  const expand = max > 0 ? 10 / max : 1;
  for (let i = 0; i < n * d; i++) y[i] = o.init[i] * expand + rng.normal() * 1e-4;
  for (let c = 0; c < d; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, y[i * d + c]);
      hi = Math.max(hi, y[i * d + c]);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) y[i * d + c] = (10 * (y[i * d + c] - lo)) / span;
  }
  // The epochs run in WebAssembly (umapEpoch.wat): the same steps as umap-learn's loop, measured
  // 54 vs 90 ms an epoch for the same loop in JS on 20,000 points. Memory: y, then the edges' schedules, then head and tail.
  const Y = 0;
  const PER = align8(Y + n * d * 8);
  const NEXT = PER + E * 8;
  const PERNEG = NEXT + E * 8;
  const NEXTNEG = PERNEG + E * 8;
  const HEAD = NEXTNEG + E * 8;
  const TAIL = HEAD + E * 4;
  const END = TAIL + E * 4;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(END / 65536) + 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(umapEpochWasm), { env: { memory } });
  const epochFn = instance.exports.epoch as (y: number, per: number, next: number, perneg: number, nextneg: number, head: number, tail: number, edges: number, n: number, d: number, ep: number, alpha: number, a: number, b: number, gamma: number) => void;
  (instance.exports.seed as (s: number) => void)((rng.next() * 4294967296) | 0 || 1);
  const buf = memory.buffer;
  new Float64Array(buf, Y, n * d).set(y);
  new Float64Array(buf, PER, E).set(perSample);
  new Float64Array(buf, NEXT, E).set(nextSample);
  new Float64Array(buf, PERNEG, E).set(perNegative);
  new Float64Array(buf, NEXTNEG, E).set(nextNegative);
  new Int32Array(buf, HEAD, E).set(head);
  new Int32Array(buf, TAIL, E).set(tail);
  const yView = new Float64Array(buf, Y, n * d);
  const snapEvery = o.snapshotEvery ?? 25;
  const gamma = 1;
  for (let epoch = 0; epoch < total; epoch++) {
    epochFn(Y, PER, NEXT, PERNEG, NEXTNEG, HEAD, TAIL, E, n, d, epoch, 1 - epoch / total, a, b, gamma);
    const done = epoch + 1;
    if (done % 5 === 0 || done === total) {
      o.onEpoch?.(done, total, done % snapEvery === 0 && done !== total ? Float32Array.from(yView) : undefined);
      await new Promise((r) => setImmediate(r));
      if (o.shouldStop?.()) throw new ProjectionStopped('stopped');
    }
  }
  y.set(yView);
  return { coords: Float32Array.from(y), epochs: total, neighbours, a, b };
}

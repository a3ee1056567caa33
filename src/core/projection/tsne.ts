/**
 * t-SNE (van der Maaten & Hinton 2008) with the Barnes-Hut approximation (van der Maaten 2014),
 * in 2 or 3 dimensions, following scikit-learn's choices: affinities from each point's
 * 3 × perplexity nearest neighbours (cosine distance) calibrated by binary search on the entropy,
 * symmetrised; PCA initialisation scaled to a standard deviation of 1e-4; learning rate
 * max(n / 12 / 4, 50); early exaggeration 12 with momentum 0.5 for the first 250 iterations, then
 * momentum 0.8; delta-bar-delta gains (min 0.01); the repulsion summed over a quadtree (octree in
 * 3D), a cell summarised when its width / distance < θ = 0.5.
 */
import type { Knn } from './knn';
import { ProjectionStopped } from './knn';

export interface TsneOptions {
  dims: 2 | 3;
  perplexity?: number;
  /** Iterations in all, the early-exaggeration ones included. */
  iterations?: number;
  exaggerationIterations?: number;
  earlyExaggeration?: number;
  learningRate?: number;
  theta?: number;
  /** n × dims starting layout (PCA coordinates), rescaled here to a standard deviation of 1e-4. */
  init: Float32Array;
  /** Called every `every` iterations with the layout so far (a copy the caller may keep). */
  onIteration?: (iteration: number, total: number, coords: Float32Array | undefined) => void;
  snapshotEvery?: number;
  shouldStop?: () => boolean;
}

export interface TsneResult {
  coords: Float32Array;
  /** KL(P ‖ Q) at the end (Q from the last iteration's normaliser). */
  klDivergence: number;
  iterations: number;
  perplexity: number;
}

/** p_{j|i} over i's neighbours for the given perplexity (binary search on β, as scikit-learn does). */
export function conditionalP(distances: Float32Array, k: number, perplexity: number): Float64Array {
  const n = distances.length / k;
  const p = new Float64Array(n * k);
  const desired = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += p[i * k + j] = Math.exp(-distances[i * k + j] * beta);
      if (sum === 0) sum = 1e-8;
      let sumDP = 0;
      for (let j = 0; j < k; j++) {
        p[i * k + j] /= sum;
        sumDP += distances[i * k + j] * p[i * k + j];
      }
      const entropy = Math.log(sum) + beta * sumDP;
      const diff = entropy - desired;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return p;
}

/** P = (P_{j|i} + P_{i|j}) / Σ, as compressed rows (each row's columns ascending). */
export function jointP(knn: Knn, cond: Float64Array): { rowStart: Int32Array; cols: Int32Array; vals: Float64Array } {
  const { k, indices } = knn;
  const n = indices.length / k;
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      counts[i]++;
      counts[indices[i * k + j]]++;
    }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + counts[i];
  const fill = start.slice(0, n);
  const c = new Int32Array(start[n]);
  const v = new Float64Array(start[n]);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      const t = indices[i * k + j];
      const w = cond[i * k + j];
      c[fill[i]] = t;
      v[fill[i]++] = w;
      c[fill[t]] = i;
      v[fill[t]++] = w;
    }
  // Sort each row by column and merge the two directions of an edge.
  const rowStart = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: start[i + 1] - start[i] }, (_, m) => start[i] + m).sort((a, b) => c[a] - c[b]);
    for (const m of order) {
      if (cols.length > rowStart[i] && cols[cols.length - 1] === c[m]) vals[vals.length - 1] += v[m];
      else {
        cols.push(c[m]);
        vals.push(v[m]);
      }
      total += v[m];
    }
    rowStart[i + 1] = cols.length;
  }
  const out = Float64Array.from(vals);
  for (let m = 0; m < out.length; m++) out[m] /= Math.max(total, 1e-12);
  return { rowStart, cols: Int32Array.from(cols), vals: out };
}

/** A quadtree (2D) or octree (3D) of the layout, rebuilt every iteration, in flat arrays. */
class SpaceTree {
  private cap = 0;
  count!: Int32Array;
  sum!: Float64Array; // cap × dims
  centre!: Float64Array; // cap × dims
  half!: Float64Array;
  child!: Int32Array; // first of 2^dims children, −1 for a leaf
  point!: Int32Array; // the point of a one-point leaf, −1 empty, −2 several (at the depth limit)
  size = 0;
  readonly leafOf: Int32Array;
  private readonly fan: number;

  constructor(private readonly n: number, private readonly dims: number) {
    this.fan = 1 << dims;
    this.leafOf = new Int32Array(n);
    this.grow(Math.max(64, 4 * n));
  }

  private grow(cap: number): void {
    const d = this.dims;
    const old = this.cap ? { count: this.count, sum: this.sum, centre: this.centre, half: this.half, child: this.child, point: this.point } : undefined;
    this.count = new Int32Array(cap);
    this.sum = new Float64Array(cap * d);
    this.centre = new Float64Array(cap * d);
    this.half = new Float64Array(cap);
    this.child = new Int32Array(cap);
    this.point = new Int32Array(cap);
    if (old) {
      this.count.set(old.count);
      this.sum.set(old.sum);
      this.centre.set(old.centre);
      this.half.set(old.half);
      this.child.set(old.child);
      this.point.set(old.point);
    }
    this.cap = cap;
  }

  private node(centre: ArrayLike<number>, half: number): number {
    if (this.size === this.cap) this.grow(this.cap * 2);
    const id = this.size++;
    const d = this.dims;
    this.count[id] = 0;
    for (let c = 0; c < d; c++) {
      this.sum[id * d + c] = 0;
      this.centre[id * d + c] = centre[c];
    }
    this.half[id] = half;
    this.child[id] = -1;
    this.point[id] = -1;
    return id;
  }

  private childFor(node: number, y: Float64Array, p: number): number {
    const d = this.dims;
    let q = 0;
    for (let c = 0; c < d; c++) if (y[p * d + c] > this.centre[node * d + c]) q |= 1 << c;
    return this.child[node] + q;
  }

  private split(node: number): void {
    const d = this.dims;
    const h = this.half[node] / 2;
    const first = this.size;
    const centre = new Float64Array(d);
    for (let q = 0; q < this.fan; q++) {
      for (let c = 0; c < d; c++) centre[c] = this.centre[node * d + c] + (q & (1 << c) ? h : -h);
      this.node(centre, h);
    }
    this.child[node] = first;
  }

  build(y: Float64Array): void {
    const d = this.dims;
    const lo = new Float64Array(d).fill(Infinity);
    const hi = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < this.n; i++)
      for (let c = 0; c < d; c++) {
        const v = y[i * d + c];
        if (v < lo[c]) lo[c] = v;
        if (v > hi[c]) hi[c] = v;
      }
    let half = 0;
    const centre = new Float64Array(d);
    for (let c = 0; c < d; c++) {
      centre[c] = (lo[c] + hi[c]) / 2;
      half = Math.max(half, (hi[c] - lo[c]) / 2);
    }
    this.size = 0;
    this.node(centre, half * (1 + 1e-6) + 1e-12);
    for (let i = 0; i < this.n; i++) this.insert(y, i);
  }

  private insert(y: Float64Array, p: number): void {
    const d = this.dims;
    let node = 0;
    for (let depth = 0; ; depth++) {
      const before = this.count[node]++;
      for (let c = 0; c < d; c++) this.sum[node * d + c] += y[p * d + c];
      if (this.child[node] === -1) {
        if (before === 0) {
          this.point[node] = p;
          this.leafOf[p] = node;
          return;
        }
        if (depth >= 48 || this.point[node] === -2) {
          this.point[node] = -2; // identical (or nearly) points share a leaf
          this.leafOf[p] = node;
          return;
        }
        const q = this.point[node];
        this.point[node] = -1;
        this.split(node);
        const cq = this.childFor(node, y, q);
        this.count[cq] = 1;
        for (let c = 0; c < d; c++) this.sum[cq * d + c] = y[q * d + c];
        this.point[cq] = q;
        this.leafOf[q] = cq;
      }
      node = this.childFor(node, y, p);
    }
  }
}

export async function tsne(knn: Knn, o: TsneOptions): Promise<TsneResult> {
  const { k, indices } = knn;
  const n = indices.length / k;
  const d = o.dims;
  if (o.init.length !== n * d) throw new Error(`tsne: the initial layout has ${o.init.length} numbers, not ${n} × ${d}`);
  // scikit-learn's rule: perplexity below n; the neighbours it reads, 3 × perplexity + 1.
  const perplexity = Math.min(o.perplexity ?? 30, Math.max(1, (k - 1) / 3), n - 1);
  const cond = conditionalP(knn.distances, k, perplexity);
  const P = jointP(knn, cond);
  const total = o.iterations ?? 1000;
  const exIters = Math.min(total, o.exaggerationIterations ?? 250);
  const exaggeration = o.earlyExaggeration ?? 12;
  const eta = o.learningRate ?? Math.max(n / exaggeration / 4, 50);
  const theta2 = (o.theta ?? 0.5) ** 2;
  const y = new Float64Array(n * d);
  {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += o.init[i * d];
    mean /= n;
    let sd = 0;
    for (let i = 0; i < n; i++) sd += (o.init[i * d] - mean) ** 2;
    sd = Math.sqrt(sd / n) || 1;
    for (let i = 0; i < n * d; i++) y[i] = (o.init[i] / sd) * 1e-4;
  }
  const update = new Float64Array(n * d);
  const gains = new Float64Array(n * d).fill(1);
  const grad = new Float64Array(n * d);
  const rep = new Float64Array(n * d);
  const tree = new SpaceTree(n, d);
  const stack = new Int32Array(64 * 8 * 8 + 1024);
  const fan = 1 << d;
  let lastZ = 1;
  const snapEvery = o.snapshotEvery ?? 50;
  for (let it = 0; it < total; it++) {
    const exag = it < exIters ? exaggeration : 1;
    const momentum = it < exIters ? 0.5 : 0.8;
    tree.build(y);
    // Repulsion: Σ_j q_ij² (y_i − y_j) and Z = Σ q_ij, from the tree.
    let Z = 0;
    rep.fill(0);
    const { count, sum, half, child, point, leafOf } = tree;
    for (let i = 0; i < n; i++) {
      let top = 0;
      stack[top++] = 0;
      const yi0 = y[i * d];
      const yi1 = y[i * d + 1];
      const yi2 = d === 3 ? y[i * d + 2] : 0;
      let r0 = 0;
      let r1 = 0;
      let r2 = 0;
      while (top > 0) {
        const node = stack[--top];
        let c = count[node];
        if (c === 0) continue;
        const leaf = child[node] === -1;
        if (leaf && point[node] === i) continue;
        let s0 = sum[node * d];
        let s1 = sum[node * d + 1];
        let s2 = d === 3 ? sum[node * d + 2] : 0;
        if (leaf && leafOf[i] === node) {
          // A shared leaf: the others in it, not i itself.
          s0 -= yi0;
          s1 -= yi1;
          s2 -= yi2;
          c -= 1;
          if (c === 0) continue;
        }
        const dx = yi0 - s0 / c;
        const dy = yi1 - s1 / c;
        const dz = yi2 - s2 / c;
        const dist2 = dx * dx + dy * dy + dz * dz;
        const w = 2 * half[node];
        if (leaf || w * w < theta2 * dist2) {
          const q = 1 / (1 + dist2);
          Z += c * q;
          const f = c * q * q;
          r0 += f * dx;
          r1 += f * dy;
          r2 += f * dz;
        } else {
          const first = child[node];
          for (let q = 0; q < fan; q++) stack[top++] = first + q;
        }
      }
      rep[i * d] = r0;
      rep[i * d + 1] = r1;
      if (d === 3) rep[i * d + 2] = r2;
    }
    lastZ = Z;
    // Attraction over P's edges, then the gradient 4 (exag Σ p q (y_i − y_j) − rep / Z).
    const { rowStart, cols, vals } = P;
    for (let i = 0; i < n; i++) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      for (let m = rowStart[i]; m < rowStart[i + 1]; m++) {
        const j = cols[m];
        const dx = y[i * d] - y[j * d];
        const dy = y[i * d + 1] - y[j * d + 1];
        const dz = d === 3 ? y[i * d + 2] - y[j * d + 2] : 0;
        const pq = vals[m] / (1 + dx * dx + dy * dy + dz * dz);
        a0 += pq * dx;
        a1 += pq * dy;
        a2 += pq * dz;
      }
      grad[i * d] = 4 * (exag * a0 - rep[i * d] / Z);
      grad[i * d + 1] = 4 * (exag * a1 - rep[i * d + 1] / Z);
      if (d === 3) grad[i * d + 2] = 4 * (exag * a2 - rep[i * d + 2] / Z);
    }
    for (let m = 0; m < n * d; m++) {
      const g = grad[m];
      gains[m] = update[m] * g < 0 ? gains[m] + 0.2 : Math.max(0.01, gains[m] * 0.8);
      update[m] = momentum * update[m] - eta * gains[m] * g;
      y[m] += update[m];
    }
    const done = it + 1;
    if (done % 10 === 0 || done === total) {
      o.onIteration?.(done, total, done % snapEvery === 0 && done !== total ? Float32Array.from(y) : undefined);
      // Let the worker read a Stop between iterations.
      await new Promise((r) => setImmediate(r));
      if (o.shouldStop?.()) throw new ProjectionStopped('stopped');
    }
  }
  // KL(P ‖ Q) over P's edges (Q = q / Z with the last normaliser).
  let kl = 0;
  for (let i = 0; i < n; i++)
    for (let m = P.rowStart[i]; m < P.rowStart[i + 1]; m++) {
      const j = P.cols[m];
      let dist2 = 0;
      for (let c = 0; c < d; c++) dist2 += (y[i * d + c] - y[j * d + c]) ** 2;
      const q = 1 / (1 + dist2) / lastZ;
      const p = P.vals[m];
      if (p > 0) kl += p * Math.log(Math.max(p, 1e-12) / Math.max(q, 1e-12));
    }
  return { coords: Float32Array.from(y), klDivergence: kl, iterations: total, perplexity };
}

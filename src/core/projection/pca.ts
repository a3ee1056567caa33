/**
 * PCA of every vector (no sampling): the coordinates of the mean-centred vectors on their top k
 * principal components. For n × d with n up to 400,000 and d up to 300 it uses randomized
 * subspace iteration (Halko, Martinsson & Tropp 2011): a random d × (k + p) start, a few rounds of
 * multiplying by XᵀX (re-orthonormalised each round), then the exact SVD of the small projected
 * matrix. The products with X run block by block through tfjs (wasm), so memory stays at the
 * vectors plus a block, and the small matrices are handled in float64.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

export interface PcaOptions {
  seed?: number;
  /** Rounds of subspace iteration (more: more accurate when eigenvalues are close). */
  iterations?: number;
  /** Extra directions searched beyond k. */
  oversample?: number;
  onProgress?: (fraction: number) => void;
  shouldStop?: () => boolean;
}

export interface PcaResult {
  /** n × k, row-major: each vector's coordinates. */
  coords: Float32Array;
  /** k × d: the principal directions (unit length). */
  components: Float64Array;
  /** The share of the total variance each component explains. */
  explained: number[];
}

export class PcaStopped extends Error {}

/** A vector with a NaN or infinite value (row: its index). */
export class NonFiniteVector extends Error {
  constructor(readonly row: number) {
    super(`pca: vector ${row + 1} has a value that is not a finite number`);
  }
}

const BLOCK_ROWS = 16_384;

/** (X − 1μᵀ) M for M d × l (row-major float64): n × l. */
async function timesRight(x: Float32Array, n: number, d: number, mean: Float64Array, m: Float64Array, l: number, tick: () => void): Promise<Float64Array> {
  const out = new Float64Array(n * l);
  const shift = new Float64Array(l); // μᵀ M
  for (let j = 0; j < l; j++) for (let i = 0; i < d; i++) shift[j] += mean[i] * m[i * l + j];
  const mt = tf.tensor2d(Float32Array.from(m), [d, l]);
  try {
    for (let r = 0; r < n; r += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, n - r);
      const block = tf.tidy(() => tf.matMul(tf.tensor2d(x.subarray(r * d, (r + rows) * d), [rows, d]), mt));
      const data = await block.data();
      block.dispose();
      for (let i = 0; i < rows * l; i++) out[r * l + i] = data[i] - shift[i % l];
      tick();
    }
  } finally {
    mt.dispose();
  }
  return out;
}

/** (X − 1μᵀ)ᵀ Y for Y n × l: d × l. */
async function timesLeft(x: Float32Array, n: number, d: number, mean: Float64Array, y: Float64Array, l: number, tick: () => void): Promise<Float64Array> {
  const out = new Float64Array(d * l);
  const colSums = new Float64Array(l);
  for (let r = 0; r < n; r += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - r);
    const yb = y.subarray(r * l, (r + rows) * l);
    for (let i = 0; i < yb.length; i++) colSums[i % l] += yb[i];
    // Yᵀ X (l × d) rather than Xᵀ Y: the small matrix is the one transposed (here, in JS), not the block.
    const yt = new Float32Array(l * rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < l; j++) yt[j * rows + i] = yb[i * l + j];
    const block = tf.tidy(() => tf.matMul(tf.tensor2d(yt, [l, rows]), tf.tensor2d(x.subarray(r * d, (r + rows) * d), [rows, d])));
    const data = await block.data();
    block.dispose();
    for (let i = 0; i < d; i++) for (let j = 0; j < l; j++) out[i * l + j] += data[j * d + i];
    tick();
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < l; j++) out[i * l + j] -= mean[i] * colSums[j];
  return out;
}

/** Orthonormalises the columns of a rows × cols matrix in place (modified Gram–Schmidt, twice). */
function orthonormalise(a: Float64Array, rows: number, cols: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < cols; j++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += a[i * cols + j] * a[i * cols + k];
        for (let i = 0; i < rows; i++) a[i * cols + j] -= dot * a[i * cols + k];
      }
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += a[i * cols + j] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < rows; i++) a[i * cols + j] /= norm;
    }
  }
}

/** Eigen-decomposition of a symmetric s × s matrix (cyclic Jacobi): values descending, vectors as columns. */
export function symmetricEigen(m: Float64Array, s: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(s * s);
  for (let i = 0; i < s; i++) v[i * s + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < s; p++) for (let q = p + 1; q < s; q++) off += a[p * s + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < s; p++)
      for (let q = p + 1; q < s; q++) {
        const apq = a[p * s + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * s + q] - a[p * s + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < s; k++) {
          const akp = a[k * s + p];
          const akq = a[k * s + q];
          a[k * s + p] = c * akp - sn * akq;
          a[k * s + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < s; k++) {
          const apk = a[p * s + k];
          const aqk = a[q * s + k];
          a[p * s + k] = c * apk - sn * aqk;
          a[q * s + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < s; k++) {
          const vkp = v[k * s + p];
          const vkq = v[k * s + q];
          v[k * s + p] = c * vkp - sn * vkq;
          v[k * s + q] = sn * vkp + c * vkq;
        }
      }
  }
  const order = [...Array(s).keys()].sort((i, j) => a[j * s + j] - a[i * s + i]);
  const vectors = new Float64Array(s * s);
  order.forEach((src, dst) => {
    for (let k = 0; k < s; k++) vectors[k * s + dst] = v[k * s + src];
  });
  return { values: order.map((i) => a[i * s + i]), vectors };
}

export async function pca(x: Float32Array, n: number, d: number, k: number, o: PcaOptions = {}): Promise<PcaResult> {
  if (!(n >= 1 && d >= 1 && x.length === n * d)) throw new Error(`pca: ${x.length} numbers are not ${n} × ${d}`);
  if (!(k >= 1 && k <= d)) throw new Error(`pca: ${k} components of ${d} dimensions`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new NonFiniteVector(Math.floor(i / d));
  const l = Math.min(d, k + (o.oversample ?? 10));
  const q = o.iterations ?? 3;
  const blocks = Math.ceil(n / BLOCK_ROWS);
  const totalTicks = blocks * (2 * q + 1);
  let ticks = 0;
  const tick = () => {
    ticks++;
    o.onProgress?.(Math.min(1, ticks / totalTicks));
    if (o.shouldStop?.()) throw new PcaStopped('pca: stopped');
  };
  // The mean, and the total variance (for the explained shares), in one pass: Σ(x − μ)² = Σx² − nμ² per dimension.
  const mean = new Float64Array(d);
  const squares = new Float64Array(d);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) {
      const v = x[r * d + i];
      mean[i] += v;
      squares[i] += v * v;
    }
  let total = 0;
  for (let i = 0; i < d; i++) {
    mean[i] /= n;
    total += Math.max(0, squares[i] - n * mean[i] * mean[i]);
  }
  // Subspace iteration: Z spans (XᵀX)^q Ω.
  const rng = new Rng(o.seed ?? 1);
  let z: Float64Array = new Float64Array(d * l);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  orthonormalise(z, d, l);
  for (let it = 0; it < q; it++) {
    const y = await timesRight(x, n, d, mean, z, l, tick);
    z = await timesLeft(x, n, d, mean, y, l, tick);
    orthonormalise(z, d, l);
  }
  // Rayleigh–Ritz on span(Z): (XZ)ᵀ(XZ) = Zᵀ XᵀX Z, l × l; its eigenvectors rotate Z onto the principal directions.
  const y = await timesRight(x, n, d, mean, z, l, tick);
  const g = new Float64Array(l * l);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < l; i++) {
      const yi = y[r * l + i];
      for (let j = i; j < l; j++) g[i * l + j] += yi * y[r * l + j];
    }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i];
  const eig = symmetricEigen(g, l);
  const components = new Float64Array(k * d);
  for (let c = 0; c < k; c++) for (let i = 0; i < d; i++) for (let j = 0; j < l; j++) components[c * d + i] += z[i * l + j] * eig.vectors[j * l + c];
  // Coordinates: (X − μ) V_k = Y R_k, with R the Ritz rotation (no second pass over X).
  const coords = new Float32Array(n * k);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < l; j++) s += y[r * l + j] * eig.vectors[j * l + c];
      coords[r * k + c] = s;
    }
  // One sign per component, fixed so that runs agree: the largest coordinate is positive.
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let r = 1; r < n; r++) if (Math.abs(coords[r * k + c]) > Math.abs(coords[best * k + c])) best = r;
    if (coords[best * k + c] < 0) {
      for (let r = 0; r < n; r++) coords[r * k + c] = -coords[r * k + c];
      for (let i = 0; i < d; i++) components[c * d + i] = -components[c * d + i];
    }
  }
  o.onProgress?.(1);
  return { coords, components, explained: eig.values.slice(0, k).map((v) => (total > 0 ? v / total : 0)) };
}

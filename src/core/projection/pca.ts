/**
 * PCA of every vector (no sampling): the coordinates of the mean-centred vectors on their top k
 * principal components. For n × d with n up to 400,000 and d up to 300 it uses randomized
 * subspace iteration (Halko, Martinsson & Tropp 2011): a random d × (k + p) start, a few rounds of
 * multiplying by XᵀX (re-orthonormalised each round), then the exact SVD of the small projected
 * matrix. Each round's two products with X run fused in one pass over the rows, block by block, in
 * a WebAssembly SIMD kernel (pcaPass.wat), so memory stays at the vectors plus a block, and the
 * small matrices are handled in float64.
 */
import { Rng } from '../random';
import pcaPassWasm from './pcaPass.wat';

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

/**
 * The fused pass (pcaPass.wat) over the rows, a block at a time copied into the kernel's memory:
 * Y = (X − 1μᵀ) M, and with `withZ` also Z = (X − 1μᵀ)ᵀ Y, accumulated in float64 block by block.
 * Measured on 400,000 × 300 (l = 12): one pass of both products 0.5 s, against 1.0 s for the two
 * tfjs matMuls it replaces.
 */
class FusedPass {
  private readonly d4: number;
  private readonly l4: number;
  private readonly mem: WebAssembly.Memory;
  private readonly run: (x: number, rows: number, d4: number, mt: number, l4: number, shift: number, y: number, zt: number, withZ: number) => void;
  private readonly X = 0;
  private readonly MT: number;
  private readonly SHIFT: number;
  private readonly Y: number;
  private readonly ZT: number;

  constructor(private readonly d: number, private readonly l: number) {
    this.d4 = Math.ceil(d / 4) * 4;
    this.l4 = Math.ceil(l / 4) * 4;
    this.MT = BLOCK_ROWS * this.d4 * 4;
    this.SHIFT = this.MT + this.l4 * this.d4 * 4;
    this.Y = this.SHIFT + this.l4 * 4;
    this.ZT = this.Y + BLOCK_ROWS * this.l4 * 4;
    const end = this.ZT + this.l4 * this.d4 * 4;
    this.mem = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) + 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(pcaPassWasm), { env: { memory: this.mem } });
    this.run = instance.exports.pass as FusedPass['run'];
  }

  /** (X − 1μᵀ) M for M d × l, and (X − 1μᵀ)ᵀ of that when `withZ`. */
  pass(x: Float32Array, n: number, mean: Float64Array, m: Float64Array, withZ: boolean, tick: () => void): { y: Float64Array; z: Float64Array | undefined } {
    const { d, l, d4, l4 } = this;
    const buf = this.mem.buffer;
    const mt = new Float32Array(buf, this.MT, l4 * d4);
    mt.fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < l; j++) mt[j * d4 + i] = m[i * l + j];
    const shift = new Float32Array(buf, this.SHIFT, l4);
    shift.fill(0);
    for (let j = 0; j < l; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += mean[i] * m[i * l + j];
      shift[j] = s;
    }
    const xb = new Float32Array(buf, this.X, BLOCK_ROWS * d4);
    const yb = new Float32Array(buf, this.Y, BLOCK_ROWS * l4);
    const zt = new Float32Array(buf, this.ZT, l4 * d4);
    const y = new Float64Array(n * l);
    const z = withZ ? new Float64Array(d * l) : undefined;
    const colSums = new Float64Array(l);
    for (let r = 0; r < n; r += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, n - r);
      if (d4 === d) xb.set(x.subarray(r * d, (r + rows) * d));
      else for (let i = 0; i < rows; i++) xb.set(x.subarray((r + i) * d, (r + i + 1) * d), i * d4); // the padding stays 0
      if (z) zt.fill(0);
      this.run(this.X, rows, d4, this.MT, l4, this.SHIFT, this.Y, this.ZT, z ? 1 : 0);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < l; j++) {
          const v = yb[i * l4 + j];
          y[(r + i) * l + j] = v;
          colSums[j] += v;
        }
      if (z) for (let i = 0; i < d; i++) for (let j = 0; j < l; j++) z[i * l + j] += zt[j * d4 + i];
      tick();
    }
    // Xᵀ Y counted every row's x whole: take the mean back out, μ (Σ y)ᵀ.
    if (z) for (let i = 0; i < d; i++) for (let j = 0; j < l; j++) z[i * l + j] -= mean[i] * colSums[j];
    return { y, z };
  }
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
  const l = Math.min(d, k + (o.oversample ?? 10));
  const q = o.iterations ?? 3;
  const blocks = Math.ceil(n / BLOCK_ROWS);
  const totalTicks = blocks * (q + 1);
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
  // A NaN or infinity anywhere makes a sum of squares non-finite: only then look for its row
  // (one pass over the vectors instead of two).
  if (!squares.every(Number.isFinite)) for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new NonFiniteVector(Math.floor(i / d));
  let total = 0;
  for (let i = 0; i < d; i++) {
    mean[i] /= n;
    total += Math.max(0, squares[i] - n * mean[i] * mean[i]);
  }
  // Subspace iteration: Z spans (XᵀX)^q Ω, each round one fused pass over the rows.
  const kernel = new FusedPass(d, l);
  const rng = new Rng(o.seed ?? 1);
  let z: Float64Array = new Float64Array(d * l);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  orthonormalise(z, d, l);
  for (let it = 0; it < q; it++) {
    z = kernel.pass(x, n, mean, z, true, tick).z!;
    orthonormalise(z, d, l);
    await new Promise((r) => setImmediate(r)); // a Stop can arrive between rounds
  }
  // Rayleigh–Ritz on span(Z): (XZ)ᵀ(XZ) = Zᵀ XᵀX Z, l × l; its eigenvectors rotate Z onto the principal directions.
  const { y } = kernel.pass(x, n, mean, z, false, tick);
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

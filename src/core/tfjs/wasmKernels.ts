/**
 * Kernel fixes for @tensorflow/tfjs-backend-wasm 4.22, registered with
 * tf.registerKernel over the stock ones. Measured on this project's machines
 * (see bench/ and the tfjs-wasm-perf reference): without them, training is
 * 5–9x slower and training any embedding throws.
 *
 * - UnsortedSegmentSum: missing on wasm; it is the gradient of gather, so
 *   `embedding` layers cannot train without it.
 * - BatchMatMul: the stock kernel uses XNNPACK only for non-transposed,
 *   batch-1 products; every matMul gradient (AᵀB, ABᵀ) and every batched
 *   attention product falls to a scalar loop 10–40x slower. We transpose
 *   explicitly with the native Transpose kernel and then take the fast path,
 *   per batch slice on zero-copy views.
 * - Slice, Unpack, SplitV: the stock Slice reads the whole input out of the
 *   heap for every slice, O(T × size) for an unstack over time.
 * - GatherV2: about 50 ns per element; we copy whole rows.
 * - Sum over leading axes (every bias gradient: dY [N, V] summed over N) first
 *   transposes the whole input, and over trailing axes runs a scalar loop; we
 *   add rows, or sum each row, in SIMD (simd.wat). [1280, 2000] over axis 0:
 *   6.8 → 0.3 ms.
 * - Identity (tf.clone, and the gradient tape's pass-through gradients) copies
 *   the data; tensors are immutable, so sharing it by reference count, as the
 *   cpu backend's Identity does, is the same result without the copy (about
 *   200 copies per Transformer training step).
 *
 * Every override keeps the stock kernel's semantics and is checked against the
 * cpu backend, forward and gradient, in test/unit/wasmKernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { SimdExports, simdFor, WasmBackendLike } from './simdKernels';

/** The parts of BackendWasm these kernels touch (its .d.ts types `wasm` too narrowly). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
  dataIdMap: { get(dataId: object): { id: number } | undefined; delete(dataId: object): void };
  wasm: { HEAPU8: Uint8Array; tfjs: { disposeData(id: number): void } };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Names of the kernels replaced, for the log and the tests. */
export const PATCHED_KERNELS = ['UnsortedSegmentSum', 'BatchMatMul', 'Slice', 'Unpack', 'SplitV', 'GatherV2', 'Sum', 'Identity'] as const;

let installed = false;

/**
 * Whether the fixes are in. Stock wasm's Unpack records its outputs with the
 * sliced axis still in place, so FusedMatMul refuses them as a bias; code that
 * fuses an unstacked row as bias asks this first.
 */
export function wasmKernelFixesInstalled(): boolean {
  return installed;
}

/**
 * Installs every fix. Call after importing the wasm backend and before
 * `tf.setBackend('wasm')`; calling again does nothing.
 */
export function installWasmKernelFixes(): void {
  if (installed) return;
  if (!tf.getKernel('BatchMatMul', 'wasm')) {
    throw new Error('installWasmKernelFixes: the wasm backend is not loaded (import @tensorflow/tfjs-backend-wasm first)');
  }
  registerUnsortedSegmentSum();
  patchBatchMatMul();
  patchSlice();
  patchGather();
  patchSum();
  patchIdentity();
  installed = true;
}

/**
 * Replaces a wasm kernel, keeping the stock kernel's setup function: the stock
 * kernel binds its wasm entry point there, and our kernels fall back to it.
 */
function replaceKernel(name: string, kernelFunc: KernelFn, setupFunc = tf.getKernel(name, 'wasm')?.setupFunc): void {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc, setupFunc });
}

/** A tensor header over memory owned by another tensor; released with releaseView, never freed. */
function view(backend: WasmBackend, offset: number, shape: number[]): tf.TensorInfo {
  return backend.makeOutput(shape, 'float32', offset);
}
function releaseView(backend: WasmBackend, t: tf.TensorInfo): void {
  const data = backend.dataIdMap.get(t.dataId);
  if (data) backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(t.dataId);
}

/**
 * Only the missing kernel, none of the speed fixes: what "stock tfjs-wasm" needs to
 * train an embedding at all (the benchmarks' reference).
 */
export function registerUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  replaceKernel('UnsortedSegmentSum', ({ inputs, attrs, backend }) => {
    const b = backend as WasmBackend;
    const x = inputs.x as tf.TensorInfo;
    const segmentIds = inputs.segmentIds as tf.TensorInfo;
    const numSegments = (attrs as { numSegments: number }).numSegments;
    const inner = sizeOf(x.shape.slice(1));
    const out = b.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
    const o = b.typedArrayFromHeap(out);
    o.fill(0);
    // Views after every allocation: makeOutput may grow (and detach) the heap.
    const xv = b.typedArrayFromHeap(x);
    const ids = b.typedArrayFromHeap(segmentIds);
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids
      const ob = s * inner;
      const xb = i * inner;
      for (let j = 0; j < inner; j++) o[ob + j] += xv[xb + j];
    }
    return out;
  });
}

function patchBatchMatMul(): void {
  const stock = tf.getKernel('BatchMatMul', 'wasm')!;
  const orig = stock.kernelFunc as unknown as KernelFn;
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc as unknown as KernelFn;
  const swapLast = (rank: number): number[] => {
    const p = [...Array(rank).keys()];
    [p[rank - 2], p[rank - 1]] = [p[rank - 1], p[rank - 2]];
    return p;
  };

  replaceKernel(
    'BatchMatMul',
    (args) => {
      const b = args.backend as WasmBackend;
      let a = args.inputs.a as tf.TensorInfo;
      let bm = args.inputs.b as tf.TensorInfo;
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const batchA = sizeOf(a.shape.slice(0, -2));
      const batchB = sizeOf(bm.shape.slice(0, -2));
      const batch = Math.max(batchA, batchB);
      if (batch === 1 && !transposeA && !transposeB) return orig(args); // already XNNPACK
      // Broadcasting other than "one side has no batch" keeps the stock kernel.
      if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return orig(args);
      if (batchA > 1 && batchB > 1 && a.shape.slice(0, -2).join() !== bm.shape.slice(0, -2).join()) return orig(args);
      if (batch === 1 && transposeA && !transposeB && a.shape.length === 2 && bm.shape.length === 2 && Math.max(a.shape[1], bm.shape[1]) >= 1000) {
        // aᵀ·b with a [K, M], b [K, N] and a large output (a weight gradient Xᵀ·dY next to a 2,000-word
        // output layer): (bᵀ·a)ᵀ measured 10–25% faster than transposing a, for either side wide
        // ([1280,256]ᵀ·[1280,2000] 63 → 52 ms, [1024,2000]ᵀ·[1024,128] 34 → 28 ms; at widths of a few
        // hundred, neither wins clearly, so the plain way stays).
        const bt = transpose({ inputs: { x: bm }, backend: b, attrs: { perm: [1, 0] } }) as tf.TensorInfo; // [N, K]
        const ct = orig({ inputs: { a: bt, b: a }, backend: b, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo; // [N, M]
        const out = transpose({ inputs: { x: ct }, backend: b, attrs: { perm: [1, 0] } }) as tf.TensorInfo; // [M, N]
        b.disposeData(bt.dataId);
        b.disposeData(ct.dataId);
        return out;
      }
      const temps: tf.TensorInfo[] = [];
      if (transposeA) {
        a = transpose({ inputs: { x: a }, backend: b, attrs: { perm: swapLast(a.shape.length) } }) as tf.TensorInfo;
        temps.push(a);
      }
      if (transposeB) {
        bm = transpose({ inputs: { x: bm }, backend: b, attrs: { perm: swapLast(bm.shape.length) } }) as tf.TensorInfo;
        temps.push(bm);
      }
      const M = a.shape[a.shape.length - 2];
      const K = a.shape[a.shape.length - 1];
      const N = bm.shape[bm.shape.length - 1];
      // Both operands' batch dimensions, broadcast (e.g. [2, 3] with [1, 4, 3]ᵀ gives [1, 2, 4]).
      const outBatchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), bm.shape.slice(0, -2));
      const plain = (x: tf.TensorInfo, y: tf.TensorInfo) =>
        orig({ inputs: { a: x, b: y }, backend: b, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
      let out: tf.TensorInfo;
      let simd: SimdExports | null | undefined;
      if (batch === 1) {
        const av = view(b, b.getMemoryOffset(a.dataId), [M, K]);
        const bv = view(b, b.getMemoryOffset(bm.dataId), [K, N]);
        out = plain(av, bv);
        releaseView(b, av);
        releaseView(b, bv);
      } else if (batchB === 1) {
        // Shared right operand: fold the batch into M, one XNNPACK call.
        const av = view(b, b.getMemoryOffset(a.dataId), [batchA * M, K]); // [batch*M, K]
        const bv = view(b, b.getMemoryOffset(bm.dataId), [K, N]);
        out = plain(av, bv);
        releaseView(b, av);
        releaseView(b, bv);
      } else if (N % 4 === 0 && K > 0 && M > 0 && (simd ??= simdFor(b as unknown as WasmBackendLike))) {
        // Many small products (attention heads): one SIMD kernel over all of them, instead of an
        // XNNPACK operator set up per slice ([128 × 32×32·32×32]: 1.7 → see bench/RESULTS.md).
        out = b.makeOutput([batch, M, N], 'float32');
        simd.bmm(b.getMemoryOffset(a.dataId), b.getMemoryOffset(bm.dataId), b.getMemoryOffset(out.dataId), batch, M, K, N, batchA === 1 ? 0 : M * K * 4, batchB === 1 ? 0 : K * N * 4);
      } else {
        out = b.makeOutput([batch, M, N], 'float32');
        for (let i = 0; i < batch; i++) {
          // Offsets read per slice: an allocation inside `plain` may move nothing,
          // but the heap may grow, so HEAPU8 is looked up again each time.
          const av = view(b, b.getMemoryOffset(a.dataId) + (batchA === 1 ? 0 : i * M * K * 4), [M, K]);
          const bv = view(b, b.getMemoryOffset(bm.dataId) + i * K * N * 4, [K, N]);
          const r = plain(av, bv);
          const ro = b.getMemoryOffset(r.dataId);
          b.wasm.HEAPU8.copyWithin(b.getMemoryOffset(out.dataId) + i * M * N * 4, ro, ro + M * N * 4);
          b.disposeData(r.dataId);
          releaseView(b, av);
          releaseView(b, bv);
        }
      }
      for (const t of temps) b.disposeData(t.dataId);
      return { dataId: out.dataId, dtype: out.dtype, shape: [...outBatchShape, M, N] };
    },
  );
}

function patchSum(): void {
  const orig = tf.getKernel('Sum', 'wasm')!.kernelFunc as unknown as KernelFn;
  replaceKernel('Sum', (args) => {
    const b = args.backend as WasmBackend;
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const simd = simdFor(b as unknown as WasmBackendLike);
    if (x.dtype !== 'float32' || axes.length === 0 || axes.length === rank || sizeOf(x.shape) === 0 || !simd) return orig(args);
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    if (axes.every((a, i) => a === i)) {
      // Σ over the leading axes (bias gradients): the rows of x [outer, inner] added into one row.
      const out = b.makeOutput(shape, 'float32');
      simd.sum_rows(b.getMemoryOffset(x.dataId), b.getMemoryOffset(out.dataId), sizeOf(x.shape.slice(0, axes.length)), sizeOf(x.shape.slice(axes.length)));
      return out;
    }
    if (axes.every((a, i) => a === rank - axes.length + i)) {
      // Σ over the trailing axes (layer norm's moments, row sums): each row of x [outer, inner] summed.
      const out = b.makeOutput(shape, 'float32');
      const inner = sizeOf(x.shape.slice(rank - axes.length));
      simd.sum_cols(b.getMemoryOffset(x.dataId), b.getMemoryOffset(out.dataId), sizeOf(x.shape) / inner, inner);
      return out;
    }
    return orig(args);
  });
}

function patchIdentity(): void {
  const orig = tf.getKernel('Identity', 'wasm')!.kernelFunc as unknown as KernelFn;
  replaceKernel('Identity', (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return orig(args);
    (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  });
}

function patchSlice(): void {
  const orig = tf.getKernel('Slice', 'wasm')!.kernelFunc as unknown as KernelFn;
  /** `outShape`, when given, is the shape recorded for the result (Unpack drops the sliced axis). */
  const slice = (args: KernelArgs, outShape?: number[]): tf.TensorInfo => {
    const b = args.backend as WasmBackend;
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return orig(args) as tf.TensorInfo;
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const [start, sz] = tf.slice_util.parseSliceParams(x, begin, size);
    const out = b.makeOutput(outShape ?? sz, x.dtype); // allocate before taking views: may grow the heap
    const n = sizeOf(sz);
    if (n === 0) return out;
    const xv = b.typedArrayFromHeap(x);
    const ov = b.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, start, sz)) {
      const off = tf.slice_util.computeFlatOffset(start, strides);
      ov.set(xv.subarray(off, off + n));
      return out;
    }
    // Copy contiguous innermost rows, walking the outer indices like an odometer.
    const rank = x.shape.length;
    const inner = sz[rank - 1];
    const idx = new Array(rank - 1).fill(0);
    for (let o = 0; ; o += inner) {
      let off = start[rank - 1];
      for (let d = 0; d < rank - 1; d++) off += (start[d] + idx[d]) * strides[d];
      ov.set(xv.subarray(off, off + inner), o);
      let d = rank - 2;
      while (d >= 0 && ++idx[d] === sz[d]) idx[d--] = 0;
      if (d < 0) break;
    }
    return out;
  };
  replaceKernel('Slice', slice);
  // Unpack and SplitV call the module-internal slice, so they are replaced too.
  replaceKernel('Unpack', ({ inputs, attrs, backend }) => {
    const value = inputs.value as tf.TensorInfo;
    let axis = (attrs as { axis: number }).axis;
    if (axis < 0) axis += value.shape.length;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const size = value.shape.slice();
    size[axis] = 1;
    const outs: tf.TensorInfo[] = [];
    for (let i = 0; i < value.shape[axis]; i++) {
      const begin = new Array(value.shape.length).fill(0);
      begin[axis] = i;
      // The backend records the unpacked shape, as kernels that read it (FusedMatMul's bias) expect.
      outs.push(slice({ inputs: { x: value }, attrs: { begin, size }, backend }, outShape));
    }
    return outs;
  });
  replaceKernel('SplitV', ({ inputs, attrs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    const { numOrSizeSplits } = attrs as { numOrSizeSplits: number | number[] };
    const axis = tf.util.parseAxisParam((attrs as { axis: number }).axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, axis);
    const begin = new Array(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[axis] = s;
      const r = slice({ inputs: { x }, attrs: { begin: begin.slice(), size }, backend });
      begin[axis] += s;
      return r;
    });
  });
}

function patchGather(): void {
  const orig = tf.getKernel('GatherV2', 'wasm')!.kernelFunc as unknown as KernelFn;
  replaceKernel('GatherV2', (args) => {
    const b = args.backend as WasmBackend;
    const x = args.inputs.x as tf.TensorInfo;
    const indices = args.inputs.indices as tf.TensorInfo;
    const attrs = args.attrs as { axis: number; batchDims?: number };
    if ((attrs.batchDims ?? 0) !== 0 || x.dtype === 'string') return orig(args);
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const axisSize = x.shape[axis];
    const count = sizeOf(indices.shape);
    const out = b.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    const xv = b.typedArrayFromHeap(x);
    const iv = b.typedArrayFromHeap(indices);
    const ov = b.typedArrayFromHeap(out);
    if (inner === 1) {
      // Gathering single values (the last axis): element copies, no subarray per value.
      for (let o = 0, w = 0; o < outer; o++) {
        const base = o * axisSize;
        for (let j = 0; j < count; j++, w++) {
          const r = iv[j];
          ov[w] = r < 0 || r >= axisSize ? 0 : xv[base + r];
        }
      }
      return out;
    }
    for (let o = 0, w = 0; o < outer; o++) {
      const base = o * axisSize * inner;
      for (let j = 0; j < count; j++, w += inner) {
        const r = iv[j];
        // Same as the stock kernel: an out-of-range index gathers zeros.
        if (r < 0 || r >= axisSize) ov.fill(0, w, w + inner);
        else ov.set(xv.subarray(base + r * inner, base + (r + 1) * inner), w);
      }
    }
    return out;
  });
}

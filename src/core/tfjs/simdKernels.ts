/**
 * The SIMD kernels of simd.wat, instantiated over the wasm backend's own memory
 * (so they read and write tensors in place), and what uses them:
 *   - softmaxCrossEntropyRows: the forward and backward of a sparse softmax
 *     cross-entropy in one pass over the logits (a kernel for wasm and cpu);
 *   - the GRU and LSTM forward steps (used by recurrentKernels.ts).
 * The cpu backend (and widths under 4) run the plain JavaScript below, which is
 * also what the tests compare the SIMD code against.
 */
import * as tf from '@tensorflow/tfjs';
import { registerJsKernel, type WasmBackendLike } from './jsKernel';
import simdWasm from './simd.wat';

export interface SimdExports {
  exp(x: number, out: number, n: number): void;
  sum_rows(x: number, out: number, n: number, v: number): void;
  sum_cols(x: number, out: number, n: number, v: number): void;
  bmm(a: number, b: number, c: number, batch: number, M: number, K: number, N: number, strideA: number, strideB: number): void;
  softmax_rows(x: number, out: number, n: number, v: number, scale: number, stats: number): void;
  gru_forward(xp: number, hu: number, c: number, h: number, mask: number, masked: number, hOut: number, saved: number, B: number, H: number): void;
  lstm_forward(xp: number, hu: number, c: number, h: number, mask: number, masked: number, hOut: number, cOut: number, saved: number, B: number, H: number): void;
}

export type { WasmBackendLike };

let customKernels = true;

/**
 * Whether models use SeqLens's own kernels (the fused recurrence, the SIMD
 * cross-entropy). On by default; the benchmark's "stock tfjs" reference turns
 * them off to run the same models on tfjs's own operations only.
 */
export function customKernelsEnabled(): boolean {
  return customKernels;
}

export function setCustomKernels(on: boolean): void {
  customKernels = on;
}

const instances = new WeakMap<object, SimdExports | null>();

/** The kernels bound to this wasm backend's memory, or null if its memory is not reachable. */
export function simdFor(backend: WasmBackendLike): SimdExports | null {
  let k = instances.get(backend);
  if (k === undefined) {
    const memory = backend.wasm.asm?.memory;
    k = memory instanceof WebAssembly.Memory ? (new WebAssembly.Instance(new WebAssembly.Module(simdWasm), { env: { memory } }).exports as unknown as SimdExports) : null;
    instances.set(backend, k);
  }
  return k;
}

/** Byte offset of a tensor in the wasm heap. */
export function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return backend.getMemoryOffset(t.dataId);
}

/**
 * The rows of a sparse softmax cross-entropy, in plain JavaScript: for logits
 * x [n, v], labels and per-row scales, writes grad = (softmax − onehot) · scale
 * and rowLoss = logsumexp − x[label] (unscaled).
 */
export function softmaxRowsJs(x: ArrayLike<number>, labels: ArrayLike<number>, scale: ArrayLike<number>, grad: Float32Array, rowLoss: Float32Array, n: number, v: number): void {
  for (let r = 0; r < n; r++) {
    const o = r * v;
    let m = -Infinity;
    for (let j = 0; j < v; j++) if (x[o + j] > m) m = x[o + j];
    let s = 0;
    for (let j = 0; j < v; j++) {
      const e = Math.exp(x[o + j] - m);
      grad[o + j] = e;
      s += e;
    }
    const f = scale[r] / s;
    for (let j = 0; j < v; j++) grad[o + j] *= f;
    grad[o + labels[r]] -= scale[r];
    rowLoss[r] = m + Math.log(s) - x[o + labels[r]];
  }
}

export const SOFTMAX_XENT = 'SeqLensSoftmaxXent';

function checkLabels(labels: ArrayLike<number>, v: number): void {
  for (let r = 0; r < labels.length; r++) {
    if (!(labels[r] >= 0 && labels[r] < v)) throw new Error(`cross-entropy: label ${labels[r]} at row ${r} is outside 0..${v - 1}`);
  }
}

let registered = false;

/**
 * Kernel SeqLensSoftmaxXent: inputs logits [n, v] float32, labels [n] int32,
 * scale [n] float32; outputs grad [n, v] and rowLoss [n] (see softmaxRowsJs).
 * On wasm with v ≥ 4 the rows run in SIMD (simd.wat), and only each row's
 * label term and log are left to JavaScript.
 */
export function registerSoftmaxXent(): void {
  if (registered) return;
  registered = true;
  registerJsKernel({
    name: SOFTMAX_XENT,
    inputs: ['logits', 'labels', 'scale'],
    plan({ logits, labels, scale }) {
      const [n, v] = logits.shape;
      if (logits.shape.length !== 2 || labels.shape.join() !== `${n}` || scale.shape.join() !== `${n}` || labels.dtype !== 'int32') {
        throw new Error(`${SOFTMAX_XENT}: logits [${logits.shape}], labels [${labels.shape}] ${labels.dtype}, scale [${scale.shape}] do not match`);
      }
      return { outputs: [[n, v], [n]], n, v };
    },
    run({ logits, labels, scale }, [grad, rowLoss], { n, v }) {
      checkLabels(labels!, v);
      softmaxRowsJs(logits!, labels!, scale!, grad as Float32Array, rowLoss as Float32Array, n, v);
    },
    wasm(w, { logits, labels, scale }, [grad, rowLoss], { n, v }) {
      const simd = v >= 4 && n > 0 ? simdFor(w) : null;
      if (!simd) return false;
      checkLabels(w.typedArrayFromHeap(labels), v);
      const stats = w.makeOutput([n, 2], 'float32');
      try {
        simd.softmax_rows(offsetOf(w, logits), offsetOf(w, grad), n, v, offsetOf(w, scale), offsetOf(w, stats));
        // Views after the last allocation (stats): an allocation may grow the heap.
        const x = w.typedArrayFromHeap(logits);
        const g = w.typedArrayFromHeap(grad);
        const st = w.typedArrayFromHeap(stats);
        const sc = w.typedArrayFromHeap(scale);
        const rl = w.typedArrayFromHeap(rowLoss);
        const lb = w.typedArrayFromHeap(labels);
        for (let r = 0; r < n; r++) {
          g[r * v + lb[r]] -= sc[r];
          rl[r] = st[2 * r] + Math.log(st[2 * r + 1]) - x[r * v + lb[r]];
        }
      } finally {
        w.disposeData(stats.dataId);
      }
      return true;
    },
  });
}

/** grad [n, v] = (softmax(logits) − onehot(labels)) · scale, rowLoss [n] = logsumexp − logit of the label. */
export function softmaxCrossEntropyRows(logits: tf.Tensor2D, labels: tf.Tensor1D, scale: tf.Tensor1D): [tf.Tensor2D, tf.Tensor1D] {
  registerSoftmaxXent();
  return tf.engine().runKernel(SOFTMAX_XENT, { logits, labels: tf.cast(labels, 'int32'), scale } as unknown as tf.NamedTensorMap) as unknown as [tf.Tensor2D, tf.Tensor1D];
}

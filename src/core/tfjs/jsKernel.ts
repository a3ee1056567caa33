/**
 * Kernels written as loops over typed arrays, registered for the wasm and the
 * cpu backends from one description: on wasm the loop reads and writes the
 * backend's heap in place (views taken after every allocation, since an
 * allocation may grow the heap and detach older views), optionally after a
 * faster wasm-only path; on cpu it reads the backend's arrays.
 */
import * as tf from '@tensorflow/tfjs';

export type Floats = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-wasm's BackendWasm these kernels use (its .d.ts types some of them too narrowly). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Floats;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): void;
  wasm: { asm?: { memory?: WebAssembly.Memory } };
}

interface CpuBackendLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): tf.TensorInfo;
}

export interface JsKernel<P extends { outputs: number[][] }> {
  name: string;
  /** Input names, in the order `run` receives them. */
  inputs: string[];
  /** Checks the inputs' shapes; returns the float32 output shapes and whatever `run` needs. */
  plan(inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap): P;
  /** The loop: input arrays by name (null for an input `skip` names), output arrays in order. */
  run(inputs: Record<string, Floats | null>, outputs: Floats[], plan: P, attrs: tf.NamedAttrMap): void;
  /** Inputs not read for these attributes (a placeholder). */
  skip?(attrs: tf.NamedAttrMap): string[];
  /** A faster wasm path on the allocated outputs; returns false to fall back to `run`. */
  wasm?(backend: WasmBackendLike, inputs: Record<string, tf.TensorInfo>, outputs: tf.TensorInfo[], plan: P, attrs: tf.NamedAttrMap): boolean;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown };

export function registerJsKernel<P extends { outputs: number[][] }>(k: JsKernel<P>): void {
  const named = (inputs: tf.NamedTensorInfoMap) => Object.fromEntries(k.inputs.map((n) => [n, inputs[n] as tf.TensorInfo])) as Record<string, tf.TensorInfo>;
  tf.registerKernel({
    kernelName: k.name,
    backendName: 'wasm',
    kernelFunc: (({ inputs, attrs, backend }: KernelArgs) => {
      const w = backend as WasmBackendLike;
      const ins = named(inputs);
      const p = k.plan(ins, attrs);
      const outs = p.outputs.map((shape) => w.makeOutput(shape, 'float32'));
      if (k.wasm?.(w, ins, outs, p, attrs)) return outs;
      const skip = k.skip?.(attrs) ?? [];
      const views = Object.fromEntries(k.inputs.map((n) => [n, skip.includes(n) ? null : w.typedArrayFromHeap(ins[n])]));
      k.run(views, outs.map((o) => w.typedArrayFromHeap(o)), p, attrs);
      return outs;
    }) as unknown as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: k.name,
    backendName: 'cpu',
    kernelFunc: (({ inputs, attrs, backend }: KernelArgs) => {
      const c = backend as CpuBackendLike;
      const ins = named(inputs);
      const p = k.plan(ins, attrs);
      const outs = p.outputs.map((shape) => new Float32Array(shape.reduce((x, y) => x * y, 1)));
      const skip = k.skip?.(attrs) ?? [];
      const views = Object.fromEntries(k.inputs.map((n) => [n, skip.includes(n) ? null : (c.readSync(ins[n].dataId) as Floats)]));
      k.run(views, outs, p, attrs);
      return outs.map((o, i) => c.makeTensorInfo(p.outputs[i], 'float32', o));
    }) as unknown as tf.KernelFunc,
  });
}

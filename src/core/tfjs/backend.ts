/**
 * Puts tfjs on the wasm backend with the kernel fixes, and says loudly when it
 * cannot: the pure-JS cpu backend is 50–600x slower, so falling back silently
 * would look like a hang to the user.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'path';
import { installWasmKernelFixes } from './wasmKernels';

export interface BackendStatus {
  backend: string;
  /** Set when wasm could not be used, with the reason. */
  warning?: string;
  simd: boolean;
}

let current: Promise<BackendStatus> | undefined;

/**
 * Sets up the wasm backend once per thread. `wasmDir` is the folder with
 * tfjs-backend-wasm*.wasm (the build copies them to dist/wasm).
 */
export function setupBackend(wasmDir: string, options: { allowCpuFallback?: boolean } = {}): Promise<BackendStatus> {
  current ??= (async () => {
    // setWasmPaths must come before setBackend: without it Emscripten looks
    // beside the bundled script, fails, and setBackend resolves false.
    // Production mode: no debug-only checks or console banners (the cpu fallback's
    // "install tfjs-node" advice would be wrong here: it cannot install offline).
    tf.enableProdMode();
    setWasmPaths(wasmDir.endsWith(path.sep) ? wasmDir : wasmDir + path.sep);
    installWasmKernelFixes();
    let ok = false;
    let reason = '';
    try {
      ok = await tf.setBackend('wasm');
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    if (!ok) {
      const warning =
        `The WebAssembly backend of TensorFlow.js could not start${reason ? ` (${reason})` : ''}; ` +
        `wasm binaries were looked for in ${wasmDir}. SeqLens is running on the plain JavaScript backend, which is about 100x slower.`;
      if (options.allowCpuFallback === false) throw new Error(warning);
      await tf.setBackend('cpu');
      await tf.ready();
      return { backend: tf.getBackend(), warning, simd: false };
    }
    await tf.ready();
    return { backend: tf.getBackend(), simd: Boolean(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) };
  })();
  return current;
}

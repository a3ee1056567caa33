/**
 * Where the wasm binaries are when running from a checkout (tests, scripts,
 * benchmarks): in node_modules. The extension's worker uses dist/wasm instead.
 */
import * as path from 'path';

export function nodeModulesWasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

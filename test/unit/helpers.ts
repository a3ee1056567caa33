import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { Rng } from '../../src/core/random';
import { setupBackend } from '../../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../../src/core/tfjs/wasmDir';

/** The repository root (tests run from out/test/unit). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

export async function useWasm(): Promise<void> {
  const status = await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  assert.equal(status.backend, 'wasm');
}

/** Switches to the cpu backend: the reference implementation, and the engine's fallback. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: max abs diff ${worst} at ${at} (${actual[at]} vs ${expected[at]}) > ${tol}`);
}

/** Sequences of random symbols (ids 4 … 4+symbols−1) and their reversals: a task whose alignment is known. */
export function reversalData(n: number, seed: number, symbols: number, minLength: number, lengths: number): Array<{ source: number[]; target: number[] }> {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = minLength + rng.int(lengths);
    const source = Array.from({ length: len }, () => 4 + rng.int(symbols));
    return { source, target: [...source].reverse() };
  });
}

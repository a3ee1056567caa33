import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { makePairBatch } from '../../src/core/data/pairs';
import { Rng } from '../../src/core/random';
import { train } from '../../src/core/training/trainer';
import { translationLoss, type TranslationModel } from '../../src/core/training/trainTranslation';
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

/** Trains a translation model on `steps` batches of 32 reversal pairs (one epoch), as the seq2seq and Transformer tests do; `sampled` switches on the sampled softmax. */
export async function trainOnPairs(
  model: TranslationModel,
  data: ReadonlyArray<{ source: number[]; target: number[] }>,
  o: { steps: number; learningRate: number; clipNorm: number; teacherForcing?: number; rng?: Rng; sampled?: number },
): Promise<void> {
  const batches = Array.from({ length: o.steps }, (_, i) => makePairBatch(data.slice(i * 32, (i + 1) * 32)));
  const rng = o.rng ?? new Rng(1);
  await train({
    epochs: 1,
    learningRate: o.learningRate,
    clipNorm: o.clipNorm,
    batches: () => batches,
    tokensIn: (b) => b.batchSize,
    variables: Object.values(model.weights),
    loss: (b) => translationLoss(model, b, o.teacherForcing ?? 1, rng, o.sampled ?? 0),
  });
}

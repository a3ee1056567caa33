/**
 * Runs inside a worker thread for the step-probe benchmark: an LSTM language
 * model of the budget's shape (vocabulary 2000, embedding 128, 256 units) probed
 * on 50 tokens, either with SeqLens's backend setup (kernel fixes) or on stock
 * tfjs-wasm. Answers {samples} for each {count} it is sent.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';
import { LanguageModel } from '../src/core/models/languageModel';
import { Rng } from '../src/core/random';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';

const { variant, tokens, units } = workerData as { variant: 'seqlens' | 'stock'; tokens: number; units: number };

async function main(): Promise<void> {
  if (variant === 'seqlens') {
    await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  } else {
    setWasmPaths(nodeModulesWasmDir() + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('stock wasm backend did not start');
  }
  const model = new LanguageModel({ cell: 'lstm', vocabSize: 2000, embeddingSize: 128, units }, 1);
  const rng = new Rng(5);
  const ids = Array.from({ length: tokens }, () => 4 + rng.int(1996));
  for (let i = 0; i < 10; i++) await model.probe(ids); // warm-up: kernels, XNNPACK packing
  parentPort!.postMessage({ ready: true, backend: tf.getBackend() });
  parentPort!.on('message', async (m: { count: number }) => {
    const samples: number[] = [];
    for (let i = 0; i < m.count; i++) {
      const t0 = performance.now();
      await model.probe(ids);
      samples.push(performance.now() - t0);
    }
    parentPort!.postMessage({ samples });
  });
}

main().catch((e) => {
  parentPort!.postMessage({ error: String(e && e.stack) });
});

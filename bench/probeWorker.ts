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
  // The reference runs the same model written the plain way with stock tfjs ops
  // (per step: matMul, add, split, sigmoid/tanh, the cell update, a concat).
  const probe = variant === 'seqlens' ? () => model.probe(ids) : () => plainProbe(model, ids);
  for (let i = 0; i < 10; i++) await probe(); // warm-up: kernels, XNNPACK packing
  parentPort!.postMessage({ ready: true, backend: tf.getBackend() });
  parentPort!.on('message', async (m: { count: number }) => {
    const samples: number[] = [];
    for (let i = 0; i < m.count; i++) {
      const t0 = performance.now();
      await probe();
      samples.push(performance.now() - t0);
    }
    parentPort!.postMessage({ samples });
  });
}

/** The LSTM probe and prediction head in plain tfjs ops, same outputs as LanguageModel.probe. */
async function plainProbe(model: LanguageModel, ids: number[]): Promise<void> {
  const w = model.weights;
  const H = units;
  const [states, top] = tf.tidy(() => {
    const x = tf.gather(model.embedding, tf.tensor1d(ids, 'int32')); // [T, E]
    const xs = tf.unstack(tf.add(tf.matMul(x, w['lstm/kernel']), w['lstm/bias'])); // T × [4H]
    let h = tf.zeros([1, H]);
    let c = tf.zeros([1, H]);
    const rows: tf.Tensor[] = [];
    for (const xt of xs) {
      const [zi, zf, zg, zo] = tf.split(tf.add(tf.matMul(h, w['lstm/recurrent_kernel']), xt), 4, 1);
      const i = tf.sigmoid(zi);
      const f = tf.sigmoid(zf);
      const g = tf.tanh(zg);
      const o = tf.sigmoid(zo);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      h = tf.mul(o, tf.tanh(c));
      rows.push(tf.concat([h, c, i, f, g, o], 1));
    }
    const s = tf.concat(rows, 0);
    const probs = tf.softmax(tf.add(tf.matMul(tf.slice(s, [0, 0], [ids.length, H]), model.outputKernel), model.outputBias));
    return [s, tf.topk(probs, 5).indices];
  });
  await Promise.all([states.data(), top.data()]);
  tf.dispose([states, top]);
}

main().catch((e) => {
  parentPort!.postMessage({ error: String(e && e.stack) });
});

import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
(async () => {
  await setupBackend(nodeModulesWasmDir());
  for (const [B, h, T, dk] of [[32, 4, 32, 32]]) {
    const q = tf.randomNormal([B, h, T, dk]);
    const k = tf.randomNormal([B, h, T, dk]);
    const time = (f: () => tf.Tensor, n = 50) => { for (let i = 0; i < 5; i++) f().dispose(); const t0 = performance.now(); for (let i = 0; i < n; i++) { const r = f(); r.dataSync(); r.dispose(); } return (performance.now() - t0) / n; };
    console.log('QK^T patched', time(() => tf.matMul(q, k, false, true)).toFixed(3), 'ms');
    console.log('QK (no T) patched', time(() => tf.matMul(q, k)).toFixed(3), 'ms');
    console.log('mul+sum equivalent', time(() => tf.sum(tf.mul(tf.expandDims(q, 3), tf.expandDims(k, 2)), 4)).toFixed(3), 'ms');
  }
})();

/**
 * The WebAssembly SIMD kernels (src/core/tfjs/simd.wat) against independent
 * computations: exp against Math.exp; the softmax cross-entropy against tfjs's
 * own tf.losses.softmaxCrossEntropy (value and autodiff gradient) at widths that
 * do and do not divide by 4; the GRU and LSTM steps against their plain
 * JavaScript versions, which the torch fixtures check (fusedRecurrence.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { gruSequence, lstmSequence } from '../../src/core/models/fusedRecurrence';
import { Rng } from '../../src/core/random';
import { setRecurrentSimd } from '../../src/core/tfjs/recurrentKernels';
import { setCustomKernels, simdFor, WasmBackendLike } from '../../src/core/tfjs/simdKernels';
import { GruCell } from '../../src/core/models/gru';
import { maskedSparseCrossEntropy } from '../../src/core/training/losses';
import { assertClose, useWasm } from './helpers';

before(useWasm);

test('SIMD exp: relative error under 3e-7 from -87 to 88, clamped (finite, no NaN) beyond', () => {
  const values = Float32Array.from({ length: 4003 }, (_, i) => -87 + (175 * i) / 4002);
  const extremes = Float32Array.from([-1000, -100, -88, 89, 100, 1000, 0, -0]);
  for (const xs of [values, extremes]) {
    const [x, out] = [tf.tensor1d(xs), tf.zeros([xs.length])];
    const backend = tf.backend() as unknown as WasmBackendLike;
    const simd = simdFor(backend);
    assert.ok(simd, 'the SIMD module binds to the wasm backend memory');
    simd.exp(backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId), xs.length);
    const got = out.dataSync();
    for (let i = 0; i < xs.length; i++) {
      assert.ok(Number.isFinite(got[i]), `exp(${xs[i]}) = ${got[i]}`);
      if (xs === values) {
        const want = Math.exp(xs[i]);
        assert.ok(Math.abs(got[i] - want) <= 3e-7 * want, `exp(${xs[i]}) = ${got[i]}, Math.exp ${want}`);
      }
    }
    tf.dispose([x, out]);
  }
});

for (const V of [4, 5, 7, 37, 2000]) {
  test(`softmax cross-entropy, width ${V}: value and gradient = tf.losses.softmaxCrossEntropy, padding masked`, () => {
    const rng = new Rng(V);
    const N = 9;
    const logits = tf.tensor2d(rng.uniformArray(N * V, -6, 6), [N, V]);
    const labelIds = Array.from({ length: N }, (_, i) => (i === 0 ? V - 1 : rng.int(V))); // the last column too: it lies in the overlapping chunk
    const labels = tf.tensor1d(labelIds, 'int32');
    const mask = tf.tensor1d([1, 1, 0, 1, 1, 1, 0, 1, 1]);
    const ours = tf.valueAndGrad((l: tf.Tensor) => maskedSparseCrossEntropy(l as tf.Tensor2D, labels, mask))(logits);
    const ref = tf.valueAndGrad((l: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, V), l, mask) as tf.Scalar)(logits);
    assertClose(ours.value.dataSync(), ref.value.dataSync(), 1e-5, 'loss');
    assertClose(ours.grad.dataSync(), ref.grad.dataSync(), 1e-6, 'gradient');
    tf.dispose([logits, labels, mask, ours.value, ours.grad, ref.value, ref.grad]);
  });
}

test('softmax cross-entropy refuses a label outside the vocabulary', () => {
  tf.tidy(() => {
    assert.throws(() => maskedSparseCrossEntropy(tf.zeros([2, 8]), tf.tensor1d([1, 8], 'int32'), tf.ones([2])), /label 8 at row 1 is outside 0\.\.7/);
  });
});

for (const H of [4, 5, 7, 8, 13, 32]) {
  test(`GRU and LSTM steps, H ${H}: SIMD = JavaScript, with and without a mask, values and gradients`, () => {
    const rng = new Rng(H);
    const T = 4;
    const B = 3;
    const r = (shape: number[], k = 1) => tf.tensor(rng.uniformArray(shape.reduce((a, b) => a * b, 1), -k, k), shape);
    const xpG = r([T, B, 3 * H], 2) as tf.Tensor3D;
    const xpL = r([T, B, 4 * H], 2) as tf.Tensor3D;
    const h0 = r([B, H]) as tf.Tensor2D;
    const UG = r([H, 3 * H]) as tf.Tensor2D;
    const UL = r([H, 4 * H]) as tf.Tensor2D;
    const c = r([3 * H]) as tf.Tensor1D;
    const mask = tf.tensor2d([1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0], [T, B]);
    const R = r([T, B, H]);
    const run = (simd: boolean, m?: tf.Tensor2D) => {
      setRecurrentSimd(simd);
      try {
        return tf.tidy(() => {
          const g = tf.grads((a: tf.Tensor, b: tf.Tensor, u: tf.Tensor) => tf.add(tf.sum(tf.mul(gruSequence(a as tf.Tensor3D, b as tf.Tensor2D, u as tf.Tensor2D, c, m), R)), tf.sum(tf.mul(lstmSequence(xpL, UL, m), R))))([xpG, h0, UG]);
          const l = tf.grads((a: tf.Tensor, u: tf.Tensor) => tf.sum(tf.mul(lstmSequence(a as tf.Tensor3D, u as tf.Tensor2D, m), R)))([xpL, UL]);
          return [gruSequence(xpG, h0, UG, c, m), lstmSequence(xpL, UL, m), ...g, ...l].map((t) => t.dataSync() as Float32Array);
        });
      } finally {
        setRecurrentSimd(true);
      }
    };
    for (const m of [undefined, mask]) {
      const js = run(false, m);
      const simd = run(true, m);
      const names = ['gru h', 'lstm h', 'gru ∂xp', 'gru ∂h0', 'gru ∂U', 'lstm ∂xp', 'lstm ∂U'];
      js.forEach((v, i) => assertClose(simd[i], v, 2e-6, `${names[i]}${m ? ' (masked)' : ''}`));
    }
    tf.dispose([xpG, xpL, h0, UG, UL, c, mask, R]);
  });
}

test('with custom kernels off (the benchmark\'s stock reference), the loss and the recurrence give the same numbers on tfjs ops', () => {
  const rng = new Rng(5);
  const run = () =>
    tf.tidy(() => {
      const cell = new GruCell({ inputSize: 6, units: 8 }, new Rng(1));
      const x = tf.tensor3d(rng.uniformArray(5 * 3 * 6, -1, 1), [5, 3, 6]);
      const logits = tf.reshape(tf.matMul(tf.reshape(cell.forward(x), [15, 8]), tf.ones([8, 11])), [15, 11]) as tf.Tensor2D;
      const loss = maskedSparseCrossEntropy(logits, tf.tensor1d(Array.from({ length: 15 }, (_, i) => i % 11), 'int32'), tf.ones([15]));
      const out = loss.dataSync()[0];
      tf.dispose(Object.values(cell.weights));
      return out;
    });
  const fused = run();
  setCustomKernels(false);
  let plain: number;
  try {
    plain = run();
  } finally {
    setCustomKernels(true);
  }
  assert.ok(Math.abs(fused - plain) < 1e-5, `fused ${fused} vs tfjs ops ${plain}`);
});

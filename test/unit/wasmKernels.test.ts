/**
 * Every wasm kernel override against tfjs's cpu backend (the reference
 * implementation), on random inputs, forward and gradient.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Rng } from '../../src/core/random';
import { PATCHED_KERNELS } from '../../src/core/tfjs/wasmKernels';
import { assertClose, useCpu, useWasm } from './helpers';

const rng = new Rng(42);
const rand = (shape: number[]) => ({ values: rng.uniformArray(shape.reduce((a, b) => a * b, 1), -1, 1), shape });
type Input = { values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' };

/** Runs f on both backends; returns [cpu, wasm] flat outputs (value then each gradient) and their shapes. */
async function onBoth(inputs: Input[], f: (...xs: tf.Tensor[]) => tf.Tensor, grads = true): Promise<[Float32Array[], Float32Array[], number[][], number[][]]> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const outs = tf.tidy(() => {
      const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
      const value = f(...xs);
      if (!grads) return [value];
      const floatIdx = inputs.map((inp, k) => (inp.dtype === 'int32' ? -1 : k)).filter((k) => k >= 0);
      const g = tf.grads((...vs: tf.Tensor[]) => {
        const all = xs.slice();
        floatIdx.forEach((k, j) => (all[k] = vs[j]));
        return tf.sum(tf.mul(f(...all), tf.range(1, value.size + 1).reshape(value.shape).div(value.size)));
      });
      return [value, ...g(floatIdx.map((k) => xs[k]))];
    });
    const data = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
    const shapes = outs.map((t) => t.shape);
    tf.dispose(outs);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    return { data, shapes };
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return [cpu.data, wasm.data, cpu.shapes, wasm.shapes];
}

async function check(name: string, inputs: Input[], f: (...xs: tf.Tensor[]) => tf.Tensor, tol = 1e-4, grads = true) {
  const [cpu, wasm, cpuShapes, wasmShapes] = await onBoth(inputs, f, grads);
  assert.equal(wasm.length, cpu.length);
  assert.deepEqual(wasmShapes, cpuShapes, `${name}: shapes`);
  cpu.forEach((c, i) => assertClose(wasm[i], c, tol * Math.max(1, ...Array.from(c, Math.abs)), `${name} ${i === 0 ? 'forward' : `gradient ${i}`}`));
}

before(async () => {
  await useWasm();
  await useCpu(); // registered, so both can be switched to
  await tf.setBackend('wasm');
});

test('the fixes are installed on wasm', () => {
  for (const k of PATCHED_KERNELS) assert.ok(tf.getKernel(k, 'wasm'), `${k} registered`);
});

test('UnsortedSegmentSum (the gradient of gather) matches cpu', async () => {
  const ids = { values: Int32Array.from([3, 0, 3, 5, 1, 3]), shape: [6], dtype: 'int32' as const };
  await check('unsortedSegmentSum', [rand([6, 7]), ids], (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 8), 1e-5, false);
  // Through an embedding lookup: this threw "Kernel 'UnsortedSegmentSum' not registered" on stock wasm.
  await check('gather gradient', [rand([10, 4]), { values: Int32Array.from([1, 1, 9, 0, 4]), shape: [5], dtype: 'int32' }], (e, i) => tf.gather(e, i));
});

for (const [ta, tb] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  test(`BatchMatMul 2-D, transposeA=${ta} transposeB=${tb}`, async () => {
    const a = rand(ta ? [13, 9] : [9, 13]);
    const b = rand(tb ? [11, 13] : [13, 11]);
    await check('matMul', [a, b], (x, y) => tf.matMul(x, y, ta, tb));
  });
  test(`BatchMatMul batched [4,..], transposeA=${ta} transposeB=${tb}`, async () => {
    const a = rand(ta ? [4, 6, 5] : [4, 5, 6]);
    const b = rand(tb ? [4, 7, 6] : [4, 6, 7]);
    await check('batched matMul', [a, b], (x, y) => tf.matMul(x, y, ta, tb));
  });
}

test('BatchMatMul 2-D aᵀ·b with a much wider b (computed as (bᵀ·a)ᵀ)', async () => {
  await check('matMul wide', [rand([13, 4]), rand([13, 29])], (x, y) => tf.matMul(x, y, true, false));
});

test('BatchMatMul batched with widths that are multiples of 4 (the SIMD kernel: 16-column and 4-column blocks, broadcast, transposed)', async () => {
  await check('bmm N=20', [rand([3, 5, 7]), rand([3, 7, 20])], (x, y) => tf.matMul(x, y));
  await check('bmm N=4 K=1', [rand([2, 3, 1]), rand([2, 1, 4])], (x, y) => tf.matMul(x, y));
  await check('bmm broadcast A, N=16', [rand([1, 5, 7]), rand([3, 7, 16])], (x, y) => tf.matMul(x, y), 1e-4, false);
  await check('bmm QKᵀ 4 heads', [rand([2, 4, 6, 8]), rand([2, 4, 12, 8])], (q, k) => tf.matMul(q, k, false, true));
  await check('bmm Aᵀ·B', [rand([3, 9, 5]), rand([3, 9, 8])], (x, y) => tf.matMul(x, y, true, false));
});

test('Identity shares the data (no copy), and disposing either tensor keeps the other intact', async () => {
  await check('clone', [rand([4, 5])], (x) => tf.clone(x));
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.clone(a);
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3]);
  const v = tf.variable(b);
  b.dispose();
  v.assign(tf.tidy(() => tf.mul(v, 2)));
  assert.deepEqual(Array.from(v.dataSync()), [2, 4, 6]);
  v.dispose();
});

test('Sum over leading axes (bias gradients, via ones·X) and over other axes', async () => {
  await check('sum axis 0', [rand([7, 5])], (x) => tf.sum(x, 0));
  await check('sum axes 0,1', [rand([3, 4, 5])], (x) => tf.sum(x, [0, 1]));
  await check('sum axes 1,0 keepDims', [rand([3, 4, 5])], (x) => tf.sum(x, [1, 0], true));
  await check('sum negative axis', [rand([6, 2])], (x) => tf.sum(x, -2));
  await check('sum axis 1 (stock path)', [rand([3, 4, 5])], (x) => tf.sum(x, 1));
  await check('sum last axis', [rand([3, 4, 13])], (x) => tf.sum(x, -1));
  await check('sum last axis, keepDims, width 3', [rand([5, 3])], (x) => tf.sum(x, 1, true));
  await check('sum trailing axes 1,2', [rand([3, 4, 9])], (x) => tf.sum(x, [2, 1]));
  await check('mean over the last axis (layer norm)', [rand([2, 3, 16])], (x) => tf.moments(x, -1, true).variance);
  await check('sum all (stock path)', [rand([3, 4])], (x) => tf.sum(x));
  await check('bias gradient', [rand([9, 6]), rand([6])], (x, bias) => tf.add(x, bias));
});

test('BatchMatMul: shared right operand, broadcast left operand, rank-4 attention shapes', async () => {
  // Broadcast batch dims: forward only (tfjs-core's own matMul gradient refuses them on every backend).
  await check('shared B', [rand([3, 5, 6]), rand([1, 6, 4])], (x, y) => tf.matMul(x, y), 1e-4, false);
  await check('shared B transposed', [rand([3, 6, 5]), rand([1, 4, 6])], (x, y) => tf.matMul(x, y, true, true), 1e-4, false);
  await check('broadcast A', [rand([1, 5, 6]), rand([3, 6, 4])], (x, y) => tf.matMul(x, y), 1e-4, false);
  await check('broadcast rank 2 with rank 3', [rand([2, 3]), rand([1, 4, 3])], (x, y) => tf.matMul(x, y, false, true), 1e-4, false);
  await check('broadcast rank 3 with rank 4', [rand([3, 2, 3]), rand([1, 1, 3, 4])], (x, y) => tf.matMul(x, y), 1e-4, false);
  await check('rank 4 QKᵀ', [rand([2, 3, 5, 8]), rand([2, 3, 5, 8])], (q, k) => tf.matMul(q, k, false, true));
  await check('rank 4 attention·V', [rand([2, 3, 5, 5]), rand([2, 3, 5, 8])], (a, v) => tf.matMul(a, v));
});

test('Slice: contiguous, strided and 4-D', async () => {
  await check('slice rows', [rand([6, 5])], (x) => tf.slice(x, [2, 0], [3, 5]));
  await check('slice columns', [rand([6, 5])], (x) => tf.slice(x, [1, 1], [4, 3]));
  await check('slice 4-D', [rand([3, 4, 5, 6])], (x) => tf.slice(x, [1, 0, 2, 1], [2, 3, 2, 4]));
  await check('slice empty', [rand([3, 4])], (x) => tf.slice(x, [1, 1], [0, 2]), 1e-6, false);
});

test('Unpack (unstack) and SplitV match cpu on every axis', async () => {
  for (const axis of [0, 1, 2]) {
    await check(`unstack axis ${axis}`, [rand([3, 4, 5])], (x) => tf.stack(tf.unstack(x, axis).map((t, i) => tf.mul(t, i + 1)), axis));
  }
  await check('split even', [rand([4, 6])], (x) => tf.concat(tf.split(x, 3, 1).reverse(), 1));
  await check('split sizes', [rand([5, 6])], (x) => tf.concat(tf.split(x, [1, 3, 1], 0).reverse(), 0));
});

test('Unpack records the unpacked shape in the backend (a fused matMul bias reads it)', async () => {
  await check('unstack then fused bias', [rand([3, 4]), rand([2, 3]), rand([3, 6])], (a, x, w) => {
    const rows = tf.unstack(tf.matMul(x, w)); // 2 × [6]
    return tf.concat(rows.map((r) => tf.fused.matMul({ a: tf.slice(a, [0, 0], [1, 3]), b: w, bias: r as tf.Tensor1D })), 0);
  }, 1e-4, false);
});

test('GatherV2: rows, inner axis, out-of-range indices gather zeros', async () => {
  await check('gather axis 0', [rand([7, 3]), { values: Int32Array.from([6, 0, 2, 2]), shape: [2, 2], dtype: 'int32' }], (x, i) => tf.gather(x, i));
  await check('gather axis 1', [rand([2, 5, 3]), { values: Int32Array.from([4, 1]), shape: [2], dtype: 'int32' }], (x, i) => tf.gather(x, i, 1));
  await check('gather last axis', [rand([3, 6]), { values: Int32Array.from([5, 0, 2, 2]), shape: [4], dtype: 'int32' }], (x, i) => tf.gather(x, i, 1));
  // batchDims falls back to the stock kernel, which must still be set up.
  await check('gather batchDims 1', [rand([2, 4, 3]), { values: Int32Array.from([3, 0, 1, 1]), shape: [2, 2], dtype: 'int32' }], (x, i) => tf.gather(x, i, 1, 1), 1e-6, false);
  // cpu throws on an out-of-range index; stock wasm gathers zeros, and so must the override.
  await tf.setBackend('wasm');
  const out = tf.tidy(() => tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), tf.tensor1d([2, 5, -1], 'int32')));
  assert.deepEqual(Array.from(await out.data()), [5, 6, 0, 0, 0, 0]);
  out.dispose();
});

test('an LSTM-like step (matMul, split, gates) trains identically on both backends', async () => {
  await check(
    'lstm step',
    [rand([4, 3]), rand([4, 5]), rand([3, 20]), rand([5, 20])],
    (x, h, w, u) => {
      const [i, f, g, o] = tf.split(tf.add(tf.matMul(x, w), tf.matMul(h, u)), 4, 1);
      const c = tf.add(tf.mul(tf.sigmoid(f), h), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      return tf.mul(tf.sigmoid(o), tf.tanh(c));
    },
  );
});

/**
 * The fused GRU and LSTM training recurrence (models/fusedRecurrence.ts, with its
 * hand-written backpropagation through time) against PyTorch's autograd over the
 * same padded batch (test/fixtures/reference/make_fixtures.py, float64), on the
 * wasm backend and on cpu; and against tfjs's own autodiff of the step-by-step
 * cells at training sizes.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { test } from 'node:test';
import * as path from 'path';
import { gruSequence, lstmSequence } from '../../src/core/models/fusedRecurrence';
import { GruCell } from '../../src/core/models/gru';
import { LstmCell } from '../../src/core/models/lstm';
import { Rng } from '../../src/core/random';
import { GRU_FORWARD, runRecurrentKernel } from '../../src/core/tfjs/recurrentKernels';
import { assertClose, ROOT, useCpu, useWasm } from './helpers';

const ref = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'torch_reference.json'), 'utf8')).bptt;
const [T, B, E, H] = ref.shape as number[];

/** Loss sum(h * R) and its gradients through cell.forward (the fused path), for the fixture's batch. */
function gradients(cell: GruCell | LstmCell, weights: Record<string, number[]>, h0?: number[]) {
  for (const [name, values] of Object.entries(weights)) {
    const v = cell.weights[`${cell.kind}/${name}`];
    v.assign(tf.tensor(values, v.shape));
  }
  return tf.tidy(() => {
    const x = tf.tensor3d(ref.x, [T, B, E]);
    const mask = tf.tensor2d(ref.mask, [T, B]);
    const R = tf.tensor3d(ref.R, [T, B, H]);
    const init = h0 ? tf.tensor2d(h0, [B, H]) : undefined;
    const names = Object.keys(weights);
    const f = (xIn: tf.Tensor, ...rest: tf.Tensor[]) => {
      const hs = cell instanceof GruCell ? cell.forward(xIn as tf.Tensor3D, mask, undefined, rest[0] as tf.Tensor2D) : cell.forward(xIn as tf.Tensor3D, mask);
      return tf.sum(tf.mul(hs, R));
    };
    const inputs = init ? [x, init] : [x];
    const { value, grads } = tf.valueAndGrads(f)(inputs);
    const wg = tf.variableGrads(() => f(x, ...(init ? [init] : [])) as tf.Scalar, names.map((n) => cell.weights[`${cell.kind}/${n}`]));
    const out: Record<string, Float32Array> = { x: grads[0].dataSync() as Float32Array };
    if (init) out.h0 = grads[1].dataSync() as Float32Array;
    for (const n of names) out[n] = wg.grads[cell.weights[`${cell.kind}/${n}`].name].dataSync() as Float32Array;
    return { loss: value.dataSync()[0], grads: out };
  });
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`GRU training pass over a padded batch = torch autograd (values and every gradient), ${backend}`, async () => {
    await (backend === 'wasm' ? useWasm() : useCpu());
    const cell = new GruCell({ inputSize: E, units: H }, new Rng(3));
    const { loss, grads } = gradients(cell, ref.gru.weights, ref.gru.h0);
    assert.ok(Math.abs(loss - ref.gru.loss) < 1e-4, `loss ${loss} vs torch ${ref.gru.loss}`);
    for (const [name, expected] of Object.entries(ref.gru.grads as Record<string, number[]>)) assertClose(grads[name], expected, 1e-5, `gru ∂loss/∂${name}`);
    tf.dispose(Object.values(cell.weights));
  });

  test(`LSTM training pass over a padded batch = torch autograd (values and every gradient), ${backend}`, async () => {
    await (backend === 'wasm' ? useWasm() : useCpu());
    const cell = new LstmCell({ inputSize: E, units: H }, new Rng(3));
    const { loss, grads } = gradients(cell, ref.lstm.weights);
    assert.ok(Math.abs(loss - ref.lstm.loss) < 1e-4, `loss ${loss} vs torch ${ref.lstm.loss}`);
    for (const [name, expected] of Object.entries(ref.lstm.grads as Record<string, number[]>)) assertClose(grads[name], expected, 1e-5, `lstm ∂loss/∂${name}`);
    tf.dispose(Object.values(cell.weights));
  });
}

test('fused recurrence = tfjs autodiff of the step-by-step cells at training size (B 16, H 32, T 9), and leaks nothing', async () => {
  await useWasm();
  const rng = new Rng(11);
  for (const kind of ['gru', 'lstm'] as const) {
    const cell = kind === 'gru' ? new GruCell({ inputSize: 12, units: 32 }, rng) : new LstmCell({ inputSize: 12, units: 32 }, rng);
    const x = tf.tensor3d(rng.uniformArray(9 * 16 * 12, -1, 1), [9, 16, 12]);
    const lengths = Array.from({ length: 16 }, () => 1 + rng.int(9));
    const mask = tf.tensor2d(Array.from({ length: 9 * 16 }, (_, k) => (Math.floor(k / 16) < lengths[k % 16] ? 1 : 0)), [9, 16]);
    const R = tf.tensor3d(rng.uniformArray(9 * 16 * 32, -1, 1), [9, 16, 32]);
    const zeros = Array.from({ length: 9 }, () => tf.zeros([16, 32]) as tf.Tensor2D);
    const vars = Object.values(cell.weights);
    const run = (stepwise: boolean) =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(cell.forward(x, mask, stepwise ? zeros : undefined), R)), vars);
        return [value.dataSync()[0], ...vars.map((v) => grads[v.name].dataSync() as Float32Array)] as const;
      });
    const before = tf.memory().numTensors;
    const fused = run(false);
    assert.equal(tf.memory().numTensors, before, `${kind}: the fused pass leaked tensors`);
    const stepwise = run(true);
    assert.ok(Math.abs((fused[0] as number) - (stepwise[0] as number)) < 1e-3, `${kind} loss ${fused[0]} vs ${stepwise[0]}`);
    for (let i = 1; i < fused.length; i++) assertClose(fused[i] as Float32Array, stepwise[i] as Float32Array, 2e-5, `${kind} gradient of ${Object.keys(cell.weights)[i - 1]}`);
    tf.dispose([x, mask, R, ...zeros, ...vars]);
  }
});

test('the recurrent kernels refuse mismatched shapes and out-of-range steps', async () => {
  await useWasm();
  tf.tidy(() => {
    const xp = tf.zeros([4, 2, 9]);
    assert.throws(() => runRecurrentKernel(GRU_FORWARD, { xp, hu: tf.zeros([2, 9]), c: tf.zeros([9]), h: tf.zeros([2, 4]), mask: tf.scalar(1) }, { step: 0, masked: false }), /do not match/);
    assert.throws(() => runRecurrentKernel(GRU_FORWARD, { xp, hu: tf.zeros([2, 9]), c: tf.zeros([9]), h: tf.zeros([2, 3]), mask: tf.scalar(1) }, { step: 4, masked: false }), /step 4 outside 0\.\.3/);
    assert.throws(() => runRecurrentKernel(GRU_FORWARD, { xp, hu: tf.zeros([2, 9]), c: tf.zeros([9]), h: tf.zeros([2, 3]), mask: tf.zeros([3, 2]) }, { step: 0, masked: true }), /do not match/);
    assert.throws(() => gruSequence(xp as tf.Tensor3D, tf.zeros([2, 3]), tf.zeros([3, 6]), tf.zeros([9])), /do not match/);
    assert.throws(() => lstmSequence(tf.zeros([4, 2, 8]), tf.zeros([3, 8])), /do not match/);
  });
});

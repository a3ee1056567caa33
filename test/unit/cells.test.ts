/**
 * The recurrent cells against independent references: small cases computed by
 * hand (numbers from python3's math module, written out below), and random
 * weights against a float64 loop written from the textbook equations.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { gradientNorms, RecurrentCell } from '../../src/core/models/cell';
import { GruCell } from '../../src/core/models/gru';
import { LstmCell } from '../../src/core/models/lstm';
import { RnnCell } from '../../src/core/models/rnn';
import { Rng } from '../../src/core/random';
import { assertClose, useCpu, useWasm } from './helpers';

before(useWasm);

function setWeights(cell: RecurrentCell, values: Record<string, number[]>): void {
  for (const [name, v] of Object.entries(values)) {
    const w = cell.weights[`${cell.kind}/${name}`];
    assert.ok(w, `weight ${name}`);
    w.assign(tf.tensor(v, w.shape));
  }
}

async function probe(cell: RecurrentCell, xs: number[][]): Promise<Float32Array> {
  const x = tf.tensor3d(xs.map((row) => [row])); // [T, 1, E]
  const out = cell.probe(x);
  const data = (await out.data()) as Float32Array;
  tf.dispose([x, out]);
  return data;
}

test('LSTM, one unit, by hand: [h c i f g o] at two steps', async () => {
  const cell = new LstmCell({ inputSize: 1, units: 1 }, new Rng(1));
  setWeights(cell, { kernel: [1, 1, 1, 1], recurrent_kernel: [0.5, 0.5, 0.5, 0.5], bias: [0, 0, 0, 0] });
  const got = await probe(cell, [[1], [-1]]);
  assertClose(
    got,
    [
      0.36960635293570576, 0.5567699411459397, 0.7310585786300049, 0.7310585786300049, 0.7615941559557649, 0.7310585786300049,
      -0.010882567225724, -0.035487928110679856, 0.30678419108400945, 0.30678419108400945, -0.6724471146837439, 0.30678419108400945,
    ],
    1e-6,
    'lstm probe',
  );
});

test('GRU, one unit, by hand: [h z r n] at two steps (recurrent bias inside the reset product)', async () => {
  const cell = new GruCell({ inputSize: 1, units: 1 }, new Rng(1));
  setWeights(cell, { kernel: [1, 1, 1], recurrent_kernel: [0.5, 0.5, 0.5], bias: [0, 0, 0], recurrent_bias: [0, 0, 0.25] });
  const got = await probe(cell, [[1], [-1]]);
  assertClose(
    got,
    [0.22276992860310874, 0.7310585786300049, 0.7310585786300049, 0.8283213774520581, -0.4408198181466808, 0.29139571811169257, 0.29139571811169257, -0.7137044389824752],
    1e-6,
    'gru probe',
  );
});

test('RNN tanh and sigmoid, one unit, by hand', async () => {
  for (const [activation, expected] of [
    ['tanh', [0.9866142981514303, -0.9862536005139033]],
    ['sigmoid', [0.9241418199787566, 0.08135019037459165]],
  ] as const) {
    const cell = new RnnCell({ inputSize: 1, units: 1, activation }, new Rng(1));
    setWeights(cell, { kernel: [2], recurrent_kernel: [-1], bias: [0.5] });
    assertClose(await probe(cell, [[1], [-1]]), expected, 1e-6, `rnn ${activation}`);
  }
});

// ---- float64 references written from the equations ---------------------------------------
const sig = (v: number) => 1 / (1 + Math.exp(-v));
/** x [E] times W [E, G] (row-major) plus h [H] times U [H, G] plus biases. */
function affine(x: number[], W: Float32Array, h: number[], U: Float32Array, G: number, ...biases: Float32Array[]): number[] {
  const out = new Array(G).fill(0);
  for (let g = 0; g < G; g++) {
    let s = 0;
    for (let e = 0; e < x.length; e++) s += x[e] * W[e * G + g];
    for (let k = 0; k < h.length; k++) s += h[k] * U[k * G + g];
    for (const b of biases) s += b[g];
    out[g] = s;
  }
  return out;
}

async function weightsOf(cell: RecurrentCell): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(cell.weights)) out[k.split('/')[1]] = (await v.data()) as Float32Array;
  return out;
}

const E = 5;
const H = 7;
const T = 6;
const rng = new Rng(3);
const xs = Array.from({ length: T }, () => Array.from({ length: E }, () => rng.uniform(-2, 2)));

/** The LSTM's [h c i f g o] per step, from the equations in float64. */
function lstmReference(w: Record<string, Float32Array>): number[] {
  let h = new Array(H).fill(0);
  let c = new Array(H).fill(0);
  const expected: number[] = [];
  for (const x of xs) {
    const z = affine(x, w.kernel, h, w.recurrent_kernel, 4 * H, w.bias);
    const i = z.slice(0, H).map(sig);
    const f = z.slice(H, 2 * H).map(sig);
    const g = z.slice(2 * H, 3 * H).map(Math.tanh);
    const o = z.slice(3 * H).map(sig);
    c = c.map((cv, u) => f[u] * cv + i[u] * g[u]);
    h = c.map((cv, u) => o[u] * Math.tanh(cv));
    expected.push(...h, ...c, ...i, ...f, ...g, ...o);
  }
  return expected;
}

test('LSTM probe = float64 reference (random weights, 7 units, 6 steps)', async () => {
  const cell = new LstmCell({ inputSize: E, units: H }, new Rng(9));
  assertClose(await probe(cell, xs), lstmReference(await weightsOf(cell)), 1e-5, 'lstm');
});

test('LSTM probe on the cpu backend (the fallback when wasm cannot start) = float64 reference', async () => {
  await useCpu();
  try {
    const cell = new LstmCell({ inputSize: E, units: H }, new Rng(9));
    assertClose(await probe(cell, xs), lstmReference(await weightsOf(cell)), 1e-5, 'lstm on cpu');
  } finally {
    await tf.setBackend('wasm');
  }
});

test('GRU probe = float64 reference', async () => {
  const cell = new GruCell({ inputSize: E, units: H }, new Rng(10));
  const w = await weightsOf(cell);
  let h = new Array(H).fill(0);
  const expected: number[] = [];
  for (const x of xs) {
    const xp = affine(x, w.kernel, [], new Float32Array(0), 3 * H, w.bias);
    const hp = affine([], new Float32Array(0), h, w.recurrent_kernel, 3 * H, w.recurrent_bias);
    const z = h.map((_, u) => sig(xp[u] + hp[u]));
    const r = h.map((_, u) => sig(xp[H + u] + hp[H + u]));
    const n = h.map((_, u) => Math.tanh(xp[2 * H + u] + r[u] * hp[2 * H + u]));
    h = h.map((hv, u) => z[u] * hv + (1 - z[u]) * n[u]);
    expected.push(...h, ...z, ...r, ...n);
  }
  assertClose(await probe(cell, xs), expected, 1e-5, 'gru');
});

test('RNN probe = float64 reference, tanh and sigmoid', async () => {
  for (const activation of ['tanh', 'sigmoid'] as const) {
    const cell = new RnnCell({ inputSize: E, units: H, activation }, new Rng(11));
    const w = await weightsOf(cell);
    const act = activation === 'tanh' ? Math.tanh : sig;
    let h = new Array(H).fill(0);
    const expected: number[] = [];
    for (const x of xs) {
      h = affine(x, w.kernel, h, w.recurrent_kernel, H, w.bias).map(act);
      expected.push(...h);
    }
    assertClose(await probe(cell, xs), expected, 1e-5, `rnn ${activation}`);
  }
});

test('batched forward equals the probe for each sequence, and leaks no tensors', async () => {
  for (const cell of [new LstmCell({ inputSize: E, units: H }, new Rng(1)), new GruCell({ inputSize: E, units: H }, new Rng(2)), new RnnCell({ inputSize: E, units: H, activation: 'tanh' }, new Rng(3))]) {
    const before = tf.memory().numTensors;
    const batch = tf.tidy(() => cell.forward(tf.tensor3d(xs.map((x) => [x, x.map((v) => -v)])))); // [T, 2, H]
    const second = tf.tidy(() => cell.probe(tf.tensor3d(xs.map((x) => [x.map((v) => -v)]))));
    const b = (await batch.data()) as Float32Array;
    const p = (await second.data()) as Float32Array;
    const width = cell.stateKeys.length * H;
    const fromBatch: number[] = [];
    const fromProbe: number[] = [];
    for (let t = 0; t < T; t++) {
      fromBatch.push(...b.subarray((t * 2 + 1) * H, (t * 2 + 2) * H));
      fromProbe.push(...p.subarray(t * width, t * width + H));
    }
    assertClose(fromBatch, fromProbe, 1e-6, `${cell.kind} batch vs probe`);
    tf.dispose([batch, second]);
    assert.equal(tf.memory().numTensors, before, `${cell.kind} leaked tensors`);
  }
});

test('a wrongly shaped input is refused with the expected shape', () => {
  const cell = new LstmCell({ inputSize: 3, units: 2 }, new Rng(1));
  assert.throws(() => tf.tidy(() => cell.forward(tf.zeros([2, 1, 4]) as tf.Tensor3D)), /expected input \[time, batch, 3\]/);
});

test('gradient norms ‖∂Σh_T/∂h_t‖ = backpropagation written out in float64 (RNN tanh and sigmoid)', async () => {
  for (const activation of ['tanh', 'sigmoid'] as const) {
    const cell = new RnnCell({ inputSize: E, units: H, activation }, new Rng(12));
    const w = await weightsOf(cell);
    const act = activation === 'tanh' ? Math.tanh : sig;
    const deriv = (y: number) => (activation === 'tanh' ? 1 - y * y : y * (1 - y)); // from the output y = act(pre)
    const hs: number[][] = [];
    let h = new Array(H).fill(0);
    for (const x of xs) {
      h = affine(x, w.kernel, h, w.recurrent_kernel, H, w.bias).map(act);
      hs.push(h);
    }
    // g_{T-1} = 1; g_{k-1} = U (act'(pre_k) ⊙ g_k), with pre = h U so ∂pre_j/∂h_i = U[i, j].
    const grads: number[][] = [];
    let g = new Array(H).fill(1);
    grads[T - 1] = g;
    for (let k = T - 1; k > 0; k--) {
      const local = hs[k].map((y, j) => deriv(y) * g[j]);
      g = Array.from({ length: H }, (_, i) => local.reduce((s, l, j) => s + w.recurrent_kernel[i * H + j] * l, 0));
      grads[k - 1] = g;
    }
    const expected = grads.map((v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)));
    const x = tf.tensor3d(xs.map((r) => [r]));
    const got = await gradientNorms(cell, x);
    x.dispose();
    assertClose(got, expected, 1e-4, `gradient norms ${activation}`);
  }
});

/** U [H, G] (row-major) times a gradient over its G outputs: the gradient over its H inputs. */
const backThrough = (U: Float32Array, G: number, d: number[]) => Array.from({ length: H }, (_, a) => d.reduce((s, v, j) => s + U[a * G + j] * v, 0));
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test('gradient norms ‖∂Σh_T/∂h_t‖ = backpropagation written out in float64 (LSTM: through the gates and the cell)', async () => {
  const cell = new LstmCell({ inputSize: E, units: H }, new Rng(13));
  const w = await weightsOf(cell);
  // Forward, keeping every step's gates and cell.
  const steps: Array<{ i: number[]; f: number[]; g: number[]; o: number[]; c: number[]; cPrev: number[] }> = [];
  let h = new Array(H).fill(0);
  let c = new Array(H).fill(0);
  for (const x of xs) {
    const z = affine(x, w.kernel, h, w.recurrent_kernel, 4 * H, w.bias);
    const i = z.slice(0, H).map(sig);
    const f = z.slice(H, 2 * H).map(sig);
    const g = z.slice(2 * H, 3 * H).map(Math.tanh);
    const o = z.slice(3 * H).map(sig);
    const cPrev = c;
    c = c.map((cv, u) => f[u] * cv + i[u] * g[u]);
    h = c.map((cv, u) => o[u] * Math.tanh(cv));
    steps.push({ i, f, g, o, c, cPrev });
  }
  // Backward from Σ h_T: dh_{T-1} = 1, dc_{T-1} = 0; h_k = o ⊙ tanh(c_k), c_k = f ⊙ c_{k-1} + i ⊙ g.
  const norms: number[] = [];
  let dh = new Array(H).fill(1);
  let dc = new Array(H).fill(0);
  for (let k = T - 1; k >= 0; k--) {
    norms[k] = norm(dh);
    if (k === 0) break;
    const { i, f, g, o, c: ck, cPrev } = steps[k];
    const dcTotal = dc.map((d, u) => d + dh[u] * o[u] * (1 - Math.tanh(ck[u]) ** 2));
    const dzi = dcTotal.map((d, u) => d * g[u] * i[u] * (1 - i[u]));
    const dzf = dcTotal.map((d, u) => d * cPrev[u] * f[u] * (1 - f[u]));
    const dzg = dcTotal.map((d, u) => d * i[u] * (1 - g[u] ** 2));
    const dzo = dh.map((d, u) => d * Math.tanh(ck[u]) * o[u] * (1 - o[u]));
    dh = backThrough(w.recurrent_kernel, 4 * H, [...dzi, ...dzf, ...dzg, ...dzo]);
    dc = dcTotal.map((d, u) => d * f[u]);
  }
  const x = tf.tensor3d(xs.map((r) => [r]));
  const got = await gradientNorms(cell, x);
  x.dispose();
  assertClose(got, norms, 1e-4, 'gradient norms lstm');
});

test('gradient norms ‖∂Σh_T/∂h_t‖ = backpropagation written out in float64 (GRU: through z, r and the candidate)', async () => {
  const cell = new GruCell({ inputSize: E, units: H }, new Rng(14));
  const w = await weightsOf(cell);
  const steps: Array<{ z: number[]; r: number[]; n: number[]; hn: number[]; hPrev: number[] }> = [];
  let h = new Array(H).fill(0);
  for (const x of xs) {
    const xp = affine(x, w.kernel, [], new Float32Array(0), 3 * H, w.bias);
    const hp = affine([], new Float32Array(0), h, w.recurrent_kernel, 3 * H, w.recurrent_bias);
    const z = h.map((_, u) => sig(xp[u] + hp[u]));
    const r = h.map((_, u) => sig(xp[H + u] + hp[H + u]));
    const hn = hp.slice(2 * H);
    const n = h.map((_, u) => Math.tanh(xp[2 * H + u] + r[u] * hn[u]));
    const hPrev = h;
    h = h.map((hv, u) => z[u] * hv + (1 - z[u]) * n[u]);
    steps.push({ z, r, n, hn, hPrev });
  }
  // h_k = z ⊙ h_{k-1} + (1 − z) ⊙ n; z, r from h_{k-1} U + c; n = tanh(x W_n + b_n + r ⊙ (h_{k-1} U_n + c_n)).
  const norms: number[] = [];
  let dh = new Array(H).fill(1);
  for (let k = T - 1; k >= 0; k--) {
    norms[k] = norm(dh);
    if (k === 0) break;
    const { z, r, n, hn, hPrev } = steps[k];
    const dzPre = dh.map((d, u) => d * (hPrev[u] - n[u]) * z[u] * (1 - z[u]));
    const dnPre = dh.map((d, u) => d * (1 - z[u]) * (1 - n[u] ** 2));
    const drPre = dnPre.map((d, u) => d * hn[u] * r[u] * (1 - r[u]));
    const dhn = dnPre.map((d, u) => d * r[u]);
    const through = backThrough(w.recurrent_kernel, 3 * H, [...dzPre, ...drPre, ...dhn]);
    dh = dh.map((d, u) => d * z[u] + through[u]);
  }
  const x = tf.tensor3d(xs.map((r) => [r]));
  const got = await gradientNorms(cell, x);
  x.dispose();
  assertClose(got, norms, 1e-4, 'gradient norms gru');
});

test('gradient norms: the last step is √H for every cell, and nothing leaks', async () => {
  for (const cell of [new LstmCell({ inputSize: E, units: H }, new Rng(1)), new GruCell({ inputSize: E, units: H }, new Rng(2))]) {
    const x = tf.tensor3d(xs.map((r) => [r]));
    const before = tf.memory().numTensors;
    const g = await gradientNorms(cell, x);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(g.length, T);
    assert.ok(Math.abs(g[T - 1] - Math.sqrt(H)) < 1e-5);
    assert.ok(g.every((v) => Number.isFinite(v) && v >= 0));
    x.dispose();
  }
});

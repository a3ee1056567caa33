/**
 * The elementwise work of one GRU or LSTM training step, forward and backward,
 * as single kernels (registered for wasm and cpu; one JavaScript loop over the
 * backend's memory each).
 *
 * Training a recurrent layer step by step with tfjs ops costs about 15 kernel
 * calls per step forward and 40 backward (splits, gates, their gradients and
 * the tape's bookkeeping), and at the sizes of this project's models each call
 * costs more than its arithmetic. With these kernels a step is one matMul and
 * one kernel each way (see models/fusedRecurrence.ts, which also batches the
 * weight gradients over all steps).
 *
 * Conventions: time-major tensors [T, B, ·] are passed whole and the attribute
 * `step` picks row t, so nothing is unstacked. `mask` is [T, B] (1 = real
 * token, 0 = padding: the state passes through unchanged), or a scalar when
 * there is none (attribute `masked` false).
 *
 * GRU (reset_after, gate order z r n; c is the recurrent bias):
 *   forward  inputs xp [T,B,3H], hu [B,3H] = h_{t-1} U, c [3H], h [B,H], mask
 *            outputs h_t [B,H], saved [B,4H] = [z r n (hu_n + c_n)]
 *   backward inputs dy [T,B,H] (the loss's gradient for every h_t), carry [B,H]
 *            (from step t+1), saved [T,B,4H], hPrev [T,B,H] (h_{t-1}), mask
 *            outputs dxp [B,3H], dhu [B,3H] (also the gradient of c), dh [B,H]
 *            (the part of ∂/∂h_{t-1} that does not go through U; the caller
 *            adds dhu Uᵀ)
 * LSTM (gate order i f g o):
 *   forward  inputs xp [T,B,4H] (x W + b), hu [B,4H], c [B,H], h [B,H], mask
 *            outputs h_t [B,H], c_t [B,H], saved [B,5H] = [i f g o tanh(c_t)]
 *   backward inputs dy [T,B,H], carryH [B,H], carryC [B,H], saved [T,B,5H],
 *            cPrev [T,B,H] (c_{t-1}), mask
 *            outputs dz [B,4H] (gradient of the pre-activations: of xp, and of
 *            hu), dh [B,H] (the part that does not go through U), dc [B,H]
 */
import * as tf from '@tensorflow/tfjs';
import { registerJsKernel } from './jsKernel';
import { offsetOf, simdFor, SimdExports } from './simdKernels';

type Arr = Float32Array | Int32Array | Uint8Array;

export const GRU_FORWARD = 'SeqLensGruForward';
export const GRU_BACKWARD = 'SeqLensGruBackward';
export const LSTM_FORWARD = 'SeqLensLstmForward';
export const LSTM_BACKWARD = 'SeqLensLstmBackward';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function gruForward(xp: Arr, xo: number, hu: Arr, c: Arr, h: Arr, mask: Arr | null, mo: number, hOut: Arr, saved: Arr, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const g = b * 3 * H;
    const x = xo + g;
    const s = b * 4 * H;
    const m = mask ? mask[mo + b] : 1;
    for (let u = 0; u < H; u++) {
      const z = sigmoid(xp[x + u] + hu[g + u] + c[u]);
      const r = sigmoid(xp[x + H + u] + hu[g + H + u] + c[H + u]);
      const hn = hu[g + 2 * H + u] + c[2 * H + u];
      const n = Math.tanh(xp[x + 2 * H + u] + r * hn);
      const prev = h[b * H + u];
      const next = z * prev + (1 - z) * n;
      hOut[b * H + u] = m === 1 ? next : m * next + (1 - m) * prev;
      saved[s + u] = z;
      saved[s + H + u] = r;
      saved[s + 2 * H + u] = n;
      saved[s + 3 * H + u] = hn;
    }
  }
}

function gruBackward(dy: Arr, carry: Arr, saved: Arr, hPrev: Arr, mask: Arr | null, to: number, mo: number, dxp: Arr, dhu: Arr, dh: Arr, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const m = mask ? mask[mo + b] : 1;
    const s = to * 4 + b * 4 * H; // row t of saved: [T, B, 4H]
    const g = b * 3 * H;
    for (let u = 0; u < H; u++) {
      const k = b * H + u;
      const grad = dy[to + k] + carry[k];
      const d = m * grad; // gradient of the unmasked new state
      const z = saved[s + u];
      const r = saved[s + H + u];
      const n = saved[s + 2 * H + u];
      const hn = saved[s + 3 * H + u];
      const prev = hPrev[to + k];
      const dz = d * (prev - n);
      const dn = d * (1 - z);
      const dan = dn * (1 - n * n);
      const daz = dz * z * (1 - z);
      const dar = dan * hn * r * (1 - r);
      dxp[g + u] = daz;
      dxp[g + H + u] = dar;
      dxp[g + 2 * H + u] = dan;
      dhu[g + u] = daz;
      dhu[g + H + u] = dar;
      dhu[g + 2 * H + u] = dan * r;
      dh[k] = d * z + (1 - m) * grad;
    }
  }
}

function lstmForward(xp: Arr, xo: number, hu: Arr, c: Arr, h: Arr, mask: Arr | null, mo: number, hOut: Arr, cOut: Arr, saved: Arr, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const g = b * 4 * H;
    const x = xo + g;
    const s = b * 5 * H;
    const m = mask ? mask[mo + b] : 1;
    for (let u = 0; u < H; u++) {
      const k = b * H + u;
      const i = sigmoid(xp[x + u] + hu[g + u]);
      const f = sigmoid(xp[x + H + u] + hu[g + H + u]);
      const gg = Math.tanh(xp[x + 2 * H + u] + hu[g + 2 * H + u]);
      const o = sigmoid(xp[x + 3 * H + u] + hu[g + 3 * H + u]);
      const cNext = f * c[k] + i * gg;
      const tc = Math.tanh(cNext);
      const hNext = o * tc;
      if (m === 1) {
        hOut[k] = hNext;
        cOut[k] = cNext;
      } else {
        hOut[k] = m * hNext + (1 - m) * h[k];
        cOut[k] = m * cNext + (1 - m) * c[k];
      }
      saved[s + u] = i;
      saved[s + H + u] = f;
      saved[s + 2 * H + u] = gg;
      saved[s + 3 * H + u] = o;
      saved[s + 4 * H + u] = tc;
    }
  }
}

function lstmBackward(dy: Arr, carryH: Arr, carryC: Arr, saved: Arr, cPrev: Arr, mask: Arr | null, to: number, mo: number, dz: Arr, dh: Arr, dc: Arr, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const m = mask ? mask[mo + b] : 1;
    const s = to * 5 + b * 5 * H;
    const g = b * 4 * H;
    for (let u = 0; u < H; u++) {
      const k = b * H + u;
      const gh = dy[to + k] + carryH[k];
      const gc = carryC[k];
      const i = saved[s + u];
      const f = saved[s + H + u];
      const gg = saved[s + 2 * H + u];
      const o = saved[s + 3 * H + u];
      const tc = saved[s + 4 * H + u];
      const dhN = m * gh;
      const dcN = m * gc + dhN * o * (1 - tc * tc);
      dz[g + u] = dcN * gg * i * (1 - i);
      dz[g + H + u] = dcN * cPrev[to + k] * f * (1 - f);
      dz[g + 2 * H + u] = dcN * i * (1 - gg * gg);
      dz[g + 3 * H + u] = dhN * tc * o * (1 - o);
      dh[k] = (1 - m) * gh;
      dc[k] = dcN * f + (1 - m) * gc;
    }
  }
}

type Plan = { outputs: number[][]; B: number; H: number; step: number };

interface KernelSpec {
  name: string;
  inputs: string[];
  /** The SIMD version (wasm, H ≥ 4), given byte offsets; absent: JavaScript only. */
  simd?(k: SimdExports, at: Record<string, number>, outs: number[], p: Plan, masked: boolean): void;
  /** Checks the shapes; returns the output shapes and B, H, the step. */
  plan(inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap): Plan;
  run(views: Record<string, Arr | null>, outs: Arr[], p: Plan): void;
}

function fail(name: string, inputs: Record<string, tf.TensorInfo>): never {
  throw new Error(`${name}: shapes ${Object.entries(inputs).map(([k, v]) => `${k} [${v.shape}]`).join(', ')} do not match`);
}

function checkStep(step: number, T: number): void {
  if (!(Number.isInteger(step) && step >= 0 && step < T)) throw new Error(`recurrent kernel: step ${step} outside 0..${T - 1}`);
}

function checkMask(name: string, inputs: Record<string, tf.TensorInfo>, masked: boolean, T: number, B: number): void {
  if (masked && (inputs.mask.shape.length !== 2 || inputs.mask.shape[0] !== T || inputs.mask.shape[1] !== B)) fail(name, inputs);
}

const SPECS: KernelSpec[] = [
  {
    name: GRU_FORWARD,
    inputs: ['xp', 'hu', 'c', 'h', 'mask'],
    plan(i, a) {
      const [T, B, G] = i.xp.shape;
      const H = G / 3;
      if (i.hu.shape.join() !== `${B},${G}` || i.c.shape.join() !== `${G}` || i.h.shape.join() !== `${B},${H}`) fail(GRU_FORWARD, i);
      checkStep(a.step as number, T);
      checkMask(GRU_FORWARD, i, a.masked as boolean, T, B);
      return { outputs: [[B, H], [B, 4 * H]], B, H, step: a.step as number };
    },
    simd(k, at, [hOut, saved], { B, H, step }, masked) {
      k.gru_forward(at.xp + step * B * 3 * H * 4, at.hu, at.c, at.h, masked ? at.mask + step * B * 4 : 0, masked ? 1 : 0, hOut, saved, B, H);
    },
    run(v, [hOut, saved], { B, H, step }) {
      gruForward(v.xp!, step * B * 3 * H, v.hu!, v.c!, v.h!, v.mask, step * B, hOut, saved, B, H);
    },
  },
  {
    name: GRU_BACKWARD,
    inputs: ['dy', 'carry', 'saved', 'hPrev', 'mask'],
    plan(i, a) {
      const [T, B, H] = i.dy.shape;
      if (i.carry.shape.join() !== `${B},${H}` || i.saved.shape.join() !== `${T},${B},${4 * H}` || i.hPrev.shape.join() !== `${T},${B},${H}`) fail(GRU_BACKWARD, i);
      checkStep(a.step as number, T);
      checkMask(GRU_BACKWARD, i, a.masked as boolean, T, B);
      return { outputs: [[B, 3 * H], [B, 3 * H], [B, H]], B, H, step: a.step as number };
    },
    run(v, [dxp, dhu, dh], { B, H, step }) {
      gruBackward(v.dy!, v.carry!, v.saved!, v.hPrev!, v.mask, step * B * H, step * B, dxp, dhu, dh, B, H);
    },
  },
  {
    name: LSTM_FORWARD,
    inputs: ['xp', 'hu', 'c', 'h', 'mask'],
    plan(i, a) {
      const [T, B, G] = i.xp.shape;
      const H = G / 4;
      if (i.hu.shape.join() !== `${B},${G}` || i.c.shape.join() !== `${B},${H}` || i.h.shape.join() !== `${B},${H}`) fail(LSTM_FORWARD, i);
      checkStep(a.step as number, T);
      checkMask(LSTM_FORWARD, i, a.masked as boolean, T, B);
      return { outputs: [[B, H], [B, H], [B, 5 * H]], B, H, step: a.step as number };
    },
    simd(k, at, [hOut, cOut, saved], { B, H, step }, masked) {
      k.lstm_forward(at.xp + step * B * 4 * H * 4, at.hu, at.c, at.h, masked ? at.mask + step * B * 4 : 0, masked ? 1 : 0, hOut, cOut, saved, B, H);
    },
    run(v, [hOut, cOut, saved], { B, H, step }) {
      lstmForward(v.xp!, step * B * 4 * H, v.hu!, v.c!, v.h!, v.mask, step * B, hOut, cOut, saved, B, H);
    },
  },
  {
    name: LSTM_BACKWARD,
    inputs: ['dy', 'carryH', 'carryC', 'saved', 'cPrev', 'mask'],
    plan(i, a) {
      const [T, B, H] = i.dy.shape;
      if (i.carryH.shape.join() !== `${B},${H}` || i.carryC.shape.join() !== `${B},${H}` || i.saved.shape.join() !== `${T},${B},${5 * H}` || i.cPrev.shape.join() !== `${T},${B},${H}`) fail(LSTM_BACKWARD, i);
      checkStep(a.step as number, T);
      checkMask(LSTM_BACKWARD, i, a.masked as boolean, T, B);
      return { outputs: [[B, 4 * H], [B, H], [B, H]], B, H, step: a.step as number };
    },
    run(v, [dz, dh, dc], { B, H, step }) {
      lstmBackward(v.dy!, v.carryH!, v.carryC!, v.saved!, v.cPrev!, v.mask, step * B * H, step * B, dz, dh, dc, B, H);
    },
  },
];

let registered = false;
let useSimd = true;

/** Tests: run the JavaScript versions on wasm too (to compare them with the SIMD ones). */
export function setRecurrentSimd(on: boolean): void {
  useSimd = on;
}

/** Registers the four kernels for wasm and cpu; calling again does nothing. */
export function registerRecurrentKernels(): void {
  if (registered) return;
  registered = true;
  for (const spec of SPECS) {
    registerJsKernel<Plan>({
      name: spec.name,
      inputs: spec.inputs,
      plan: spec.plan,
      run: (views, outs, p) => spec.run(views, outs, p),
      skip: (attrs) => (attrs.masked ? [] : ['mask']), // a scalar placeholder without a mask
      wasm(backend, ins, outs, p, attrs) {
        // The SIMD loops run at least once: only for a non-empty batch (and rows of 4 or more).
        const simd = spec.simd && p.H >= 4 && p.B > 0 && useSimd ? simdFor(backend) : null;
        if (!simd) return false;
        const at = Object.fromEntries(spec.inputs.map((n) => [n, offsetOf(backend, ins[n])]));
        spec.simd!(simd, at, outs.map((o) => offsetOf(backend, o)), p, attrs.masked as boolean);
        return true;
      },
    });
  }
}

/** Runs one of the kernels above. */
export function runRecurrentKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: { step: number; masked: boolean }): tf.Tensor[] {
  registerRecurrentKernels();
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

/**
 * One LSTM step's elementwise work as a single kernel, for the step probe.
 *
 * At batch 1 every tfjs call costs more than its arithmetic (a 256-unit gate
 * is 256 numbers): split, three sigmoids, a tanh, three multiplies, an add and
 * another tanh are nine calls per step. This kernel does them in one pass over
 * the pre-activations and also writes the step's row of the probe, so a step is
 * one matMul and this. Forward only (the probe is never differentiated).
 *
 * Inputs: hu [B, 4H], the recurrent product h_{t-1} U; xp [T, B, 4H], every
 * step's input projection x W + b (attribute `step` picks row t, so the
 * projection is never unstacked); prev [B, 6H], the previous step's row (its c
 * is read from columns H..2H). Gate order i f g o.
 * Outputs: h [B, H], row [B, 6H] = [h c i f g o].
 */
import * as tf from '@tensorflow/tfjs';
import { registerJsKernel } from './jsKernel';

export const LSTM_STEP_KERNEL = 'SeqLensLstmStep';

function computeStep(
  hu: ArrayLike<number>,
  xp: ArrayLike<number>,
  xOffset: number,
  prev: ArrayLike<number>,
  h: Float32Array | Int32Array | Uint8Array,
  row: Float32Array | Int32Array | Uint8Array,
  B: number,
  H: number,
): void {
  const z = (k: number) => hu[k] + xp[xOffset + k];
  for (let b = 0; b < B; b++) {
    const zo = b * 4 * H;
    const ro = b * 6 * H;
    for (let u = 0; u < H; u++) {
      const i = 1 / (1 + Math.exp(-z(zo + u)));
      const f = 1 / (1 + Math.exp(-z(zo + H + u)));
      const g = Math.tanh(z(zo + 2 * H + u));
      const o = 1 / (1 + Math.exp(-z(zo + 3 * H + u)));
      const c = f * prev[ro + H + u] + i * g;
      const hv = o * Math.tanh(c);
      h[b * H + u] = hv;
      row[ro + u] = hv;
      row[ro + H + u] = c;
      row[ro + 2 * H + u] = i;
      row[ro + 3 * H + u] = f;
      row[ro + 4 * H + u] = g;
      row[ro + 5 * H + u] = o;
    }
  }
}

let registered = false;

export function registerLstmStepKernel(): void {
  if (registered) return;
  registered = true;
  registerJsKernel({
    name: LSTM_STEP_KERNEL,
    inputs: ['hu', 'xp', 'prev'],
    plan({ hu, xp, prev }, attrs) {
      const step = attrs.step as number;
      const [B, G] = hu.shape;
      const H = G / 4;
      if (prev.shape[0] !== B || prev.shape[1] !== 6 * H || xp.shape[1] !== B || xp.shape[2] !== G || !(step >= 0 && step < xp.shape[0])) {
        throw new Error(`${LSTM_STEP_KERNEL}: hu [${hu.shape}], xp [${xp.shape}], prev [${prev.shape}], step ${step} do not match`);
      }
      return { outputs: [[B, H], [B, 6 * H]], B, H, xOffset: step * B * G };
    },
    run({ hu, xp, prev }, [h, row], { B, H, xOffset }) {
      computeStep(hu!, xp!, xOffset, prev!, h, row, B, H);
    },
  });
}

/** Step `step`: returns [h [B, H], row [B, 6H]]. */
export function lstmStep(hu: tf.Tensor2D, xp: tf.Tensor3D, step: number, prev: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  registerLstmStepKernel();
  const [h, row] = tf.engine().runKernel(LSTM_STEP_KERNEL, { hu, xp, prev }, { step }) as unknown as tf.Tensor2D[];
  return [h, row];
}

/**
 * LSTM (Hochreiter & Schmidhuber, with the forget gate of Gers et al.):
 *   [i f g o] = x_t W + b + h_{t-1} U        (gate order as in PyTorch and Keras)
 *   i, f, o = σ(·), g = tanh(·)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g
 *   h_t = o ⊙ tanh(c_t)
 * The additive cell update is what carries information (and gradients) across
 * long distances; the probe exposes c and all four gates at every step.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { customKernelsEnabled } from '../tfjs/simdKernels';
import { lstmStep } from '../tfjs/lstmStepKernel';
import { assertInput, CellConfig, keepWhereMasked, projectAll, projectInputs, RecurrentCell, stepMasks, uniformInit, uniformValues, variable } from './cell';
import { lstmSequence } from './fusedRecurrence';

export type LstmConfig = CellConfig;

export const LSTM_PRESETS = {
  tiny: { inputSize: 8, units: 16 },
  default: { inputSize: 24, units: 32 },
  /** The shape of the step-probe budget: 256 units. */
  bench: { inputSize: 128, units: 256 },
} satisfies Record<string, LstmConfig>;

export class LstmCell implements RecurrentCell {
  readonly kind = 'lstm' as const;
  readonly stateKeys = ['h', 'c', 'i', 'f', 'g', 'o'] as const;
  readonly weights: Record<string, tf.Variable>;

  constructor(
    readonly config: LstmConfig,
    rng: Rng,
    readonly name = 'lstm',
  ) {
    if (config.units <= 0 || config.inputSize <= 0) throw new Error('lstm: units and inputSize must be positive');
    const { inputSize: E, units: H } = config;
    const kernel = uniformInit(rng, [E, 4 * H], H);
    const recurrent = uniformInit(rng, [H, 4 * H], H);
    const bias = uniformValues(rng, 4 * H, H);
    // Forget-gate bias starts at 1 (Jozefowicz et al. 2015): remember by default.
    for (let u = H; u < 2 * H; u++) bias[u] += 1;
    this.weights = {
      [`${name}/kernel`]: kernel,
      [`${name}/recurrent_kernel`]: recurrent,
      [`${name}/bias`]: variable(bias, [4 * H]),
    };
  }

  private get w() {
    const n = this.name;
    return {
      kernel: this.weights[`${n}/kernel`] as tf.Tensor2D,
      recurrent: this.weights[`${n}/recurrent_kernel`] as tf.Tensor2D,
      bias: this.weights[`${n}/bias`] as tf.Tensor1D,
    };
  }

  /** One step; returns the new h and c and the four activated gates, each [B, H]. */
  private step(xProj: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D) {
    const z = tf.add(xProj, tf.matMul(h, this.w.recurrent)); // [B, 4H]
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as tf.Tensor2D[]; // 4 × [B, H]
    const i = tf.sigmoid(zi);
    const f = tf.sigmoid(zf);
    const g = tf.tanh(zg);
    const o = tf.sigmoid(zo);
    const cNext = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
    const hNext = tf.mul(o, tf.tanh(cNext)) as tf.Tensor2D;
    return { h: hNext, c: cNext, i, f, g, o };
  }

  forward(x: tf.Tensor3D, mask?: tf.Tensor2D, perturb?: readonly tf.Tensor2D[]): tf.Tensor3D {
    assertInput(this, x);
    if (!perturb && customKernelsEnabled()) {
      if (mask && mask.shape[0] !== x.shape[0]) throw new Error(`mask has ${mask.shape[0]} steps, input has ${x.shape[0]}`);
      return lstmSequence(projectAll(x, this.w.kernel, this.w.bias), this.w.recurrent, mask);
    }
    const inputs = projectInputs(x, this.w.kernel, this.w.bias);
    const masks = stepMasks(mask, inputs.length);
    const B = x.shape[1];
    let h = tf.zeros([B, this.config.units]) as tf.Tensor2D;
    let c = h;
    const hs: tf.Tensor2D[] = [];
    inputs.forEach((xt, t) => {
      const s = this.step(xt, h, c);
      h = keepWhereMasked(s.h, h, masks?.[t]);
      c = keepWhereMasked(s.c, c, masks?.[t]);
      if (perturb) h = tf.add(h, perturb[t]) as tf.Tensor2D; // a zero the gradient probe differentiates against
      hs.push(h);
    });
    return tf.stack(hs) as tf.Tensor3D; // [T, B, H]
  }

  /**
   * The same recurrence as forward(), arranged for one sequence and few kernel
   * calls (each tfjs call costs more than a 256-unit gate's arithmetic): per
   * step one matMul and one kernel for all the elementwise work, which also
   * writes the step's row [h c i f g o]; one concat at the end.
   */
  probe(x: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      assertInput(this, x);
      const H = this.config.units;
      const T = x.shape[0];
      const xp = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [T, -1]), this.w.kernel), this.w.bias), [T, 1, 4 * H]) as tf.Tensor3D; // every step's input projection at once
      let h = tf.zeros([1, H]) as tf.Tensor2D;
      let row = tf.zeros([1, 6 * H]) as tf.Tensor2D;
      const rows: tf.Tensor2D[] = [];
      for (let t = 0; t < T; t++) {
        [h, row] = lstmStep(tf.matMul(h, this.w.recurrent), xp, t, row); // h [1, H], row [1, 6H]
        rows.push(row);
      }
      return tf.concat(rows, 0) as tf.Tensor2D; // [T, 6H]
    });
  }
}

/**
 * GRU (Cho et al. 2014), in the form PyTorch and Keras (reset_after) use:
 *   z = σ(x W_z + b_z + h U_z + c_z)          update gate
 *   r = σ(x W_r + b_r + h U_r + c_r)          reset gate
 *   n = tanh(x W_n + b_n + r ⊙ (h U_n + c_n))  candidate
 *   h_t = z ⊙ h_{t-1} + (1 − z) ⊙ n
 * Gate order in the weight matrices: z, r, n (Keras). There is no separate
 * cell state: z decides how much of the old state survives.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { customKernelsEnabled } from '../tfjs/simdKernels';
import { assertInput, CellConfig, keepWhereMasked, projectAll, projectInputs, RecurrentCell, stepMasks, uniformInit } from './cell';
import { gruSequence } from './fusedRecurrence';

export type GruConfig = CellConfig;

export const GRU_PRESETS = {
  tiny: { inputSize: 8, units: 16 },
  default: { inputSize: 24, units: 32 },
} satisfies Record<string, GruConfig>;

export class GruCell implements RecurrentCell {
  readonly kind = 'gru' as const;
  readonly stateKeys = ['h', 'z', 'r', 'n'] as const;
  readonly weights: Record<string, tf.Variable>;

  constructor(
    readonly config: GruConfig,
    rng: Rng,
    readonly name = 'gru',
  ) {
    if (config.units <= 0 || config.inputSize <= 0) throw new Error('gru: units and inputSize must be positive');
    const { inputSize: E, units: H } = config;
    this.weights = {
      [`${name}/kernel`]: uniformInit(rng, [E, 3 * H], H),
      [`${name}/recurrent_kernel`]: uniformInit(rng, [H, 3 * H], H),
      [`${name}/bias`]: uniformInit(rng, [3 * H], H),
      [`${name}/recurrent_bias`]: uniformInit(rng, [3 * H], H),
    };
  }

  private get w() {
    const n = this.name;
    return {
      kernel: this.weights[`${n}/kernel`] as tf.Tensor2D,
      recurrent: this.weights[`${n}/recurrent_kernel`] as tf.Tensor2D,
      bias: this.weights[`${n}/bias`] as tf.Tensor1D,
      recurrentBias: this.weights[`${n}/recurrent_bias`] as tf.Tensor1D,
    };
  }

  private step(xProj: tf.Tensor2D, h: tf.Tensor2D): { h: tf.Tensor2D; z: tf.Tensor2D; r: tf.Tensor2D; n: tf.Tensor2D } {
    const hProj = tf.add(tf.matMul(h, this.w.recurrent), this.w.recurrentBias); // [B, 3H]
    const [xz, xr, xn] = tf.split(xProj, 3, 1) as tf.Tensor2D[]; // 3 × [B, H]
    const [hz, hr, hn] = tf.split(hProj, 3, 1) as tf.Tensor2D[];
    const z = tf.sigmoid(tf.add(xz, hz)) as tf.Tensor2D;
    const r = tf.sigmoid(tf.add(xr, hr)) as tf.Tensor2D;
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as tf.Tensor2D;
    const hNext = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), n)) as tf.Tensor2D;
    return { h: hNext, z, r, n };
  }

  /** As RecurrentCell.forward; `initial` [B, H] is the state before the first step (zeros by default; a decoder starts from the encoder's). */
  forward(x: tf.Tensor3D, mask?: tf.Tensor2D, perturb?: readonly tf.Tensor2D[], initial?: tf.Tensor2D): tf.Tensor3D {
    assertInput(this, x);
    if (!perturb && customKernelsEnabled()) {
      if (mask && mask.shape[0] !== x.shape[0]) throw new Error(`mask has ${mask.shape[0]} steps, input has ${x.shape[0]}`);
      const h0 = initial ?? (tf.zeros([x.shape[1], this.config.units]) as tf.Tensor2D);
      return gruSequence(projectAll(x, this.w.kernel, this.w.bias), h0, this.w.recurrent, this.w.recurrentBias, mask);
    }
    const inputs = projectInputs(x, this.w.kernel, this.w.bias);
    const masks = stepMasks(mask, inputs.length);
    let h = initial ?? (tf.zeros([x.shape[1], this.config.units]) as tf.Tensor2D);
    const hs: tf.Tensor2D[] = [];
    inputs.forEach((xt, t) => {
      h = keepWhereMasked(this.step(xt, h).h, h, masks?.[t]);
      if (perturb) h = tf.add(h, perturb[t]) as tf.Tensor2D; // a zero the gradient probe differentiates against
      hs.push(h);
    });
    return tf.stack(hs) as tf.Tensor3D; // [T, B, H]
  }

  /** One step from a raw input x [B, inputSize] (a decoder's use): the new state and gates. */
  stepFromInput(x: tf.Tensor2D, h: tf.Tensor2D): { h: tf.Tensor2D; z: tf.Tensor2D; r: tf.Tensor2D; n: tf.Tensor2D } {
    const xProj = tf.add(tf.matMul(x, this.w.kernel), this.w.bias) as tf.Tensor2D; // [B, 3H]
    return this.step(xProj, h);
  }

  probe(x: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      assertInput(this, x);
      const inputs = projectInputs(x, this.w.kernel, this.w.bias);
      let h = tf.zeros([1, this.config.units]) as tf.Tensor2D;
      const rows: tf.Tensor2D[] = [];
      for (const xt of inputs) {
        const s = this.step(xt, h);
        h = s.h;
        rows.push(tf.concat([s.h, s.z, s.r, s.n], 1) as tf.Tensor2D); // [1, 4H]
      }
      return tf.concat(rows, 0) as tf.Tensor2D; // [T, 4H]
    });
  }
}

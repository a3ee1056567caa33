/**
 * Vanilla (Elman) RNN: h_t = act(x_t W + b + h_{t-1} U), act = tanh or sigmoid.
 *
 * Sigmoid is offered to show why tanh won: σ' ≤ 0.25 and σ is not zero-centred,
 * so gradients through many steps vanish faster and states drift to saturation.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { assertInput, CellConfig, keepWhereMasked, projectInputs, RecurrentCell, stepMasks, uniformInit } from './cell';

export interface RnnConfig extends CellConfig {
  /** Nonlinearity of the state update (default tanh). */
  activation: 'tanh' | 'sigmoid';
}

export const RNN_PRESETS = {
  tiny: { inputSize: 8, units: 16, activation: 'tanh' },
  default: { inputSize: 24, units: 32, activation: 'tanh' },
} satisfies Record<string, RnnConfig>;

export class RnnCell implements RecurrentCell {
  readonly kind = 'rnn' as const;
  readonly stateKeys = ['h'] as const;
  readonly weights: Record<string, tf.Variable>;

  constructor(
    readonly config: RnnConfig,
    rng: Rng,
    readonly name = 'rnn',
  ) {
    if (config.units <= 0 || config.inputSize <= 0) throw new Error('rnn: units and inputSize must be positive');
    const { inputSize: E, units: H } = config;
    this.weights = {
      [`${name}/kernel`]: uniformInit(rng, [E, H], H),
      [`${name}/recurrent_kernel`]: uniformInit(rng, [H, H], H),
      [`${name}/bias`]: uniformInit(rng, [H], H),
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

  private step(xProj: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const pre = tf.add(xProj, tf.matMul(h, this.w.recurrent)) as tf.Tensor2D; // [B, H]
    return this.config.activation === 'tanh' ? tf.tanh(pre) : tf.sigmoid(pre);
  }

  forward(x: tf.Tensor3D, mask?: tf.Tensor2D, perturb?: readonly tf.Tensor2D[]): tf.Tensor3D {
    assertInput(this, x);
    const { kernel, bias } = this.w;
    const inputs = projectInputs(x, kernel, bias);
    const masks = stepMasks(mask, inputs.length);
    let h = tf.zeros([x.shape[1], this.config.units]) as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    inputs.forEach((xt, t) => {
      h = keepWhereMasked(this.step(xt, h), h, masks?.[t]);
      if (perturb) h = tf.add(h, perturb[t]) as tf.Tensor2D; // a zero the gradient probe differentiates against
      hs.push(h);
    });
    return tf.stack(hs) as tf.Tensor3D; // [T, B, H]
  }

  probe(x: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => tf.squeeze(this.forward(x), [1]) as tf.Tensor2D); // [T, H]
  }
}

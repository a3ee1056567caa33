/**
 * GRU and LSTM layers over a whole time-major sequence, with a hand-written
 * backward pass (backpropagation through time), for training.
 *
 * Numerically the same recurrence as the cells' step-by-step forward() (tests
 * check values and gradients against it), arranged for few kernel calls:
 *   forward   per step one matMul (h_{t-1} U) and one elementwise kernel;
 *   backward  per step one elementwise kernel and one matMul (dhu Uᵀ); the
 *             recurrent kernel's gradient is then ONE product over all steps,
 *             Σ_t h_{t-1}ᵀ dhu_t = H_prevᵀ · dHU with the steps stacked, and the
 *             input projection's gradient flows back through x W + b as one
 *             product as well (the caller computes xp with ordinary ops).
 * tf.customGrad keeps the per-step tensors off the tape; what the backward pass
 * needs (gates, previous states) is saved as two stacked tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { GRU_BACKWARD, GRU_FORWARD, LSTM_BACKWARD, LSTM_FORWARD, runRecurrentKernel } from '../tfjs/recurrentKernels';

/** mask [T, B] → what the kernels take: the float mask, or a scalar placeholder. */
function maskInput(mask: tf.Tensor2D | undefined): tf.Tensor {
  return mask ? tf.cast(mask, 'float32') : tf.scalar(1);
}

/** Rows 0..T-2 of hs [T,B,H] after h0: the state each step started from, [T, B, H]. */
function previousStates(h0: tf.Tensor2D, hs: tf.Tensor3D): tf.Tensor3D {
  const [T, B, H] = hs.shape;
  const first = tf.reshape(h0, [1, B, H]);
  return (T === 1 ? first : tf.concat([first, tf.slice(hs, [0, 0, 0], [T - 1, B, H])], 0)) as tf.Tensor3D;
}

/**
 * GRU (reset_after) over xp = x W + b [T, B, 3H], from h0 [B, H], with the
 * recurrent kernel U [H, 3H] and recurrent bias c [3H]: every state [T, B, H].
 * With mask [T, B] a padded step keeps the previous state.
 */
export function gruSequence(xp: tf.Tensor3D, h0: tf.Tensor2D, U: tf.Tensor2D, c: tf.Tensor1D, mask?: tf.Tensor2D): tf.Tensor3D {
  const [T, B, G] = xp.shape;
  const H = G / 3;
  if (h0.shape[0] !== B || h0.shape[1] !== H || U.shape[0] !== H || U.shape[1] !== G) throw new Error(`gruSequence: xp [${xp.shape}], h0 [${h0.shape}], U [${U.shape}] do not match`);
  const masked = mask !== undefined;
  const f = tf.customGrad(((xpIn: tf.Tensor3D, h0In: tf.Tensor2D, UIn: tf.Tensor2D, cIn: tf.Tensor1D, m: tf.Tensor, save: tf.GradSaveFunc) => {
    let h = h0In;
    const hs: tf.Tensor[] = [];
    const saved: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const [hNext, s] = runRecurrentKernel(GRU_FORWARD, { xp: xpIn, hu: tf.matMul(h, UIn), c: cIn, h, mask: m }, { step: t, masked });
      hs.push(hNext);
      saved.push(s);
      h = hNext as tf.Tensor2D;
    }
    const value = tf.stack(hs) as tf.Tensor3D;
    const gates = tf.stack(saved);
    save([gates, previousStates(h0In, value), UIn, m]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [gatesS, hPrev, US, mS]: tf.Tensor[]) => {
        let carry = tf.zeros([B, H]) as tf.Tensor;
        const Ut = tf.transpose(US); // once: a transposed operand costs a transpose per product
        const dxp: tf.Tensor[] = new Array(T);
        const dhu: tf.Tensor[] = new Array(T);
        for (let t = T - 1; t >= 0; t--) {
          const [dx, du, dh] = runRecurrentKernel(GRU_BACKWARD, { dy, carry, saved: gatesS, hPrev, mask: mS }, { step: t, masked });
          dxp[t] = dx;
          dhu[t] = du;
          carry = tf.add(dh, tf.matMul(du, Ut));
        }
        const dHU = tf.reshape(tf.stack(dhu), [T * B, G]);
        const dU = tf.matMul(tf.reshape(hPrev, [T * B, H]), dHU, true, false);
        return [tf.stack(dxp), carry, dU, tf.sum(dHU, 0), tf.zerosLike(mS)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(xp, h0, U, c, maskInput(mask)) as tf.Tensor3D;
}

/**
 * LSTM over xp = x W + b [T, B, 4H] (gates i f g o), from zero states, with the
 * recurrent kernel U [H, 4H]: every hidden state [T, B, H]. With mask [T, B] a
 * padded step keeps both states.
 */
export function lstmSequence(xp: tf.Tensor3D, U: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor3D {
  const [T, B, G] = xp.shape;
  const H = G / 4;
  if (U.shape[0] !== H || U.shape[1] !== G) throw new Error(`lstmSequence: xp [${xp.shape}], U [${U.shape}] do not match`);
  const masked = mask !== undefined;
  const f = tf.customGrad(((xpIn: tf.Tensor3D, UIn: tf.Tensor2D, m: tf.Tensor, save: tf.GradSaveFunc) => {
    const zero = tf.zeros([B, H]) as tf.Tensor2D;
    let h = zero;
    let c = zero;
    const hs: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [];
    const saved: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const [hNext, cNext, s] = runRecurrentKernel(LSTM_FORWARD, { xp: xpIn, hu: tf.matMul(h, UIn), c, h, mask: m }, { step: t, masked });
      hs.push(hNext);
      cs.push(cNext);
      saved.push(s);
      h = hNext as tf.Tensor2D;
      c = cNext as tf.Tensor2D;
    }
    const value = tf.stack(hs) as tf.Tensor3D;
    save([tf.stack(saved), previousStates(zero, value), previousStates(zero, tf.stack(cs) as tf.Tensor3D), UIn, m]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [gatesS, hPrev, cPrev, US, mS]: tf.Tensor[]) => {
        let carryH = tf.zeros([B, H]) as tf.Tensor;
        let carryC = carryH;
        const Ut = tf.transpose(US);
        const dz: tf.Tensor[] = new Array(T);
        for (let t = T - 1; t >= 0; t--) {
          const [d, dh, dc] = runRecurrentKernel(LSTM_BACKWARD, { dy, carryH, carryC, saved: gatesS, cPrev, mask: mS }, { step: t, masked });
          dz[t] = d;
          carryH = tf.add(dh, tf.matMul(d, Ut));
          carryC = dc;
        }
        const dZ = tf.stack(dz); // [T, B, 4H]: the gradient of xp, and of h_{t-1} U
        const dU = tf.matMul(tf.reshape(hPrev, [T * B, H]), tf.reshape(dZ, [T * B, G]), true, false);
        return [dZ, dU, tf.zerosLike(mS)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(xp, U, maskInput(mask)) as tf.Tensor3D;
}

/**
 * The two classic attention scores over a memory of encoder states, as pure
 * functions (the seq2seq decoder uses them; tests check them against PyTorch).
 *
 *   additive (Bahdanau): e_j = vᵀ tanh(W_q q + W_k h_j)
 *   dot (Luong):         e_j = q · h_j
 *   α = softmax(e + maskBias), context = Σ_j α_j h_j
 *
 * maskBias is 0 for real source positions and −1e9 for padding.
 */
import * as tf from '@tensorflow/tfjs';

export interface AttentionOutput {
  /** [B, S], rows sum to 1. */
  alpha: tf.Tensor2D;
  /** [B, H]. */
  context: tf.Tensor2D;
}

/** 0 where mask is 1, −1e9 where it is 0 (padding). mask: [B, S]. */
export function maskBias(mask: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.sub(1, mask), -1e9) as tf.Tensor2D;
}

function weigh(scores: tf.Tensor2D, states: tf.Tensor3D, bias: tf.Tensor2D): AttentionOutput {
  const [B, S] = scores.shape;
  const alpha = tf.softmax(tf.add(scores, bias)) as tf.Tensor2D; // [B, S]
  // Σ_j α_j h_j as multiply-and-sum: batched [1 × S]·[S × H] products are too small for XNNPACK to pay off.
  const context = tf.sum(tf.mul(tf.reshape(alpha, [B, S, 1]), states), 1) as tf.Tensor2D; // [B, H]
  return { alpha, context };
}

/** Keys W_k h_j for every source position, computed once per sentence: [B, S, A]. */
export function additiveKeys(states: tf.Tensor3D, keyKernel: tf.Tensor2D): tf.Tensor3D {
  const [B, S, H] = states.shape;
  return tf.reshape(tf.matMul(tf.reshape(states, [B * S, H]), keyKernel), [B, S, keyKernel.shape[1]]) as tf.Tensor3D;
}

export function additiveAttention(query: tf.Tensor2D, states: tf.Tensor3D, keys: tf.Tensor3D, queryKernel: tf.Tensor2D, v: tf.Tensor1D, bias: tf.Tensor2D): AttentionOutput {
  const [B, S, A] = keys.shape;
  const q = tf.reshape(tf.matMul(query, queryKernel), [B, 1, A]); // [B, 1, A]
  const e = tf.tanh(tf.add(keys, q)); // [B, S, A]
  const scores = tf.reshape(tf.matMul(tf.reshape(e, [B * S, A]), tf.reshape(v, [A, 1])), [B, S]) as tf.Tensor2D; // vᵀ e_j
  return weigh(scores, states, bias);
}

export function dotAttention(query: tf.Tensor2D, states: tf.Tensor3D, bias: tf.Tensor2D): AttentionOutput {
  const [B, , H] = states.shape;
  const scores = tf.sum(tf.mul(states, tf.reshape(query, [B, 1, H])), 2) as tf.Tensor2D; // [B, S]: q · h_j
  return weigh(scores, states, bias);
}

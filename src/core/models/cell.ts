/**
 * What every recurrent cell here offers: a training forward pass over a
 * time-major batch, and a probe that returns every per-step quantity a view
 * shows. The three cells (rnn.ts, lstm.ts, gru.ts) each own their weights by
 * name, so checkpoints and probes address them the same way.
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentKind } from '../../protocol/trace';
import { Rng } from '../random';

export interface CellConfig {
  /** Size of each input vector (the embedding size in a language model). */
  inputSize: number;
  /** Number of hidden units. */
  units: number;
}

export interface RecurrentCell {
  readonly kind: RecurrentKind;
  readonly config: CellConfig;
  /** Names of the per-step states `probe` returns, in the order of its columns. */
  readonly stateKeys: readonly string[];
  /** Trainable weights, by the names checkpoints use (`<layer>/kernel`, ...). */
  readonly weights: Record<string, tf.Variable>;
  /**
   * x: [time, batch, inputSize] → hidden states [time, batch, units]. With a
   * mask [time, batch] (1 for a real token, 0 for padding), a padded step keeps
   * the previous state, so the last step holds each sequence's final state.
   * `perturb` (one [batch, units] tensor per step, normally zeros) is added to
   * each step's state before the next step reads it: differentiating with
   * respect to it gives ∂/∂h_t (see gradientNorms). Without `perturb`, the
   * GRU and LSTM run the fused recurrence (models/fusedRecurrence.ts): the same
   * numbers in far fewer kernel calls, with a hand-written backward pass.
   */
  forward(x: tf.Tensor3D, mask?: tf.Tensor2D, perturb?: readonly tf.Tensor2D[]): tf.Tensor3D;
  /** x: [time, 1, inputSize] → [time, stateKeys.length * units], states side by side per step. */
  probe(x: tf.Tensor3D): tf.Tensor2D;
}

/** PyTorch's default init for recurrent layers: U(-1/√units, 1/√units). */
export function uniformValues(rng: Rng, size: number, units: number): Float32Array {
  const k = 1 / Math.sqrt(units);
  return rng.uniformArray(size, -k, k);
}

/**
 * A trainable variable. tfjs names variables globally and refuses a name twice,
 * so variables get tfjs's unique names; the model's own name map (`weights`)
 * carries the names checkpoints use.
 */
export function variable(values: Float32Array, shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
}

export function uniformInit(rng: Rng, shape: number[], units: number): tf.Variable {
  return variable(uniformValues(rng, shape.reduce((a, b) => a * b, 1), units), shape);
}

/** Projects every step's input at once: x [T, B, E] @ W [E, G] + b → [T, B, G]. */
export function projectAll(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor3D {
  const [T, B, E] = x.shape;
  const G = kernel.shape[1];
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [T * B, E]), kernel), bias), [T, B, G]) as tf.Tensor3D;
}

/** projectAll, as per-step [B, G] tensors. */
export function projectInputs(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D[] {
  return tf.unstack(projectAll(x, kernel, bias)) as tf.Tensor2D[]; // T × [B, G]
}

export function assertInput(cell: RecurrentCell, x: tf.Tensor3D): void {
  if (x.rank !== 3 || x.shape[2] !== cell.config.inputSize) {
    throw new Error(`${cell.kind}: expected input [time, batch, ${cell.config.inputSize}], got [${x.shape.join(', ')}]`);
  }
}

/** Per-step [B, 1] masks from a [T, B] mask, or undefined. */
export function stepMasks(mask: tf.Tensor2D | undefined, T: number): tf.Tensor2D[] | undefined {
  if (!mask) return undefined;
  if (mask.shape[0] !== T) throw new Error(`mask has ${mask.shape[0]} steps, input has ${T}`);
  return tf.unstack(tf.expandDims(mask, 2)) as tf.Tensor2D[]; // T × [B, 1]
}

/** m ⊙ next + (1 − m) ⊙ prev: a padded step keeps the previous state. */
export function keepWhereMasked(next: tf.Tensor2D, prev: tf.Tensor2D, m: tf.Tensor2D | undefined): tf.Tensor2D {
  return m ? (tf.add(prev, tf.mul(m, tf.sub(next, prev))) as tf.Tensor2D) : next;
}

/**
 * The vanishing-gradient probe: for each step t, ‖∂(Σ_u h_T,u)/∂h_t‖, how much
 * the last state still depends on the state at step t. x: [time, 1, inputSize].
 * With sigmoid these norms shrink fast going back in time (σ' ≤ 1/4); tanh
 * (tanh' ≤ 1, centred on zero) slower; the LSTM's additive cell carries them furthest.
 */
export async function gradientNorms(cell: RecurrentCell, x: tf.Tensor3D): Promise<Float32Array> {
  const [T, B] = x.shape;
  const H = cell.config.units;
  const norms = tf.tidy(() => {
    const deltas = Array.from({ length: T }, () => tf.zeros([B, H]) as tf.Tensor2D);
    const f = (...ds: tf.Tensor[]) => tf.sum(tf.slice(cell.forward(x, undefined, ds as tf.Tensor2D[]), [T - 1, 0, 0], [1, B, H]));
    const grads = tf.grads(f)(deltas); // T × [B, H]
    return tf.stack(grads.map((g) => tf.norm(g))); // [T]
  });
  try {
    return (await norms.data()) as Float32Array;
  } finally {
    norms.dispose();
  }
}

/**
 * Loads named tensors into a model's named variables (a checkpoint's weights);
 * every variable must be present, with its shape.
 */
export function assignWeights(variables: Record<string, tf.Variable>, named: Record<string, tf.Tensor>): void {
  for (const [name, v] of Object.entries(variables)) {
    const t = named[name];
    if (!t) throw new Error(`checkpoint has no weight "${name}"`);
    if (t.shape.join() !== v.shape.join()) throw new Error(`weight "${name}" has shape [${t.shape}] in the checkpoint, the model expects [${v.shape}]`);
    v.assign(t);
  }
}

/**
 * Sampled softmax for training an output layer over a large target vocabulary
 * (Jean et al. 2015, "On Using Very Large Target Vocabulary for Neural Machine
 * Translation"; Bengio & Senécal 2008 for the importance weights).
 *
 * Each training batch scores only a candidate set C of the vocabulary instead of
 * all V words: every word that is a label somewhere in the batch (T), plus m
 * words drawn uniformly without replacement from the R = V − |T| others (S).
 * The softmax's normaliser Z = Σ_v exp(l_v) is estimated by
 *
 *     Ẑ = Σ_{t ∈ T} exp(l_t) + (R / m) Σ_{s ∈ S} exp(l_s),
 *
 * an unbiased estimate of Z for any logits (each of the R others is drawn with
 * probability m / R). Adding log(R / m) to the sampled words' logits makes the
 * ordinary softmax cross-entropy over C compute −l_y + log Ẑ, so the same loss
 * kernel serves both; when m = R (C is the whole vocabulary) the correction is
 * 0 and the loss is exactly the full softmax's.
 *
 * The output layer's cost in training (its product and the two of its
 * gradient) falls from V to |C| columns; validation and decoding use the full
 * softmax.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

export interface Candidates {
  /** Vocabulary ids scored this batch: the labels' words first, then the sampled ones. */
  ids: Int32Array;
  /** Added to each candidate's logit: 0 for a label's word, log(R / m) for a sampled one. */
  correction: Float32Array;
  /** The labels, as indices into `ids`. */
  labels: Int32Array;
  /** How many candidates are labels' words (|T|). */
  labelWords: number;
}

/**
 * Candidates for the labels of one batch: at least every label's word, and up to `size`
 * candidates in all (more when the batch has more distinct labels than `size`).
 */
export function sampleCandidates(labels: ArrayLike<number>, vocabSize: number, size: number, rng: Rng): Candidates {
  if (!(Number.isInteger(vocabSize) && vocabSize > 0)) throw new Error(`sampled softmax: bad vocabulary size ${vocabSize}`);
  const index = new Int32Array(vocabSize).fill(-1);
  const ids: number[] = [];
  const mapped = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < vocabSize)) throw new Error(`sampled softmax: label ${y} is outside the vocabulary of ${vocabSize}`);
    if (index[y] < 0) {
      index[y] = ids.length;
      ids.push(y);
    }
    mapped[i] = index[y];
  }
  const labelWords = ids.length;
  const rest = vocabSize - labelWords;
  const m = Math.max(0, Math.min(rest, size - labelWords));
  const correction = new Float32Array(labelWords + m);
  if (m > 0) {
    // A partial Fisher–Yates shuffle of the others: m distinct words, each with probability m / rest.
    const others = new Int32Array(rest);
    for (let v = 0, k = 0; v < vocabSize; v++) if (index[v] < 0) others[k++] = v;
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(rest - i);
      const t = others[i];
      others[i] = others[j];
      others[j] = t;
      ids.push(others[i]);
    }
    correction.fill(Math.log(rest / m), labelWords);
  }
  return { ids: Int32Array.from(ids), correction, labels: mapped, labelWords };
}

/**
 * The output layer over the candidates only: features [N, E] against the candidates' rows of
 * `weights` ([V, E], a tied embedding) or, with `columns`, their columns ([E, V], a kernel), plus
 * their bias and importance correction: logits [N, |C|].
 */
export function candidateLogits(features: tf.Tensor2D, weights: tf.Tensor2D, bias: tf.Tensor1D, c: Candidates, layout: 'rows' | 'columns' = 'rows'): tf.Tensor2D {
  const ids = tf.tensor1d(c.ids, 'int32');
  const scores = layout === 'rows' ? tf.matMul(features, tf.gather(weights, ids), false, true) : tf.matMul(features, tf.gather(weights, ids, 1));
  return tf.add(tf.add(scores, tf.gather(bias, ids)), tf.tensor1d(c.correction)) as tf.Tensor2D;
}

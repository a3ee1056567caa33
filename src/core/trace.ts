/**
 * Traces a recurrent language model over a text: tokenises it, reads it step
 * by step, and returns every per-step state the timestep view and
 * `seqlens trace` show.
 */
import type { Matrix } from '../protocol/matrix';
import { LayerTrace, STATE_NAMES, TraceResult } from '../protocol/trace';
import * as tf from '@tensorflow/tfjs';
import { gradientNorms } from './models/cell';
import type { LanguageModel } from './models/languageModel';
import type { TaggerClassifier } from './models/taggerClassifier';
import { tokenize, type Token } from './tokenizer';
import { UNK_ID, Vocab } from './vocab';
import { CONTINUATION } from './subword';

export class BadInputError extends Error {
  override readonly name = 'BadInputError';
}

export interface TraceOptions {
  modelId: string;
  modelLabel: string;
  maxTokens: number;
  /** Next-word predictions kept per step. */
  topK?: number;
  /** Compute the vanishing-gradient probe too (default true). */
  gradients?: boolean;
}

/**
 * A subword vocabulary reads each word as its byte-pair pieces: the tokens become pieces, each with
 * its own part of the word's offsets ("believ@@" over "believ"), so the panel and the editor still
 * light exactly what was read. A word vocabulary's tokens are returned as they are.
 */
export function pieceTokens(tokens: readonly Token[], vocab: Vocab): Token[] {
  if (!vocab.subword) return [...tokens];
  return tokens.flatMap((t) => {
    let at = t.start;
    return vocab.subword!.word(t.text).map((p) => {
      const len = p.endsWith(CONTINUATION) ? p.length - CONTINUATION.length : p.length;
      const piece = { text: p, start: at, end: Math.min(t.end, at + len) };
      at += len;
      return piece;
    });
  });
}

export async function traceLanguageModel(model: LanguageModel, vocab: Vocab, text: string, options: TraceOptions): Promise<TraceResult> {
  if (!(options.maxTokens >= 1)) throw new BadInputError(`maxTokens must be at least 1 (got ${options.maxTokens})`);
  const words = tokenize(text, { maxTokens: options.maxTokens });
  const pieces = pieceTokens(words.tokens, vocab);
  const tokens = pieces.slice(0, options.maxTokens);
  const truncated = words.truncated + pieces.length - tokens.length;
  if (tokens.length === 0) throw new BadInputError('The text has no words to read (only spaces or control characters).');
  const ids = tokens.map((t) => vocab.id(t.text));
  const t0 = performance.now();
  const probe = await model.probe(ids, options.topK ?? 5);
  const probeMs = performance.now() - t0;

  const T = tokens.length;
  const H = probe.units;
  const width = probe.stateKeys.length * H;
  const states: Record<string, Matrix> = {};
  probe.stateKeys.forEach((key, k) => {
    // Column block k of the [T, keys*H] probe output → its own [T, H] matrix.
    const data = new Float32Array(T * H);
    for (let t = 0; t < T; t++) data.set(probe.states.subarray(t * width + k * H, t * width + (k + 1) * H), t * H);
    states[key] = { data, shape: [T, H] };
  });
  const cell = model.cell;
  const layer: LayerTrace = {
    name: cell.kind,
    kind: cell.kind,
    activation: cell.kind === 'rnn' ? (model.config.activation ?? 'tanh') : undefined,
    units: H,
    states,
    gradientNorms: options.gradients === false ? undefined : await model.gradientNorms(ids),
  };
  // Keep only what the protocol promises for this kind.
  for (const key of Object.keys(states)) {
    if (!STATE_NAMES[cell.kind].some((s) => s.key === key)) delete states[key];
  }
  const predictions = [];
  for (let t = 0; t < T; t++) {
    const row = [];
    for (let j = 0; j < probe.k; j++) row.push({ word: vocab.word(probe.topIds[t * probe.k + j]), p: probe.topProbs[t * probe.k + j] });
    predictions.push(row);
  }
  return {
    modelId: options.modelId,
    modelLabel: options.modelLabel,
    tokens: tokens.map((t, i) => ({ text: t.text, start: t.start, end: t.end, id: ids[i], unknown: ids[i] === UNK_ID })),
    layers: [layer],
    predictions,
    truncatedTokens: truncated,
    probeMs,
  };
}

/**
 * A tagger's or classifier's encoder step by step, as the timestep panel shows a language
 * model: its states and gates at each token, and what its head reads there. A tagger reads
 * every step's output (the tag of each word); a classifier reads only the last state, so each
 * step shows the class it would give if the sentence ended there.
 */
export async function traceTaggerClassifier(
  model: TaggerClassifier,
  vocab: Vocab,
  names: { tags: readonly string[]; classes: readonly string[] },
  text: string,
  options: TraceOptions,
): Promise<TraceResult> {
  if (!(options.maxTokens >= 1)) throw new BadInputError(`maxTokens must be at least 1 (got ${options.maxTokens})`);
  const { tokens, truncated } = tokenize(text, { maxTokens: options.maxTokens });
  if (tokens.length === 0) throw new BadInputError('The text has no words to read (only spaces or control characters).');
  const ids = tokens.map((t) => vocab.id(t.text));
  const t0 = performance.now();
  const [flat, heads] = await Promise.all([model.probeStates(ids), model.read(ids)]);
  const probeMs = performance.now() - t0;
  const T = tokens.length;
  const cell = model.cell;
  const H = model.config.units;
  const width = cell.stateKeys.length * H;
  const states: Record<string, Matrix> = {};
  cell.stateKeys.forEach((key, k) => {
    const data = new Float32Array(T * H);
    for (let t = 0; t < T; t++) data.set(flat.subarray(t * width + k * H, t * width + (k + 1) * H), t * H);
    if (STATE_NAMES[cell.kind].some((s) => s.key === key)) states[key] = { data, shape: [T, H] };
  });
  let norms: Float32Array | undefined;
  if (options.gradients !== false) {
    const x = tf.tidy(() => tf.reshape(tf.gather(model.weights['embedding/embeddings'], tf.tensor1d(ids, 'int32')), [T, 1, model.config.embeddingSize]) as tf.Tensor3D);
    try {
      norms = await gradientNorms(cell, x);
    } finally {
      x.dispose();
    }
  }
  const tagger = names.tags.length > 0;
  const labels = tagger ? names.tags : names.classes;
  const probs = tagger ? heads.tagProbs : heads.classProbsPerStep;
  const k = Math.min(options.topK ?? 3, labels.length);
  const predictions = Array.from({ length: T }, (_, t) => {
    const row = Array.from(probs.subarray(t * labels.length, (t + 1) * labels.length));
    return row
      .map((p, j) => ({ word: labels[j], p }))
      .sort((a, b) => b.p - a.p)
      .slice(0, k);
  });
  return {
    modelId: options.modelId,
    modelLabel: options.modelLabel,
    tokens: tokens.map((t, i) => ({ text: t.text, start: t.start, end: t.end, id: ids[i], unknown: ids[i] === UNK_ID })),
    layers: [{ name: cell.kind, kind: cell.kind, activation: cell.kind === 'rnn' ? (model.config.activation ?? 'tanh') : undefined, units: H, states, gradientNorms: norms }],
    predictions,
    predictionLabel: tagger ? 'tag' : 'class if it ended here',
    readouts: readoutsOf(heads, names, T),
    truncatedTokens: truncated,
    probeMs,
  };
}

/** Both heads' readings, argmax per step: the tags, and the class at every prefix. */
function readoutsOf(heads: { tagProbs: Float32Array; classProbsPerStep: Float32Array }, names: { tags: readonly string[]; classes: readonly string[] }, T: number): TraceResult['readouts'] {
  const best = (probs: Float32Array, labels: readonly string[], t: number) => {
    const row = probs.subarray(t * labels.length, (t + 1) * labels.length);
    let k = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[k]) k = j;
    return { label: labels[k], p: row[k] };
  };
  const out: NonNullable<TraceResult['readouts']> = {};
  if (names.tags.length) out.tags = Array.from({ length: T }, (_, t) => best(heads.tagProbs, names.tags, t).label);
  if (names.classes.length) out.classByStep = Array.from({ length: T }, (_, t) => best(heads.classProbsPerStep, names.classes, t));
  return out;
}

/**
 * The Transformer lens's engine work: opens a Transformer (the embedded English → Korean one or a
 * checkpoint), translates a text greedily, and runs the forward pass again over the source and its
 * translation with every attention sub-layer's numbers kept (Transformer.fullProbe), in the shape
 * the panel and `seqlens attention` use. `seqlens pe` is the encoding the model adds.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint } from './checkpoint';
import { TRANSFORMER_MODEL_DIR, TRANSFORMER_MODEL_ID } from './defaultIds';
import { positionalEncoding, Transformer, TransformerConfig } from './models/transformer';
import { tokenize } from './tokenizer';
import { pieceTokens } from './trace';
import { Vocab, UNK_ID, BOS, vocabFromMeta } from './vocab';
import { matrix } from '../protocol/matrix';
import type { AttentionKindName, AttentionSublayer, TransformerView } from '../protocol/transformer';
import type { TraceToken } from '../protocol/trace';

export { MAX_LENS_TOKENS } from '../protocol/transformer';
import { MAX_LENS_TOKENS } from '../protocol/transformer';

export class LensError extends Error {
  override readonly name = 'LensError';
}

export interface LoadedTransformer {
  id: string;
  label: string;
  model: Transformer;
  sourceVocab: Vocab;
  targetVocab: Vocab;
  /** The longest training source sentence, when the checkpoint records it. */
  trainedLength?: number;
  /** Weights by name (W_o etc. for the drill-down), as Float32Arrays. */
  outputWeights: Map<string, { kernel: Float32Array; bias: Float32Array }>;
}

/** The folder of a Transformer spec: the embedded model's id, or a checkpoint folder / its model.json. */
export function transformerDir(spec: string, modelsDir: string): string {
  if (spec === TRANSFORMER_MODEL_ID && !fs.existsSync(spec)) return path.join(modelsDir, TRANSFORMER_MODEL_DIR);
  return spec.endsWith('.json') ? path.dirname(spec) : spec;
}

export function loadTransformer(spec: string, modelsDir: string): LoadedTransformer {
  const dir = transformerDir(spec, modelsDir);
  if (!fs.existsSync(dir)) throw new LensError(`${spec}: no such checkpoint folder (the embedded Transformer is "${TRANSFORMER_MODEL_ID}")`);
  const { meta, weights } = loadCheckpoint<TransformerConfig>(dir);
  try {
    if (meta.kind !== 'transformer') {
      throw new LensError(`${dir}: a "${meta.kind}" checkpoint has no self-attention to show; the Transformer lens opens Transformer checkpoints (train one with Train Model… → translate → Transformer)`);
    }
    const model = new Transformer(meta.config);
    model.setWeights(weights);
    const outputWeights = new Map<string, { kernel: Float32Array; bias: Float32Array }>();
    for (const { name } of model.sublayerNames()) {
      outputWeights.set(name, { kernel: Float32Array.from(weights[`${name}/output_kernel`].dataSync()), bias: Float32Array.from(weights[`${name}/output_bias`].dataSync()) });
    }
    const training = meta.training as { longestSource?: number } | undefined;
    return {
      id: spec,
      label: String(meta.label ?? path.basename(dir)),
      model,
      sourceVocab: vocabFromMeta(meta.sourceVocab, meta.sourceSubword),
      targetVocab: vocabFromMeta(meta.targetVocab, meta.targetSubword),
      trainedLength: typeof training?.longestSource === 'number' ? training.longestSource : undefined,
      outputWeights,
    };
  } finally {
    tf.dispose(Object.values(weights));
  }
}

const KIND: Record<'self' | 'causal-self' | 'cross', AttentionKindName> = { self: 'encoder-self', 'causal-self': 'decoder-self', cross: 'cross' };

/** A word's id: as written, else lowercased (the grammar is lowercase; a sentence starts with a capital). */
function idOf(vocab: Vocab, word: string): number {
  if (vocab.has(word)) return vocab.id(word);
  const lower = word.toLowerCase();
  return vocab.has(lower) ? vocab.id(lower) : UNK_ID;
}

export interface AttentionOptions {
  maxTokens?: number;
  /** The translation to read instead of the model's own (teacher-forced), as words. */
  target?: string[];
}

/** Translates `text` and returns every attention sub-layer of the forward pass over it and its translation. */
export async function attentionView(m: LoadedTransformer, text: string, options: AttentionOptions = {}): Promise<TransformerView> {
  const limit = Math.min(options.maxTokens ?? MAX_LENS_TOKENS, MAX_LENS_TOKENS);
  const words = tokenize(text, { lowercase: false, maxTokens: limit });
  // A subword model reads pieces, each with its part of its word's offsets.
  const pieces = pieceTokens(words.tokens, m.sourceVocab);
  const tokens = pieces.slice(0, limit);
  const truncated = words.truncated + pieces.length - tokens.length;
  if (tokens.length === 0) throw new LensError('The text has no words to read (only spaces or control characters).');
  const source: TraceToken[] = tokens.map((t) => {
    const id = idOf(m.sourceVocab, t.text);
    return { text: t.text, start: t.start, end: t.end, id, unknown: id === UNK_ID };
  });
  const ids = source.map((t) => t.id);
  const t0 = performance.now();
  let outIds: number[];
  if (options.target) outIds = options.target.map((w) => idOf(m.targetVocab, w));
  else outIds = (await m.model.decode(ids)).ids;
  const t1 = performance.now();
  const probes = await m.model.fullProbe(ids, outIds);
  const t2 = performance.now();
  const { dModel: d, heads } = m.model.config;
  const dk = d / heads;
  const sublayers: AttentionSublayer[] = probes.map((p) => {
    const w = m.outputWeights.get(p.name)!;
    return {
      layer: p.layer,
      kind: KIND[p.kind],
      name: p.name,
      heads: p.heads,
      queries: p.queries,
      keys: p.keys,
      weights: matrix(p.weights, [p.heads, p.queries, p.keys]),
      scores: matrix(p.scores, [p.heads, p.queries, p.keys]),
      mask: matrix(p.mask, [p.queries, p.keys]),
      q: matrix(p.q, [p.heads, p.queries, dk]),
      k: matrix(p.k, [p.heads, p.keys, dk]),
      v: matrix(p.v, [p.heads, p.keys, dk]),
      headOutputs: matrix(p.headOutputs, [p.heads, p.queries, dk]),
      outputKernel: matrix(w.kernel, [d, d]),
      outputBias: matrix(w.bias, [d]),
      output: matrix(p.output, [p.queries, d]),
    };
  });
  const output = outIds.map((i) => m.targetVocab.word(i));
  return {
    modelId: m.id,
    modelLabel: m.label,
    source,
    output,
    decoderInput: [BOS, ...output],
    sublayers,
    dModel: d,
    heads,
    encoderLayers: m.model.config.encoderLayers,
    decoderLayers: m.model.config.decoderLayers,
    trainedLength: m.trainedLength,
    truncatedTokens: truncated,
    positionalEncoding: matrix(positionalEncoding(source.length, d), [source.length, d]),
    decodeMs: t1 - t0,
    forwardMs: t2 - t1,
  };
}

/** `seqlens attention --json`: rows of softmax weights over keys, per query, per head, per sub-layer. */
export function attentionJson(v: TransformerView) {
  return {
    source: v.source.map((t) => t.text),
    output: v.output,
    decoderInput: v.decoderInput,
    unknown: v.source.flatMap((t, i) => (t.unknown ? [i] : [])),
    ...(v.truncatedTokens ? { truncatedTokens: v.truncatedTokens } : {}),
    layers: v.sublayers.map((s) => ({
      layer: s.layer,
      kind: s.kind,
      heads: Array.from({ length: s.heads }, (_, h) => Array.from({ length: s.queries }, (_, i) => Array.from(s.weights.data.subarray((h * s.queries + i) * s.keys, (h * s.queries + i + 1) * s.keys)))),
    })),
  };
}

/** `seqlens pe --json`: the positional encoding [length][dim], exactly what the model adds. */
export function peJson(length: number, dim: number) {
  const pe = positionalEncoding(length, dim);
  return { pe: Array.from({ length }, (_, i) => Array.from(pe.subarray(i * dim, (i + 1) * dim))) };
}

/**
 * Traces an imported tfjs LayersModel over a text, in the shape the timestep
 * view and `seqlens trace` use for SeqLens's own models: every recurrent layer
 * (both directions of a Bidirectional) with its states and gates per token;
 * next-word predictions when the model ends in a per-step softmax over its
 * vocabulary (a language model); otherwise the model's output vector.
 */
import type { Matrix } from '../../protocol/matrix';
import { LayerTrace, RecurrentKind, TraceResult } from '../../protocol/trace';
import { tokenize } from '../tokenizer';
import { BadInputError, TraceOptions } from '../trace';
import { ImportedModel, RecurrentCellType, runImported } from './layersModel';

const KIND: Record<RecurrentCellType, RecurrentKind> = { SimpleRNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };

export function wordIds(model: ImportedModel): Map<string, number> {
  const m = new Map<string, number>();
  model.vocab.forEach((w, i) => {
    if (!m.has(w)) m.set(w, i);
  });
  return m;
}

export function traceImported(model: ImportedModel, text: string, options: TraceOptions): TraceResult {
  if (!(options.maxTokens >= 1)) throw new BadInputError(`maxTokens must be at least 1 (got ${options.maxTokens})`);
  const lookup = wordIds(model);
  const cased = tokenize(text, { maxTokens: options.maxTokens, lowercase: false });
  if (cased.tokens.length === 0) throw new BadInputError('The text has no words to read (only spaces or control characters).');
  const ids = cased.tokens.map((t) => lookup.get(t.text) ?? lookup.get(t.text.toLowerCase()) ?? model.unkId);
  const t0 = performance.now();
  const run = runImported(model, ids);
  const probeMs = performance.now() - t0;
  const T = ids.length;
  const layers: LayerTrace[] = run.recurrent.map(({ layer, states }) => {
    const H = layer.units;
    const out: Record<string, Matrix> = {};
    for (const [key, rows] of Object.entries(states)) {
      const data = new Float32Array(T * H);
      rows.forEach((row, t) => data.set(row, t * H));
      out[key] = { data, shape: [T, H] };
    }
    return { name: layer.name, kind: KIND[layer.cell], activation: layer.cell === 'SimpleRNN' ? layer.activation : undefined, units: H, states: out };
  });
  const last = run.output;
  // A language model: a per-step softmax over the vocabulary (linear outputs are logits, not probabilities).
  const head = [...model.layers].reverse().find((l) => l.type !== 'passthrough');
  const isLm = run.outputPerStep && last.length === T && last[0]?.length === model.vocab.length && head?.type === 'dense' && head.activation === 'softmax';
  const k = options.topK ?? 5;
  const predictions = Array.from({ length: T }, (_, t) => {
    if (!isLm) return [];
    const row = last[t];
    const order = [...row.keys()].sort((a, b) => row[b] - row[a]).slice(0, k);
    return order.map((i) => ({ word: model.vocab[i], p: row[i] }));
  });
  return {
    modelId: options.modelId,
    modelLabel: options.modelLabel,
    tokens: cased.tokens.map((t, i) => ({ text: t.text, start: t.start, end: t.end, id: ids[i], unknown: ids[i] === model.unkId && model.vocab[model.unkId] !== t.text && model.vocab[model.unkId] !== t.text.toLowerCase() })),
    layers,
    predictions,
    output: isLm ? undefined : Array.from(last[last.length - 1] ?? []),
    truncatedTokens: cased.truncated,
    probeMs,
  };
}

import type { Matrix } from './matrix';

/** Recurrent model families the timestep view can step through. */
export type RecurrentKind = 'rnn' | 'lstm' | 'gru';

/** The shipped default models, by id. */
export const DEFAULT_MODEL_IDS = ['lstm', 'gru', 'rnn-tanh', 'rnn-sigmoid'] as const;
export type DefaultModelId = (typeof DEFAULT_MODEL_IDS)[number];

export const MODEL_LABELS: Record<DefaultModelId, string> = {
  lstm: 'LSTM',
  gru: 'GRU',
  'rnn-tanh': 'RNN (tanh)',
  'rnn-sigmoid': 'RNN (sigmoid)',
};

/** A token of the traced text, with its offsets into that text (UTF-16 code units). */
export interface TraceToken {
  text: string;
  start: number;
  end: number;
  id: number;
  /** True when the word is not in the model's vocabulary and was read as `<unk>`. */
  unknown: boolean;
}

/**
 * Every per-step quantity of one recurrent layer, each a [time, units] matrix.
 * LSTM: h, c, and gates i, f, g (candidate), o. GRU: h and gates z, r, n (candidate). RNN: h.
 */
export interface LayerTrace {
  name: string;
  kind: RecurrentKind;
  /** The RNN's activation (tanh, sigmoid, or an imported model's own, e.g. relu). */
  activation?: string;
  units: number;
  states: Record<string, Matrix>;
  /**
   * The vanishing-gradient probe: for each step t, ‖∂(Σ h_T)/∂h_t‖, how strongly the
   * last state still depends on step t (length = steps).
   */
  gradientNorms?: Float32Array;
}

export interface TraceResult {
  modelId: string;
  modelLabel: string;
  tokens: TraceToken[];
  layers: LayerTrace[];
  /** Next-word prediction after each step (language-model head): top words with probabilities. */
  predictions: Array<Array<{ word: string; p: number }>>;
  /** What `predictions` are (default "next word"): "tag" for a tagger, "class if it ended here" for a classifier. */
  predictionLabel?: string;
  /**
   * A tagger + classifier (one encoder, two heads): the tag of every step, and the class the text
   * would get if it ended at each step (the last one is what a classifier reads: the last state).
   */
  readouts?: { tags?: string[]; classByStep?: Array<{ label: string; p: number }> };
  /** An imported model that is not a language model: its output after the last token (e.g. class probabilities). */
  output?: number[];
  /** Tokens that were dropped because the text was longer than maxTokens (0 when none). */
  truncatedTokens: number;
  /** Milliseconds spent in the model's probe (forward pass and one read-back). */
  probeMs: number;
}

/** Order in which a kind's states are shown, and what each is called. */
export const STATE_NAMES: Record<RecurrentKind, Array<{ key: string; label: string; range: 'signed' | 'unit' }>> = {
  rnn: [{ key: 'h', label: 'hidden state h', range: 'signed' }],
  lstm: [
    { key: 'h', label: 'hidden state h', range: 'signed' },
    { key: 'c', label: 'cell state c', range: 'signed' },
    { key: 'i', label: 'input gate i', range: 'unit' },
    { key: 'f', label: 'forget gate f', range: 'unit' },
    { key: 'g', label: 'candidate g', range: 'signed' },
    { key: 'o', label: 'output gate o', range: 'unit' },
  ],
  gru: [
    { key: 'h', label: 'hidden state h', range: 'signed' },
    { key: 'z', label: 'update gate z', range: 'unit' },
    { key: 'r', label: 'reset gate r', range: 'unit' },
    { key: 'n', label: 'candidate n', range: 'signed' },
  ],
};

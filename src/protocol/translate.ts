/** Messages between the translation panel and its owner in the extension host. */

export interface TranslationShown {
  source: string[];
  output: string[];
  /** [output step][source position]; empty rows for a model without attention. */
  attention: number[][];
  modelLabel: string;
  /** The model's id (the chooser's value). */
  modelId: string;
  /** The translation models the chooser offers. */
  models: Array<{ id: string; label: string }>;
  /** A Transformer's cross-attention per layer and head: [layer].heads[head][output step][source position]. */
  crossAttention?: Array<{ layer: number; heads: number[][][] }>;
  /** Beam width (1 = greedy). */
  beam: number;
  /** Where the text came from, e.g. "agreement.txt, line 3". */
  sourceLabel: string;
  ms: number;
}

export type TranslateToWebview =
  | { type: 'translation/show'; id: number; result: TranslationShown }
  | { type: 'translation/loading'; message: string }
  | { type: 'translation/error'; message: string };

export type TranslateFromWebview = { type: 'ready' } | { type: 'model/select'; modelId: string } | { type: 'cell/hover'; id: number; target: number | null; source: number | null };

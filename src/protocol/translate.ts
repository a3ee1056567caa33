/** Messages between the translation panel and its owner in the extension host. */

export interface TranslationShown {
  source: string[];
  output: string[];
  /** [output step][source position]; empty rows for a model without attention. */
  attention: number[][];
  modelLabel: string;
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

export type TranslateFromWebview = { type: 'ready' } | { type: 'cell/hover'; id: number; target: number | null; source: number | null };

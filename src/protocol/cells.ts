/**
 * Compare Cells: the four embedded recurrent language models (RNN-sigmoid, RNN-tanh, LSTM, GRU) on
 * one selection (`seqlens gradients --json`), and the messages between their panel and the host.
 */

export interface CellsModel {
  /** The model's id: rnn-sigmoid, rnn-tanh, lstm, gru. */
  model: string;
  label: string;
  /** ‖∂(Σ h_T)/∂h_t‖ at every step t. */
  norms: number[];
  /** The derivative factor the gradient meets at each step (mean over units), and what it is. */
  factors: number[];
  factorLabel: string;
  /** The next-word prediction after each step: the 3 likeliest words. */
  top: Array<Array<{ word: string; p: number }>>;
  /** The probability of the word that comes next in the text (null after the last). */
  nextP: Array<number | null>;
}

export interface CellsView {
  tokens: string[];
  models: CellsModel[];
  truncatedTokens?: number;
}

export type CellsToWebview =
  | { type: 'cells/show'; id: number; view: CellsView; sourceLabel: string; step: number }
  | { type: 'cells/loading'; message: string }
  | { type: 'cells/error'; message: string }
  /** The caret moved onto another word of the text. */
  | { type: 'step/show'; id: number; step: number };

export type CellsFromWebview =
  | { type: 'ready' }
  | { type: 'step/select'; id: number; step: number }
  | { type: 'token/hover'; id: number; index: number | null }
  | { type: 'export'; format: 'png' | 'json'; name: string; dataUrl?: string };

/** The embedding projector: the map of the vectors in use, and the messages between its panel and the host. */

export type ProjectionMethod = 'pca' | 'umap' | 'tsne';

/** UMAP and t-SNE map at most this many vectors (the first: word2vec files list the most frequent first); PCA maps them all. */
export const MAX_NONLINEAR = 50_000;

/** What the user chose before a projection runs (the panel's controls, or the command's argument). */
export interface ProjectRequest {
  method: ProjectionMethod;
  dims: 2 | 3;
  /** Points mapped (the first N: word2vec files list the most frequent first). */
  limit?: number;
  neighbors?: number;
  minDist?: number;
  perplexity?: number;
  iterations?: number;
}

export interface ProjectionShown {
  /** Which vectors ("the embedded WordNet vectors", a file name). */
  vectorsLabel: string;
  method: ProjectionMethod;
  dims: 2 | 3;
  words: string[];
  /** The coordinates of each word, interleaved by `dims` (the panel holds coordinates, never the vectors). */
  coords: number[];
  /** PCA's share of the variance per axis (for UMAP and t-SNE: that of their PCA start). */
  explained: number[];
  /** Vectors left out by the limit (the first `words.length` are shown). */
  leftOut: number;
  ms: number;
  /** UMAP / t-SNE: trustworthiness at k = 10, beside PCA's. */
  trustworthiness?: { k: number; map: number; pca: number };
  parameters?: Record<string, number | string>;
  /** Set when Stop kept a layout still forming. */
  stoppedAt?: { done: number; total: number };
}

export interface NeighboursShown {
  word: string;
  neighbours: Array<{ word: string; similarity: number }>;
}

export interface AnalogyShown {
  a: string;
  b: string;
  c: string;
  answers: Array<{ word: string; similarity: number }>;
}

export type ProjectorToWebview =
  | { type: 'projection/show'; projection: ProjectionShown }
  /** A layout still forming (UMAP epochs, t-SNE iterations); the words come with the first. */
  | { type: 'projection/layout'; method: ProjectionMethod; dims: 2 | 3; coords: number[]; done: number; total: number; words?: string[] }
  | { type: 'projection/running'; request: ProjectRequest; running: boolean; vectorsLabel: string; total: number }
  | { type: 'projection/progress'; message: string; fraction?: number }
  | { type: 'projection/error'; message: string }
  | { type: 'neighbours/show'; result: NeighboursShown }
  /** The selected word and its nearest words: their one-hot cosines (the identity) beside their embeddings'. */
  | { type: 'similarity/show'; words: string[]; embedding: number[][]; oneHot: number[][] }
  | { type: 'analogy/show'; result: AnalogyShown }
  | { type: 'analogy/error'; message: string }
  /** Words selected in the editor, in their order: highlighted on the map, and a sentence drawn as a path. */
  | { type: 'highlight'; words: string[] }
  /** Select this word on the map (the hover's "Show in projector"). */
  | { type: 'select'; word: string }
  | { type: 'exported'; file: string };

export type ProjectorFromWebview =
  | { type: 'ready' }
  | { type: 'project'; request: ProjectRequest }
  | { type: 'cancel' }
  | { type: 'word/select'; word: string }
  | { type: 'word/occurrences'; word: string }
  | { type: 'analogy'; a: string; b: string; c: string }
  | { type: 'export'; format: 'tsv' | 'json' | 'png'; dataUrl?: string; selected: string[] }
  | { type: 'perf/paint'; what: string; ms: number };

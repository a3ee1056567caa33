/** The embedding projector: the map of the vectors in use, and the messages between its panel and the host. */

export interface ProjectionShown {
  /** Which vectors ("the embedded WordNet vectors", a file name). */
  vectorsLabel: string;
  method: 'pca';
  words: string[];
  /** x, y for each word, interleaved (the panel holds coordinates, never the vectors). */
  coords: number[];
  explained: number[];
  /** Vectors left out by the limit (the first `words.length` are shown). */
  leftOut: number;
  ms: number;
}

export interface NeighboursShown {
  word: string;
  neighbours: Array<{ word: string; similarity: number }>;
}

export type ProjectorToWebview =
  | { type: 'projection/show'; projection: ProjectionShown }
  | { type: 'projection/progress'; message: string }
  | { type: 'projection/error'; message: string }
  | { type: 'neighbours/show'; result: NeighboursShown }
  /** The selected word and its nearest words: their one-hot cosines (the identity) beside their embeddings'. */
  | { type: 'similarity/show'; words: string[]; embedding: number[][]; oneHot: number[][] }
  /** Words selected in the editor: highlighted on the map. */
  | { type: 'highlight'; words: string[] };

export type ProjectorFromWebview =
  | { type: 'ready' }
  | { type: 'word/select'; word: string }
  | { type: 'perf/paint'; what: string; ms: number };

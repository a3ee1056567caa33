/**
 * The Transformer lens: what the engine computes for a selection (every attention sub-layer with
 * the numbers its forward pass used), and the messages between its panel and the extension host.
 */
import type { Matrix } from './matrix';
import type { TraceToken } from './trace';

/**
 * The lens reads at most this many source tokens (documented in the README): attention has a row
 * and a column per token, so 128 tokens are already 16,384 weights per head.
 */
export const MAX_LENS_TOKENS = 128;

export type AttentionKindName = 'encoder-self' | 'decoder-self' | 'cross';

export const ATTENTION_KINDS: readonly AttentionKindName[] = ['encoder-self', 'decoder-self', 'cross'];

export const ATTENTION_KIND_LABELS: Record<AttentionKindName, string> = {
  'encoder-self': 'Encoder self-attention',
  'decoder-self': 'Decoder causal self-attention',
  cross: 'Cross-attention (decoder → encoder)',
};

/** One attention sub-layer of one layer: every head, and every number its forward pass used. */
export interface AttentionSublayer {
  layer: number;
  kind: AttentionKindName;
  /** The weights' name prefix in the checkpoint, e.g. "decoder/layer1/cross". */
  name: string;
  heads: number;
  queries: number;
  keys: number;
  /** Softmax weights [heads, queries, keys]: each row sums to 1. */
  weights: Matrix;
  /** The scaled dot products q·kⱼ/√d_k before the mask: [heads, queries, keys]. */
  scores: Matrix;
  /** 1 where the mask hides a key from a query (causal: later positions; padding), else 0: [queries, keys]. */
  mask: Matrix;
  /** Queries, keys and values per head: [heads, queries or keys, d_k]. */
  q: Matrix;
  k: Matrix;
  v: Matrix;
  /** Each head's output, the weighted sum of the values: [heads, queries, d_k]. */
  headOutputs: Matrix;
  /** W_o [d, d] and b_o [d]: the concatenated heads times W_o plus b_o is the sub-layer's output. */
  outputKernel: Matrix;
  outputBias: Matrix;
  /** The sub-layer's output [queries, d] (before the residual connection). */
  output: Matrix;
}

export interface TransformerView {
  modelId: string;
  modelLabel: string;
  /** The source tokens, with offsets into the text that was read. */
  source: TraceToken[];
  /** The greedy translation (no <s>, no </s>). */
  output: string[];
  /** The decoder's input positions: <s> then the translation (queries of its self- and cross-attention). */
  decoderInput: string[];
  sublayers: AttentionSublayer[];
  dModel: number;
  heads: number;
  encoderLayers: number;
  decoderLayers: number;
  /** The longest source sentence in the model's training data (undefined if not recorded). */
  trainedLength?: number;
  /** Tokens left out past the lens's limit. */
  truncatedTokens: number;
  /** The positional encoding added to the source embeddings: [source length, d]. */
  positionalEncoding: Matrix;
  /** Milliseconds: greedy decoding, and the probe's forward pass over source and translation. */
  decodeMs: number;
  forwardMs: number;
}

/** A Transformer the lens can open: the embedded one or a checkpoint folder. */
export interface TransformerChoice {
  id: string;
  label: string;
}

/** Which head the panel shows and the editor shades: a sub-layer and a head, or every head averaged (-1). */
export interface HeadChoice {
  kind: AttentionKindName;
  layer: number;
  head: number;
}

export type TransformerToWebview =
  | { type: 'view/show'; id: number; view: TransformerView; sourceLabel: string; models: TransformerChoice[]; head: HeadChoice; notice?: string }
  | { type: 'view/loading'; message: string; models: TransformerChoice[]; modelId: string }
  | { type: 'view/error'; message: string; models: TransformerChoice[]; modelId: string }
  /** The caret moved onto a source token (the panel follows it). */
  | { type: 'token/caret'; index: number }
  | { type: 'view/stale'; message: string }
  | { type: 'tab/show'; tab: 'attention' | 'positions' };

export type TransformerFromWebview =
  | { type: 'ready' }
  /** The pointer (or keyboard focus) is on a token: source or decoder position, or none. */
  | { type: 'token/hover'; id: number; side: 'source' | 'decoder' | null; index: number | null }
  | { type: 'head/select'; id: number; head: HeadChoice }
  | { type: 'model/select'; modelId: string }
  | { type: 'export'; format: 'png' | 'json'; dataUrl?: string; name: string }
  | { type: 'perf/paint'; what: 'grid' | 'head' | 'drill' | 'pe'; ms: number };

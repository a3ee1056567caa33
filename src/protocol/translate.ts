/**
 * The translation panel (Translate Selection and the seq2seq lens): what the engine computes for a
 * sentence, step by step (src/core/translationLens.ts), and the messages between the panel and
 * its owner in the extension host.
 */

/** The words the decoder weighs at a step, likeliest first. */
export interface TopWord {
  word: string;
  p: number;
}

export interface DecoderStep {
  /** The word written at this step (`</s>` at the last). */
  word: string;
  /** Its probability. */
  p: number;
  topk: TopWord[];
  /** The attention over the source (empty without attention). */
  attention: number[];
  /** The context vector the step used (empty for the Transformer, whose context is per head). */
  context: number[];
}

export interface ForcedView {
  /** The reference, tokenised. */
  reference: string[];
  /** Reference positions the model does not know (`<unk>`). */
  referenceUnknown: number[];
  /** log p(reference word t | reference words before t), </s> last: the training loss is minus their mean. */
  referenceLogProb: number[];
  /** What the model would write at each step, fed the reference before it. */
  predicted: string[];
  /** The attention rows when fed the reference. */
  attention: number[][];
  /** p(reference word t | the model's own words before t), while free-running (null past the free output's end). */
  freeReferenceP: Array<number | null>;
  /** The first step where the free output leaves the reference (null: it never does). */
  firstDivergence: number | null;
}

export interface BeamViewNode {
  tokens: string[];
  /** Total log-probability. */
  logProb: number;
  /** What ranks the hypotheses (the log-probability, length-normalised when a penalty is set). */
  score: number;
  /** Index in the previous step's live nodes. */
  parent: number;
  finished: boolean;
}

export type LensAttentionKind = 'none' | 'additive' | 'dot' | 'transformer';

export interface TranslationView {
  kind: 'seq2seq' | 'transformer';
  attentionKind: LensAttentionKind;
  source: string[];
  /** Source positions the model does not know. */
  unknown: number[];
  /** Source positions found only lowercased ("The" read as "the"). */
  caseFolded: number[];
  /** How many words the model's source vocabulary has (special tokens excluded). */
  knownWords: number;
  output: string[];
  /** The output as the target language writes it (detokenized). */
  text: string;
  /** Each output token's [start, end) in `text`: the panel spaces the tokens as the text does. */
  outputOffsets?: Array<[number, number]>;
  /** [output step][source position] (rows empty without attention). */
  attention: number[][];
  steps: DecoderStep[];
  beamWidth: number;
  beam?: BeamViewNode[][];
  forced?: ForcedView;
  /** The what-if applied (0-based): at `step`, all attention on source `position`. */
  forcedAttention?: { step: number; position: number };
  /** The output without the what-if, when one is applied. */
  unforcedOutput?: string[];
}

/** The same sentence through a second model, beside the first (the bottleneck vs attention). */
export interface Comparison {
  modelId: string;
  modelLabel: string;
  attentionKind: LensAttentionKind;
  output: string[];
  /** The output detokenized. */
  text?: string;
  /** The context vector of the no-attention model (the same at every step); empty otherwise. */
  context: number[];
  /** Per output step, the attention row (empty rows without attention). */
  attention: number[][];
  error?: string;
}

export interface TranslationShown extends TranslationView {
  modelLabel: string;
  /** The model's id (the chooser's value). */
  modelId: string;
  /** The translation models the chooser offers. */
  models: Array<{ id: string; label: string }>;
  /** A Transformer's cross-attention per layer and head: [layer].heads[head][output step][source position]. */
  crossAttention?: Array<{ layer: number; heads: number[][][] }>;
  /** Where the text came from, e.g. "agreement.txt, line 3". */
  sourceLabel: string;
  /** The reference in use (teacher forcing), as typed or read after a tab. */
  reference?: string;
  /** The beam width the panel asked for (1: greedy). */
  beamRequested: number;
  compare: boolean;
  comparison?: Comparison;
  /** The step the panel shows (0-based). */
  step: number;
  /** The panel's text is linked to an editor (the editor shades the step's attention). */
  linked: boolean;
  ms: number;
}

export type TranslateToWebview =
  | { type: 'translation/show'; id: number; result: TranslationShown }
  | { type: 'translation/loading'; message: string }
  | { type: 'translation/error'; message: string }
  /** The caret moved onto a source word in the editor: show the step that looked at it most. */
  | { type: 'step/show'; id: number; step: number }
  | { type: 'translation/stale'; message: string };

export type TranslateFromWebview =
  | { type: 'ready' }
  | { type: 'model/select'; modelId: string }
  | { type: 'cell/hover'; id: number; target: number | null; source: number | null }
  | { type: 'step/select'; id: number; step: number }
  /** What-if: at `step`, all attention on source `position` (null: back to the model's own). */
  | { type: 'whatif'; step: number; position: number }
  | { type: 'whatif/reset' }
  | { type: 'reference/set'; text: string }
  | { type: 'beam/set'; width: number }
  | { type: 'compare/set'; on: boolean }
  | { type: 'export'; format: 'png' | 'json'; name: string; dataUrl?: string }
  | { type: 'command'; command: 'train' | 'download' }
  | { type: 'perf/paint'; what: string; ms: number };

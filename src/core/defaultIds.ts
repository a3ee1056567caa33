/** Ids and paths of the embedded defaults, free of tfjs (the extension host uses them too). */
import * as path from 'path';

/** The embedded English → Korean translation model: its id for `seqlens translate --model`, and its folder in media/models. */
export const TRANSLATION_MODEL_ID = 'en-ko';
export const TRANSLATION_MODEL_DIR = 'translate-en-ko';

/** The embedded English → Korean Transformer (the Transformer lens's default). */
export const TRANSFORMER_MODEL_ID = 'en-ko-transformer';
export const TRANSFORMER_MODEL_DIR = 'translate-en-ko-transformer';

/** The embedded word vectors (WordNet glosses, 20,000 words × 64): their id for `--vectors`, and their file. */
export const DEFAULT_VECTORS_ID = 'default';
export function defaultVectorsPath(modelsDir: string): string {
  return path.join(modelsDir, '..', 'vectors', 'wordnet-64d.bin');
}

/** One embedded translation model: its id (`--model`), folder in media/models, and how it is built. */
export interface EmbeddedTranslationModel {
  id: string;
  dir: string;
  architecture: 'rnn' | 'transformer';
  /** The recurrent models: how the decoder reads the encoder (none: the context vector alone). */
  attention?: 'none' | 'additive' | 'dot';
  /** The name the translate panel's chooser shows. */
  label: string;
  /** The label written into the checkpoint (runs tree, panel headers). */
  trainingLabel: string;
}

/**
 * The embedded translation models. The three recurrent ones are one GRU encoder-decoder trained
 * with the same data, seed and settings, once per attention kind, so that choosing between them
 * compares exactly one idea: a fixed context vector, additive (Bahdanau) or dot (Luong) attention.
 */
export const EMBEDDED_TRANSLATION_MODELS: readonly EmbeddedTranslationModel[] = [
  { id: TRANSLATION_MODEL_ID, dir: TRANSLATION_MODEL_DIR, architecture: 'rnn', attention: 'dot', label: 'English → Korean, GRU + dot attention (embedded)', trainingLabel: 'English → Korean (grammar)' },
  { id: 'en-ko-additive', dir: 'translate-en-ko-additive', architecture: 'rnn', attention: 'additive', label: 'English → Korean, GRU + additive attention (embedded)', trainingLabel: 'English → Korean, additive attention (grammar)' },
  { id: 'en-ko-no-attention', dir: 'translate-en-ko-no-attention', architecture: 'rnn', attention: 'none', label: 'English → Korean, GRU, context vector only, no attention (embedded)', trainingLabel: 'English → Korean, no attention (grammar)' },
  { id: TRANSFORMER_MODEL_ID, dir: TRANSFORMER_MODEL_DIR, architecture: 'transformer', label: 'English → Korean Transformer (embedded)', trainingLabel: 'English → Korean Transformer (grammar)' },
];

/** The folder (under media/models) of an embedded translation model's id, if it is one. */
export function embeddedTranslationDir(id: string): string | undefined {
  return EMBEDDED_TRANSLATION_MODELS.find((m) => m.id === id)?.dir;
}

/**
 * The embedded tagger + classifier defaults (one encoder, two heads: a part of speech at every
 * step, a sentiment from the last state), one per cell, trained on the project's sentiment
 * grammar: `seqlens trace --model lstm --heads` reads the lstm one.
 */
export const HEADS_MODEL_DIRS: Readonly<Record<'lstm' | 'gru' | 'rnn-tanh' | 'rnn-sigmoid', string>> = {
  lstm: 'heads-lstm',
  gru: 'heads-gru',
  'rnn-tanh': 'heads-rnn-tanh',
  'rnn-sigmoid': 'heads-rnn-sigmoid',
};

/** The embedded Transformer language model (decoder-only, on the grammar corpus): its id and folder. */
export const TRANSFORMER_LM_ID = 'transformer-lm';

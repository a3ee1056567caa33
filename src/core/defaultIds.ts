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

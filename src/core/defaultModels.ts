/** Loads the shipped default language models (media/models/<id>/, one checkpoint each). */
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { DEFAULT_MODEL_IDS, MODEL_LABELS } from '../protocol/trace';
import { loadCheckpoint } from './checkpoint';
import { LanguageModel, LanguageModelConfig } from './models/languageModel';
import { Vocab, vocabFromMeta } from './vocab';

export interface LoadedLanguageModel {
  id: string;
  label: string;
  model: LanguageModel;
  vocab: Vocab;
}

export function isDefaultModelId(id: string): id is (typeof DEFAULT_MODEL_IDS)[number] {
  return (DEFAULT_MODEL_IDS as readonly string[]).includes(id);
}

export function loadLanguageModel(dir: string, id: string, label: string): LoadedLanguageModel {
  const { meta, weights } = loadCheckpoint<LanguageModelConfig>(dir);
  try {
    if (meta.kind !== 'language-model') throw new Error(`${dir}: checkpoint kind is "${meta.kind}", expected "language-model"`);
    if (!Array.isArray(meta.vocab)) throw new Error(`${path.join(dir, 'seqlens.json')}: no vocabulary`);
    const vocab = vocabFromMeta(meta.vocab, meta.subword);
    if (vocab.size !== meta.config.vocabSize) throw new Error(`${dir}: vocabulary has ${vocab.size} words, config says ${meta.config.vocabSize}`);
    const model = new LanguageModel(meta.config);
    model.setWeights(weights);
    return { id, label, model, vocab };
  } finally {
    tf.dispose(Object.values(weights));
  }
}

export function loadDefaultModel(modelsDir: string, id: string): LoadedLanguageModel {
  if (!isDefaultModelId(id)) throw new Error(`unknown model "${id}"; the defaults are ${DEFAULT_MODEL_IDS.join(', ')}`);
  return loadLanguageModel(path.join(modelsDir, id), id, MODEL_LABELS[id]);
}


export { DEFAULT_VECTORS_ID, defaultVectorsPath, TRANSFORMER_MODEL_DIR, TRANSFORMER_MODEL_ID, TRANSLATION_MODEL_DIR, TRANSLATION_MODEL_ID } from './defaultIds';

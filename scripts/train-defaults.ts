/**
 * Trains the shipped default language models (media/models/<id>/) on text from
 * the project's own grammar (src/core/data/grammar.ts). Deterministic: the
 * corpus, the initial weights and the batch order all come from fixed seeds,
 * and the wasm backend runs single-threaded, so a rerun writes the same files.
 *
 *   npm run train:defaults            all four models
 *   npm run train:defaults -- lstm    just one
 */
import * as path from 'path';
import { DEFAULT_MODEL_IDS, MODEL_LABELS } from '../src/protocol/trace';
import { saveCheckpoint } from '../src/core/checkpoint';
import { generateCorpus } from '../src/core/data/grammar';
import { LanguageModel, LanguageModelConfig, LM_PRESETS } from '../src/core/models/languageModel';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
import { trainLanguageModel } from '../src/core/training/trainLanguageModel';
import { Vocab } from '../src/core/vocab';

const CORPUS_SEED = 2026;
const CORPUS_SENTENCES = 24000;
const INIT_SEED = 7;
const TRAIN = { epochs: 4, batchSize: 64, learningRate: 0.01, clipNorm: 5, seed: 11, maxLength: 32 };

async function main(): Promise<void> {
  const status = await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  console.log(`backend: ${status.backend}${status.simd ? ' (simd)' : ''}`);
  const corpus = generateCorpus(CORPUS_SENTENCES, CORPUS_SEED);
  const vocab = Vocab.build(corpus, { minCount: 1 });
  console.log(`corpus: ${corpus.length} sentences, ${corpus.reduce((n, s) => n + s.length, 0)} tokens, vocabulary ${vocab.size}`);
  const wanted = process.argv.slice(2);
  const ids = wanted.length ? DEFAULT_MODEL_IDS.filter((id) => wanted.includes(id)) : DEFAULT_MODEL_IDS;
  for (const id of ids) {
    const preset = LM_PRESETS[`default-${id}`];
    const config: LanguageModelConfig = { ...preset, vocabSize: vocab.size };
    const model = new LanguageModel(config, INIT_SEED);
    const result = await trainLanguageModel(model, corpus, vocab, {
      ...TRAIN,
      onProgress: (p) => {
        if (p.step % 100 === 0) console.log(`  ${id} epoch ${p.epoch + 1} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s`);
      },
    });
    const out = path.join(__dirname, '..', '..', 'media', 'models', id);
    await saveCheckpoint(
      out,
      {
        kind: 'language-model',
        label: MODEL_LABELS[id],
        config,
        vocab: vocab.toJSON(),
        training: {
          data: `SentenceGrammar (src/core/data/grammar.ts), seed ${CORPUS_SEED}, ${CORPUS_SENTENCES} sentences`,
          epochs: TRAIN.epochs,
          seed: INIT_SEED,
          options: TRAIN,
          metrics: { loss: Number(result.finalLoss.toFixed(4)), perplexity: Number(Math.exp(result.finalLoss).toFixed(3)), steps: result.steps },
        },
      },
      model.weights,
    );
    console.log(`${id}: loss ${result.finalLoss.toFixed(3)} (perplexity ${Math.exp(result.finalLoss).toFixed(2)}) in ${result.seconds.toFixed(1)} s → ${out}`);
    model.dispose();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});

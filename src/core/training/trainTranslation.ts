/**
 * Trains a Seq2Seq model on sentence pairs: its own train / validation / test
 * split, vocabularies with a minimum count, teacher forcing with a ratio that
 * may decay per epoch (scheduled sampling), validation loss and BLEU after each
 * epoch, early stopping that keeps the best weights, and BLEU on the held-out
 * test pairs at the end.
 */
import { detokenizeFor } from '../detokenize';
import { sourceIds } from '../translationLens';
import * as tf from '@tensorflow/tfjs';
import { Pair, EncodedPair, encodePairs, makePairBatch, pairBatches, pairTokens, splitPairs } from '../data/pairs';
import { corpusBleu } from '../metrics/bleu';
import { AttentionKind, Decoded, PairBatch, Seq2Seq, Seq2SeqConfig } from '../models/seq2seq';
import { Transformer, TransformerConfig, TRANSFORMER_PRESETS } from '../models/transformer';
import { Rng } from '../random';
import { Vocab } from '../vocab';
import { maskedSparseCrossEntropy } from './losses';
import { Candidates, sampleCandidates } from './sampledSoftmax';
import { train, TrainerResult, TrainProgress } from './trainer';

/** What training and decoding need of a translation model: the recurrent Seq2Seq or the Transformer. */
export interface TranslationModel {
  readonly weights: Record<string, tf.Variable>;
  readonly config: Seq2SeqConfig | TransformerConfig;
  trainingLogits(batch: PairBatch, teacherForcing: number, rng: Rng, candidates?: Candidates): tf.Tensor2D;
  decode(sourceIds: readonly number[], options?: { maxLength?: number; topK?: number; forced?: readonly number[]; probeIds?: readonly number[] }): Promise<Decoded>;
  setWeights(named: Record<string, tf.Tensor>): void;
  dispose(): void;
}

export type TranslationArchitecture = 'rnn' | 'transformer';

export interface TranslationOptions {
  /** 'rnn': GRU encoder-decoder (attention below); 'transformer': the Transformer (small preset). */
  architecture: TranslationArchitecture;
  attention: AttentionKind;
  /** The Transformer's shape beyond its width (units): heads, feed-forward width, layers (defaults: the small preset, FFN 4d). */
  transformer?: { heads?: number; dFF?: number; layers?: number };
  tieEmbeddings: boolean;
  embeddingSize: number;
  units: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  clipNorm: number;
  seed: number;
  /** Probability of feeding the reference previous word (1 = always). */
  teacherForcing: number;
  /** Multiplied into the ratio after each epoch (1 = constant); the ratio never goes below teacherForcingMin. */
  teacherForcingDecay: number;
  teacherForcingMin: number;
  minCount: number;
  /** Byte-pair merges per side (a subword vocabulary); 0 keeps whole words. */
  subword: number;
  /** Training scores this many candidate target words a batch (sampled softmax); 0, or a vocabulary no larger, scores all. */
  sampledSoftmax: number;
  maxLength: number;
  validationPairs: number;
  testPairs: number;
  /** Sentences decoded for the validation BLEU after each epoch. */
  validationBleuSentences: number;
  patience?: number;
  timeLimitSeconds?: number;
  /** Learning-rate schedule (trainer.ts): 'constant' or 'linear' decay over the run. */
  schedule?: 'constant' | 'linear';
  /** Beam width for the held-out test BLEU (1 = greedy; the recurrent models only). */
  testBeam?: number;
  onProgress?: (p: TrainProgress & { teacherForcing: number }) => void;
  shouldStop?: () => boolean;
  /** Progress every this many steps (the trainer's default: 20). */
  progressEvery?: number;
  /** Validate (and maybe checkpoint) every this many steps as well as at each epoch's end. */
  validateEvery?: number;
  /** Start from these weights and vocabularies (resuming a run) instead of fresh ones. */
  initial?: { weights: Record<string, tf.Tensor>; sourceVocab: Vocab; targetVocab: Vocab };
  /** After validation improved: the model holds the best weights so far (checkpoint them here). */
  onImproved?: (model: TranslationModel, sourceVocab: Vocab, targetVocab: Vocab, metrics: Record<string, number>) => Promise<void>;
  /** After each validation: these sentences decoded greedily (Watch it learn); defaults to the first three held-out sources. */
  probeSentences?: string[];
  onEvaluation?: (epoch: number, step: number, outputs: Array<{ input: string; output: string; reference?: string }>) => void;
  /** Measure this many steps and one validation instead of training (trainer.ts measureSteps); the result's metrics are then NaN. */
  measureSteps?: number;
}

export const TRANSLATION_DEFAULTS: TranslationOptions = {
  architecture: 'rnn',
  attention: 'dot',
  tieEmbeddings: true,
  embeddingSize: 128,
  units: 256,
  epochs: 10,
  batchSize: 64,
  learningRate: 0.002,
  clipNorm: 5,
  seed: 1,
  teacherForcing: 1,
  teacherForcingDecay: 1,
  teacherForcingMin: 0,
  minCount: 2,
  /** Byte-pair merges per side; 0 keeps whole words. */
  subword: 0,
  /** Candidates a batch when the target vocabulary is larger (a subword or word vocabulary of real text); measured 1.6x the steps a second at 6,000 merges. */
  sampledSoftmax: 1024,
  maxLength: 30,
  validationPairs: 1000,
  testPairs: 2000,
  validationBleuSentences: 300,
  patience: 2,
};

export interface TranslationResult {
  model: TranslationModel;
  sourceVocab: Vocab;
  targetVocab: Vocab;
  training: TrainerResult;
  metrics: { testBleu: number; validationLoss: number; validationBleu: number; trainPairs: number; testPairs: number };
}

/** A sentence translated: its source tokens, the output tokens, the output as the target language writes it (detokenized), and the attention. */
export async function translate(model: TranslationModel, sourceVocab: Vocab, targetVocab: Vocab, sentence: string, beam = 1): Promise<{ source: string[]; output: string[]; text: string; attention: number[][] }> {
  const source = sourceVocab.pieces(pairTokens(sentence));
  const ids = sourceIds(sourceVocab, source).ids; // "The" read as "the" where only the lowercased word is known
  if (beam > 1 && !(model instanceof Seq2Seq)) throw new Error('beam search is available for the recurrent encoder-decoder; the Transformer decodes greedily');
  const d = beam > 1 ? await (model as Seq2Seq).beamSearch(ids, beam) : await model.decode(ids);
  const output = d.ids.map((i) => targetVocab.word(i));
  return { source, output, text: detokenizeFor(output, targetVocab).text, attention: d.attention };
}

export async function evaluateBleu(model: TranslationModel, sourceVocab: Vocab, targetVocab: Vocab, pairs: readonly Pair[], beam = 1): Promise<number> {
  const hyps: string[] = [];
  // Detokenized hypotheses against the raw references, as sacreBLEU scores them (13a tokenizes both).
  for (const p of pairs) hyps.push((await translate(model, sourceVocab, targetVocab, p.source, beam)).text);
  return corpusBleu(hyps, pairs.map((p) => p.target)).score;
}

/**
 * The training loss of a pair batch: cross-entropy over every real target word (padding masked).
 * With `sampled` (a candidate count below the target vocabulary), a sampled softmax
 * (sampledSoftmax.ts) over the batch's words and uniformly drawn others stands in for the full one.
 */
export function translationLoss(model: TranslationModel, batch: PairBatch, ratio: number, rng: Rng, sampled = 0): tf.Scalar {
  const { batchSize: B, targetLength: T } = batch;
  // Labels time-major, [(T-1)*B]: target[:, 1:] read step by step.
  const labelIds = new Int32Array((T - 1) * B);
  for (let t = 1; t < T; t++) for (let b = 0; b < B; b++) labelIds[(t - 1) * B + b] = batch.target[b * T + t];
  const vocabSize = model.config.targetVocabSize;
  const candidates = sampled > 0 && sampled < vocabSize ? sampleCandidates(labelIds, vocabSize, sampled, rng) : undefined;
  const logits = model.trainingLogits(batch, ratio, rng, candidates); // [(T-1)*B, Vt or C], time-major
  const labels = tf.tensor1d(candidates ? candidates.labels : labelIds, 'int32');
  const mask = tf.tensor1d(labelIds.map((y) => (y === 0 ? 0 : 1)), 'float32');
  return maskedSparseCrossEntropy(logits, labels, mask);
}

export function makeTranslationModel(o: Pick<TranslationOptions, 'architecture' | 'attention' | 'embeddingSize' | 'units' | 'tieEmbeddings' | 'seed' | 'maxLength' | 'transformer'>, sourceVocabSize: number, targetVocabSize: number): TranslationModel {
  if (o.architecture === 'transformer') {
    // units sets the model width; the rest follows the small preset (4 heads, 2 + 2 layers, FFN 4d) unless set.
    const d = o.units;
    const t = o.transformer ?? {};
    const layers = t.layers ?? TRANSFORMER_PRESETS.small.encoderLayers;
    return new Transformer({ ...TRANSFORMER_PRESETS.small, dModel: d, heads: t.heads ?? TRANSFORMER_PRESETS.small.heads, dFF: t.dFF ?? 4 * d, encoderLayers: layers, decoderLayers: layers, maxLength: Math.max(o.maxLength + 2, 64), sourceVocabSize, targetVocabSize }, o.seed);
  }
  const config: Seq2SeqConfig = { attention: o.attention, sourceVocabSize, targetVocabSize, embeddingSize: o.embeddingSize, units: o.units, tieEmbeddings: o.tieEmbeddings };
  return new Seq2Seq(config, o.seed);
}

/** Rebuilds a translation model from a checkpoint's kind and config. */
export function translationModelFromCheckpoint(kind: string, config: Seq2SeqConfig | TransformerConfig): TranslationModel {
  if (kind === 'transformer') return new Transformer(config as TransformerConfig);
  if (kind === 'seq2seq') return new Seq2Seq(config as Seq2SeqConfig);
  throw new Error(`a "${kind}" checkpoint is not a translation model`);
}

export async function trainTranslation(pairs: readonly Pair[], opts: Partial<TranslationOptions> = {}): Promise<TranslationResult> {
  const o = { ...TRANSLATION_DEFAULTS, ...opts };
  const split = splitPairs(pairs, o.seed, o.validationPairs, o.testPairs);
  if (split.train.length === 0) throw new Error('translation: no training pairs left after the held-out split');
  // Words (those seen minCount times; the rest read <unk>), or byte-pair pieces learned from the
  // training pairs (o.subword merges a side), which write every word of known characters.
  const side = (pick: (p: Pair) => string) => {
    const sentences = split.train.map((p) => pairTokens(pick(p)));
    return o.subword > 0 ? Vocab.buildSubword(sentences, o.subword) : Vocab.build(sentences, { minCount: o.minCount });
  };
  const sourceVocab = o.initial?.sourceVocab ?? side((p) => p.source);
  const targetVocab = o.initial?.targetVocab ?? side((p) => p.target);
  const model = makeTranslationModel(o, sourceVocab.size, targetVocab.size);
  if (o.initial) model.setWeights(o.initial.weights);
  const probes = o.probeSentences?.length
    ? o.probeSentences.map((input) => ({ input, reference: undefined as string | undefined }))
    : split.validation.slice(0, 3).map((p) => ({ input: p.source, reference: p.target as string | undefined }));
  const trainData = encodePairs(split.train, sourceVocab, targetVocab, o.maxLength);
  const validData = encodePairs(split.validation, sourceVocab, targetVocab, o.maxLength);
  const rng = new Rng(o.seed + 1);
  const ratioAt = (epoch: number) => Math.max(o.teacherForcingMin, o.teacherForcing * Math.pow(o.teacherForcingDecay, epoch));
  const validationLoss = (): number => {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < validData.length; i += 128) {
      const batch = makePairBatch(validData.slice(i, i + 128) as EncodedPair[]);
      const l = tf.tidy(() => translationLoss(model, batch, 1, rng));
      sum += l.dataSync()[0] * batch.batchSize;
      n += batch.batchSize;
      l.dispose();
    }
    return n ? sum / n : NaN;
  };
  let best: Record<string, tf.Tensor> | undefined;
  let lastValidation = { loss: NaN, bleu: NaN };
  const training = await train<PairBatch>({
    epochs: o.epochs,
    learningRate: o.learningRate,
    clipNorm: o.clipNorm,
    batches: () => pairBatches(trainData, o.batchSize, rng),
    tokensIn: (b) => b.batchSize * (b.targetLength - 1),
    loss: (b, epoch) => translationLoss(model, b, ratioAt(epoch), rng, o.sampledSoftmax),
    variables: Object.values(model.weights),
    validate: validData.length
      ? async (epoch, step) => {
          const loss = validationLoss();
          const bleu = await evaluateBleu(model, sourceVocab, targetVocab, split.validation.slice(0, o.validationBleuSentences));
          lastValidation = { loss, bleu };
          if (o.onEvaluation) {
            const outputs = [];
            for (const p of probes) outputs.push({ ...p, output: (await translate(model, sourceVocab, targetVocab, p.input)).text });
            o.onEvaluation(epoch, step, outputs);
          }
          return { loss, bleu };
        }
      : undefined,
    validateEvery: o.validateEvery,
    progressEvery: o.progressEvery,
    patience: o.patience,
    onImproved: async (_epoch, metrics) => {
      if (best) tf.dispose(Object.values(best));
      best = Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, tf.keep(v.clone())]));
      await o.onImproved?.(model, sourceVocab, targetVocab, metrics);
    },
    onProgress: (p) => o.onProgress?.({ ...p, teacherForcing: ratioAt(p.epoch) }),
    shouldStop: o.shouldStop,
    timeLimitSeconds: o.timeLimitSeconds,
    schedule: o.schedule,
    measureSteps: o.measureSteps,
  });
  if (training.stoppedBy === 'measured') {
    return { model, sourceVocab, targetVocab, training, metrics: { testBleu: NaN, validationLoss: NaN, validationBleu: NaN, trainPairs: split.train.length, testPairs: split.test.length } };
  }
  // A run stopped mid-epoch gets its validation now, so the best weights are chosen on every epoch's end.
  if (training.stoppedBy === 'time-limit' || training.stoppedBy === 'cancelled') {
    const loss = validationLoss();
    if (!best || loss < Math.min(...training.validation.map((v) => v.loss))) {
      if (best) tf.dispose(Object.values(best));
      best = undefined;
    }
  }
  if (best) {
    model.setWeights(best);
    tf.dispose(Object.values(best));
  }
  const validationFinal = validData.length ? validationLoss() : NaN;
  const testBleu = split.test.length ? await evaluateBleu(model, sourceVocab, targetVocab, split.test, model instanceof Seq2Seq ? (o.testBeam ?? 1) : 1) : NaN;
  return {
    model,
    sourceVocab,
    targetVocab,
    training,
    metrics: { testBleu, validationLoss: validationFinal, validationBleu: lastValidation.bleu, trainPairs: split.train.length, testPairs: split.test.length },
  };
}

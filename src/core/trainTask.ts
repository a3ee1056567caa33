/**
 * `seqlens train`: one function per task (translate, lm, tag, classify, word2vec), shared by the
 * command and the editor's worker. Each keeps its best weights (validation loss) in `--out`,
 * rewritten whenever validation improves, so a run stopped or killed keeps its best checkpoint.
 * With run hooks (runs/trainRun.ts) it also reports metric rows, decodes the pinned probe
 * sentences at every evaluation, and resumes from a checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { CheckpointMeta, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { builtinText, isBuiltin } from './data/builtinCorpora';
import { parseClassified, parseTagged } from './data/labeled';
import { DataError, parsePairs, splitPairs } from './data/pairs';
import { HeadsBatch, TaggerClassifier, TaggerClassifierConfig } from './models/taggerClassifier';
import { LanguageModel, LanguageModelConfig, LM_PRESETS } from './models/languageModel';
import { AttentionKind } from './models/seq2seq';
import { Rng } from './random';
import { Args, isPositiveInt, lrSchedule, num, readText, result, str, TaskError, TaskHooks, TaskResult } from './taskArgs';
import { tokenize } from './tokenizer';
import { loadVectors } from './vectorsArg';
import { maskedSparseCrossEntropy } from './training/losses';
import { makeBatch } from './training/trainLanguageModel';
import { estimateSeconds, StepMeasurement, train } from './training/trainer';
import { trainTranslation, TRANSLATION_DEFAULTS } from './training/trainTranslation';
import { EOS_ID, Vocab, vocabFromMeta } from './vocab';
import { trainSkipGram } from './word2vec/skipgram';

/** The text of --data: a file (any common encoding) or a built-in corpus (`builtin:en-ko`, …). */
export function readTaskData(a: Args, data: string, hooks?: TaskHooks): string {
  if (isBuiltin(data)) {
    const text = builtinText(data);
    if (text === undefined) throw new TaskError(`${a.verb}: unknown built-in corpus "${data}"`);
    return text;
  }
  if (!fs.existsSync(data)) throw new TaskError(`${a.verb}: ${data}: no such file`);
  return readText(a, data, hooks);
}

/** A run's curves get a point every this many steps (the command's progress lines: every 20). */
const RUN_PROGRESS_EVERY = 5;

const dataName = (data: string) => (isBuiltin(data) ? data : path.basename(data));

/** Weights copied out of the model (the best so far), kept outside any tidy scope. */
function snapshot(weights: Record<string, tf.Variable>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, tf.keep(v.clone())]));
}

/** Epochs and seconds left when a run resumes (at least one epoch, and a few seconds, to make progress). */
function budget(a: Args, hooks: TaskHooks, defaultEpochs: number): { epochs: number; timeLimit?: number } {
  const total = a.flags.has('epochs') ? num(a, 'epochs', 1, isPositiveInt) : defaultEpochs;
  const limit = a.flags.has('time-limit') ? num(a, 'time-limit', 0, (n) => n > 0) : undefined;
  const done = hooks.run?.resume;
  if (!done) return { epochs: total, timeLimit: limit };
  return { epochs: Math.max(1, total - done.epochs), timeLimit: limit === undefined ? undefined : Math.max(10, limit - done.seconds) };
}

function resumed(hooks: TaskHooks): ReturnType<typeof loadCheckpoint> | undefined {
  const r = hooks.run?.resume;
  if (!r) return undefined;
  try {
    return loadCheckpoint(r.checkpoint);
  } catch (e) {
    throw new TaskError(`train: cannot resume: ${(e as Error).message}`);
  }
}

/** `--estimate` times at least this many steps (and a second's worth; trainer.ts) and one evaluation. */
export const ESTIMATE_STEPS = 4;
const estimating = (a: Args) => a.flags.has('estimate');
/** Seconds as an estimate says them: "7.3 s", "24 s", "33 min". */
const fmt = (x: number) => (x >= 90 ? `${Math.round(x / 60)} min` : `${x.toFixed(x < 10 ? 1 : 0)} s`);

/**
 * The answer of `--estimate`: the whole run's seconds on this machine from a measurement — the
 * set-up it took (data, vocabulary, model, the first step), every epoch's steps and evaluations
 * at the measured speed (capped by --time-limit), and the final evaluation. Nothing is written.
 */
function estimateResult(elapsedSeconds: number, m: StepMeasurement, timeLimit: number | undefined, finalSeconds: number): TaskResult {
  const setupSeconds = Math.max(0, elapsedSeconds - m.measuredSteps * m.secondsPerStep - m.validationSeconds);
  const seconds = setupSeconds + estimateSeconds(m, timeLimit) + finalSeconds;
  const estimate = { seconds, setupSeconds, finalSeconds, timeLimit: timeLimit ?? null, ...m };
  return result(
    { estimate },
    `about ${fmt(seconds)} on this machine: ${m.epochs} epoch${m.epochs === 1 ? '' : 's'} of ${m.stepsPerEpoch} steps at ${(m.secondsPerStep * 1000).toFixed(0)} ms a step` +
      (m.validationsPerEpoch ? `, ${m.validationsPerEpoch} evaluation${m.validationsPerEpoch === 1 ? '' : 's'} of ${fmt(m.validationSeconds)} an epoch` : '') +
      `, set-up ${fmt(setupSeconds)}${timeLimit ? `; the time limit of ${fmt(timeLimit)} ${estimateSeconds(m) > timeLimit ? 'stops it sooner' : 'is not reached'}` : ''} (measured over ${m.measuredSteps} steps; nothing written)`,
  );
}

export async function trainTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const task = str(a, 'task', true);
  const data = str(a, 'data', true);
  if (!estimating(a)) str(a, 'out', true);
  switch (task) {
    case 'translate':
      return trainTranslate(a, hooks);
    case 'lm':
      return trainLm(a, hooks);
    case 'word2vec':
      return trainWord2vec(a, hooks);
    case 'tag':
    case 'classify':
      return trainHeads(a, hooks, task);
    default:
      void data;
      throw new TaskError(`train: unknown --task "${task}" (translate, lm, tag, classify, word2vec)`);
  }
}

// ---- translate --------------------------------------------------------------------------------
async function trainTranslate(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const data = str(a, 'data', true);
  const outDir = estimating(a) ? '' : str(a, 'out', true);
  const seed = num(a, 'seed', 1, Number.isInteger);
  const t0 = Date.now();
  const modelFlag = str(a, 'model') ?? 'attention';
  if (!['seq2seq', 'attention', 'transformer'].includes(modelFlag)) throw new TaskError(`train: --task translate takes --model seq2seq, attention or transformer (got "${modelFlag}")`);
  if (modelFlag === 'transformer' && a.flags.has('teacher-forcing') && num(a, 'teacher-forcing', 1) < 1) {
    throw new TaskError('train: the Transformer reads the whole reference at once, so it trains with --teacher-forcing 1 only');
  }
  const attention: AttentionKind = modelFlag === 'seq2seq' ? 'none' : ((str(a, 'attention') ?? 'dot') as AttentionKind);
  if (!['none', 'additive', 'dot'].includes(attention)) throw new TaskError(`train: --attention must be additive or dot (got "${attention}")`);
  const text = readTaskData(a, data, hooks);
  let pairs;
  try {
    pairs = parsePairs(text, data);
  } catch (e) {
    if (e instanceof DataError) throw new TaskError(`train: ${e.message}`);
    throw e;
  }
  const limit = num(a, 'limit', pairs.length, isPositiveInt);
  const { epochs, timeLimit } = budget(a, hooks, TRANSLATION_DEFAULTS.epochs);
  const from = resumed(hooks);
  const kind = modelFlag === 'transformer' ? 'transformer' : 'seq2seq';
  const run = hooks.run;
  const meta = (config: unknown, sv: Vocab, tv: Vocab, epochsRun: number, metrics: Record<string, number | string>): CheckpointMeta => ({
    kind,
    config,
    vocab: undefined,
    sourceVocab: sv.toJSON(),
    targetVocab: tv.toJSON(),
    // A subword vocabulary's merges, to split new text the same way.
    ...(sv.subword ? { sourceSubword: sv.subword.model } : {}),
    ...(tv.subword ? { targetSubword: tv.subword.model } : {}),
    training: { data: dataName(data), epochs: epochsRun, seed, metrics: metrics as Record<string, number> },
  });
  let evaluations = 0;
  const res = await trainTranslation(pairs.slice(0, limit), {
    architecture: modelFlag === 'transformer' ? 'transformer' : 'rnn',
    attention,
    seed,
    epochs,
    teacherForcing: num(a, 'teacher-forcing', 1, (n) => n >= 0 && n <= 1),
    teacherForcingDecay: num(a, 'teacher-forcing-decay', 1, (n) => n > 0 && n <= 1),
    units: num(a, 'units', TRANSLATION_DEFAULTS.units, isPositiveInt),
    embeddingSize: num(a, 'embedding', TRANSLATION_DEFAULTS.embeddingSize, isPositiveInt),
    batchSize: num(a, 'batch', TRANSLATION_DEFAULTS.batchSize, isPositiveInt),
    learningRate: num(a, 'lr', TRANSLATION_DEFAULTS.learningRate, (n) => n > 0),
    timeLimitSeconds: timeLimit,
    // A run with a time budget decays its rate linearly to it unless told otherwise: with the
    // sampled softmax's noisier gradients this is what reaches the better model (bench/RESULTS.md).
    schedule: a.flags.has('lr-schedule') || timeLimit === undefined ? lrSchedule(a) : 'linear',
    testBeam: num(a, 'beam', 1, isPositiveInt),
    shouldStop: hooks.shouldStop,
    patience: num(a, 'patience', TRANSLATION_DEFAULTS.patience ?? 2, isPositiveInt),
    minCount: num(a, 'min-count', TRANSLATION_DEFAULTS.minCount, isPositiveInt),
    subword: num(a, 'subword', 0, (n) => Number.isInteger(n) && n >= 0 && n <= 100_000),
    sampledSoftmax: num(a, 'sampled-softmax', TRANSLATION_DEFAULTS.sampledSoftmax, (n) => Number.isInteger(n) && n >= 0),
    tieEmbeddings: !a.flags.has('untied'),
    validateEvery: a.flags.has('eval-every') ? num(a, 'eval-every', 0, isPositiveInt) : undefined,
    progressEvery: run ? RUN_PROGRESS_EVERY : undefined,
    initial: from ? { weights: from.weights, sourceVocab: vocabFromMeta(from.meta.sourceVocab, from.meta.sourceSubword), targetVocab: vocabFromMeta(from.meta.targetVocab, from.meta.targetSubword) } : undefined,
    probeSentences: run?.probeSentences,
    onEvaluation: run ? (epoch, step, outputs) => run.probes(epoch, step, outputs) : undefined,
    measureSteps: estimating(a) ? ESTIMATE_STEPS : undefined,
    onImproved: async (model, sv, tv, m) => {
      evaluations++;
      await saveCheckpoint(outDir, meta(model.config, sv, tv, evaluations, { validationLoss: m.loss, validationBleu: m.bleu }), model.weights);
    },
    onProgress: (p) => {
      hooks.progress(
        p.validation
          ? `epoch ${p.epoch + 1}: validation loss ${p.validation.loss.toFixed(3)}, BLEU ${p.validation.bleu.toFixed(2)}`
          : `epoch ${p.epoch + 1}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s teacher forcing ${p.teacherForcing.toFixed(2)} ETA ${Math.round(p.etaSeconds)} s`,
      );
      run?.metric(
        p.validation
          ? { split: 'validation', step: p.step, epoch: p.epoch, loss: p.validation.loss, bleu: p.validation.bleu }
          : { split: 'train', step: p.step, epoch: p.epoch, loss: p.loss, tokensPerSecond: p.tokensPerSecond, learningRate: p.learningRate, teacherForcing: p.teacherForcing, etaSeconds: p.etaSeconds },
      );
    },
  });
  if (from) tf.dispose(Object.values(from.weights));
  if (estimating(a)) {
    res.model.dispose();
    if (!res.training.measured) throw new TaskError(res.training.stoppedBy === 'cancelled' ? 'train: the estimate was stopped' : `train: ${data}: no training pairs to time`);
    // The final test decodes its pairs as a validation decodes its 300 (beam K costs about K times greedy).
    const final = res.training.measured.validationSeconds * Math.max(1, res.metrics.testPairs / 300) * num(a, 'beam', 1, isPositiveInt);
    return estimateResult((Date.now() - t0) / 1000, res.training.measured, timeLimit, final);
  }
  const metrics = { testBleu: res.metrics.testBleu, validationLoss: res.metrics.validationLoss, validationBleu: res.metrics.validationBleu, steps: res.training.steps, seconds: (Date.now() - t0) / 1000, trainPairs: res.metrics.trainPairs, testPairs: res.metrics.testPairs, stoppedBy: res.training.stoppedBy };
  run?.metric({ split: 'test', step: res.training.steps, epoch: Math.max(0, res.training.epochsRun - 1), bleu: res.metrics.testBleu });
  await saveCheckpoint(outDir, meta(res.model.config, res.sourceVocab, res.targetVocab, res.training.epochsRun, metrics), res.model.weights);
  res.model.dispose();
  return result(
    { out: outDir, epochs: res.training.epochsRun, metrics },
    `saved ${outDir}: test BLEU ${res.metrics.testBleu.toFixed(2)} on ${res.metrics.testPairs} held-out pairs (${res.training.stoppedBy}, ${metrics.seconds.toFixed(0)} s)`,
  );
}

// ---- lm ---------------------------------------------------------------------------------------
async function trainLm(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const t0 = Date.now();
  const data = str(a, 'data', true);
  const outDir = estimating(a) ? '' : str(a, 'out', true);
  const seed = num(a, 'seed', 1, Number.isInteger);
  const kind = str(a, 'model') ?? 'lstm';
  if (!['lstm', 'gru', 'rnn'].includes(kind)) throw new TaskError(`train: --task lm takes --model rnn, lstm or gru (got "${kind}")`);
  const activation = str(a, 'activation') ?? 'tanh';
  if (kind === 'rnn' && activation !== 'tanh' && activation !== 'sigmoid') throw new TaskError(`train: --activation must be tanh or sigmoid (got "${activation}")`);
  const sentences = readTaskData(a, data, hooks)
    .split(/\r?\n/)
    .map((l) => tokenize(l).tokens.map((t) => t.text))
    .filter((s) => s.length > 0);
  if (sentences.length === 0) throw new TaskError(`train: ${data}: no text to train on`);
  const split = splitPairs(sentences, seed, 500, 0);
  const from = resumed(hooks);
  // Words, or byte-pair pieces learned from the training sentences (--subword N merges).
  const subword = num(a, 'subword', 0, (n) => Number.isInteger(n) && n >= 0 && n <= 100_000);
  const vocab = from ? vocabFromMeta(from.meta.vocab, from.meta.subword) : subword > 0 ? Vocab.buildSubword(split.train, subword) : Vocab.build(split.train, { minCount: num(a, 'min-count', 1, isPositiveInt) });
  const presetId = kind === 'rnn' ? `default-rnn-${activation}` : `default-${kind}`;
  const preset = LM_PRESETS[presetId as keyof typeof LM_PRESETS];
  const config: LanguageModelConfig = from
    ? (from.meta.config as LanguageModelConfig)
    : { ...preset, units: num(a, 'units', preset.units, isPositiveInt), embeddingSize: num(a, 'embedding', preset.embeddingSize, isPositiveInt), vocabSize: vocab.size };
  const model = new LanguageModel(config, seed);
  if (from) {
    model.setWeights(from.weights);
    tf.dispose(Object.values(from.weights));
  }
  const label = kind === 'rnn' ? `RNN-${activation}` : kind.toUpperCase();
  const { epochs, timeLimit } = budget(a, hooks, 4);
  const rng = new Rng(seed);
  const trainIds = split.train.map((s) => vocab.ids(vocab.pieces(s)));
  const validIds = split.validation.map((s) => vocab.ids(vocab.pieces(s)));
  const B = num(a, 'batch', 64, isPositiveInt);
  const lossOf = (seqs: number[][]) => {
    const batch = makeBatch(seqs, 40);
    const ids = tf.tensor2d(batch.inputs, [batch.B, batch.T], 'int32');
    // Targets and mask in the time-major order of the logits' rows.
    const targets = tf.reshape(tf.transpose(tf.tensor2d(batch.targets, [batch.B, batch.T], 'int32')), [-1]) as tf.Tensor1D;
    const mask = tf.reshape(tf.transpose(tf.tensor2d(batch.mask, [batch.B, batch.T])), [-1]) as tf.Tensor1D;
    return { loss: maskedSparseCrossEntropy(model.logits(ids), targets, mask), tokens: batch.mask.reduce((x, y) => x + y, 0) };
  };
  const probes = hooks.run?.probeSentences.length ? hooks.run.probeSentences : split.validation.slice(0, 3).map((s) => s.slice(0, Math.min(3, s.length)).join(' '));
  let best: Record<string, tf.Tensor> | undefined;
  let bestLoss = Infinity;
  const meta = (metrics: Record<string, number | string>, epochsRun: number): CheckpointMeta => ({ kind: 'language-model', label, config, vocab: vocab.toJSON(), ...(vocab.subword ? { subword: vocab.subword.model } : {}), training: { data: dataName(data), epochs: epochsRun, seed, metrics: metrics as Record<string, number> } });
  const r = await train<number[][]>({
    epochs,
    learningRate: num(a, 'lr', 0.01, (n) => n > 0),
    clipNorm: 5,
    batches: () => {
      const order = rng.shuffle([...trainIds.keys()]);
      const out: number[][][] = [];
      for (let i = 0; i < order.length; i += B) out.push(order.slice(i, i + B).map((k) => trainIds[k]));
      return out;
    },
    tokensIn: (b) => b.reduce((n, s) => n + Math.min(s.length, 39) + 1, 0),
    loss: (b) => lossOf(b).loss,
    variables: Object.values(model.weights),
    validate: validIds.length
      ? async (epoch, step) => {
          let sum = 0;
          let n = 0;
          for (let i = 0; i < validIds.length; i += 128) {
            const l = tf.tidy(() => {
              const { loss, tokens } = lossOf(validIds.slice(i, i + 128));
              n += tokens;
              return tf.mul(loss, tokens);
            });
            sum += (await l.data())[0];
            l.dispose();
          }
          const loss = sum / Math.max(n, 1);
          if (hooks.run) hooks.run.probes(epoch, step, await Promise.all(probes.map(async (input) => ({ input, output: await continueText(model, vocab, input) }))));
          return { loss, perplexity: Math.exp(loss) };
        }
      : undefined,
    validateEvery: a.flags.has('eval-every') ? num(a, 'eval-every', 0, isPositiveInt) : undefined,
    progressEvery: hooks.run ? RUN_PROGRESS_EVERY : undefined,
    onImproved: async (epoch, m) => {
      if (best) tf.dispose(Object.values(best));
      best = snapshot(model.weights);
      bestLoss = m.loss;
      await saveCheckpoint(outDir, meta({ validationLoss: m.loss, perplexity: m.perplexity }, epoch + 1), model.weights);
    },
    onProgress: (p) => {
      hooks.progress(p.validation ? `epoch ${p.epoch + 1}: validation perplexity ${p.validation.perplexity.toFixed(2)}` : `epoch ${p.epoch + 1} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s`);
      hooks.run?.metric(
        p.validation
          ? { split: 'validation', step: p.step, epoch: p.epoch, loss: p.validation.loss, perplexity: p.validation.perplexity }
          : { split: 'train', step: p.step, epoch: p.epoch, loss: p.loss, tokensPerSecond: p.tokensPerSecond, learningRate: p.learningRate, etaSeconds: p.etaSeconds },
      );
    },
    shouldStop: hooks.shouldStop,
    timeLimitSeconds: timeLimit,
    measureSteps: estimating(a) ? ESTIMATE_STEPS : undefined,
  });
  if (estimating(a)) {
    model.dispose();
    if (!r.measured) throw new TaskError(r.stoppedBy === 'cancelled' ? 'train: the estimate was stopped' : `train: ${data}: no training sentences to time`);
    return estimateResult((Date.now() - t0) / 1000, r.measured, timeLimit, 0);
  }
  if (best) {
    model.setWeights(best);
    tf.dispose(Object.values(best));
  }
  const tail = r.losses.slice(-20);
  const trainLoss = tail.reduce((x, y) => x + y, 0) / Math.max(tail.length, 1);
  const loss = Number.isFinite(bestLoss) ? bestLoss : trainLoss;
  const metrics = { loss, perplexity: Math.exp(loss), trainLoss, steps: r.steps, seconds: r.seconds, stoppedBy: r.stoppedBy };
  await saveCheckpoint(outDir, meta(metrics, r.epochsRun), model.weights);
  model.dispose();
  return result({ out: outDir, epochs: r.epochsRun, metrics }, `saved ${outDir}: loss ${loss.toFixed(3)}, perplexity ${metrics.perplexity.toFixed(2)}${validIds.length ? ' (held-out sentences)' : ''}`);
}

/** Greedy continuation of a prompt by a language model: up to eight more words, or the end of the sentence. */
async function continueText(model: LanguageModel, vocab: Vocab, prompt: string): Promise<string> {
  const words = tokenize(prompt).tokens.map((t) => t.text);
  if (words.length === 0) return '';
  const ids = vocab.ids(words);
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    const p = await model.probe(ids, 1);
    const next = p.topIds[(ids.length - 1) * p.k];
    if (next === EOS_ID) break;
    ids.push(next);
    out.push(vocab.word(next));
  }
  return `${words.join(' ')} → ${out.join(' ')}`;
}

// ---- word2vec ---------------------------------------------------------------------------------
async function trainWord2vec(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const t0 = Date.now();
  const data = str(a, 'data', true);
  const outDir = estimating(a) ? '' : str(a, 'out', true);
  const seed = num(a, 'seed', 1, Number.isInteger);
  const kind = str(a, 'model') ?? 'skipgram';
  if (kind !== 'skipgram') throw new TaskError(`train: --task word2vec takes --model skipgram (got "${kind}")`);
  const sentences = readTaskData(a, data, hooks)
    .split(/\r?\n/)
    .map((l) => tokenize(l).tokens.map((t) => t.text).filter((w) => /[\p{L}\p{N}]/u.test(w)))
    .filter((s) => s.length > 0);
  if (sentences.length === 0) throw new TaskError(`train: ${data}: no words to train on`);
  const epochs = a.flags.has('epochs') ? num(a, 'epochs', 1, isPositiveInt) : 5;
  let events = 0;
  // --estimate: train for a second or so, then the rest at the speed so far (word2vec has no evaluation).
  let eta: { at: number; seconds: number; fraction: number } | undefined;
  const stopForEstimate = () => estimating(a) && eta !== undefined && Date.now() - t0 > 1500;
  const r = await trainSkipGram(
    sentences,
    {
      dim: num(a, 'dim', 100, isPositiveInt),
      window: num(a, 'window', 5, isPositiveInt),
      negative: num(a, 'negative', 5, (n) => Number.isInteger(n) && n >= 0),
      epochs,
      minCount: num(a, 'min-count', 5, isPositiveInt),
      sample: num(a, 'sample', 1e-3, (n) => n >= 0),
      seed,
    },
    {
      kernel: fs.readFileSync(path.join(hooks.wasmDir, 'sgns.wasm')),
      shouldStop: () => stopForEstimate() || (hooks.shouldStop?.() ?? false),
      onProgress: (p) => {
        eta = { at: Date.now(), seconds: p.etaSeconds, fraction: p.fraction };
        hooks.progress(`epoch ${p.epoch + 1} ${(p.fraction * 100).toFixed(1)}% ${Math.round(p.wordsPerSecond)} words/s alpha ${p.alpha.toFixed(5)} ETA ${Math.round(p.etaSeconds)} s`);
        hooks.run?.metric({ split: 'train', step: ++events, epoch: p.epoch, fraction: p.fraction, wordsPerSecond: p.wordsPerSecond, learningRate: p.alpha, etaSeconds: p.etaSeconds });
      },
    },
  );
  const v = r.vectors;
  if (v.size === 0) throw new TaskError(`train: ${data}: no word occurs --min-count times or more`);
  if (estimating(a)) {
    const elapsed = (Date.now() - t0) / 1000;
    const left = r.stopped && eta ? eta.seconds : 0;
    const estimate = { seconds: elapsed + left, setupSeconds: elapsed - r.seconds, epochs, wordsPerSecond: r.wordsPerSecond, measuredFraction: r.stopped && eta ? eta.fraction : 1 };
    return result({ estimate }, `about ${fmt(estimate.seconds)} on this machine: ${epochs} epochs at ${Math.round(r.wordsPerSecond)} words/s (${r.stopped ? `measured over ${(estimate.measuredFraction * 100).toFixed(1)}% of the run` : 'it finished while being measured'}; nothing written)`);
  }
  const metrics = { words: v.size, dim: v.dim, wordsPerSecond: r.wordsPerSecond, seconds: r.seconds, stoppedBy: r.stopped ? 'cancelled' : 'epochs' };
  await saveCheckpoint(
    outDir,
    { kind: 'word2vec', config: { dim: v.dim }, vocab: [...v.words], training: { data: dataName(data), epochs, seed, metrics: metrics as unknown as Record<string, number> } },
    { 'embedding/embeddings': tf.tensor2d(v.vectors, [v.size, v.dim]) },
  );
  return result({ out: outDir, epochs, metrics }, `saved ${outDir}: ${v.size} words × ${v.dim}, ${Math.round(r.wordsPerSecond)} words/s`);
}

// ---- tag / classify ---------------------------------------------------------------------------
async function trainHeads(a: Args, hooks: TaskHooks, task: 'tag' | 'classify'): Promise<TaskResult> {
  const t0 = Date.now();
  const data = str(a, 'data', true);
  const outDir = estimating(a) ? '' : str(a, 'out', true);
  const seed = num(a, 'seed', 1, Number.isInteger);
  const kind = str(a, 'model') ?? 'lstm';
  if (!['lstm', 'gru', 'rnn'].includes(kind)) throw new TaskError(`train: --task ${task} takes --model rnn, lstm or gru (got "${kind}")`);
  const activation = str(a, 'activation') ?? 'tanh';
  if (kind === 'rnn' && activation !== 'tanh' && activation !== 'sigmoid') throw new TaskError(`train: --activation must be tanh or sigmoid (got "${activation}")`);
  const text = readTaskData(a, data, hooks);
  let examples: Array<{ words: string[]; tags: string[]; label: string }>;
  try {
    examples =
      task === 'tag'
        ? parseTagged(text, data).map((s) => ({ words: s.words, tags: s.tags, label: '' }))
        : parseClassified(text, data).map((s) => ({ words: s.words, tags: [] as string[], label: s.label }));
  } catch (e) {
    if (e instanceof DataError) throw new TaskError(`train: ${e.message}`);
    throw e;
  }
  const from = resumed(hooks);
  const split = splitPairs(examples, seed, 500, 0);
  // --limit N: train on the first N training examples only (the held-out ones stay the same).
  if (a.flags.has('limit')) split.train = split.train.slice(0, num(a, 'limit', split.train.length, isPositiveInt));
  const vocab = from ? new Vocab(from.meta.vocab as string[]) : Vocab.build(split.train.map((e) => e.words), { minCount: num(a, 'min-count', 1, isPositiveInt) });
  const tagNames = from ? (from.meta.tagNames as string[]) : [...new Set(examples.flatMap((e) => e.tags))].sort();
  const classNames = from ? (from.meta.classNames as string[]) : task === 'classify' ? [...new Set(examples.map((e) => e.label))].sort() : [];
  if (task === 'classify' && classNames.length < 2) throw new TaskError(`train: ${data}: classification needs at least two labels (found ${classNames.length})`);
  // Divide and train: word vectors trained first (--embeddings) as the input embedding,
  // fine-tuned end to end or held fixed (--freeze-embeddings).
  const embeddingsSpec = str(a, 'embeddings');
  const frozen = a.flags.has('freeze-embeddings');
  if (frozen && !embeddingsSpec) throw new TaskError('train: --freeze-embeddings needs --embeddings VECTORS (a word2vec run or checkpoint, or a vector file) to hold fixed');
  const pretrained = embeddingsSpec && !from ? loadVectors(a, embeddingsSpec, hooks) : undefined;
  if (pretrained && a.flags.has('embedding') && num(a, 'embedding', 0) !== pretrained.dim) throw new TaskError(`train: --embedding ${num(a, 'embedding', 0)} does not match the ${pretrained.dim} dimensions of ${embeddingsSpec}`);
  const config: TaggerClassifierConfig = from
    ? (from.meta.config as TaggerClassifierConfig)
    : {
        cell: kind as 'lstm',
        activation: kind === 'rnn' ? (activation as 'tanh') : undefined,
        vocabSize: vocab.size,
        embeddingSize: pretrained ? pretrained.dim : num(a, 'embedding', 32, isPositiveInt),
        units: num(a, 'units', 64, isPositiveInt),
        tags: tagNames.length,
        classes: classNames.length,
      };
  const model = new TaggerClassifier(config, seed);
  let coverage: { known: number; of: number } | undefined;
  if (from) {
    model.setWeights(from.weights);
    tf.dispose(Object.values(from.weights));
  } else if (pretrained) {
    const E = pretrained.dim;
    const table = model.weights['embedding/embeddings'].dataSync().slice() as Float32Array;
    let known = 0;
    vocab.words.forEach((w, id) => {
      const v = pretrained.vector(w);
      if (!v) return; // words the vectors do not have keep their random start
      table.set(v, id * E);
      known++;
    });
    model.weights['embedding/embeddings'].assign(tf.tensor2d(table, [vocab.size, E]));
    coverage = { known, of: vocab.size };
    hooks.progress(`input embedding from ${dataName(embeddingsSpec!)}: ${known} of ${vocab.size} words${frozen ? ', held fixed' : ', fine-tuned end to end'}`);
  }
  const trainable = Object.entries(model.weights)
    .filter(([name]) => !(frozen && name === 'embedding/embeddings'))
    .map(([, v]) => v);
  const rng = new Rng(seed);
  const { epochs, timeLimit } = budget(a, hooks, 5);
  const B = num(a, 'batch', 32, isPositiveInt);
  const toBatch = (group: typeof examples): HeadsBatch => {
    const T = Math.max(...group.map((e) => e.words.length));
    const ids = new Int32Array(group.length * T);
    const tags = new Int32Array(group.length * T);
    group.forEach((e, b) =>
      e.words.forEach((w, t) => {
        ids[b * T + t] = vocab.id(w);
        if (task === 'tag') tags[b * T + t] = Math.max(0, tagNames.indexOf(e.tags[t]));
      }),
    );
    return { ids, tags, labels: Int32Array.from(group.map((e) => Math.max(0, classNames.indexOf(e.label)))), batchSize: group.length, length: T };
  };
  /** Loss and the count of correct predictions (tags at real words, or labels) for a batch. */
  const evaluate = (b: HeadsBatch) => {
    const outs = model.logits(tf.tensor2d(b.ids, [b.batchSize, b.length], 'int32'));
    if (task === 'tag') {
      const labels = tf.reshape(tf.transpose(tf.tensor2d(b.tags!, [b.batchSize, b.length], 'int32')), [-1]) as tf.Tensor1D; // [T*B], time-major as the logits
      const mask = tf.reshape(outs.mask, [-1]) as tf.Tensor1D;
      const correct = tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(outs.tags!, 1), labels), 'float32'), mask));
      return { loss: maskedSparseCrossEntropy(outs.tags!, labels, mask), correct, total: tf.sum(mask) };
    }
    const labels = tf.tensor1d(b.labels!, 'int32');
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(outs.classes!, 1), labels), 'float32'));
    return { loss: maskedSparseCrossEntropy(outs.classes!, labels, tf.ones([b.batchSize]) as tf.Tensor1D), correct, total: tf.scalar(b.batchSize) };
  };
  const validBatches: HeadsBatch[] = [];
  for (let i = 0; i < split.validation.length; i += 128) validBatches.push(toBatch(split.validation.slice(i, i + 128)));
  const probes = hooks.run?.probeSentences.length ? hooks.run.probeSentences : split.validation.slice(0, 3).map((e) => e.words.join(' '));
  const readProbe = async (input: string) => {
    const words = tokenize(input).tokens.map((t) => t.text);
    if (words.length === 0) return { input, output: '' };
    const heads = await model.read(vocab.ids(words));
    const argmax = (row: Float32Array) => row.indexOf(Math.max(...row));
    if (task === 'tag') return { input, output: words.map((w, t) => `${w}/${tagNames[argmax(heads.tagProbs.subarray(t * tagNames.length, (t + 1) * tagNames.length))]}`).join(' ') };
    const k = argmax(heads.classProbs);
    return { input, output: `${classNames[k]} (${(heads.classProbs[k] * 100).toFixed(0)}%)` };
  };
  let best: Record<string, tf.Tensor> | undefined;
  let bestMetrics: Record<string, number> = {};
  const label = `${kind === 'rnn' ? `RNN-${activation}` : kind.toUpperCase()} ${task === 'tag' ? 'tagger' : 'classifier'}`;
  const embeddingsNote = embeddingsSpec ? { embeddings: dataName(embeddingsSpec), frozenEmbeddings: frozen, ...(coverage ? { embeddingsCoverage: coverage } : {}) } : {};
  const meta = (metrics: Record<string, number | string>, epochsRun: number): CheckpointMeta => ({ kind: 'tagger-classifier', label, config, vocab: vocab.toJSON(), tagNames, classNames, training: { data: dataName(data), epochs: epochsRun, seed, metrics: metrics as Record<string, number>, ...embeddingsNote } });
  const r = await train<HeadsBatch>({
    epochs,
    learningRate: num(a, 'lr', 0.005, (n) => n > 0),
    clipNorm: 5,
    batches: () => {
      const order = rng.shuffle([...split.train.keys()]);
      const out: HeadsBatch[] = [];
      for (let i = 0; i < order.length; i += B) out.push(toBatch(order.slice(i, i + B).map((k) => split.train[k])));
      return out;
    },
    tokensIn: (b) => b.batchSize * b.length,
    variables: trainable,
    loss: (b) => evaluate(b).loss,
    validate: validBatches.length
      ? async (epoch, step) => {
          let loss = 0;
          let correct = 0;
          let total = 0;
          for (const b of validBatches) {
            const [l, c, n] = tf.tidy(() => {
              const e = evaluate(b);
              return [tf.mul(e.loss, b.batchSize), e.correct, e.total];
            });
            const [lv, cv, nv] = await Promise.all([l.data(), c.data(), n.data()]);
            tf.dispose([l, c, n]);
            loss += lv[0];
            correct += cv[0];
            total += nv[0];
          }
          if (hooks.run) hooks.run.probes(epoch, step, await Promise.all(probes.map(readProbe)));
          return { loss: loss / split.validation.length, accuracy: correct / Math.max(total, 1) };
        }
      : undefined,
    validateEvery: a.flags.has('eval-every') ? num(a, 'eval-every', 0, isPositiveInt) : undefined,
    progressEvery: hooks.run ? RUN_PROGRESS_EVERY : undefined,
    onImproved: async (epoch, m) => {
      if (best) tf.dispose(Object.values(best));
      best = snapshot(model.weights);
      bestMetrics = { validationLoss: m.loss, accuracy: m.accuracy };
      await saveCheckpoint(outDir, meta(bestMetrics, epoch + 1), model.weights);
    },
    onProgress: (p) => {
      hooks.progress(p.validation ? `epoch ${p.epoch + 1}: validation accuracy ${(p.validation.accuracy * 100).toFixed(1)}%` : `epoch ${p.epoch + 1}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s`);
      hooks.run?.metric(
        p.validation
          ? { split: 'validation', step: p.step, epoch: p.epoch, loss: p.validation.loss, accuracy: p.validation.accuracy }
          : { split: 'train', step: p.step, epoch: p.epoch, loss: p.loss, tokensPerSecond: p.tokensPerSecond, learningRate: p.learningRate, etaSeconds: p.etaSeconds },
      );
    },
    shouldStop: hooks.shouldStop,
    timeLimitSeconds: timeLimit,
    measureSteps: estimating(a) ? ESTIMATE_STEPS : undefined,
  });
  if (estimating(a)) {
    model.dispose();
    if (!r.measured) throw new TaskError(r.stoppedBy === 'cancelled' ? 'train: the estimate was stopped' : `train: ${data}: no training sentences to time`);
    return estimateResult((Date.now() - t0) / 1000, r.measured, timeLimit, 0);
  }
  if (best) {
    model.setWeights(best);
    tf.dispose(Object.values(best));
  }
  const tail = r.losses.slice(-20);
  const finalLoss = tail.reduce((x, y) => x + y, 0) / Math.max(1, tail.length);
  const metrics = { loss: finalLoss, ...bestMetrics, steps: r.steps, seconds: r.seconds, stoppedBy: r.stoppedBy };
  await saveCheckpoint(outDir, meta(metrics, r.epochsRun), model.weights);
  model.dispose();
  return result(
    { out: outDir, epochs: r.epochsRun, metrics },
    `saved ${outDir}: loss ${finalLoss.toFixed(3)}${bestMetrics.accuracy !== undefined ? `, held-out accuracy ${(bestMetrics.accuracy * 100).toFixed(1)}%` : ''}`,
  );
}

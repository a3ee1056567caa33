/**
 * The engine's tasks, one function per `seqlens` verb: train, translate, trace,
 * neighbors, analogy. The command (src/cli) and the worker (src/worker) both
 * call these, so a model trained in the editor is the same as one trained in a
 * terminal. Options use the command's flag names; a TaskError's message is
 * for the user ("<verb>: <why>").
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { parseClassified, parseTagged } from './data/labeled';
import { DataError, parsePairs } from './data/pairs';
import { ImportedModel, importLayersModel, isLayersModel, ModelImportError } from './imports/layersModel';
import { traceImported } from './imports/traceImported';
import type { TraceResult } from '../protocol/trace';
import { readTextFile, TextFileError } from './data/textFile';
import { HeadsBatch, TaggerClassifier, TaggerClassifierConfig } from './models/taggerClassifier';
import { maskedSparseCrossEntropy } from './training/losses';
import { train } from './training/trainer';
import { Rng } from './random';
import { DEFAULT_VECTORS_ID, defaultVectorsPath, isDefaultModelId, loadDefaultModel, loadLanguageModel, LoadedLanguageModel, TRANSLATION_MODEL_DIR, TRANSLATION_MODEL_ID } from './defaultModels';
import { LanguageModel, LM_PRESETS } from './models/languageModel';
import { AttentionKind, Seq2SeqConfig } from './models/seq2seq';
import { tokenize } from './tokenizer';
import { traceLanguageModel } from './trace';
import { trainLanguageModel } from './training/trainLanguageModel';
import { trainTranslation, translate, translationModelFromCheckpoint, TRANSLATION_DEFAULTS } from './training/trainTranslation';
import { Vocab } from './vocab';
import { trainSkipGram } from './word2vec/skipgram';
import { loadVectorFile, VectorFileError } from './word2vec/parse';
import { WordVectors } from './word2vec/vectors';
import { STATE_NAMES } from '../protocol/trace';

/** An error whose message is for the user (the command prints it as one line and exits with 2). */
export class TaskError extends Error {
  override readonly name = 'TaskError';
}


/** A verb and its options, by the command's flag names (a value of true: the flag alone). */
export interface Args {
  verb: string;
  flags: Map<string, string | true>;
}

/** Options from an object (the worker's requests): numbers become strings, as on a command line. */
export function argsOf(verb: string, options: Record<string, string | number | boolean | undefined>): Args {
  const flags = new Map<string, string | true>();
  for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== false) flags.set(k, v === true ? true : String(v));
  return { verb, flags };
}

export interface TaskHooks {
  /** A line of progress (and, for programs, its numbers). */
  progress(line: string, detail?: Record<string, number>): void;
  /** Checked between training steps: true stops training (what was learned is kept). */
  shouldStop?: () => boolean;
  /** Folder with the wasm binaries (tfjs and the word2vec kernel). */
  wasmDir: string;
  /** Folder with the shipped default models. */
  modelsDir: string;
}

/** What a task returns: the --json document, and the text a person reads. */
export interface TaskResult {
  json: unknown;
  text: string;
}

function str(a: Args, name: string, required: true): string;
function str(a: Args, name: string, required?: false): string | undefined;
function str(a: Args, name: string, required = false): string | undefined {
  const v = a.flags.get(name);
  if (v === undefined) {
    if (required) throw new TaskError(`${a.verb}: --${name} is required`);
    return undefined;
  }
  if (v === true) throw new TaskError(`${a.verb}: --${name} needs a value`);
  return v;
}

function num(a: Args, name: string, fallback: number, check: (n: number) => boolean = Number.isFinite): number {
  const v = str(a, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!check(n)) throw new TaskError(`${a.verb}: --${name} must be a valid number (got "${v}")`);
  return n;
}

const isPositiveInt = (n: number) => Number.isInteger(n) && n > 0;

function lrSchedule(a: Args): 'constant' | 'linear' {
  const v = str(a, 'lr-schedule') ?? 'constant';
  if (v !== 'constant' && v !== 'linear') throw new TaskError(`train: --lr-schedule must be constant or linear (got "${v}")`);
  return v;
}

function readText(a: Args, file: string, hooks?: TaskHooks): string {
  try {
    const { text, encoding } = readTextFile(file);
    if (encoding === 'windows-1252' || encoding.startsWith('utf-16')) hooks?.progress(`${path.basename(file)}: read as ${encoding === 'windows-1252' ? 'Windows-1252 (it is not UTF-8)' : encoding.toUpperCase()}`);
    return text;
  } catch (e) {
    if (e instanceof TextFileError) throw new TaskError(`${a.verb}: ${e.message}`);
    throw e;
  }
}

function result(json: unknown, text: string): TaskResult {
  return { json, text };
}

// ---- trace ------------------------------------------------------------------------------
function loadTraceModel(a: Args, spec: string, modelsDir: string): LoadedLanguageModel {
  if (isDefaultModelId(spec) && !fs.existsSync(spec)) return loadDefaultModel(modelsDir, spec);
  const dir = spec.endsWith('.json') ? path.dirname(spec) : spec;
  if (!fs.existsSync(dir)) throw new TaskError(`${a.verb}: ${spec}: no such checkpoint folder (or a default model: lstm, gru, rnn-tanh, rnn-sigmoid)`);
  const meta = loadCheckpoint(dir).meta;
  if (meta.kind !== 'language-model') throw new TaskError(`${a.verb}: ${spec}: a "${meta.kind}" checkpoint has no recurrent layers to trace here`);
  return loadLanguageModel(dir, path.basename(dir), String(meta.label ?? meta.kind));
}

/** The kind in a checkpoint folder's seqlens.json, without loading its weights (undefined if none). */
function checkpointKind(dir: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'seqlens.json'), 'utf8')).kind;
  } catch {
    return undefined;
  }
}

/** Steps of a probe matrix [T, keys*H] in the trace contract's shape. */
function stepsJson(kind: 'rnn' | 'lstm' | 'gru', states: Float32Array, T: number, H: number) {
  const keys = STATE_NAMES[kind].map((s) => s.key);
  const width = keys.length * H;
  const col = (t: number, k: string) => Array.from(states.subarray(t * width + keys.indexOf(k) * H, t * width + (keys.indexOf(k) + 1) * H));
  const gateKeys = keys.filter((k) => k !== 'h' && k !== 'c');
  return Array.from({ length: T }, (_, t) => ({
    h: col(t, 'h'),
    ...(keys.includes('c') ? { c: col(t, 'c') } : {}),
    ...(gateKeys.length ? { gates: Object.fromEntries(gateKeys.map((k) => [k, col(t, k)])) } : {}),
  }));
}

/** trace on a tagging/classification checkpoint: the encoder's steps, plus both heads' outputs. */
async function traceTaggerClassifier(a: Args, dir: string, text: string): Promise<TaskResult> {
  const { meta, weights } = loadCheckpoint<TaggerClassifierConfig>(dir);
  const model = new TaggerClassifier(meta.config);
  model.setWeights(weights);
  tf.dispose(Object.values(weights));
  const vocab = new Vocab(meta.vocab as string[]);
  const tokens = tokenize(text, { maxTokens: num(a, 'max-tokens', 2000, isPositiveInt) }).tokens.map((t) => t.text);
  if (tokens.length === 0) throw new TaskError('trace: The text has no words to read (only spaces or control characters).');
  const ids = vocab.ids(tokens);
  const kind = meta.config.cell;
  const states = await model.probeStates(ids);
  const heads = await model.read(ids);
  const tagNames = (meta.tagNames as string[]) ?? [];
  const classNames = (meta.classNames as string[]) ?? [];
  const argmax = (row: Float32Array) => row.indexOf(Math.max(...row));
  const tags = tagNames.length ? tokens.map((_, t) => tagNames[argmax(heads.tagProbs.subarray(t * tagNames.length, (t + 1) * tagNames.length))]) : undefined;
  const label = classNames.length ? { label: classNames[argmax(heads.classProbs)], p: Math.max(...heads.classProbs) } : undefined;
  const json = { tokens, ids, layers: [{ name: kind, kind, steps: stepsJson(kind, states, tokens.length, meta.config.units) }], ...(tags ? { tags } : {}), ...(label ? { class: label } : {}) };
  const r_ = result(json, [tags ? tokens.map((w, t) => `${w}/${tags[t]}`).join(' ') : tokens.join(' '), label ? `class: ${label.label} (${(label.p * 100).toFixed(0)}%)` : ''].filter(Boolean).join('\n'));
  model.dispose();
  return r_;
}

export async function traceTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const text = str(a, 'text', true);
  const spec = str(a, 'model') ?? 'lstm';
  const dir = spec.endsWith('.json') ? path.dirname(spec) : spec;
  if (checkpointKind(dir) === 'tagger-classifier') return traceTaggerClassifier(a, dir, text);
  const maxTokens = num(a, 'max-tokens', 2000, isPositiveInt);
  let t: TraceResult;
  if (!isDefaultModelId(spec) && isLayersModel(spec)) {
    // Not a SeqLens checkpoint: a TensorFlow.js LayersModel to import.
    let imported: ImportedModel;
    try {
      imported = importLayersModel(spec);
    } catch (e) {
      if (e instanceof ModelImportError) throw new TaskError(`${a.verb}: ${e.message}`);
      throw e;
    }
    t = traceImported(imported, text, { modelId: spec, modelLabel: imported.name, maxTokens });
  } else {
    const m = loadTraceModel(a, spec, hooks.modelsDir);
    try {
      t = await traceLanguageModel(m.model, m.vocab, text, { modelId: m.id, modelLabel: m.label, maxTokens });
    } finally {
      m.model.dispose();
    }
  }
  const layers = t.layers.map((layer) => {
    const H = layer.units;
    const keys = STATE_NAMES[layer.kind].map((s) => s.key).filter((k) => layer.states[k]);
    const gateKeys = keys.filter((k) => k !== 'h' && k !== 'c');
    const row = (k: string, step: number) => Array.from(layer.states[k].data.subarray(step * H, (step + 1) * H));
    return {
      name: layer.name,
      kind: layer.kind,
      steps: t.tokens.map((_, s) => ({
        h: row('h', s),
        ...(layer.states.c ? { c: row('c', s) } : {}),
        ...(gateKeys.length ? { gates: Object.fromEntries(gateKeys.map((k) => [k, row(k, s)])) } : {}),
      })),
    };
  });
  const json = { tokens: t.tokens.map((x) => x.text), ids: t.tokens.map((x) => x.id), layers, ...(t.output ? { output: t.output } : {}), ...(t.truncatedTokens ? { truncatedTokens: t.truncatedTokens } : {}) };
  const human = t.tokens
    .map((tok, s) => {
      const h = layers[0].steps[s].h;
      const norm = Math.sqrt(h.reduce((acc, v) => acc + v * v, 0));
      const next = t.predictions[s]?.length ? `  next: ${t.predictions[s].slice(0, 3).map((p) => `${p.word} ${(p.p * 100).toFixed(0)}%`).join(', ')}` : '';
      return `${String(s + 1).padStart(3)}  ${(tok.unknown ? `${tok.text} (<unk>)` : tok.text).padEnd(18)} |h| ${norm.toFixed(3)}${next}`;
    })
    .join('\n') + (t.output ? `\noutput: [${t.output.map((v) => v.toFixed(4)).join(', ')}]` : '');
  return result(json, `${t.modelLabel}, ${layers.map((l) => `${l.kind} ${t.layers.find((x) => x.name === l.name)?.units} units`).join(' → ')}\n${human}`);
}

// ---- train ------------------------------------------------------------------------------
export async function trainTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const task = str(a, 'task', true);
  const data = str(a, 'data', true);
  const outDir = str(a, 'out', true);
  const seed = num(a, 'seed', 1, Number.isInteger);
  const epochsFlag = a.flags.has('epochs') ? num(a, 'epochs', 1, isPositiveInt) : undefined;
  const t0 = Date.now();
  if (task === 'translate') {
    const modelFlag = str(a, 'model') ?? 'attention';
    if (!['seq2seq', 'attention', 'transformer'].includes(modelFlag)) throw new TaskError(`train: --task translate takes --model seq2seq, attention or transformer (got "${modelFlag}")`);
    if (modelFlag === 'transformer' && a.flags.has('teacher-forcing') && num(a, 'teacher-forcing', 1) < 1) {
      throw new TaskError('train: the Transformer reads the whole reference at once, so it trains with --teacher-forcing 1 only');
    }
    const attention: AttentionKind = modelFlag === 'seq2seq' ? 'none' : ((str(a, 'attention') ?? 'dot') as AttentionKind);
    if (!['none', 'additive', 'dot'].includes(attention)) throw new TaskError(`train: --attention must be additive or dot (got "${attention}")`);
    const text = readText(a, data, hooks);
    let pairs;
    try {
      pairs = parsePairs(text, data);
    } catch (e) {
      if (e instanceof DataError) throw new TaskError(`train: ${e.message}`);
      throw e;
    }
    const limit = num(a, 'limit', pairs.length, isPositiveInt);
    const res = await trainTranslation(pairs.slice(0, limit), {
      architecture: modelFlag === 'transformer' ? 'transformer' : 'rnn',
      attention,
      seed,
      epochs: epochsFlag ?? TRANSLATION_DEFAULTS.epochs,
      teacherForcing: num(a, 'teacher-forcing', 1, (n) => n >= 0 && n <= 1),
      teacherForcingDecay: num(a, 'teacher-forcing-decay', 1, (n) => n > 0 && n <= 1),
      units: num(a, 'units', TRANSLATION_DEFAULTS.units, isPositiveInt),
      embeddingSize: num(a, 'embedding', TRANSLATION_DEFAULTS.embeddingSize, isPositiveInt),
      batchSize: num(a, 'batch', TRANSLATION_DEFAULTS.batchSize, isPositiveInt),
      learningRate: num(a, 'lr', TRANSLATION_DEFAULTS.learningRate, (n) => n > 0),
      timeLimitSeconds: a.flags.has('time-limit') ? num(a, 'time-limit', 0, (n) => n > 0) : undefined,
      schedule: lrSchedule(a),
      testBeam: num(a, 'beam', 1, isPositiveInt),
      shouldStop: hooks.shouldStop,
      patience: num(a, 'patience', TRANSLATION_DEFAULTS.patience ?? 2, isPositiveInt),
      minCount: num(a, 'min-count', TRANSLATION_DEFAULTS.minCount, isPositiveInt),
      tieEmbeddings: !a.flags.has('untied'),
      onProgress: (p) =>
        hooks.progress(
          p.validation
            ? `epoch ${p.epoch + 1}: validation loss ${p.validation.loss.toFixed(3)}, BLEU ${p.validation.bleu.toFixed(2)}`
            : `epoch ${p.epoch + 1}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s teacher forcing ${p.teacherForcing.toFixed(2)} ETA ${Math.round(p.etaSeconds)} s`,
        ),
    });
    const config = res.model.config;
    const metrics = { testBleu: res.metrics.testBleu, validationLoss: res.metrics.validationLoss, validationBleu: res.metrics.validationBleu, steps: res.training.steps, seconds: (Date.now() - t0) / 1000, trainPairs: res.metrics.trainPairs, testPairs: res.metrics.testPairs, stoppedBy: res.training.stoppedBy };
    await saveCheckpoint(
      outDir,
      {
        kind: modelFlag === 'transformer' ? 'transformer' : 'seq2seq',
        config,
        vocab: undefined,
        sourceVocab: res.sourceVocab.toJSON(),
        targetVocab: res.targetVocab.toJSON(),
        training: { data: path.basename(data), epochs: res.training.epochsRun, seed, metrics: metrics as unknown as Record<string, number> },
      },
      res.model.weights,
    );
    const r_ = result({ out: outDir, epochs: res.training.epochsRun, metrics }, `saved ${outDir}: test BLEU ${res.metrics.testBleu.toFixed(2)} on ${res.metrics.testPairs} held-out pairs (${res.training.stoppedBy}, ${metrics.seconds.toFixed(0)} s)`);
    res.model.dispose();
    return r_;
  }
  if (task === 'lm') {
    const kind = str(a, 'model') ?? 'lstm';
    const presetId = kind === 'rnn' ? 'default-rnn-tanh' : `default-${kind}`;
    if (!['lstm', 'gru', 'rnn'].includes(kind)) throw new TaskError(`train: --task lm takes --model rnn, lstm or gru (got "${kind}")`);
    const sentences = readText(a, data, hooks)
      .split(/\r?\n/)
      .map((l) => tokenize(l).tokens.map((t) => t.text))
      .filter((s) => s.length > 0);
    if (sentences.length === 0) throw new TaskError(`train: ${data}: no text to train on`);
    const vocab = Vocab.build(sentences, { minCount: num(a, 'min-count', 1, isPositiveInt) });
    const preset = LM_PRESETS[presetId as keyof typeof LM_PRESETS];
    const config = { ...preset, units: num(a, 'units', preset.units, isPositiveInt), vocabSize: vocab.size };
    const model = new LanguageModel(config, seed);
    const epochs = epochsFlag ?? 4;
    const r = await trainLanguageModel(model, sentences, vocab, {
      epochs,
      batchSize: 64,
      learningRate: 0.01,
      clipNorm: 5,
      seed,
      maxLength: 40,
      shouldStop: hooks.shouldStop,
      onProgress: (p) => hooks.progress(`epoch ${p.epoch + 1} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s`),
    });
    const metrics = { loss: r.finalLoss, perplexity: Math.exp(r.finalLoss), steps: r.steps, seconds: r.seconds };
    await saveCheckpoint(outDir, { kind: 'language-model', label: kind.toUpperCase(), config, vocab: vocab.toJSON(), training: { data: path.basename(data), epochs, seed, metrics } }, model.weights);
    const r_ = result({ out: outDir, epochs, metrics }, `saved ${outDir}: loss ${r.finalLoss.toFixed(3)}, perplexity ${metrics.perplexity.toFixed(2)}`);
    model.dispose();
    return r_;
  }
  if (task === 'word2vec') {
    const kind = str(a, 'model') ?? 'skipgram';
    if (kind !== 'skipgram') throw new TaskError(`train: --task word2vec takes --model skipgram (got "${kind}")`);
    const sentences = readText(a, data, hooks)
      .split(/\r?\n/)
      .map((l) => tokenize(l).tokens.map((t) => t.text).filter((w) => /[\p{L}\p{N}]/u.test(w)))
      .filter((s) => s.length > 0);
    if (sentences.length === 0) throw new TaskError(`train: ${data}: no words to train on`);
    const r = await trainSkipGram(
      sentences,
      {
        dim: num(a, 'dim', 100, isPositiveInt),
        window: num(a, 'window', 5, isPositiveInt),
        negative: num(a, 'negative', 5, (n) => Number.isInteger(n) && n >= 0),
        epochs: epochsFlag ?? 5,
        minCount: num(a, 'min-count', 5, isPositiveInt),
        sample: num(a, 'sample', 1e-3, (n) => n >= 0),
        seed,
      },
      {
        kernel: fs.readFileSync(path.join(hooks.wasmDir, 'sgns.wasm')),
        shouldStop: hooks.shouldStop,
        onProgress: (p) => hooks.progress(`epoch ${p.epoch + 1} ${(p.fraction * 100).toFixed(1)}% ${Math.round(p.wordsPerSecond)} words/s alpha ${p.alpha.toFixed(5)} ETA ${Math.round(p.etaSeconds)} s`),
      },
    );
    const v = r.vectors;
    const metrics = { words: v.size, dim: v.dim, wordsPerSecond: r.wordsPerSecond, seconds: r.seconds };
    await saveCheckpoint(
      outDir,
      { kind: 'word2vec', config: { dim: v.dim }, vocab: [...v.words], training: { data: path.basename(data), epochs: epochsFlag ?? 5, seed, metrics } },
      { 'embedding/embeddings': tf.tensor2d(v.vectors, [v.size, v.dim]) },
    );
    return result({ out: outDir, epochs: epochsFlag ?? 5, metrics }, `saved ${outDir}: ${v.size} words × ${v.dim}, ${Math.round(r.wordsPerSecond)} words/s`);
  }
  if (task === 'tag' || task === 'classify') {
    const kind = str(a, 'model') ?? 'lstm';
    if (!['lstm', 'gru', 'rnn'].includes(kind)) throw new TaskError(`train: --task ${task} takes --model rnn, lstm or gru (got "${kind}")`);
    const text = readText(a, data, hooks);
    const examples =
      task === 'tag'
        ? parseTagged(text, data).map((s) => ({ words: s.words, tags: s.tags, label: '' }))
        : parseClassified(text, data).map((s) => ({ words: s.words, tags: [] as string[], label: s.label }));
    const vocab = Vocab.build(examples.map((e) => e.words), { minCount: num(a, 'min-count', 1, isPositiveInt) });
    const tagNames = [...new Set(examples.flatMap((e) => e.tags))].sort();
    const classNames = task === 'classify' ? [...new Set(examples.map((e) => e.label))].sort() : [];
    if (task === 'classify' && classNames.length < 2) throw new TaskError(`train: ${data}: classification needs at least two labels (found ${classNames.length})`);
    const config: TaggerClassifierConfig = {
      cell: kind as 'lstm',
      activation: kind === 'rnn' ? ((str(a, 'activation') ?? 'tanh') as 'tanh') : undefined,
      vocabSize: vocab.size,
      embeddingSize: num(a, 'embedding', 32, isPositiveInt),
      units: num(a, 'units', 64, isPositiveInt),
      tags: tagNames.length,
      classes: classNames.length,
    };
    const model = new TaggerClassifier(config, seed);
    const rng = new Rng(seed);
    const epochs = epochsFlag ?? 5;
    const B = 32;
    const makeBatches = (): HeadsBatch[] => {
      const order = rng.shuffle([...examples.keys()]);
      const out: HeadsBatch[] = [];
      for (let i = 0; i < order.length; i += B) {
        const group = order.slice(i, i + B).map((k) => examples[k]);
        const T = Math.max(...group.map((e) => e.words.length));
        const ids = new Int32Array(group.length * T);
        const tags = new Int32Array(group.length * T);
        group.forEach((e, b) =>
          e.words.forEach((w, t) => {
            ids[b * T + t] = vocab.id(w);
            if (task === 'tag') tags[b * T + t] = tagNames.indexOf(e.tags[t]);
          }),
        );
        out.push({ ids, tags, labels: Int32Array.from(group.map((e) => Math.max(0, classNames.indexOf(e.label)))), batchSize: group.length, length: T });
      }
      return out;
    };
    const r = await train<HeadsBatch>({
      epochs,
      learningRate: 0.005,
      clipNorm: 5,
      batches: makeBatches,
      tokensIn: (b) => b.batchSize * b.length,
      variables: Object.values(model.weights),
      loss: (b) => {
        const outs = model.logits(tf.tensor2d(b.ids, [b.batchSize, b.length], 'int32'));
        if (task === 'tag') {
          const labels = tf.reshape(tf.transpose(tf.tensor2d(b.tags!, [b.batchSize, b.length], 'int32')), [-1]) as tf.Tensor1D;
          return maskedSparseCrossEntropy(outs.tags!, labels, tf.reshape(outs.mask, [-1]) as tf.Tensor1D);
        }
        return maskedSparseCrossEntropy(outs.classes!, tf.tensor1d(b.labels!, 'int32'), tf.ones([b.batchSize]) as tf.Tensor1D);
      },
      onProgress: (p) => hooks.progress(`epoch ${p.epoch + 1}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s`),
      shouldStop: hooks.shouldStop,
    });
    const finalLoss = r.losses.slice(-20).reduce((x, y) => x + y, 0) / Math.max(1, Math.min(20, r.losses.length));
    const metrics = { loss: finalLoss, steps: r.steps, seconds: r.seconds };
    await saveCheckpoint(
      outDir,
      { kind: 'tagger-classifier', label: `${kind.toUpperCase()} ${task === 'tag' ? 'tagger' : 'classifier'}`, config, vocab: vocab.toJSON(), tagNames, classNames, training: { data: path.basename(data), epochs, seed, metrics } },
      model.weights,
    );
    model.dispose();
    return result({ out: outDir, epochs, metrics }, `saved ${outDir}: loss ${finalLoss.toFixed(3)}`);
  }
  throw new TaskError(`train: unknown --task "${task}" (translate, lm, tag, classify, word2vec)`);
}

// ---- translate ----------------------------------------------------------------------------
export async function translateTask(a: Args, hooks?: TaskHooks): Promise<TaskResult> {
  const spec = str(a, 'model') ?? TRANSLATION_MODEL_ID;
  // The embedded model by its id (unless a folder of that name exists here).
  const dir = spec === TRANSLATION_MODEL_ID && !fs.existsSync(spec) && hooks ? path.join(hooks.modelsDir, TRANSLATION_MODEL_DIR) : spec;
  const text = str(a, 'text', true);
  const beam = num(a, 'beam', 1, isPositiveInt);
  if (!fs.existsSync(dir)) throw new TaskError(`translate: ${dir}: no such checkpoint folder`);
  const { meta, weights } = loadCheckpoint<Seq2SeqConfig>(dir);
  if (meta.kind !== 'seq2seq' && meta.kind !== 'transformer') throw new TaskError(`translate: ${dir}: a "${meta.kind}" checkpoint is not a translation model`);
  if (beam > 1 && meta.kind === 'transformer') throw new TaskError('translate: --beam is available for the recurrent models; the Transformer decodes greedily');
  const model = translationModelFromCheckpoint(meta.kind, meta.config);
  model.setWeights(weights);
  tf.dispose(Object.values(weights));
  const sourceVocab = new Vocab(meta.sourceVocab as string[]);
  const targetVocab = new Vocab(meta.targetVocab as string[]);
  const r = await translate(model, sourceVocab, targetVocab, text, beam);
  if (r.source.length === 0) throw new TaskError('translate: --text has no words');
  const outText = r.output.join(' ');
  model.dispose();
  return result({ source: r.source, output: r.output, text: outText, attention: r.attention }, outText);
}

// ---- neighbors / analogy --------------------------------------------------------------------
/** Word vectors from a SeqLens word2vec checkpoint folder, or a vector file (word2vec text or binary, GloVe, projector TSV with --metadata). */
function loadVectors(a: Args, spec: string, hooks?: TaskHooks): WordVectors {
  // The embedded vectors by their id (unless a file of that name exists here).
  if (spec === DEFAULT_VECTORS_ID && !fs.existsSync(spec) && hooks) spec = defaultVectorsPath(hooks.modelsDir);
  if (!fs.existsSync(spec)) throw new TaskError(`${a.verb}: ${spec}: no such file or folder`);
  if (fs.statSync(spec).isDirectory()) {
    const { meta, weights } = loadCheckpoint(spec);
    const emb = weights['embedding/embeddings'];
    if (!emb || !Array.isArray(meta.vocab)) throw new TaskError(`${a.verb}: ${spec}: a "${meta.kind}" checkpoint has no word vectors`);
    const v = new WordVectors(meta.vocab, Float32Array.from(emb.dataSync()), emb.shape[1] as number);
    tf.dispose(Object.values(weights));
    return v;
  }
  const metadata = str(a, 'metadata');
  try {
    let meta: Buffer | undefined;
    if (metadata) {
      try {
        meta = fs.readFileSync(metadata);
      } catch (e) {
        throw new VectorFileError(`${metadata}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    }
    return loadVectorFile(spec, meta ? { metadata: meta, metadataFile: metadata } : {});
  } catch (e) {
    if (e instanceof VectorFileError) throw new TaskError(`${a.verb}: ${e.message}`);
    throw e;
  }
}

export async function neighborsTask(a: Args, hooks?: TaskHooks): Promise<TaskResult> {
  const v = loadVectors(a, str(a, 'vectors') ?? DEFAULT_VECTORS_ID, hooks);
  const word = str(a, 'word', true);
  const k = num(a, 'k', 10, isPositiveInt);
  if (!v.has(word)) throw new TaskError(`neighbors: "${word}" is not in the vocabulary`);
  const neighbors = v.neighbors(word, k);
  return result({ word, neighbors }, neighbors.map((n) => `${n.word}\t${n.similarity.toFixed(4)}`).join('\n'));
}

export async function analogyTask(a: Args, hooks?: TaskHooks): Promise<TaskResult> {
  const v = loadVectors(a, str(a, 'vectors') ?? DEFAULT_VECTORS_ID, hooks);
  const [wa, wb, wc] = ['a', 'b', 'c'].map((f) => str(a, f, true));
  for (const w of [wa, wb, wc]) if (!v.has(w)) throw new TaskError(`analogy: "${w}" is not in the vocabulary`);
  const neighbors = v.analogy(wa, wb, wc, num(a, 'k', 10, isPositiveInt));
  return result({ word: `${wb} - ${wa} + ${wc}`, neighbors }, neighbors.map((n) => `${n.word}\t${n.similarity.toFixed(4)}`).join('\n'));
}


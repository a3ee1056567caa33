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
import { checkpointKindOf, loadCheckpoint } from './checkpoint';
import { parseClassified, parseTagged } from './data/labeled';
import { DataError, parsePairs } from './data/pairs';
import { ImportedModel, importLayersModel, isLayersModel, ModelImportError } from './imports/layersModel';
import { traceImported } from './imports/traceImported';
import type { TraceResult } from '../protocol/trace';
import { TaggerClassifier, TaggerClassifierConfig } from './models/taggerClassifier';
import { DEFAULT_VECTORS_ID, isDefaultModelId, loadDefaultModel, loadLanguageModel, LoadedLanguageModel, TRANSLATION_MODEL_ID } from './defaultModels';
import { Seq2Seq, Seq2SeqConfig } from './models/seq2seq';
import { tokenize } from './tokenizer';
import { BadInputError, traceLanguageModel } from './trace';
import { pairTokens } from './data/pairs';
import { makeBatch } from './training/trainLanguageModel';
import { maskedSparseCrossEntropy } from './training/losses';
import { translate, translationModelFromCheckpoint } from './training/trainTranslation';
import { corpusBleu } from './metrics/bleu';
import { Vocab, vocabFromMeta } from './vocab';
import { loadVectors } from './vectorsArg';
import { detokenizeFor } from './detokenize';
import { STATE_NAMES } from '../protocol/trace';
import { Args, isPositiveInt, num, result, str, TaskError, TaskHooks, TaskResult } from './taskArgs';
import { readTaskData } from './trainTask';
import { listRuns, runsRoot } from './runs/runs';
import { attentionJson, attentionView, LensError, LoadedTransformer, loadTransformer, MAX_LENS_TOKENS, peJson } from './transformerLens';
import { headFlags } from './attentionMath';
import { DEFAULT_TOP_K, parseForceAttention, sourceIds, TranslationLensError, translationView, TranslationView } from './translationLens';
import { EMBEDDED_TRANSLATION_MODELS, embeddedTranslationDir, HEADS_MODEL_DIRS, TRANSFORMER_LM_ID, TRANSFORMER_MODEL_ID } from './defaultIds';
import { TransformerLanguageModel, type TransformerLmConfig } from './models/transformerLm';
import { MAX_NONLINEAR } from '../protocol/projector';
import { cosineKnn, ProjectionStopped, trustworthiness } from './projection/knn';
import { NonFiniteVector, pca, PcaStopped } from './projection/pca';
import { tsne } from './projection/tsne';
import { umap } from './projection/umap';
import { Transformer } from './models/transformer';

export { argsOf, TaskError } from './taskArgs';
export type { Args, RunHooks, TaskHooks, TaskResult } from './taskArgs';
export { trainTask } from './trainTask';


// ---- trace ------------------------------------------------------------------------------
function loadTraceModel(a: Args, spec: string, modelsDir: string): LoadedLanguageModel {
  if (isDefaultModelId(spec) && !fs.existsSync(spec)) return loadDefaultModel(modelsDir, spec);
  const dir = spec.endsWith('.json') ? path.dirname(spec) : spec;
  if (!fs.existsSync(dir)) throw new TaskError(`${a.verb}: ${spec}: no such checkpoint folder (or a default model: lstm, gru, rnn-tanh, rnn-sigmoid)`);
  const meta = loadCheckpoint(dir).meta;
  if (meta.kind !== 'language-model') throw new TaskError(`${a.verb}: ${spec}: a "${meta.kind}" checkpoint has no recurrent layers to trace here`);
  return loadLanguageModel(dir, path.basename(dir), String(meta.label ?? meta.kind));
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
  // The classification head read at every prefix: what the label would be if the text ended there (the last is the label).
  const C = classNames.length;
  const classByStep = C ? tokens.map((_, t) => {
    const row = heads.classProbsPerStep.subarray(t * C, (t + 1) * C);
    return { label: classNames[argmax(row)], p: Math.max(...row) };
  }) : undefined;
  const json = {
    tokens,
    ids,
    model: String(meta.label ?? path.basename(dir)),
    layers: [{ name: kind, kind, steps: stepsJson(kind, states, tokens.length, meta.config.units) }],
    ...(tags ? { tags } : {}),
    ...(label ? { class: label, classes: classNames, classByStep } : {}),
  };
  const r_ = result(json, [tags ? tokens.map((w, t) => `${w}/${tags[t]}`).join(' ') : tokens.join(' '), label ? `class: ${label.label} (${(label.p * 100).toFixed(0)}%)` : ''].filter(Boolean).join('\n'));
  model.dispose();
  return r_;
}

export async function traceTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const text = str(a, 'text', true);
  const spec = str(a, 'model') ?? 'lstm';
  const dir = spec.endsWith('.json') ? path.dirname(spec) : spec;
  if (checkpointKindOf(dir) === 'tagger-classifier') return traceTaggerClassifier(a, dir, text);
  if (a.flags.has('heads')) {
    // --heads: the embedded tagger + classifier of that cell (or the checkpoint's own heads, above).
    const headsDir = isDefaultModelId(spec) && !fs.existsSync(spec) ? path.join(hooks.modelsDir, HEADS_MODEL_DIRS[spec]) : undefined;
    if (!headsDir) throw new TaskError(`trace: --heads reads a tagger/classifier: ${spec} is not one (give lstm, gru, rnn-tanh, rnn-sigmoid, or a checkpoint made by train --task tag|classify)`);
    return traceTaggerClassifier(a, headsDir, text);
  }
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

// ---- translate ----------------------------------------------------------------------------
/** Lines decoded together by `translate --file` (greedy, recurrent models). */
const FILE_BATCH = 64;

/** A translation checkpoint by folder, or the embedded model by its id. */
function loadTranslationModel(a: Args, hooks?: TaskHooks) {
  const spec = str(a, 'model') ?? TRANSLATION_MODEL_ID;
  // The embedded model by its id (unless a folder of that name exists here).
  const embedded = embeddedTranslationDir(spec);
  const dir = embedded && !fs.existsSync(spec) && hooks ? path.join(hooks.modelsDir, embedded) : spec;
  if (!fs.existsSync(dir)) throw new TaskError(`${a.verb}: ${dir}: no such checkpoint folder`);
  const { meta, weights } = loadCheckpoint<Seq2SeqConfig>(dir);
  if (meta.kind !== 'seq2seq' && meta.kind !== 'transformer') throw new TaskError(`${a.verb}: ${dir}: a "${meta.kind}" checkpoint is not a translation model`);
  const model = translationModelFromCheckpoint(meta.kind, meta.config);
  model.setWeights(weights);
  tf.dispose(Object.values(weights));
  return { model, kind: meta.kind, sourceVocab: vocabFromMeta(meta.sourceVocab, meta.sourceSubword), targetVocab: vocabFromMeta(meta.targetVocab, meta.targetSubword) };
}

export async function translateTask(a: Args, hooks?: TaskHooks): Promise<TaskResult> {
  const file = str(a, 'file');
  const text = file === undefined ? str(a, 'text', true) : undefined;
  const beam = num(a, 'beam', 1, isPositiveInt);
  const m = loadTranslationModel(a, hooks);
  try {
    if (beam > 1 && m.kind === 'transformer') throw new TaskError('translate: --beam is available for the recurrent models; the Transformer decodes greedily');
    if (file !== undefined) {
      // One model load for the whole file; a line at a time through the loaded model.
      if (!fs.existsSync(file)) throw new TaskError(`translate: ${file}: no such file`);
      const lines = readTaskData(a, file, hooks).split(/\r?\n/);
      if (lines.length && lines[lines.length - 1] === '') lines.pop();
      const translations: string[] = new Array(lines.length).fill('');
      const sources = lines.map((l) => m.sourceVocab.pieces(pairTokens(l.split('\t')[0])));
      if (m.model instanceof Seq2Seq && beam === 1) {
        // Greedy: batches of similar length decoded together (the same outputs as one by one).
        const order = [...sources.keys()].filter((i) => sources[i].length > 0).sort((x, y) => sources[x].length - sources[y].length);
        for (let at = 0; at < order.length; at += FILE_BATCH) {
          if (hooks?.shouldStop?.()) throw new TaskError('translate: stopped');
          const group = order.slice(at, at + FILE_BATCH);
          const outs = await m.model.decodeBatch(group.map((i) => sourceIds(m.sourceVocab, sources[i]).ids));
          group.forEach((i, k) => (translations[i] = detokenizeFor(outs[k].map((id) => m.targetVocab.word(id)), m.targetVocab).text));
          hooks?.progress(`translated ${Math.min(at + FILE_BATCH, order.length)} of ${order.length} lines`);
        }
      } else {
        for (let i = 0; i < lines.length; i++) {
          if (hooks?.shouldStop?.()) throw new TaskError('translate: stopped');
          if (sources[i].length) translations[i] = (await translate(m.model, m.sourceVocab, m.targetVocab, lines[i].split('\t')[0], beam)).text;
          if ((i + 1) % 100 === 0) hooks?.progress(`translated ${i + 1} of ${lines.length} lines`);
        }
      }
      return result({ translations }, translations.join('\n'));
    }
    if (!text!.trim()) throw new TaskError('translate: --text is empty: give a sentence to translate');
    const reference = str(a, 'reference');
    const forceSpec = str(a, 'force-attention');
    let r: TranslationView;
    try {
      r = await translationView(m.model, m.sourceVocab, m.targetVocab, text!, {
        beam,
        topK: num(a, 'top-k', DEFAULT_TOP_K, isPositiveInt),
        ...(reference !== undefined ? { reference } : {}),
        ...(forceSpec !== undefined ? { forceAttention: parseForceAttention(forceSpec) } : {}),
      });
    } catch (e) {
      if (e instanceof TranslationLensError) throw new TaskError(`translate: ${e.message}`);
      throw e;
    }
    const outText = r.text;
    // The Transformer: its cross-attention per layer and head, a row per output word ("attention" is the last layer's mean).
    let crossAttention: Array<{ layer: number; heads: number[][][] }> | undefined;
    if (m.model instanceof Transformer && r.output.length) {
      const probes = await m.model.fullProbe(m.sourceVocab.ids(r.source), m.targetVocab.ids(r.output));
      crossAttention = probes
        .filter((p) => p.kind === 'cross')
        .map((p) => ({ layer: p.layer, heads: Array.from({ length: p.heads }, (_, h) => Array.from({ length: r.output.length }, (_, t) => Array.from(p.weights.subarray((h * p.queries + t) * p.keys, (h * p.queries + t + 1) * p.keys)))) }));
    }
    const json = {
      source: r.source,
      output: r.output,
      text: outText,
      outputOffsets: r.outputOffsets,
      attention: r.attention,
      ...(crossAttention ? { crossAttention } : {}),
      kind: r.kind,
      attentionKind: r.attentionKind,
      beamWidth: r.beamWidth,
      unknown: r.unknown,
      caseFolded: r.caseFolded,
      knownWords: r.knownWords,
      steps: r.steps,
      ...(r.forced ? { forced: { output: r.forced.reference, ...r.forced } } : {}),
      ...(r.beam ? { beam: r.beam } : {}),
      ...(r.forcedAttention ? { forcedAttention: { step: r.forcedAttention.step + 1, position: r.forcedAttention.position + 1 }, unforcedOutput: r.unforcedOutput } : {}),
    };
    const notes = [
      r.unknown.length ? `unknown to the model: ${r.unknown.map((i) => r.source[i]).join(', ')} (read as <unk>; it knows ${r.knownWords} words)` : '',
      r.forced ? `reference log-probability ${r.forced.referenceLogProb.reduce((x, y) => x + y, 0).toFixed(3)} (teacher-forced, ${r.forced.referenceLogProb.length} steps)${r.forced.firstDivergence === null ? '; the free output is the reference' : `; the free output leaves it at step ${r.forced.firstDivergence + 1}`}` : '',
      r.forcedAttention ? `attention forced onto "${r.source[r.forcedAttention.position]}" at step ${r.forcedAttention.step + 1}; without it: ${r.unforcedOutput!.join(' ')}` : '',
    ].filter(Boolean);
    return result(json, [outText, ...notes].join('\n'));
  } finally {
    m.model.dispose();
  }
}

// ---- eval -----------------------------------------------------------------------------------
/**
 * `seqlens eval --model DIR --data FILE`: BLEU (sacreBLEU 13a, corpus level) for a translation
 * model on sentence pairs, accuracy for a tagger or classifier on its labelled data, perplexity
 * for a language model on text (one sentence a line).
 */
export async function evalTask(a: Args, hooks?: TaskHooks): Promise<TaskResult> {
  const spec = str(a, 'model', true);
  const data = str(a, 'data', true);
  const dir = spec.endsWith('.json') ? path.dirname(spec) : spec;
  const embedded = EMBEDDED_TRANSLATION_MODELS.find((m) => m.id === spec);
  const kind = checkpointKindOf(dir) ?? (embedded ? (embedded.architecture === 'transformer' ? 'transformer' : 'seq2seq') : undefined);
  if (!kind) throw new TaskError(`eval: ${spec}: not a SeqLens checkpoint folder (no seqlens.json)`);
  const text = readTaskData(a, data, hooks);
  const wrap = (e: unknown): never => {
    if (e instanceof DataError) throw new TaskError(`eval: ${e.message}`);
    throw e;
  };
  if (kind === 'seq2seq' || kind === 'transformer') {
    let pairs;
    try {
      pairs = parsePairs(text, data);
    } catch (e) {
      return wrap(e);
    }
    const beam = num(a, 'beam', 1, isPositiveInt);
    const m = loadTranslationModel(a, hooks);
    try {
      if (beam > 1 && m.kind === 'transformer') throw new TaskError('eval: --beam is available for the recurrent models; the Transformer decodes greedily');
      const hyps: string[] = [];
      // Detokenized output against the raw references (13a tokenizes both), as sacreBLEU scores.
      for (const p of pairs) hyps.push((await translate(m.model, m.sourceVocab, m.targetVocab, p.source, beam)).text);
      const bleu = corpusBleu(hyps, pairs.map((p) => p.target)).score;
      return result({ bleu, sentences: pairs.length }, `BLEU ${bleu.toFixed(2)} on ${pairs.length} pairs${beam > 1 ? ` (beam ${beam})` : ' (greedy)'}`);
    } finally {
      m.model.dispose();
    }
  }
  if (kind === 'tagger-classifier') {
    const { meta, weights } = loadCheckpoint<TaggerClassifierConfig>(dir);
    const model = new TaggerClassifier(meta.config);
    model.setWeights(weights);
    tf.dispose(Object.values(weights));
    const vocab = new Vocab(meta.vocab as string[]);
    const tagNames = (meta.tagNames as string[]) ?? [];
    const classNames = (meta.classNames as string[]) ?? [];
    const argmax = (row: Float32Array) => row.indexOf(Math.max(...row));
    let correct = 0;
    let total = 0;
    try {
      if (meta.config.tags > 0) {
        let sentences;
        try {
          sentences = parseTagged(text, data);
        } catch (e) {
          return wrap(e);
        }
        for (const s of sentences) {
          const heads = await model.read(vocab.ids(s.words));
          s.tags.forEach((tag, t) => {
            correct += tagNames[argmax(heads.tagProbs.subarray(t * tagNames.length, (t + 1) * tagNames.length))] === tag ? 1 : 0;
            total++;
          });
        }
      } else {
        let items;
        try {
          items = parseClassified(text, data);
        } catch (e) {
          return wrap(e);
        }
        for (const it of items) {
          const heads = await model.read(vocab.ids(it.words));
          correct += classNames[argmax(heads.classProbs)] === it.label ? 1 : 0;
          total++;
        }
      }
    } finally {
      model.dispose();
    }
    const accuracy = correct / Math.max(total, 1);
    return result({ accuracy, items: total }, `accuracy ${(accuracy * 100).toFixed(2)}% on ${total} ${meta.config.tags > 0 ? 'words' : 'texts'}`);
  }
  if (kind === 'language-model') {
    const m = loadTraceModel(a, dir, hooks?.modelsDir ?? '');
    const sentences = text
      .split(/\r?\n/)
      .map((l) => tokenize(l).tokens.map((t) => t.text))
      .filter((s) => s.length > 0);
    if (sentences.length === 0) throw new TaskError(`eval: ${data}: no text`);
    let sum = 0;
    let n = 0;
    try {
      for (let i = 0; i < sentences.length; i += 128) {
        // (per piece for a subword model: its perplexity is per piece, not per word)
        const batch = makeBatch(sentences.slice(i, i + 128).map((s) => m.vocab.ids(m.vocab.pieces(s))), 40);
        const l = tf.tidy(() => {
          const ids = tf.tensor2d(batch.inputs, [batch.B, batch.T], 'int32');
          const targets = tf.reshape(tf.transpose(tf.tensor2d(batch.targets, [batch.B, batch.T], 'int32')), [-1]) as tf.Tensor1D; // time-major, as the logits
          const mask = tf.reshape(tf.transpose(tf.tensor2d(batch.mask, [batch.B, batch.T])), [-1]) as tf.Tensor1D;
          const tokens = batch.mask.reduce((x, y) => x + y, 0);
          n += tokens;
          return tf.mul(maskedSparseCrossEntropy(m.model.logits(ids), targets, mask), tokens);
        });
        sum += (await l.data())[0];
        l.dispose();
      }
    } finally {
      m.model.dispose();
    }
    const perplexity = Math.exp(sum / Math.max(n, 1));
    return result({ perplexity, tokens: n }, `perplexity ${perplexity.toFixed(2)} over ${n} tokens`);
  }
  throw new TaskError(`eval: a "${kind}" checkpoint has nothing to evaluate here`);
}

// ---- runs -----------------------------------------------------------------------------------
/** `seqlens runs [--dir WORKSPACE]`: the runs in WORKSPACE/.seqlens/runs (the editor's Runs view lists the same). */
export async function runsTask(a: Args): Promise<TaskResult> {
  const ws = str(a, 'dir') ?? process.cwd();
  const runs = listRuns(runsRoot(ws));
  const json = { runs: runs.map((r) => ({ id: r.id, task: r.task, model: r.model, state: r.state, metrics: r.metrics, ...(r.problem ? { problem: r.problem } : {}) })) };
  const fmt = (m: Record<string, number | string>) =>
    Object.entries(m)
      .filter(([k]) => ['testBleu', 'accuracy', 'perplexity', 'loss', 'words'].includes(k))
      .map(([k, v]) => `${k} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(3)) : v}`)
      .join(', ');
  const text = runs.length ? runs.map((r) => `${r.id}\t${r.state}\t${r.task ?? '?'} ${r.model ?? '?'}\t${r.problem ?? fmt(r.metrics)}`).join('\n') : `no runs in ${runsRoot(ws)}`;
  return result(json, text);
}

// ---- neighbors / analogy --------------------------------------------------------------------

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


// ---- attention / pe (the Transformer lens) --------------------------------------------------
/**
 * `seqlens attention --model DIR|en-ko-transformer --text "…"`: the text translated, and every
 * attention sub-layer's weights (encoder self, decoder causal self, cross) per layer and head.
 */
export async function attentionTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const text = str(a, 'text', true);
  const spec = str(a, 'model') ?? TRANSFORMER_MODEL_ID;
  let m: LoadedTransformer;
  try {
    m = loadTransformer(spec, hooks.modelsDir);
  } catch (e) {
    if (e instanceof LensError) throw new TaskError(`attention: ${e.message}`);
    throw e;
  }
  try {
    const v = await attentionView(m, text, { maxTokens: num(a, 'max-tokens', MAX_LENS_TOKENS, isPositiveInt) });
    if (v.truncatedTokens) hooks.progress(`attention: the text is longer than ${MAX_LENS_TOKENS} words; reading its first ${v.source.length}`);
    const json = attentionJson(v);
    const lines = [`${v.modelLabel}: ${json.source.join(' ')} → ${v.output.join(' ')}`];
    for (const s of v.sublayers) {
      const flags = headFlags(s).map((f, h) => `head ${h + 1}: ${f.flag ?? 'mixed'} (entropy ${f.entropy.toFixed(2)})`);
      lines.push(`layer ${s.layer + 1} ${s.kind}: ${flags.join(', ')}`);
    }
    return result(json, lines.join('\n'));
  } catch (e) {
    if (e instanceof LensError) throw new TaskError(`attention: ${e.message}`);
    throw e;
  } finally {
    m.model.dispose();
  }
}

/** `seqlens pe --length N --dim D`: the sinusoidal positional encoding, [length][dim]. */
export async function peTask(a: Args): Promise<TaskResult> {
  const length = num(a, 'length', 0, (n) => isPositiveInt(n) && n <= 100_000);
  const dim = num(a, 'dim', 0, (n) => isPositiveInt(n) && n % 2 === 0 && n <= 4096);
  if (!length) throw new TaskError('pe: --length is required (a positive whole number, at most 100,000)');
  if (!dim) throw new TaskError('pe: --dim is required (a positive even number, at most 4,096)');
  const json = peJson(length, dim);
  return result(json, json.pe.map((row, i) => `${String(i).padStart(4)}  ${row.slice(0, 8).map((x) => x.toFixed(3).padStart(6)).join(' ')}${dim > 8 ? ' …' : ''}`).join('\n'));
}

// ---- gradients ------------------------------------------------------------------------------
/** The derivative factor the gradient meets at each step, and what it is, per cell. */
const GRADIENT_FACTORS: Record<string, { key: string; label: string }> = {
  'rnn-sigmoid': { key: 'h', label: "σ'(a) = h(1 − h), at most 0.25" },
  'rnn-tanh': { key: 'h', label: "tanh'(a) = 1 − h², at most 1" },
  lstm: { key: 'f', label: 'the forget gate f: the cell path multiplies by it' },
  gru: { key: 'z', label: 'the update gate z: the state path multiplies by it' },
};

/**
 * `seqlens gradients --text "…"`: the four embedded language models (RNN-sigmoid, RNN-tanh, LSTM,
 * GRU) on the same text, side by side: the vanishing-gradient probe ‖∂(Σ h_T)/∂h_t‖ at every step,
 * with the derivative factor that explains it (mean over units: σ'(a) or tanh'(a) for the RNNs,
 * the forget gate for the LSTM, the update gate for the GRU), and the next-word prediction at
 * every step (`top`: the 3 likeliest; `nextP`: the probability of the word that comes next).
 */
export async function gradientsTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const text = str(a, 'text', true);
  if (!text.trim()) throw new TaskError('gradients: --text is empty: give a sentence to read');
  const maxTokens = num(a, 'max-tokens', 200, isPositiveInt);
  const models: Array<{ model: string; label: string; norms: number[]; factors: number[]; factorLabel: string; top: Array<Array<{ word: string; p: number }>>; nextP: Array<number | null> }> = [];
  let tokens: string[] = [];
  let truncated = 0;
  for (const id of ['rnn-sigmoid', 'rnn-tanh', 'lstm', 'gru'] as const) {
    const m = loadDefaultModel(hooks.modelsDir, id);
    let t: TraceResult;
    try {
      // Every word's probability at every step (the vocabularies are small): the top 3, and the word that comes next in the text.
      t = await traceLanguageModel(m.model, m.vocab, text, { modelId: id, modelLabel: m.label, maxTokens, topK: m.vocab.size });
    } catch (e) {
      if (e instanceof BadInputError) throw new TaskError(`gradients: ${e.message}`);
      throw e;
    } finally {
      m.model.dispose();
    }
    tokens = t.tokens.map((x) => x.text);
    truncated = t.truncatedTokens;
    const layer = t.layers[0];
    const H = layer.units;
    const f = GRADIENT_FACTORS[id];
    const data = layer.states[f.key].data;
    const factors = tokens.map((_, s) => {
      let sum = 0;
      for (let u = 0; u < H; u++) {
        const v = data[s * H + u];
        sum += f.key !== 'h' ? v : id === 'rnn-sigmoid' ? v * (1 - v) : 1 - v * v;
      }
      return sum / H;
    });
    const nextP = tokens.map((_, s) => {
      if (s + 1 >= tokens.length) return null;
      const next = t.tokens[s + 1];
      const word = next.unknown ? '<unk>' : next.text;
      return t.predictions[s].find((x) => x.word === word)?.p ?? 0;
    });
    models.push({ model: id, label: m.label, norms: Array.from(layer.gradientNorms ?? []), factors, factorLabel: f.label, top: t.predictions.map((row) => row.slice(0, 3)), nextP });
  }
  // The Transformer LM beside them: no recurrence, so its gradient is ∂(Σ r_T)/∂x_t, the last position's
  // residual stream against each word's input, reached by attention in one step rather than through a chain.
  const tlmDir = path.join(hooks.modelsDir, TRANSFORMER_LM_ID);
  if (a.flags.has('transformer')) {
    if (!fs.existsSync(path.join(tlmDir, 'seqlens.json'))) throw new TaskError(`gradients: --transformer: the embedded Transformer LM is missing (${tlmDir}); npm run train:defaults -- transformer-lm makes it`);
    const { meta, weights } = loadCheckpoint<TransformerLmConfig>(tlmDir);
    const tlm = new TransformerLanguageModel(meta.config);
    try {
      tlm.setWeights(weights);
      tf.dispose(Object.values(weights));
      const vocab = new Vocab(meta.vocab as string[]);
      const ids = vocab.ids(tokens);
      const [norms, probs] = await Promise.all([tlm.inputGradientNorms(ids), tlm.nextWordProbs(ids)]);
      const V = meta.config.vocabSize;
      const row = (s: number) => probs.subarray(s * V, (s + 1) * V);
      const top = tokens.map((_, s) => {
        const r = row(s);
        return [...r.keys()].sort((x, y) => r[y] - r[x]).slice(0, 3).map((k) => ({ word: vocab.word(k), p: r[k] }));
      });
      const nextP = tokens.map((_, s) => (s + 1 < tokens.length ? row(s)[ids[s + 1]] : null));
      models.push({ model: TRANSFORMER_LM_ID, label: String(meta.label ?? 'Transformer LM'), norms: Array.from(norms), factors: [], factorLabel: 'no recurrence: attention reaches every earlier word in one step (‖∂r_T/∂x_t‖, the last position\'s residual stream against each word\'s input)', top, nextP });
    } finally {
      tlm.dispose();
    }
  }
  const json = { tokens, models, ...(truncated ? { truncatedTokens: truncated } : {}) };
  const lines = models.map((m) => `${m.label.padEnd(14)} at the first word ${m.norms[0].toExponential(2)}   ${m.factors.length ? `mean factor ${(m.factors.reduce((x, y) => x + y, 0) / m.factors.length).toFixed(3)} (${m.factorLabel})` : m.factorLabel}`);
  return result(json, [`${tokens.length} tokens: ${tokens.join(' ')}`, ...lines].join('\n'));
}

// ---- project (the embedding projector) --------------------------------------------------------

/**
 * `seqlens project --vectors FILE|DIR|default --method pca|umap|tsne [--dims 2|3] [--limit N] [--seed N]`:
 * every word's coordinates. PCA: the projections on the top principal components of the
 * mean-centred vectors (all of them, or the first --limit), with the share of the variance each
 * explains. UMAP (--neighbors 15, --min-dist 0.1, --epochs) and t-SNE (--perplexity 30,
 * --iterations 1000): on the exact cosine neighbour graph of up to 50,000 vectors, started from the
 * PCA layout; the map's trustworthiness at k = 10 is reported beside PCA's (--no-trust skips it).
 */
export async function projectTask(a: Args, hooks?: TaskHooks): Promise<TaskResult> {
  const method = str(a, 'method') ?? 'pca';
  if (method !== 'pca' && method !== 'umap' && method !== 'tsne') throw new TaskError(`project: --method ${method}: one of pca, umap, tsne`);
  const dims = num(a, 'dims', 2, (n) => n === 2 || n === 3) as 2 | 3;
  const v = loadVectors(a, str(a, 'vectors') ?? DEFAULT_VECTORS_ID, hooks);
  const cap = method === 'pca' ? v.size : Math.min(v.size, MAX_NONLINEAR);
  const asked = num(a, 'limit', cap, isPositiveInt);
  if (method !== 'pca' && asked > MAX_NONLINEAR) throw new TaskError(`project: --limit ${asked}: ${method === 'umap' ? 'UMAP' : 't-SNE'} maps at most ${MAX_NONLINEAR.toLocaleString('en')} vectors (PCA maps them all)`);
  const n = Math.min(v.size, asked);
  if (n === 0) throw new TaskError('project: the vectors have no words');
  if (dims > v.dim) throw new TaskError(`project: --dims ${dims}: the vectors have only ${v.dim} dimension${v.dim === 1 ? '' : 's'}`);
  if (method !== 'pca' && n < 4) throw new TaskError(`project: ${n} word${n === 1 ? '' : 's'}: ${method === 'umap' ? 'UMAP' : 't-SNE'} needs at least 4 (use --method pca)`);
  const seed = num(a, 'seed', 1, Number.isInteger);
  const x = v.vectors.subarray(0, n * v.dim);
  const words = v.words.slice(0, n);
  const t0 = Date.now();
  const stop = hooks?.shouldStop;
  let reported = -1;
  const step = (what: string, f: number) => {
    // Every tenth of the way, not every block.
    const tenth = Math.floor(f * 10);
    if (tenth > reported) {
      reported = tenth;
      hooks?.progress(`${what}: ${tenth * 10}%`);
    }
  };
  let r;
  try {
    r = await pca(x, n, v.dim, dims, { seed, onProgress: (f) => step('pca', f), shouldStop: stop });
  } catch (e) {
    if (e instanceof NonFiniteVector) throw new TaskError(`project: the vector of "${v.words[e.row]}" (row ${e.row + 1}) has a value that is not a finite number (NaN or infinity)`);
    if (e instanceof PcaStopped) throw new TaskError('project: stopped');
    throw e;
  }
  let flat: Float32Array = r.coords;
  const extra: Record<string, unknown> = {};
  let summary = `variance explained ${r.explained.map((e) => `${(e * 100).toFixed(1)}%`).join(', ')}`;
  try {
    if (method !== 'pca') {
      const neighbours = num(a, 'neighbors', 15, (k) => Number.isInteger(k) && k >= 2 && k <= 200);
      const perplexity = num(a, 'perplexity', 30, (p) => p >= 2 && p <= 100);
      const k = Math.min(n - 1, method === 'umap' ? neighbours - 1 : Math.floor(3 * perplexity + 1));
      reported = -1;
      const knn = await cosineKnn(x, n, v.dim, k, { onProgress: (f) => step('nearest neighbours', f), shouldStop: stop });
      let wordsSent = false;
      let layoutTenth = -1;
      const layout = (done: number, total: number, coords: Float32Array | undefined) => {
        // A line every tenth of the way (the fraction with it); the layouts go as events.
        const tenth = Math.floor((done / total) * 10);
        if (tenth > layoutTenth || done === total) {
          layoutTenth = tenth;
          hooks?.progress(`${method === 'umap' ? 'epoch' : 'iteration'} ${done} of ${total}`, { done, total });
        }
        if (!coords || !hooks?.event) return;
        // The words once, with the first layout; then coordinates only.
        hooks.event({ type: 'layout', method, dims, done, total, coords: Array.from(coords), ...(wordsSent ? {} : { words }) });
        wordsSent = true;
      };
      if (method === 'umap') {
        const minDist = num(a, 'min-dist', 0.1, (m) => m >= 0 && m <= 1);
        const epochs = str(a, 'epochs') === undefined ? undefined : num(a, 'epochs', 200, (e) => Number.isInteger(e) && e >= 1 && e <= 5000);
        const u = await umap(knn, { dims, neighbours, minDist, epochs, seed, init: r.coords, onEpoch: layout, shouldStop: stop });
        flat = u.coords;
        Object.assign(extra, { parameters: { neighbors: u.neighbours, minDist, epochs: u.epochs, metric: 'cosine', init: 'pca' } });
        summary = `${u.neighbours} neighbours, min-dist ${minDist}, ${u.epochs} epochs`;
      } else {
        const iterations = num(a, 'iterations', 1000, (e) => Number.isInteger(e) && e >= 10 && e <= 10_000);
        const t = await tsne(knn, { dims, perplexity, iterations, init: r.coords, onIteration: layout, shouldStop: stop });
        flat = t.coords;
        Object.assign(extra, { parameters: { perplexity: t.perplexity, iterations: t.iterations, theta: 0.5, metric: 'cosine', init: 'pca' }, klDivergence: t.klDivergence });
        summary = `perplexity ${+t.perplexity.toFixed(2)}, ${t.iterations} iterations, KL divergence ${t.klDivergence.toFixed(3)}`;
      }
      if (a.flags.get('no-trust') === undefined && n > 33) {
        reported = -1;
        const opts = { sample: 1000, seed, shouldStop: stop, onProgress: (f: number) => step('trustworthiness', f) };
        const mine = await trustworthiness(x, n, v.dim, flat, dims, 10, opts);
        const base = await trustworthiness(x, n, v.dim, r.coords, dims, 10, opts);
        extra.trustworthiness = { k: 10, [method]: mine, pca: base, sample: Math.min(n, 1000) };
        summary += `; trustworthiness at k = 10: ${mine.toFixed(3)} (PCA ${base.toFixed(3)})`;
      }
    }
  } catch (e) {
    if (e instanceof ProjectionStopped) throw new TaskError('project: stopped');
    throw e;
  }
  const coords = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * dims, (i + 1) * dims)));
  const seconds = (Date.now() - t0) / 1000;
  const name = method === 'pca' ? 'PCA' : method === 'umap' ? 'UMAP' : 't-SNE';
  return result(
    { method, dims, words, coords, explained: r.explained, seconds, total: v.size, ...extra },
    `${n} words × ${v.dim} → ${dims} dimensions by ${name} in ${seconds.toFixed(2)} s; ${summary}\n` + words.slice(0, 20).map((w, i) => `${w}\t${coords[i].map((c) => c.toFixed(4)).join('\t')}`).join('\n') + (n > 20 ? `\n… (${n - 20} more; --json for all)` : ''),
  );
}

/**
 * `seqlens similarity --words "king queen man woman"`: the cosine matrix of the words' vectors,
 * beside that of their one-hot vectors (the identity: one-hot vectors carry no similarity).
 */
export async function similarityTask(a: Args, hooks?: TaskHooks): Promise<TaskResult> {
  const v = loadVectors(a, str(a, 'vectors') ?? DEFAULT_VECTORS_ID, hooks);
  const asked = str(a, 'words', true).split(/[\s,]+/).filter(Boolean);
  if (asked.length < 2 || asked.length > 50) throw new TaskError(`similarity: --words wants 2 to 50 words (got ${asked.length})`);
  const words = asked.map((w) => (v.has(w) ? w : w.toLowerCase()));
  const unknown = words.filter((w) => !v.has(w));
  if (unknown.length) throw new TaskError(`similarity: not in the vocabulary: ${unknown.join(', ')}`);
  const embedding = words.map((x) => words.map((y) => v.similarity(x, y)));
  const oneHot = words.map((_, i) => words.map((__, j) => (i === j || words[i] === words[j] ? 1 : 0)));
  const pad = Math.max(...words.map((w) => w.length));
  const table = [' '.repeat(pad) + ' ' + words.map((w) => w.slice(0, 7).padStart(8)).join(''), ...words.map((w, i) => w.padEnd(pad) + ' ' + embedding[i].map((c) => c.toFixed(3).padStart(8)).join(''))].join('\n');
  return result({ words, embedding, oneHot }, `cosine of the word vectors (one-hot vectors: the identity)\n${table}`);
}

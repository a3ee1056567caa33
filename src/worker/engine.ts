/**
 * The engine behind the worker's protocol: owns every model and tensor, and
 * answers requests. Kept free of the worker API so it can be driven directly
 * in unit tests.
 */
import * as tf from '@tensorflow/tfjs';
import type { EngineError, EngineInfo, EngineMethod, ParamsOf, Progress, ResultOf, WorkerBoot } from '../protocol/engine';
import { DEFAULT_MODEL_IDS, MODEL_LABELS } from '../protocol/trace';
import { DEFAULT_VECTORS_ID, defaultVectorsPath, LoadedLanguageModel, loadDefaultModel, loadLanguageModel } from '../core/defaultModels';
import { setupBackend } from '../core/tfjs/backend';
import { DataError } from '../core/data/pairs';
import { analyzeTask } from '../core/experimentAnalysis';
import { analogyTask, argsOf, evalTask, gradientsTask, neighborsTask, projectTask, similarityTask, runsTask, TaskError, trainTask, traceTask, translateTask } from '../core/tasks';
import { BadInputError, traceLanguageModel, traceTaggerClassifier } from '../core/trace';
import { ImportedModel, importLayersModel, isLayersModel, ModelImportError, recurrentLayerNames } from '../core/imports/layersModel';
import { traceImported } from '../core/imports/traceImported';
import type { TraceResult } from '../protocol/trace';
import * as fs from 'fs';
import * as path from 'path';
import { readWorkspaceCorpus } from '../core/data/workspaceText';
import { modelLabelOf, RunError } from '../core/runs/runs';
import { trainRun } from '../core/runs/trainRun';
import { trainSkipGram } from '../core/word2vec/skipgram';
import { loadVectorFile, toProjectorTsv, toWord2VecBinary, toWord2VecText, VectorFileError } from '../core/word2vec/parse';
import { WordVectors } from '../core/word2vec/vectors';
import { checkpointKindOf, loadCheckpoint } from '../core/checkpoint';
import { TaggerClassifier, type TaggerClassifierConfig } from '../core/models/taggerClassifier';
import { Vocab } from '../core/vocab';
import { attentionView, LensError, LoadedTransformer, loadTransformer, transformerDir } from '../core/transformerLens';

const TASKS = { train: trainTask, translate: translateTask, trace: traceTask, gradients: gradientsTask, project: projectTask, similarity: similarityTask, neighbors: neighborsTask, analogy: analogyTask, eval: evalTask, runs: runsTask, analyze: analyzeTask };

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('Cancelled.');
  }
}

export interface RequestContext {
  readonly cancelled: boolean;
  progress(p: Progress): void;
  /** Yields to the event loop (so a cancel message can arrive) and throws if cancelled. */
  checkpoint(): Promise<void>;
}

type Handler<M extends EngineMethod> = (params: ParamsOf<M>, ctx: RequestContext) => Promise<ResultOf<M>>;

/** Largest text the engine accepts in one request, in UTF-16 code units (the extension truncates before). */
export const MAX_TEXT_CHARS = 1_000_000;

/** Model ids that name a folder or model.json on disk: a SeqLens checkpoint or a TensorFlow.js LayersModel. */
export const FILE_MODEL = 'file:';

type FileModel = { label: string; layers: string[] } & (
  | { kind: 'imported'; model: ImportedModel }
  | { kind: 'checkpoint'; loaded: LoadedLanguageModel }
  | { kind: 'heads'; model: TaggerClassifier; vocab: Vocab; tags: string[]; classes: string[] }
);

export class Engine {
  private readonly models = new Map<string, LoadedLanguageModel>();
  private readonly imported = new Map<string, FileModel>();
  private readonly transformers = new Map<string, { loaded: LoadedTransformer; stamp: string }>();
  /** Vector sets by file, loaded on first use. */
  private readonly vectors = new Map<string, { vectors: WordVectors; stamp: string }>();
  private readonly handlers: { [M in EngineMethod]: Handler<M> };

  constructor(private readonly boot: WorkerBoot) {
    this.handlers = {
      'engine/info': async () => this.info(),
      'trace/run': async (p) => {
        if (typeof p.text !== 'string') throw new BadInputError('trace/run: text must be a string');
        if (p.text.length > MAX_TEXT_CHARS) {
          throw new BadInputError(`The text is ${p.text.length.toLocaleString('en')} characters long; the engine reads at most ${MAX_TEXT_CHARS.toLocaleString('en')}.`);
        }
        if (p.modelId.startsWith(FILE_MODEL)) return this.traceFileModel(p.modelId, p.text, p.maxTokens);
        const m = this.model(p.modelId);
        return traceLanguageModel(m.model, m.vocab, p.text, { modelId: m.id, modelLabel: m.label, maxTokens: p.maxTokens });
      },
      'vectors/train-workspace': async (p, ctx) => {
        const t0 = Date.now();
        ctx.progress({ message: `reading ${p.files.length.toLocaleString('en')} files…`, fraction: 0 });
        const corpus = await readWorkspaceCorpus(p.roots, p.files, {
          shouldStop: () => ctx.cancelled,
          onProgress: (done, total) => ctx.progress({ message: `reading files: ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`, fraction: 0 }),
        });
        if (ctx.cancelled) throw new CancelledError();
        const words = corpus.sentences.reduce((n, s) => n + s.length, 0);
        if (words === 0) throw new BadInputError(`No words to train on: ${corpus.files} readable text files (${corpus.skipped.ignored} ignored by .gitignore, ${corpus.skipped.binary} binary, ${corpus.skipped.large} too large).`);
        const r = await trainSkipGram(
          corpus.sentences,
          { dim: p.dim ?? 64, window: 5, negative: 5, epochs: p.epochs ?? 5, minCount: p.minCount ?? (words < 200_000 ? 2 : 5), seed: 1 },
          {
            kernel: fs.readFileSync(path.join(this.boot.wasmDir, 'sgns.wasm')),
            shouldStop: () => ctx.cancelled,
            onProgress: (q) => ctx.progress({ message: `epoch ${q.epoch + 1}: ${Math.round(q.wordsPerSecond).toLocaleString('en')} words/s`, fraction: q.fraction }),
          },
        );
        if (r.stopped || ctx.cancelled) throw new CancelledError();
        if (r.vectors.size === 0) throw new BadInputError(`No word occurs often enough to learn a vector (${words} words in ${corpus.files} files).`);
        fs.mkdirSync(path.dirname(p.out), { recursive: true });
        writeAtomically(p.out, toWord2VecBinary(r.vectors)); // a reader never sees half a file
        this.vectors.delete(p.out);
        return { out: p.out, files: corpus.files, skipped: corpus.skipped, words, vocabulary: r.vectors.size, dim: r.vectors.dim, seconds: (Date.now() - t0) / 1000, stopped: false };
      },
      'vectors/export': async (p) => {
        const v = this.vectorSet(p.vectors);
        const write = (file: string, data: string | Buffer) => writeAtomically(file, data);
        switch (p.format) {
          case 'word2vec-text':
            write(p.out, toWord2VecText(v));
            return { files: [p.out], words: v.size, dim: v.dim };
          case 'word2vec-binary':
            write(p.out, toWord2VecBinary(v));
            return { files: [p.out], words: v.size, dim: v.dim };
          case 'projector-tsv': {
            const tsv = toProjectorTsv(v);
            const meta = p.out.replace(/(\.tsv)?$/i, '-metadata.tsv');
            write(p.out, tsv.vectors);
            write(meta, tsv.metadata);
            return { files: [p.out, meta], words: v.size, dim: v.dim };
          }
          default:
            throw new BadInputError(`unknown vector format "${String(p.format)}"`);
        }
      },
      'vectors/neighbors': async (p) => {
        const v = this.vectorSet(p.vectors);
        // The word as written first (cased vectors: "Paris", "NASA"), then lowercased.
        const word = v.has(p.word) ? p.word : p.word.toLowerCase();
        const known = v.has(word);
        return { word, known, neighbors: known ? v.neighbors(word, p.k ?? 10) : [], vectors: p.vectors, size: v.size, vector: known && p.withVector ? Array.from(v.vector(word)!) : undefined };
      },
      'model/open': async (p) => {
        const id = FILE_MODEL + p.path;
        this.disposeFileModel(id); // opening again re-reads the files
        const m = this.fileModel(id);
        return { id, label: m.label, layers: m.layers };
      },
      'task/run': async (p, ctx) => {
        const run = TASKS[p.verb];
        if (!run) throw new BadInputError(`unknown task "${p.verb}"`);
        try {
          return await run(argsOf(p.verb, p.options ?? {}), {
            progress: (message, detail) => ctx.progress({ message, ...(detail ? { fraction: detail.total ? detail.done / detail.total : undefined } : {}) }),
            event: (event) => ctx.progress({ event }),
            shouldStop: () => ctx.cancelled,
            wasmDir: this.boot.wasmDir,
            modelsDir: this.boot.modelsDir,
          });
        } catch (e) {
          if (e instanceof TaskError || e instanceof DataError) throw new BadInputError(e.message);
          throw e;
        }
      },
      'run/train': async (p, ctx) => {
        try {
          const r = await trainRun(p.dir, {
            progress: (message) => ctx.progress({ message }),
            shouldStop: () => ctx.cancelled,
            wasmDir: this.boot.wasmDir,
            modelsDir: this.boot.modelsDir,
            onEvent: (event) => ctx.progress({ event }),
          }, { resume: p.resume });
          // A model opened from this checkpoint before is read again on its next use.
          this.disposeFileModel(FILE_MODEL + path.join(p.dir, 'checkpoint'));
          return { state: r.status.state, metrics: r.status.metrics ?? {} };
        } catch (e) {
          if (e instanceof TaskError || e instanceof DataError || e instanceof RunError) throw new BadInputError(e.message);
          throw e;
        }
      },
      'transformer/attention': async (p) => {
        if (typeof p.text !== 'string') throw new BadInputError('transformer/attention: text must be a string');
        try {
          return await attentionView(this.transformer(p.model), p.text, { maxTokens: p.maxTokens });
        } catch (e) {
          if (e instanceof LensError) throw new BadInputError(e.message);
          throw e;
        }
      },
      'engine/sleep': async (p, ctx) => {
        const t0 = Date.now();
        while (Date.now() - t0 < p.ms) {
          if (ctx.cancelled) return { sleptMs: Date.now() - t0, cancelled: true };
          ctx.progress({ fraction: (Date.now() - t0) / p.ms });
          await new Promise((r) => setTimeout(r, 10));
        }
        return { sleptMs: Date.now() - t0, cancelled: false };
      },
    };
  }

  async start(): Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }> {
    const status = await setupBackend(this.boot.wasmDir);
    return { backend: status.backend, backendWarning: status.warning, tfjsVersion: tf.version.tfjs };
  }

  private info(): EngineInfo {
    return {
      backend: tf.getBackend(),
      tfjsVersion: tf.version.tfjs,
      models: DEFAULT_MODEL_IDS.map((id) => {
        const m = this.model(id);
        return { id, label: MODEL_LABELS[id], kind: m.model.cell.kind, units: m.model.config.units, vocabSize: m.vocab.size };
      }),
    };
  }

  private model(id: string): LoadedLanguageModel {
    let m = this.models.get(id);
    if (!m) {
      m = loadDefaultModel(this.boot.modelsDir, id);
      this.models.set(id, m);
    }
    return m;
  }

  /**
   * A vector set by name ('default', or a file), loaded once and read again when the file
   * changes; at most three sets stay loaded (the least recently used goes first). An
   * Embedding Projector TSV takes its words from "<name>-metadata.tsv" or "metadata.tsv" beside it.
   */
  private vectorSet(name: string): WordVectors {
    const file = name === DEFAULT_VECTORS_ID ? defaultVectorsPath(this.boot.modelsDir) : name;
    let stamp = '';
    try {
      const st = fs.statSync(file);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      // loadVectorFile says what is wrong
    }
    const cached = this.vectors.get(file);
    if (cached && cached.stamp === stamp) {
      this.vectors.delete(file);
      this.vectors.set(file, cached); // most recently used last
      return cached.vectors;
    }
    let v: WordVectors;
    if (stamp && fs.statSync(file).isDirectory()) {
      // A word2vec run's checkpoint folder: the embedding matrix and its vocabulary.
      const { meta, weights } = loadCheckpoint(file);
      const emb = weights['embedding/embeddings'];
      if (!emb || !Array.isArray(meta.vocab)) {
        tf.dispose(Object.values(weights));
        throw new BadInputError(`${file}: a "${meta.kind}" checkpoint has no word vectors`);
      }
      v = new WordVectors(meta.vocab, Float32Array.from(emb.dataSync()), emb.shape[1] as number);
      tf.dispose(Object.values(weights));
      this.vectors.set(file, { vectors: v, stamp });
      return v;
    }
    try {
      const meta = /\.tsv$/i.test(file) ? [file.replace(/\.tsv$/i, '-metadata.tsv'), path.join(path.dirname(file), 'metadata.tsv')].find((m) => m !== file && fs.existsSync(m)) : undefined;
      v = loadVectorFile(file, meta ? { metadata: fs.readFileSync(meta), metadataFile: meta } : {});
    } catch (e) {
      if (e instanceof VectorFileError) throw new BadInputError(e.message);
      throw e;
    }
    this.vectors.delete(file);
    this.vectors.set(file, { vectors: v, stamp });
    while (this.vectors.size > 3) this.vectors.delete(this.vectors.keys().next().value as string);
    return v;
  }

  /** Loads (once) a model from disk: a SeqLens language-model checkpoint, else a TensorFlow.js LayersModel. */
  private fileModel(id: string): FileModel {
    let m = this.imported.get(id);
    if (m) return m;
    const spec = id.slice(FILE_MODEL.length);
    const dir = spec.endsWith('.json') ? path.dirname(spec) : spec;
    try {
      if (isLayersModel(spec)) {
        const model = importLayersModel(spec);
        m = { kind: 'imported', model, label: `${model.name} (TensorFlow.js)`, layers: recurrentLayerNames(model) };
      } else if (checkpointKindOf(dir) === 'tagger-classifier') {
        // A tagger or classifier: its encoder steps through the text like a language model's.
        const { meta, weights } = loadCheckpoint<TaggerClassifierConfig>(dir);
        const model = new TaggerClassifier(meta.config);
        model.setWeights(weights);
        tf.dispose(Object.values(weights));
        const tags = (meta.tagNames as string[] | undefined) ?? [];
        const classes = (meta.classNames as string[] | undefined) ?? [];
        const what = tags.length && classes.length ? 'tagger + classifier' : tags.length ? 'tagger' : 'classifier';
        // An embedded default names itself ("LSTM: tags + sentiment"); a run by its name and id.
        const own = path.dirname(dir) === this.boot.modelsDir && typeof meta.label === 'string' ? `${meta.label} (embedded)` : `${modelLabelOf(dir)} (${model.cell.kind.toUpperCase()} ${what})`;
        m = { kind: 'heads', model, vocab: new Vocab(meta.vocab as string[]), tags, classes, label: own, layers: [model.cell.kind] };
      } else {
        const loaded = loadLanguageModel(dir, id, path.basename(dir));
        m = { kind: 'checkpoint', loaded, label: `${modelLabelOf(dir)} (${loaded.model.cell.kind.toUpperCase()})`, layers: [loaded.model.cell.kind] };
      }
    } catch (e) {
      if (e instanceof ModelImportError) throw new BadInputError(e.message);
      throw new BadInputError(`${spec}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.imported.set(id, m);
    return m;
  }

  /** A Transformer by id (the embedded one) or folder, loaded once; a changed checkpoint is read again. */
  private transformer(spec: string): LoadedTransformer {
    const dir = transformerDir(spec, this.boot.modelsDir);
    let stamp = '';
    try {
      stamp = String(fs.statSync(path.join(dir, 'weights.bin')).mtimeMs);
    } catch {
      // loadTransformer says what is wrong
    }
    const cached = this.transformers.get(spec);
    if (cached && cached.stamp === stamp) return cached.loaded;
    cached?.loaded.model.dispose();
    this.transformers.delete(spec);
    const loaded = loadTransformer(spec, this.boot.modelsDir);
    this.transformers.set(spec, { loaded, stamp });
    while (this.transformers.size > 3) {
      const [oldest, v] = this.transformers.entries().next().value as [string, { loaded: LoadedTransformer }];
      v.loaded.model.dispose();
      this.transformers.delete(oldest);
    }
    return loaded;
  }

  private disposeFileModel(id: string): void {
    const m = this.imported.get(id);
    if (m?.kind === 'checkpoint') m.loaded.model.dispose();
    if (m?.kind === 'heads') m.model.dispose();
    this.imported.delete(id);
  }

  private async traceFileModel(id: string, text: string, maxTokens: number): Promise<TraceResult> {
    const m = this.fileModel(id);
    if (m.kind === 'checkpoint') return traceLanguageModel(m.loaded.model, m.loaded.vocab, text, { modelId: id, modelLabel: m.label, maxTokens });
    if (m.kind === 'heads') return traceTaggerClassifier(m.model, m.vocab, { tags: m.tags, classes: m.classes }, text, { modelId: id, modelLabel: m.label, maxTokens });
    return traceImported(m.model, text, { modelId: id, modelLabel: m.label, maxTokens });
  }

  async handle<M extends EngineMethod>(method: M, params: ParamsOf<M>, ctx: RequestContext): Promise<ResultOf<M>> {
    const handler = this.handlers[method] as Handler<M> | undefined;
    if (!handler) throw new BadInputError(`unknown request "${String(method)}"`);
    return handler(params, ctx);
  }

  dispose(): void {
    for (const m of this.models.values()) m.model.dispose();
    this.models.clear();
    for (const id of [...this.imported.keys()]) this.disposeFileModel(id);
    for (const t of this.transformers.values()) t.loaded.model.dispose();
    this.transformers.clear();
  }
}

/** Writes a file through a temporary one renamed into place; nothing is left behind on failure. */
function writeAtomically(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new BadInputError(`could not write ${file}: ${(e as Error).message}`);
  }
}

/** Turns anything thrown into an error a user can read, with the detail kept for the log. */
export function toEngineError(e: unknown): EngineError {
  if (e instanceof CancelledError) return { code: 'cancelled', message: 'Cancelled.' };
  if (e instanceof BadInputError) return { code: 'bad-input', message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `The SeqLens engine failed: ${message}`, detail: e instanceof Error ? e.stack : undefined };
}

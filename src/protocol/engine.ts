/**
 * Messages between the extension host and the engine worker. Types only: this
 * file imports neither `vscode` nor the DOM, so all three programs share it.
 */
import type { TraceResult } from './trace';
import type { TransformerView } from './transformer';

export interface EngineInfo {
  backend: string;
  /** Set when the fast wasm backend could not be used; says why. */
  backendWarning?: string;
  tfjsVersion: string;
  models: Array<{ id: string; label: string; kind: string; units: number; vocabSize: number }>;
}

export interface TraceParams {
  modelId: string;
  text: string;
  maxTokens: number;
}

/** A `seqlens` verb run in the worker: options by the command's flag names. */
export interface TaskParams {
  verb: 'train' | 'translate' | 'trace' | 'gradients' | 'project' | 'similarity' | 'neighbors' | 'analogy' | 'eval' | 'runs' | 'analyze';
  options: Record<string, string | number | boolean>;
}

/** Request name → [params, result]. */
export interface EngineMethods {
  /** Runs an engine task (training streams progress events { message }; cancelling stops training and keeps what was learned). */
  'task/run': [TaskParams, { json: unknown; text: string }];
  'engine/info': [Record<string, never>, EngineInfo];
  'trace/run': [TraceParams, TraceResult];
  /**
   * Trains word vectors on a workspace's files (candidates already filtered by files.exclude;
   * .gitignore'd, binary and large files are skipped here) and writes them (word2vec binary) to `out`.
   */
  'vectors/train-workspace': [
    { roots: string[]; files: string[]; out: string; dim?: number; epochs?: number; minCount?: number },
    { out: string; files: number; skipped: { ignored: number; binary: number; large: number; unreadable: number }; words: number; vocabulary: number; dim: number; seconds: number; stopped: boolean },
  ];
  /** Nearest words by cosine similarity in a vector set: 'default' (the embedded WordNet vectors) or a file. */
  'vectors/neighbors': [
    { vectors: string; word: string; k?: number; withVector?: boolean },
    { word: string; known: boolean; neighbors: Array<{ word: string; similarity: number }>; vectors: string; size: number; vector?: number[] },
  ];
  /**
   * Writes a vector set ('default' or a file) in a format: word2vec text or binary, or the
   * Embedding Projector's two TSV files (`out` gets the vectors, a "-metadata.tsv" beside it the words).
   */
  'vectors/export': [{ vectors: string; format: 'word2vec-text' | 'word2vec-binary' | 'projector-tsv'; out: string }, { files: string[]; words: number; dim: number }];
  /** Loads a model from disk (a folder or model.json: a SeqLens checkpoint or a TensorFlow.js LayersModel); its id is then usable in trace/run. */
  'model/open': [{ path: string }, { id: string; label: string; layers: string[] }];
  /**
   * Trains a run folder (.seqlens/runs/<id>) on the worker's training lane: progress events carry
   * `{ event: RunEvent }` (metric rows, probe outputs, state changes); cancelling stops the run and
   * keeps its best checkpoint. `resume` continues a stopped or interrupted run from it.
   */
  'run/train': [{ dir: string; resume?: boolean }, { state: string; metrics: Record<string, number | string> }];
  /** The Transformer lens: the text translated by a Transformer, with every attention sub-layer's numbers. */
  'transformer/attention': [{ model: string; text: string; maxTokens?: number }, TransformerView];
  /** Test and diagnostics hook: busy-waits in the worker for `ms`, reporting progress; cancellable. */
  'engine/sleep': [{ ms: number }, { sleptMs: number; cancelled: boolean }];
}
export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M][0];
export type ResultOf<M extends EngineMethod> = EngineMethods[M][1];

export interface Progress {
  /** 0..1 when known. */
  fraction?: number;
  message?: string;
  [key: string]: unknown;
}

/** An error a user can read, plus a stable code for programs. */
export interface EngineError {
  code: 'cancelled' | 'bad-input' | 'not-found' | 'internal' | 'worker-died';
  message: string;
  detail?: string;
}

export type ToWorker =
  | { type: 'request'; id: number; method: EngineMethod; params: unknown }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'ready'; info: Pick<EngineInfo, 'backend' | 'backendWarning' | 'tfjsVersion'> }
  /** The engine could not start at all; the worker exits after this. */
  | { type: 'start-failed'; message: string }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: EngineError }
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** Data the worker is started with. */
export interface WorkerBoot {
  /** Folder holding the tfjs .wasm binaries. */
  wasmDir: string;
  /** Folder holding the shipped default models (one checkpoint folder each). */
  modelsDir: string;
}

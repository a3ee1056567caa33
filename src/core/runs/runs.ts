/**
 * Runs (DESIGN.md contract): a training run is a folder `.seqlens/runs/<id>/`
 *   config.json    what was asked: task, model, data, every setting, seed, parent run
 *   metrics.jsonl  append-only, one JSON object a line: { step, time, split, ...metrics }
 *   probes.jsonl   the pinned sentences and the model's output on them at each evaluation
 *   state.json     queued | training | done | stopped | interrupted | failed, with final metrics
 *   checkpoint/    the best checkpoint so far (checkpoint.ts, written atomically)
 * The editor and the command write the same files, so either can list, resume and compare.
 * Nothing here imports tfjs: the extension host lists and reads runs directly.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { MetricRow, ProbeRow, RunConfig, RunState, RunStatus, RunTask } from '../../protocol/runs';

export type { MetricRow, ProbeRow, RunConfig, RunState, RunStatus, RunTask };

export const RUN_STATES: readonly RunState[] = ['queued', 'training', 'done', 'stopped', 'interrupted', 'failed'];
export const RUN_TASKS: readonly RunTask[] = ['translate', 'lm', 'tag', 'classify', 'word2vec'];

export interface RunSummary {
  id: string;
  dir: string;
  config?: RunConfig;
  task?: string;
  model?: string;
  name: string;
  state: RunState;
  metrics: Record<string, number | string>;
  /** Set when a file of the run could not be read; the run is still listed. */
  problem?: string;
  hasCheckpoint: boolean;
  startedAt?: number;
}

export class RunError extends Error {
  override readonly name = 'RunError';
}

/** A training run silent for this long (no heartbeat) is taken as interrupted. */
export const HEARTBEAT_TIMEOUT_MS = 45_000;

export const runsRoot = (workspace: string): string => path.join(workspace, '.seqlens', 'runs');

/** Writes a file through a temporary sibling renamed into place: a reader never sees half of it. */
export function writeJsonAtomically(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new RunError(`could not write ${file}: ${describeFsError(e)}`);
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'the folder is not writable';
  if (code === 'ENOENT') return 'no such file or folder';
  return e instanceof Error ? e.message : String(e);
}

function readJson<T>(file: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new RunError(`${file}: ${describeFsError(e)}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new RunError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Checks a config.json read from disk (it may have been edited by hand); says what is wrong. */
export function validateRunConfig(value: unknown, file = 'config.json'): RunConfig {
  const fail = (why: string): never => {
    throw new RunError(`${file}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a JSON object');
  const c = value as Record<string, unknown>;
  if (!RUN_TASKS.includes(c.task as RunTask)) fail(`"task" must be one of ${RUN_TASKS.join(', ')} (got ${JSON.stringify(c.task)})`);
  if (typeof c.model !== 'string' || !c.model) fail('"model" must be a string such as "lstm" or "attention"');
  if (typeof c.data !== 'string' || !c.data) fail('"data" must be a file path or a built-in corpus ("builtin:…")');
  if (c.seed !== undefined && !Number.isInteger(c.seed)) fail('"seed" must be a whole number');
  if (c.options !== undefined && (typeof c.options !== 'object' || c.options === null || Array.isArray(c.options))) fail('"options" must be an object of settings');
  for (const [k, v] of Object.entries((c.options as object) ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) fail(`option "${k}" must be a string, number or boolean`);
  }
  if (c.probes !== undefined && (!Array.isArray(c.probes) || c.probes.some((p) => typeof p !== 'string'))) fail('"probes" must be a list of sentences');
  return {
    version: 1,
    name: typeof c.name === 'string' && c.name ? c.name : `${c.task} ${c.model}`,
    task: c.task as RunTask,
    model: c.model as string,
    data: c.data as string,
    seed: (c.seed as number | undefined) ?? 1,
    options: { ...((c.options as RunConfig['options']) ?? {}) },
    probes: [...((c.probes as string[]) ?? [])],
    ...(c.parent ? { parent: c.parent as RunConfig['parent'] } : {}),
    ...(typeof c.preset === 'string' ? { preset: c.preset } : {}),
    ...(c.experiment && typeof (c.experiment as { id?: unknown }).id === 'string' ? { experiment: c.experiment as RunConfig['experiment'] } : {}),
  };
}

/** A new run id: time, task and model, made unique within `root`. */
export function newRunId(root: string, task: string, model: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const base = `${stamp}-${task}-${model}`.replace(/[^A-Za-z0-9._-]/g, '-');
  let id = base;
  for (let i = 2; fs.existsSync(path.join(root, id)); i++) id = `${base}-${i}`;
  return id;
}

/** Creates a run folder with its config and a `queued` state; returns its folder. */
export function createRun(root: string, config: RunConfig, id = newRunId(root, config.task, config.model)): string {
  const dir = path.join(root, id);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new RunError(`could not create the run folder ${dir}: ${describeFsError(e)}`);
  }
  writeJsonAtomically(path.join(dir, 'config.json'), config);
  writeJsonAtomically(path.join(dir, 'state.json'), { state: 'queued' } satisfies RunStatus);
  return dir;
}

export function readRunConfig(dir: string): RunConfig {
  const file = path.join(dir, 'config.json');
  return validateRunConfig(readJson(file), file);
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * state.json as written, except that a run marked `training` whose writer is gone (its process
 * ended, or it has been silent past the heartbeat timeout) reads as `interrupted`.
 */
export function readRunStatus(dir: string, now = Date.now()): RunStatus {
  const file = path.join(dir, 'state.json');
  if (!fs.existsSync(file)) return { state: 'interrupted', error: 'state.json is missing' };
  const s = readJson<RunStatus>(file);
  if (typeof s !== 'object' || s === null || !RUN_STATES.includes(s.state)) throw new RunError(`${file}: "state" must be one of ${RUN_STATES.join(', ')}`);
  if (s.state === 'training' && (!isAlive(s.pid) || (s.heartbeat !== undefined && now - s.heartbeat > HEARTBEAT_TIMEOUT_MS))) return { ...s, state: 'interrupted' };
  return s;
}

export function writeRunStatus(dir: string, status: RunStatus): void {
  writeJsonAtomically(path.join(dir, 'state.json'), status);
}

/**
 * Lines of a .jsonl file. A last line without its newline is a write cut short (a crash) and is
 * left out; any other line that is not a JSON object is reported by line number.
 */
export function readJsonl<T>(file: string): { rows: T[]; errors: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { rows: [], errors: [] };
    throw new RunError(`${file}: ${describeFsError(e)}`);
  }
  const lines = text.split('\n');
  const complete = lines.slice(0, -1); // after the last newline: '' or a line cut short
  const rows: T[] = [];
  const errors: string[] = [];
  complete.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v = JSON.parse(line);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      rows.push(v as T);
    } catch {
      errors.push(`${path.basename(file)}:${i + 1}: not a JSON object`);
    }
  });
  return { rows, errors };
}

export function readMetrics(dir: string): { rows: MetricRow[]; errors: string[] } {
  return readJsonl<MetricRow>(path.join(dir, 'metrics.jsonl'));
}

export function readProbes(dir: string): { rows: ProbeRow[]; errors: string[] } {
  return readJsonl<ProbeRow>(path.join(dir, 'probes.jsonl'));
}

/** Every run under `root` (newest first). A run whose files are damaged is listed with its problem. */
export function listRuns(root: string): RunSummary[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: RunSummary[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dir = path.join(root, e.name);
    if (!fs.existsSync(path.join(dir, 'config.json')) && !fs.existsSync(path.join(dir, 'state.json'))) continue;
    const summary: RunSummary = { id: e.name, dir, name: e.name, state: 'interrupted', metrics: {}, hasCheckpoint: fs.existsSync(path.join(dir, 'checkpoint', 'seqlens.json')) };
    try {
      const config = readRunConfig(dir);
      Object.assign(summary, { config, task: config.task, model: config.model, name: config.name });
      const status = readRunStatus(dir);
      Object.assign(summary, { state: status.state, metrics: status.metrics ?? {}, startedAt: status.startedAt });
    } catch (err) {
      summary.problem = err instanceof Error ? err.message : String(err);
      summary.state = 'failed';
    }
    out.push(summary);
  }
  return out.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0) || (a.id < b.id ? 1 : -1));
}

/**
 * Writes one run while it trains: metrics and probes appended a whole line at a time, the state
 * with a heartbeat. Every write goes through here, so a failure (full disk, folder removed) is
 * one clear error.
 */
export class RunWriter {
  private status: RunStatus;
  private lastBeat = 0;

  constructor(
    readonly dir: string,
    resumeFrom?: RunStatus,
  ) {
    this.status = { ...(resumeFrom ?? {}), state: 'training', pid: process.pid, heartbeat: Date.now(), startedAt: resumeFrom?.startedAt ?? Date.now(), endedAt: undefined, error: undefined };
    writeRunStatus(dir, this.status);
  }

  get checkpointDir(): string {
    return path.join(this.dir, 'checkpoint');
  }

  private append(file: string, row: unknown): void {
    try {
      fs.appendFileSync(path.join(this.dir, file), JSON.stringify(row) + '\n');
    } catch (e) {
      throw new RunError(`could not write ${path.join(this.dir, file)}: ${describeFsError(e)}`);
    }
  }

  metric(row: MetricRow): void {
    this.append('metrics.jsonl', row);
    this.beat();
  }

  probes(row: ProbeRow): void {
    this.append('probes.jsonl', row);
  }

  /** Updates the heartbeat (at most every 5 s) and the running totals. */
  beat(progress?: { steps?: number; seconds?: number; epochs?: number; metrics?: Record<string, number | string> }): void {
    if (progress) Object.assign(this.status, progress);
    const now = Date.now();
    if (now - this.lastBeat < 5000 && !progress?.metrics) return;
    this.lastBeat = now;
    this.status.heartbeat = now;
    writeRunStatus(this.dir, this.status);
  }

  finish(state: Exclude<RunState, 'queued' | 'training'>, metrics?: Record<string, number | string>, error?: string): void {
    this.status = { ...this.status, state, endedAt: Date.now(), heartbeat: Date.now(), metrics: { ...(this.status.metrics ?? {}), ...(metrics ?? {}) }, ...(error ? { error } : {}) };
    writeRunStatus(this.dir, this.status);
  }
}

/**
 * What to call a model on disk: a run's checkpoint (`.seqlens/runs/<id>/checkpoint`) by its
 * run's name, anything else by its folder or file name.
 */
export function modelLabelOf(modelPath: string): string {
  const abs = path.resolve(modelPath);
  if (path.basename(abs) === 'checkpoint') {
    const dir = path.dirname(abs);
    try {
      return `${readRunConfig(dir).name} (run ${path.basename(dir)})`;
    } catch {
      // not a run folder, or its config is damaged: the plain name below
    }
  }
  return path.basename(abs);
}

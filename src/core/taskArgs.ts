/**
 * What every `seqlens` verb shares: its arguments by flag name, the hooks the caller (the
 * command or the worker) gives it, the errors a user reads, and the result it returns.
 */
import * as path from 'path';
import { readTextFile, TextFileError } from './data/textFile';

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
  /** Structured events for a program watching (the projector's layouts as they form). */
  event?: (event: Record<string, unknown>) => void;
  /** Set when training writes a run folder (runs/trainRun.ts): structured metrics, probes, resume. */
  run?: RunHooks;
}

/** What training reports to a run, beyond its progress lines. */
export interface RunHooks {
  /** A row of metrics; `step` counts this session's steps (the run adds earlier sessions' steps and time). */
  metric(row: { split: 'train' | 'validation' | 'test'; step: number; epoch: number; [metric: string]: number | string }): void;
  /** The probe sentences' outputs at an evaluation. */
  probes(epoch: number, step: number, outputs: Array<{ input: string; output: string; reference?: string }>): void;
  /** Sentences to decode at every evaluation (empty: the first held-out ones). */
  probeSentences: string[];
  /** Continue from this checkpoint (its weights and vocabularies), with what earlier sessions already trained. */
  resume?: { checkpoint: string; epochs: number; seconds: number };
}

/** What a task returns: the --json document, and the text a person reads. */
export interface TaskResult {
  json: unknown;
  text: string;
}

export function str(a: Args, name: string, required: true): string;
export function str(a: Args, name: string, required?: false): string | undefined;
export function str(a: Args, name: string, required = false): string | undefined {
  const v = a.flags.get(name);
  if (v === undefined) {
    if (required) throw new TaskError(`${a.verb}: --${name} is required`);
    return undefined;
  }
  if (v === true) throw new TaskError(`${a.verb}: --${name} needs a value`);
  return v;
}

export function num(a: Args, name: string, fallback: number, check: (n: number) => boolean = Number.isFinite): number {
  const v = str(a, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!check(n)) throw new TaskError(`${a.verb}: --${name} must be a valid number (got "${v}")`);
  return n;
}

export const isPositiveInt = (n: number) => Number.isInteger(n) && n > 0;

export function lrSchedule(a: Args): 'constant' | 'linear' {
  const v = str(a, 'lr-schedule') ?? 'constant';
  if (v !== 'constant' && v !== 'linear') throw new TaskError(`train: --lr-schedule must be constant or linear (got "${v}")`);
  return v;
}

export function readText(a: Args, file: string, hooks?: TaskHooks): string {
  try {
    const { text, encoding } = readTextFile(file);
    if (encoding === 'windows-1252' || encoding.startsWith('utf-16')) hooks?.progress(`${path.basename(file)}: read as ${encoding === 'windows-1252' ? 'Windows-1252 (it is not UTF-8)' : encoding.toUpperCase()}`);
    return text;
  } catch (e) {
    if (e instanceof TextFileError) throw new TaskError(`${a.verb}: ${e.message}`);
    throw e;
  }
}

export function result(json: unknown, text: string): TaskResult {
  return { json, text };
}

/**
 * Trains one run folder (runs.ts): reads its config.json, trains with the same `train` task the
 * command runs, and writes metrics.jsonl, probes.jsonl, state.json and checkpoint/ as it goes.
 * Resume continues a stopped or interrupted run from its best checkpoint; its steps and clock
 * carry on from where the run's metrics end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isBuiltin } from '../data/builtinCorpora';
import { argsOf, RunHooks, TaskHooks, TaskResult } from '../taskArgs';
import { trainTask } from '../trainTask';
import { MetricRow, ProbeRow, readMetrics, readRunConfig, readRunStatus, RunConfig, RunError, RunStatus, RunWriter } from './runs';

export type { RunEvent } from '../../protocol/runs';
import type { RunEvent } from '../../protocol/runs';

export interface TrainRunHooks extends Omit<TaskHooks, 'run'> {
  onEvent?: (e: RunEvent) => void;
}

/** The workspace folder a run belongs to (`<workspace>/.seqlens/runs/<id>`), else the run folder's parent. */
export function workspaceOfRun(dir: string): string {
  const abs = path.resolve(dir);
  const runs = path.dirname(abs);
  if (path.basename(runs) === 'runs' && path.basename(path.dirname(runs)) === '.seqlens') return path.dirname(path.dirname(runs));
  return runs;
}

/** The data a run reads: a built-in corpus as is, a relative path from the run's workspace. */
export function resolveRunData(dir: string, config: RunConfig): string {
  if (isBuiltin(config.data) || path.isAbsolute(config.data)) return config.data;
  return path.resolve(workspaceOfRun(dir), config.data);
}

/** Summary metrics of a finished task for state.json: the numbers, and why it stopped. */
function summary(json: unknown): Record<string, number | string> {
  const m = ((json as { metrics?: Record<string, unknown> })?.metrics ?? {}) as Record<string, unknown>;
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(m)) if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string') out[k] = v;
  return out;
}

export async function trainRun(dir: string, hooks: TrainRunHooks, options: { resume?: boolean } = {}): Promise<{ status: RunStatus; result: TaskResult }> {
  const config = readRunConfig(dir);
  const previous = readRunStatus(dir);
  const checkpoint = path.join(dir, 'checkpoint');
  let earlier = { steps: 0, seconds: 0, epochs: 0 };
  if (options.resume) {
    if (previous.state === 'done') throw new RunError(`${path.basename(dir)} has finished; start a new run (Run Again) to train more`);
    if (!fs.existsSync(path.join(checkpoint, 'seqlens.json'))) throw new RunError(`${path.basename(dir)} has no checkpoint to resume from yet (it stopped before its first evaluation); run it again instead`);
    const last = readMetrics(dir).rows.at(-1);
    let epochs = previous.epochs ?? 0;
    try {
      epochs ||= Number(JSON.parse(fs.readFileSync(path.join(checkpoint, 'seqlens.json'), 'utf8')).training?.epochs) || 0;
    } catch {
      // the checkpoint's own loader says what is wrong with it
    }
    earlier = { steps: previous.steps ?? last?.step ?? 0, seconds: previous.seconds ?? last?.time ?? 0, epochs };
  } else if (previous.state !== 'queued') {
    throw new RunError(`${path.basename(dir)} has already run (${previous.state}); resume it, or start a new run`);
  }
  const writer = new RunWriter(dir, options.resume ? previous : undefined);
  hooks.onEvent?.({ type: 'state', status: readRunStatus(dir) });
  const t0 = Date.now();
  let steps = 0;
  let epochs = 0;
  const clock = () => earlier.seconds + (Date.now() - t0) / 1000;
  const run: RunHooks = {
    metric: (row) => {
      steps = Math.max(steps, row.step);
      epochs = Math.max(epochs, row.epoch + (row.split === 'validation' ? 1 : 0));
      const full = { ...row, step: earlier.steps + row.step, time: Math.round(clock() * 1000) / 1000 } as MetricRow;
      writer.metric(full);
      writer.beat({ steps: earlier.steps + steps, seconds: clock(), epochs: earlier.epochs + epochs });
      hooks.onEvent?.({ type: 'metric', row: full });
    },
    probes: (epoch, step, outputs) => {
      const row: ProbeRow = { step: earlier.steps + step, time: Math.round(clock() * 1000) / 1000, epoch: earlier.epochs + epoch, outputs };
      writer.probes(row);
      hooks.onEvent?.({ type: 'probes', row });
    },
    probeSentences: config.probes,
    resume: options.resume ? { checkpoint, epochs: earlier.epochs, seconds: earlier.seconds } : undefined,
  };
  const args = argsOf('train', { ...config.options, task: config.task, model: config.model, data: resolveRunData(dir, config), seed: config.seed, out: checkpoint });
  try {
    const result = await trainTask(args, { ...hooks, run });
    const metrics = summary(result.json);
    writer.beat({ steps: earlier.steps + steps, seconds: clock(), epochs: earlier.epochs + epochs });
    writer.finish(metrics.stoppedBy === 'cancelled' ? 'stopped' : 'done', metrics);
    const status = readRunStatus(dir);
    hooks.onEvent?.({ type: 'state', status });
    return { status, result };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    try {
      writer.beat({ steps: earlier.steps + steps, seconds: clock(), epochs: earlier.epochs + epochs });
      writer.finish('failed', undefined, message);
      hooks.onEvent?.({ type: 'state', status: readRunStatus(dir) });
    } catch {
      // the folder itself is gone or unwritable: the error below says what failed first
    }
    throw e;
  }
}

/** Flags that say where and how to run, not what to train: never copied into a run's options. */
const NOT_OPTIONS = new Set(['task', 'model', 'data', 'seed', 'out', 'run-dir', 'json', 'resume', 'name', 'probe', 'estimate']);

/** A run's config from `seqlens train` flags (the data path made absolute, so the run reads it from anywhere). */
export function runConfigFromArgs(a: { flags: Map<string, string | true> }, cwd = process.cwd()): RunConfig {
  const get = (k: string) => {
    const v = a.flags.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const task = get('task');
  const data = get('data');
  if (!task || !data) throw new RunError('train: --task and --data are required to start a run (or give --run-dir a folder that holds a config.json)');
  const options: RunConfig['options'] = {};
  for (const [k, v] of a.flags) {
    if (NOT_OPTIONS.has(k)) continue;
    options[k] = v === true ? true : Number.isFinite(Number(v)) && v.trim() !== '' ? Number(v) : v;
  }
  const model = get('model') ?? ({ translate: 'attention', lm: 'lstm', tag: 'lstm', classify: 'lstm', word2vec: 'skipgram' } as Record<string, string>)[task] ?? 'lstm';
  return {
    version: 1,
    name: get('name') ?? `${task} ${model}`,
    task: task as RunConfig['task'],
    model,
    data: isBuiltin(data) ? data : path.resolve(cwd, data),
    seed: Number(get('seed') ?? 1),
    options,
    probes: get('probe') ? [get('probe')!] : [],
  };
}

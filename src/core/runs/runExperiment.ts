/**
 * `seqlens experiment --experiment ID [--dir WORKSPACE]`: one of the course's experiments from a terminal,
 * as the editor runs it: its runs created in WORKSPACE/.seqlens/runs and trained one after the
 * other, then the analysis written to WORKSPACE/.seqlens/experiments/<id>/experiment.json.
 */
import * as path from 'path';
import { analyzeTask } from '../experimentAnalysis';
import { argsOf, Args, result, str, TaskError, TaskHooks, TaskResult } from '../taskArgs';
import { EXPERIMENTS, experimentRunConfig, experimentsRoot, writeExperiment, type ExperimentRecord, type ExperimentResult } from './experiments';
import { createRun, newRunId, runsRoot } from './runs';
import { trainRun } from './trainRun';

export async function experimentTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const id = str(a, 'experiment');
  const def = EXPERIMENTS.find((e) => e.id === id);
  if (!def) throw new TaskError(`experiment: ${id ? `no experiment "${id}"` : 'which experiment?'} (${EXPERIMENTS.map((e) => e.id).join(', ')})`);
  const workspace = path.resolve(str(a, 'dir') ?? process.cwd());
  const root = runsRoot(workspace);
  const expId = newRunId(experimentsRoot(root), 'experiment', def.id);
  const expDir = path.join(experimentsRoot(root), expId);
  const t0 = Date.now();
  const record: ExperimentRecord = { version: 1, id: expId, experiment: def.id, title: def.title, question: def.question, runs: [], state: 'training', startedAt: t0 };
  const dirs: Record<string, string> = {};
  writeExperiment(expDir, record);
  try {
    for (const spec of def.runs) {
      const dir = createRun(root, experimentRunConfig(def, spec, expId, dirs));
      dirs[spec.key] = dir;
      record.runs.push({ key: spec.key, id: path.basename(dir), name: spec.name, compared: spec.compared !== false });
      writeExperiment(expDir, record);
      hooks.progress(`${def.id}: training ${spec.name} (${path.basename(dir)})`);
      const r = await trainRun(dir, { ...hooks, progress: () => undefined });
      if (r.status.state !== 'done') {
        record.state = r.status.state === 'stopped' ? 'stopped' : 'failed';
        record.endedAt = Date.now();
        writeExperiment(expDir, record);
        throw new TaskError(`experiment: ${spec.name} ${r.status.state}; the comparison needs every run`);
      }
    }
    record.state = 'analysing';
    writeExperiment(expDir, record);
    const analysis = await analyzeTask(argsOf('analyze', { experiment: def.id, runs: JSON.stringify(dirs) }), hooks);
    record.result = analysis.json as ExperimentResult;
    record.state = 'done';
    record.endedAt = Date.now();
    writeExperiment(expDir, record);
    const seconds = (record.endedAt - t0) / 1000;
    return result({ ...record, dir: expDir, seconds }, `${analysis.text}\n\n${def.id}: ${seconds.toFixed(0)} s; ${path.join(expDir, 'experiment.json')}`);
  } catch (e) {
    if (record.state === 'training' || record.state === 'analysing') {
      record.state = 'failed';
      record.error = e instanceof Error ? e.message : String(e);
      record.endedAt = Date.now();
      writeExperiment(expDir, record);
    }
    throw e;
  }
}

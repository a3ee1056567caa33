/**
 * Train in the editor: Train Model… (a short quick-pick flow), the runs kept in the workspace
 * (the SeqLens Runs view), the live training dashboard, Stop / Resume / Compare, and using a
 * trained model in the other views.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BUILTIN_CORPORA, BUILTIN_PREFIX, builtinFor } from '../../core/data/builtinCorpora';
import { newRunId, readRunConfig, readRunStatus, RunConfig, RunSummary, RunTask, writeJsonAtomically } from '../../core/runs/runs';
import { variantConfig, variantSettings } from '../../core/runs/variants';
import { EXPERIMENTS, experimentRunConfig, experimentsRoot, readExperiment, writeExperiment, type ExperimentRecord, type ExperimentResult } from '../../core/runs/experiments';
import type { SeqLensContext } from '../context';
import { objectArg, uriArg, type FeatureContribution } from '../features';
import { DashboardPanel } from './dashboardPanel';
import { RUNS_VIEW_ID, RunsTreeProvider } from './runsView';
import { formatSeconds, TrainingService } from './trainingService';

export interface TrainingApi {
  training: {
    readonly service: TrainingService;
    readonly dashboard: DashboardPanel;
    readonly statusText: string | undefined;
  };
}

/** What Train Model… takes as an argument (tests, menus, other extensions); the quick picks ask for what is missing. */
export interface TrainRequest {
  task: RunTask;
  model: string;
  data: string;
  preset: string;
  /** Seconds; 0 = no limit. */
  timeLimit: number;
  options: RunConfig['options'];
  probes: string[];
  name: string;
  seed: number;
  /** Resolve when the run has finished (tests), instead of once it is queued. */
  wait: boolean;
}

const TASKS: Array<{ id: RunTask; label: string; detail: string }> = [
  { id: 'translate', label: 'Translation', detail: 'sentence pairs (source<TAB>target): seq2seq with or without attention, or a Transformer' },
  { id: 'lm', label: 'Language model', detail: 'text, one sentence a line: an RNN, LSTM or GRU predicting the next word' },
  { id: 'tag', label: 'Tagging', detail: 'word<TAB>tag lines, a blank line between sentences: every step’s output is read' },
  { id: 'classify', label: 'Classification', detail: 'label<TAB>text lines: the last state is read (sentiment-style)' },
  { id: 'word2vec', label: 'Word vectors', detail: 'text: word2vec skip-gram with negative sampling' },
];

const ARCHITECTURES: Record<RunTask, Array<{ label: string; model: string; options?: RunConfig['options']; detail: string }>> = {
  translate: [
    { label: 'Seq2seq + dot attention', model: 'attention', options: { attention: 'dot' }, detail: 'GRU encoder-decoder; the decoder looks back at every encoder state (Luong)' },
    { label: 'Seq2seq + additive attention', model: 'attention', options: { attention: 'additive' }, detail: 'Bahdanau attention' },
    { label: 'Seq2seq, one context vector', model: 'seq2seq', detail: 'no attention: the whole sentence squeezed into the last encoder state' },
    { label: 'Transformer', model: 'transformer', detail: 'sin/cos positions, multi-head self- and cross-attention, no recurrence' },
  ],
  lm: [],
  tag: [],
  classify: [],
  word2vec: [{ label: 'Skip-gram with negative sampling', model: 'skipgram', detail: 'as word2vec.c does it' }],
};
const RECURRENT = [
  { label: 'LSTM', model: 'lstm', detail: 'gates and a memory cell: long-range dependencies' },
  { label: 'GRU', model: 'gru', detail: 'update and reset gates' },
  { label: 'RNN (tanh)', model: 'rnn', options: { activation: 'tanh' }, detail: 'the vanilla RNN' },
  { label: 'RNN (sigmoid)', model: 'rnn', options: { activation: 'sigmoid' }, detail: 'watch gradients vanish: states squeezed into (0, 1)' },
];
ARCHITECTURES.lm = ARCHITECTURES.tag = ARCHITECTURES.classify = RECURRENT;

/** Size presets per task: the settings they set (the `seqlens train` flags). */
export const PRESETS: Record<'recurrent' | 'translate' | 'word2vec', Array<{ id: string; label: string; options: RunConfig['options'] }>> = {
  translate: [
    { id: 'tiny', label: 'Tiny: 32 units, 6 epochs', options: { units: 32, embedding: 32, epochs: 6 } },
    { id: 'small', label: 'Small: 64 units, 10 epochs', options: { units: 64, embedding: 64, epochs: 10 } },
    { id: 'base', label: 'Base: 256 units, 10 epochs', options: { units: 256, embedding: 128, epochs: 10 } },
    // Real text: pieces learned from the pairs (byte-pair encoding), so that no word is <unk>.
    { id: 'base-subword', label: 'Base on subword pieces: 256 units, 10 epochs, 6,000 byte-pair merges a side (no word is <unk>), learning rate 0.003 falling linearly', options: { units: 256, embedding: 128, epochs: 10, subword: 6000, lr: 0.003, 'lr-schedule': 'linear' } },
  ],
  recurrent: [
    { id: 'tiny', label: 'Tiny: 16 units, 3 epochs', options: { units: 16, embedding: 16, epochs: 3 } },
    { id: 'small', label: 'Small: 32 units, 5 epochs', options: { units: 32, embedding: 24, epochs: 5 } },
    { id: 'base', label: 'Base: 128 units, 8 epochs', options: { units: 128, embedding: 64, epochs: 8 } },
  ],
  word2vec: [
    { id: 'small', label: 'Small: 50 dimensions, 3 epochs', options: { dim: 50, epochs: 3, 'min-count': 2 } },
    { id: 'base', label: 'Base: 100 dimensions, 5 epochs', options: { dim: 100, epochs: 5, 'min-count': 5 } },
  ],
};
const presetsFor = (task: RunTask) => (task === 'translate' ? PRESETS.translate : task === 'word2vec' ? PRESETS.word2vec : PRESETS.recurrent);

const BUDGETS = [
  { label: '1 minute', seconds: 60 },
  { label: '3 minutes', seconds: 180 },
  { label: '10 minutes', seconds: 600 },
  { label: '30 minutes', seconds: 1800 },
  { label: 'No limit', seconds: 0, detail: 'until the epochs are done or validation stops improving' },
];

/** How long a preset took here before: the last finished run of the same task, model, data and preset (its settings not overridden). */
function measuredSeconds(runs: RunSummary[], task: RunTask, model: string, data: string, preset: { id: string; options: RunConfig['options'] }): number | undefined {
  const same = runs.find(
    (r) =>
      r.config?.task === task &&
      r.config.model === model &&
      r.config.data === data &&
      r.config.preset === preset.id &&
      Object.entries(preset.options).every(([k, v]) => r.config!.options[k] === v) &&
      r.state === 'done' &&
      typeof r.metrics.seconds === 'number',
  );
  return same ? (same.metrics.seconds as number) : undefined;
}

function runDirArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { dir?: unknown }).dir === 'string') return (arg as { dir: string }).dir;
  return undefined;
}

export function register(ctx: SeqLensContext): FeatureContribution<TrainingApi> {
  const service = ctx.register(new TrainingService(ctx));
  const tree = ctx.register(new RunsTreeProvider(service));
  const view = ctx.register(vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: false }));
  const dashboard = ctx.register(new DashboardPanel(ctx, service));

  /**
   * The size pick (4/5): each preset with how long the whole run would take here, measured by
   * the engine (`seqlens train --estimate`: a second of steps and one evaluation of this model on
   * this data), filled in one by one as the measurements come; and how long it took last time.
   */
  async function pickSize(task: RunTask, model: string, data: string, archOptions: RunConfig['options'], presets: typeof PRESETS.translate): Promise<{ preset: (typeof PRESETS.translate)[number]; estimates: Map<string, number> } | undefined> {
    type Item = vscode.QuickPickItem & { p: (typeof PRESETS.translate)[number] };
    const runs = service.list();
    const estimates = new Map<string, number>();
    const failed = new Map<string, string>();
    // Measuring beside a training run would time both at half speed; a file of an untrusted workspace is read only once it is trusted.
    const why = service.isTraining() ? 'estimated once the running training is done' : !vscode.workspace.isTrusted && !data.startsWith(BUILTIN_PREFIX) ? 'estimated once the workspace is trusted' : undefined;
    const describe = (p: Item['p']): Item => {
      const last = measuredSeconds(runs, task, model, data, p);
      const est = estimates.get(p.id);
      const now = est !== undefined ? `≈ ${formatSeconds(est)} on this machine` : failed.has(p.id) ? `no estimate: ${failed.get(p.id)}` : (why ?? 'estimating…');
      return { label: p.label, description: now, detail: last !== undefined ? `took ${formatSeconds(last)} here last time` : undefined, p };
    };
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = 'Train Model (4/5): size';
    qp.placeholder = 'each size timed here: a second of its steps and one evaluation';
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    const refresh = () => {
      const active = qp.activeItems[0]?.p.id;
      qp.items = presets.map(describe);
      const again = qp.items.find((i) => i.p.id === active);
      if (again) qp.activeItems = [again];
    };
    refresh();
    const cts = new vscode.CancellationTokenSource();
    qp.busy = !why;
    qp.show();
    void (async () => {
      if (why) return;
      for (const p of presets) {
        if (cts.token.isCancellationRequested) return;
        try {
          const r = await ctx.engine.request('task/run', { verb: 'train', options: { ...p.options, ...archOptions, task, model, data, seed: 1, estimate: true } }, { token: cts.token });
          const seconds = (r.json as { estimate?: { seconds?: number } }).estimate?.seconds;
          if (typeof seconds === 'number' && Number.isFinite(seconds)) estimates.set(p.id, seconds);
        } catch (e) {
          if (cts.token.isCancellationRequested) return;
          failed.set(p.id, e instanceof Error ? e.message.replace(/^train: /, '') : String(e));
          ctx.log.warn(`estimate of ${p.id}: ${failed.get(p.id)}`);
        }
        refresh();
      }
    })().finally(() => (qp.busy = false));
    const chosen = await new Promise<Item | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? qp.activeItems[0]));
      qp.onDidHide(() => resolve(undefined));
    });
    cts.cancel();
    qp.dispose();
    return chosen ? { preset: chosen.p, estimates } : undefined;
  }

  /** Train Model…: what the argument does not say, the quick picks ask. */
  async function trainModel(arg?: unknown): Promise<{ dir: string; id: string; state?: string } | undefined> {
    const clicked = uriArg(arg);
    const req = objectArg<TrainRequest>(arg);
    const task =
      req.task ??
      (
        await vscode.window.showQuickPick(
          TASKS.map((t) => ({ label: t.label, detail: t.detail, id: t.id })),
          { title: 'Train Model (1/5): what should it learn?', ignoreFocusOut: true },
        )
      )?.id;
    if (!task) return undefined;
    let data = req.data ?? clicked?.fsPath;
    if (!data) {
      const builtin = builtinFor(task);
      const items: Array<vscode.QuickPickItem & { data?: string; browse?: boolean; download?: boolean }> = [
        ...(builtin ? [{ label: `$(package) ${builtin.label}`, detail: builtin.detail, data: BUILTIN_PREFIX + builtin.id, description: 'works offline' }] : []),
        ...BUILTIN_CORPORA.filter((c) => c.task !== task && ((task === 'word2vec' && c.task === 'lm') || (task === 'lm' && c.task === 'word2vec'))).map((c) => ({ label: `$(package) ${c.label}`, detail: c.detail, data: BUILTIN_PREFIX + c.id })),
        { label: '$(folder-opened) A file…', detail: 'a .tsv or .txt in the format of the task', browse: true },
        ...(task === 'translate' ? [{ label: '$(cloud-download) Download Sentence Pairs…', detail: 'Tatoeba pairs (CC-BY 2.0 FR), then train on them', download: true }] : []),
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'Train Model (2/5): data', ignoreFocusOut: true });
      if (!pick) return undefined;
      if (pick.download) {
        const got = (await vscode.commands.executeCommand('seqlens.downloadCorpus')) as { file: string } | undefined;
        data = got?.file;
      } else if (pick.browse) {
        data = (await vscode.window.showOpenDialog({ title: 'Training data', canSelectMany: false, filters: { 'Text and TSV': ['tsv', 'txt'], 'All files': ['*'] } }))?.[0]?.fsPath;
      } else data = pick.data;
      if (!data) return undefined;
    }
    let model = req.model;
    let archOptions: RunConfig['options'] = {};
    if (!model) {
      const pick = await vscode.window.showQuickPick(
        ARCHITECTURES[task].map((a) => ({ label: a.label, detail: a.detail, a })),
        { title: 'Train Model (3/5): architecture', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      model = pick.a.model;
      archOptions = pick.a.options ?? {};
    }
    const presets = presetsFor(task);
    let preset = req.preset ? presets.find((p) => p.id === req.preset) : undefined;
    if (req.preset && !preset) throw new Error(`unknown size preset "${req.preset}" for ${task} (${presets.map((p) => p.id).join(', ')})`);
    const absoluteData = data.startsWith(BUILTIN_PREFIX) || path.isAbsolute(data) ? data : path.resolve(path.dirname(service.root() ?? '.'), '..', data);
    let estimates = new Map<string, number>();
    if (!preset && !req.options) {
      const picked = await pickSize(task, model, absoluteData, archOptions, presets);
      if (!picked) return undefined;
      preset = picked.preset;
      estimates = picked.estimates;
    }
    let timeLimit = req.timeLimit;
    if (timeLimit === undefined && !req.options) {
      // With the size's measured estimate: whether each budget lets the run finish.
      const whole = preset ? estimates.get(preset.id) : undefined;
      const budgetNote = (seconds: number) => (whole === undefined || !seconds ? undefined : seconds >= whole ? 'enough to finish' : `stops at about ${Math.max(1, Math.round((100 * seconds) / whole))}% of the run`);
      const pick = await vscode.window.showQuickPick(BUDGETS.map((b) => ({ label: b.label, detail: b.detail, description: budgetNote(b.seconds), b })), { title: 'Train Model (5/5): time budget (the best checkpoint so far is kept when it runs out)', ignoreFocusOut: true });
      if (!pick) return undefined;
      timeLimit = pick.b.seconds;
    }
    const options: RunConfig['options'] = { ...(preset?.options ?? {}), ...archOptions, ...(req.options ?? {}) };
    if (timeLimit) options['time-limit'] = timeLimit;
    const config: RunConfig = {
      version: 1,
      name: req.name ?? `${TASKS.find((t) => t.id === task)!.label.toLowerCase()} · ${ARCHITECTURES[task].find((a) => a.model === model && Object.entries(a.options ?? {}).every(([k, v]) => options[k] === v))?.label ?? model}`,
      task,
      model,
      data: absoluteData,
      seed: req.seed ?? 1,
      options,
      probes: req.probes ?? [],
      ...(preset ? { preset: preset.id } : {}),
    };
    const started = await service.start(config);
    dashboard.show([started.dir]);
    if (req.wait) return { dir: started.dir, id: started.id, state: await started.finished };
    return { dir: started.dir, id: started.id };
  }

  /**
   * Measures an experiment's comparison on its runs' checkpoints (in the worker) and keeps it in
   * experiment.json: at the end of Run an Experiment…, or again from the dashboard when VS Code
   * closed before its runs were done (they resume one by one).
   */
  async function analyzeExperiment(expDir: string): Promise<ExperimentRecord> {
    const record = readExperiment(expDir);
    const def = EXPERIMENTS.find((e) => e.id === record.experiment);
    if (!def) throw new Error(`${path.join(expDir, 'experiment.json')}: no experiment "${record.experiment}"`);
    const root = path.join(path.dirname(path.dirname(expDir)), 'runs');
    const dirs = Object.fromEntries(record.runs.map((r) => [r.key, path.join(root, r.id)]));
    const notDone = record.runs.filter((r) => { try { return readRunStatus(dirs[r.key]).state !== 'done'; } catch { return true; } });
    if (notDone.length) throw new Error(`${def.title}: ${notDone.map((r) => r.name).join(', ')} ${notDone.length === 1 ? 'is' : 'are'} not done yet; resume ${notDone.length === 1 ? 'it' : 'them'} first`);
    const shown = record.runs.filter((r) => r.compared).map((r) => dirs[r.key]);
    record.state = 'analysing';
    delete record.error;
    writeExperiment(expDir, record);
    dashboard.refresh();
    try {
      const r = await ctx.engine.request('task/run', { verb: 'analyze', options: { experiment: def.id, runs: JSON.stringify(dirs) } });
      record.result = r.json as ExperimentResult;
      record.state = 'done';
    } catch (e) {
      record.state = 'failed';
      record.error = e instanceof Error ? e.message : String(e);
    }
    record.endedAt = Date.now();
    writeExperiment(expDir, record);
    dashboard.refresh();
    if (record.state === 'done') {
      ctx.lastNotice = `${def.title}: ${record.result!.conclusion}`;
      void vscode.window.showInformationMessage(`SeqLens experiment: ${def.title}. ${record.result!.conclusion.split('. ')[0]}.`, 'Open Comparison').then((act) => {
        if (act) dashboard.show(shown);
      });
    } else ctx.reportError(`Experiment ${def.title}`, new Error(record.error ?? record.state));
    return record;
  }

  function selected(arg: unknown, many?: unknown): string[] {
    if (Array.isArray(many) && many.length) return many.map((m) => (m as RunSummary).dir);
    if (Array.isArray(arg)) return arg.map((a) => runDirArg(a)!).filter(Boolean);
    const one = runDirArg(arg);
    if (one) return [one];
    return view.selection.map((s) => s.dir);
  }

  return {
    commands: {
      'seqlens.trainModel': trainModel,
      'seqlens.openDashboard': async (arg?: unknown) => {
        let dirs = selected(arg);
        if (!dirs.length) {
          const runs = service.list();
          const active = runs.find((r) => service.isActive(r.dir));
          const pick = active ?? (await vscode.window.showQuickPick(runs.map((r) => ({ label: r.name, description: `${r.state} · ${r.id}`, r })), { title: 'Open the dashboard of a run' }))?.r;
          if (!pick) return undefined;
          dirs = [pick.dir];
        }
        dashboard.show(dirs.slice(0, 1));
        return dirs[0];
      },
      'seqlens.compareRuns': (arg?: unknown, many?: unknown) => {
        const dirs = selected(arg, many);
        if (dirs.length < 2) {
          ctx.info('select two or more runs in the SeqLens Runs view (Ctrl/Cmd+click) to compare them.');
          return undefined;
        }
        dashboard.show(dirs);
        return dirs;
      },
      'seqlens.stopRun': (arg?: unknown) => {
        const dir = selected(arg)[0];
        if (!dir || !service.stop(dir)) {
          ctx.info(dir ? `${path.basename(dir)} is not training or queued.` : 'no run is training.');
          return false;
        }
        return true;
      },
      'seqlens.resumeRun': async (arg?: unknown) => {
        const dir = selected(arg)[0];
        if (!dir) return undefined;
        const finished = service.resume(dir);
        dashboard.show([dir]);
        return objectArg<{ wait: boolean }>(arg).wait ? finished : dir;
      },
      'seqlens.runAgain': async (arg?: unknown) => {
        const dir = selected(arg)[0];
        if (!dir) return undefined;
        const started = await service.start(readRunConfig(dir)); // config.json as it is now, edits included
        dashboard.show([started.dir]);
        return started.dir;
      },
      /** One of the course's experiments: its runs queued, compared live, then analysed in the worker. */
      'seqlens.runExperiment': async (arg?: unknown) => {
        const a = objectArg<{ id: string; wait: boolean }>(arg);
        const id =
          a.id ??
          (typeof arg === 'string' ? arg : undefined) ??
          (
            await vscode.window.showQuickPick(
              EXPERIMENTS.map((e) => ({ label: e.title, description: `about ${e.minutes} min`, detail: e.question, id: e.id })),
              { title: 'Run an experiment of the course (on the project’s own data)', ignoreFocusOut: true },
            )
          )?.id;
        if (!id) return undefined;
        const root = service.root();
        if (!root) throw new Error('Open a folder first: SeqLens keeps runs in the workspace, in .seqlens/runs.');
        const def = EXPERIMENTS.find((e) => e.id === id);
        if (!def) throw new Error(`no experiment "${id}" (${EXPERIMENTS.map((e) => e.id).join(', ')})`);
        const expId = newRunId(experimentsRoot(root), 'experiment', def.id);
        const expDir = path.join(experimentsRoot(root), expId);
        const record: ExperimentRecord = { version: 1, id: expId, experiment: def.id, title: def.title, question: def.question, runs: [], state: 'training', startedAt: Date.now() };
        writeExperiment(expDir, record);
        const dirs: Record<string, string> = {};
        const finished: Array<Promise<string>> = [];
        for (const spec of def.runs) {
          const started = await service.start(experimentRunConfig(def, spec, expId, dirs));
          dirs[spec.key] = started.dir;
          finished.push(started.finished);
          record.runs.push({ key: spec.key, id: started.id, name: spec.name, compared: spec.compared !== false });
          writeExperiment(expDir, record);
        }
        const shown = def.runs.filter((r) => r.compared !== false).map((r) => dirs[r.key]);
        dashboard.show(shown);
        const done = (async () => {
          const states = await Promise.all(finished);
          if (states.some((st) => st !== 'done')) {
            record.state = states.includes('stopped') ? 'stopped' : 'failed';
            record.error = `runs ended ${states.join(', ')}: the comparison needs every run done (resume them, then Measure the Comparison)`;
            record.endedAt = Date.now();
            writeExperiment(expDir, record);
            dashboard.refresh();
            ctx.reportError(`Experiment ${def.title}`, new Error(record.error));
            return record;
          }
          return analyzeExperiment(expDir);
        })();
        return a.wait ? done : { dir: expDir, id: expId, runs: dirs };
      },
      'seqlens.analyzeExperiment': async (arg?: unknown) => {
        const a = objectArg<{ dir: string }>(arg);
        const dir = a.dir ?? (typeof arg === 'string' ? arg : undefined);
        if (!dir) return undefined;
        return analyzeExperiment(dir);
      },
      /** A run with exactly one setting changed, the same seed and data, overlaid on its parent. */
      'seqlens.runVariant': async (arg?: unknown) => {
        const a = objectArg<{ dir: string; setting: string; value: string; wait: boolean }>(arg);
        let dir = a.dir ?? selected(arg)[0];
        if (!dir) {
          const runs = service.list().filter((r) => r.config);
          const picked = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.name, description: `${r.config!.task} · ${r.config!.model} · ${r.id}`, r })), { title: 'Run Variant: of which run?' });
          if (!picked) return undefined;
          dir = picked.r.dir;
        }
        const parent = readRunConfig(dir);
        const vectorRuns = service
          .list()
          .filter((r) => r.config?.task === 'word2vec' && r.hasCheckpoint && r.dir !== dir)
          .map((r) => ({ dir: r.dir, name: r.name, dim: Number(r.config!.options.dim ?? 100) }));
        const settings = variantSettings(parent, vectorRuns);
        if (settings.length === 0) {
          ctx.info(`${parent.name} (${parent.task}, ${parent.model}) has no setting that Run Variant changes: it varies teacher forcing and attention (seq2seq translation), cell type and activation (recurrent models), and pretrained vs end-to-end embeddings (tagging, classification).`);
          return undefined;
        }
        const setting =
          a.setting ??
          (await vscode.window.showQuickPick(settings.map((x) => ({ label: x.label, description: `now: ${x.current}`, detail: x.detail, x })), { title: `Run Variant of ${parent.name} (1/2): which setting?`, ignoreFocusOut: true }))?.x.setting;
        if (!setting) return undefined;
        const choices = settings.find((x) => x.setting === setting)?.values ?? [];
        const value = a.value ?? (await vscode.window.showQuickPick(choices.map((v) => ({ label: v.label, detail: v.detail, v })), { title: `Run Variant of ${parent.name} (2/2): ${setting} instead of ${settings.find((x) => x.setting === setting)?.current}`, ignoreFocusOut: true }))?.v.value;
        if (!value) return undefined;
        const started = await service.start(variantConfig(parent, path.basename(dir), setting, value, vectorRuns));
        dashboard.show([dir, started.dir]);
        if (a.wait) return { dir: started.dir, id: started.id, state: await started.finished };
        return { dir: started.dir, id: started.id };
      },
      'seqlens.renameRun': async (arg?: unknown) => {
        const dir = selected(arg)[0];
        if (!dir) return undefined;
        const config = readRunConfig(dir);
        const name = objectArg<{ name: string }>(arg).name ?? (await vscode.window.showInputBox({ title: 'Rename run', value: config.name, validateInput: (v) => (v.trim() ? undefined : 'a name is needed') }));
        if (!name?.trim()) return undefined;
        writeJsonAtomically(path.join(dir, 'config.json'), { ...config, name: name.trim() });
        tree.refresh();
        return name.trim();
      },
      'seqlens.deleteRun': async (arg?: unknown, many?: unknown) => {
        const dirs = selected(arg, many);
        if (!dirs.length) return undefined;
        for (const d of dirs) if (service.isActive(d) || service.isQueued(d)) throw new Error(`${path.basename(d)} is training or queued; stop it first`);
        if (!objectArg<{ confirmed: boolean }>(arg).confirmed) {
          const ok = await vscode.window.showWarningMessage(`Delete ${dirs.length === 1 ? path.basename(dirs[0]) : `${dirs.length} runs`} and ${dirs.length === 1 ? 'its' : 'their'} checkpoint${dirs.length === 1 ? '' : 's'}?`, { modal: true }, 'Delete');
          if (ok !== 'Delete') return undefined;
        }
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        tree.refresh();
        return dirs.length;
      },
      'seqlens.revealRun': async (arg?: unknown) => {
        const dir = selected(arg)[0];
        if (dir) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(dir, 'config.json')));
        return dir;
      },
      'seqlens.openRunConfig': async (arg?: unknown) => {
        const dir = selected(arg)[0];
        if (dir) await vscode.window.showTextDocument(vscode.Uri.file(path.join(dir, 'config.json')));
        return dir;
      },
      /** Uses a finished run's checkpoint in the other views. */
      'seqlens.useRun': async (arg?: unknown) => {
        const a = objectArg<{ dir: string; action: string }>(arg);
        const dir = a.dir ?? selected(arg)[0];
        if (!dir) return undefined;
        const checkpoint = path.join(dir, 'checkpoint');
        if (!fs.existsSync(path.join(checkpoint, 'seqlens.json'))) throw new Error(`${path.basename(dir)} has no checkpoint yet`);
        const task = readRunConfig(dir).task;
        const action = a.action ?? (task === 'translate' ? 'Use for Translate Selection' : task === 'word2vec' ? 'Use for Hover' : 'Step Through with It');
        if (action === 'Step Through with It' && (task === 'translate' || task === 'word2vec')) throw new Error(`${path.basename(dir)} is a ${task === 'translate' ? 'translation' : 'word-vector'} run; the timestep panel steps through recurrent language models, taggers and classifiers`);
        switch (action) {
          case 'Open Dashboard':
            dashboard.show([dir]);
            return dir;
          case 'Use for Translate Selection':
            await vscode.workspace.getConfiguration('seqlens.translate').update('model', checkpoint, vscode.ConfigurationTarget.Workspace);
            ctx.info(`Translate Selection now uses ${path.basename(dir)} (seqlens.translate.model).`);
            return checkpoint;
          case 'Use for Hover':
            return vscode.commands.executeCommand('seqlens.loadWordVectors', checkpoint);
          default:
            return vscode.commands.executeCommand('seqlens.openModel', checkpoint);
        }
      },
    },
    api: {
      training: {
        service,
        dashboard,
        get statusText() {
          return service.statusText;
        },
      },
    },
  };
}

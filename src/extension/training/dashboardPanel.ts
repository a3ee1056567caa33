/**
 * The training dashboard: one run's live curves, or several runs overlaid (Compare) with the
 * settings that differ. The page gets the rows already in metrics.jsonl on `ready`, then new
 * rows as the worker reports them, batched a few times a second so that a fast run never
 * floods the extension host or the page.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { experimentsRoot, readExperiment } from '../../core/runs/experiments';
import { readMetrics, readProbes, readRunConfig, readRunStatus } from '../../core/runs/runs';
import type { ExperimentRecord, MetricRow, ProbeRow, RunView, TrainingFromWebview, TrainingToWebview } from '../../protocol/training';
import type { SeqLensContext } from '../context';
import { createPagePanel } from '../shared/webviewHtml';
import type { TrainingService } from './trainingService';

/** The settings that differ between runs (for Compare), each run's value as text. */
export function settingDifferences(runs: RunView[]): Array<{ setting: string; values: string[] }> {
  const flat = runs.map((r) => {
    const c = r.config;
    const out: Record<string, string> = {};
    if (!c) return out;
    out.task = c.task;
    out.model = c.model;
    out.data = path.basename(c.data);
    out.seed = String(c.seed);
    for (const [k, v] of Object.entries(c.options)) out[k] = String(v);
    return out;
  });
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  return keys.map((setting) => ({ setting, values: flat.map((f) => f[setting] ?? '(default)') })).filter((d) => new Set(d.values).size > 1);
}

export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private dirs: string[] = [];
  private pending = new Map<string, { rows: MetricRow[]; probes: ProbeRow[] }>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly sub: vscode.Disposable;
  /** Diagnostics and tests: what the page reported. */
  cursorEvaluation: { id: string; step: number | null } | undefined;
  readonly repaintMs: number[] = [];
  lastShown: RunView[] = [];
  lastExperiment: ExperimentRecord | undefined;

  constructor(
    private readonly ctx: SeqLensContext,
    private readonly service: TrainingService,
  ) {
    this.sub = service.onDidEvent(({ dir, event }) => {
      if (!this.dirs.includes(dir)) return;
      const id = path.basename(dir);
      if (event.type === 'state') {
        this.post({ type: 'run/state', id, state: event.status.state, metrics: event.status.metrics ?? {}, error: event.status.error, queuePosition: this.service.queuePosition(dir) });
        return;
      }
      const p = this.pending.get(id) ?? { rows: [], probes: [] };
      if (event.type === 'metric') p.rows.push(event.row);
      else p.probes.push(event.row);
      this.pending.set(id, p);
      this.flushTimer ??= setTimeout(() => this.flush(), 250);
    });
  }

  get shownIds(): string[] {
    return this.dirs.map((d) => path.basename(d));
  }

  show(dirs: string[]): void {
    this.dirs = [...new Set(dirs)];
    this.pending.clear();
    const title = this.dirs.length === 1 ? `Training: ${this.runName(this.dirs[0])}` : `Compare ${this.dirs.length} runs`;
    if (!this.panel) {
      const panel = createPagePanel(this.ctx.extension.extensionUri, 'seqlens.training', title, 'training', 'SeqLens: Training');
      this.panel = panel;
      this.ready = false;
      panel.webview.onDidReceiveMessage((m: TrainingFromWebview) => this.onMessage(m));
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false; // rebuilt when shown again; it says ready
      });
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = false;
          this.dirs = [];
        }
      });
    } else {
      this.panel.title = title;
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      if (this.ready) this.sendAll();
    }
  }

  private runName(dir: string): string {
    try {
      return readRunConfig(dir).name;
    } catch {
      return path.basename(dir);
    }
  }

  /** A run as the page shows it, read from its files (damaged lines are reported, not fatal). */
  private view(dir: string): RunView {
    const id = path.basename(dir);
    const problems: string[] = [];
    let config;
    try {
      config = readRunConfig(dir);
    } catch (e) {
      problems.push((e as Error).message);
    }
    let state: RunView['state'] = 'failed';
    let metrics: RunView['metrics'] = {};
    try {
      const s = readRunStatus(dir);
      state = this.service.isActive(dir) ? 'training' : this.service.isQueued(dir) ? 'queued' : s.state;
      metrics = s.metrics ?? {};
      if (s.error) problems.push(s.error);
    } catch (e) {
      problems.push((e as Error).message);
    }
    const m = fs.existsSync(dir) ? readMetrics(dir) : { rows: [], errors: [] };
    const p = fs.existsSync(dir) ? readProbes(dir) : { rows: [], errors: [] };
    problems.push(...m.errors, ...p.errors);
    return { id, dir, name: config?.name ?? id, task: config?.task ?? '?', model: config?.model ?? '?', state, metrics, config, rows: m.rows, probes: p.rows, queuePosition: this.service.queuePosition(dir), problems, parent: config?.parent?.id };
  }

  private sendAll(): void {
    this.pending.clear();
    const runs = this.dirs.map((d) => this.view(d));
    this.lastShown = runs;
    this.lastExperiment = this.experimentOf(runs);
    this.post({ type: 'runs/show', runs, differences: settingDifferences(runs), experiment: this.lastExperiment });
  }

  /** The experiment the shown runs make up (all of one experiment), read from its experiment.json. */
  private experimentOf(runs: RunView[]): ExperimentRecord | undefined {
    const ids = new Set(runs.map((r) => r.config?.experiment?.id));
    const [id] = ids;
    if (ids.size !== 1 || !id || runs.length < 2) return undefined;
    try {
      return readExperiment(path.join(experimentsRoot(path.dirname(runs[0].dir)), id));
    } catch (e) {
      this.ctx.log.warn(`experiment ${id}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Reads the shown runs (and their experiment) again, when the panel is up. */
  refresh(): void {
    if (this.panel && this.ready) this.sendAll();
  }

  private flush(): void {
    this.flushTimer = undefined;
    for (const [id, p] of this.pending) this.post({ type: 'run/append', id, rows: p.rows, probes: p.probes });
    this.pending.clear();
  }

  private async onMessage(m: TrainingFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendAll();
        return;
      case 'run/stop': {
        const dir = this.dirs.find((d) => path.basename(d) === m.id);
        if (dir) await vscode.commands.executeCommand('seqlens.stopRun', dir);
        return;
      }
      case 'run/resume': {
        const dir = this.dirs.find((d) => path.basename(d) === m.id);
        if (dir) void vscode.commands.executeCommand('seqlens.resumeRun', dir);
        return;
      }
      case 'experiment/analyze': {
        const dir = this.dirs[0];
        if (dir && this.lastExperiment?.id === m.id) void vscode.commands.executeCommand('seqlens.analyzeExperiment', path.join(experimentsRoot(path.dirname(dir)), m.id));
        return;
      }
      case 'cursor/evaluation':
        this.cursorEvaluation = { id: m.id, step: m.step };
        return;
      case 'repaint':
        this.repaintMs.push(m.ms);
        if (this.repaintMs.length > 200) this.repaintMs.splice(0, this.repaintMs.length - 200);
        return;
      case 'export/data':
      case 'export/png': {
        const png = m.type === 'export/png';
        const base = this.dirs.length === 1 ? path.basename(this.dirs[0]) : 'compare';
        const target = await vscode.window.showSaveDialog({
          title: png ? 'Export the dashboard as PNG' : 'Export the curves as JSON',
          defaultUri: vscode.Uri.file(path.join(this.dirs[0] ?? '.', `${base}.${png ? 'png' : 'json'}`)),
          filters: png ? { PNG: ['png'] } : { JSON: ['json'] },
        });
        if (!target) return;
        const bytes = png ? Buffer.from(m.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(m.json, 'utf8');
        await vscode.workspace.fs.writeFile(target, bytes);
        this.ctx.info(`exported ${path.basename(target.fsPath)}.`);
        return;
      }
    }
  }

  private post(message: TrainingToWebview): void {
    if (!this.panel || !this.ready) return; // the page asks again on ready
    void this.panel.webview.postMessage(message).then((ok) => {
      if (!ok) this.ready = false;
    });
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.sub.dispose();
    this.panel?.dispose();
  }
}

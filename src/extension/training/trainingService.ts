/**
 * Training in the editor: runs are created in the workspace (.seqlens/runs/<id>), queued, and
 * trained one at a time in the engine worker. It owns the queue, the status bar item, the
 * end-of-run notification, the Problems entries for bad data lines, and the live events that
 * the dashboard and the Runs view follow. The extension host only reads and writes small JSON
 * files here; every tensor stays in the worker.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { createRun, listRuns, readRunConfig, readRunStatus, RunConfig, runsRoot, RunSummary, validateRunConfig, writeRunStatus } from '../../core/runs/runs';
import { isBuiltin } from '../../core/data/builtinCorpora';
import type { RunEvent } from '../../protocol/training';
import { EngineRequestError } from '../../worker/client';
import type { SeqLensContext } from '../context';
import { consentToLoad } from '../shared/trust';

interface Active {
  dir: string;
  cts: vscode.CancellationTokenSource;
  lastEta?: number;
  fraction?: number;
  done: Promise<string>;
}

interface Queued {
  dir: string;
  resume: boolean;
  resolve: (state: string) => void;
}

export class TrainingService implements vscode.Disposable {
  private readonly queue: Queued[] = [];
  private active: Active | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly events = new vscode.EventEmitter<{ dir: string; event: RunEvent }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Every event of the running run (metric rows, probes, state changes). */
  readonly onDidEvent = this.events.event;
  /** The set of runs or their states changed (the Runs view refreshes). */
  readonly onDidChangeRuns = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher | undefined;

  constructor(private readonly ctx: SeqLensContext) {
    this.status = vscode.window.createStatusBarItem('seqlens.training', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'SeqLens Training';
    this.diagnostics = vscode.languages.createDiagnosticCollection('seqlens-data');
    // Runs written by the command (seqlens train --run-dir) appear too.
    this.watcher = vscode.workspace.createFileSystemWatcher('**/.seqlens/runs/*/state.json');
    const refresh = () => this.changed.fire();
    this.watcher.onDidCreate(refresh);
    this.watcher.onDidChange(refresh);
    this.watcher.onDidDelete(refresh);
  }

  /** The runs folder of the (first) workspace folder; undefined without a folder open. */
  root(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    return folder ? runsRoot(folder.uri.fsPath) : undefined;
  }

  list(): RunSummary[] {
    const root = this.root();
    if (!root) return [];
    return listRuns(root).map((r) => (this.isQueued(r.dir) ? { ...r, state: 'queued' as const } : r));
  }

  /** A run is training now (in the engine's training lane). */
  isTraining(): boolean {
    return this.active !== undefined;
  }

  isActive(dir: string): boolean {
    return this.active?.dir === dir;
  }

  isQueued(dir: string): boolean {
    return this.queue.some((q) => q.dir === dir);
  }

  queuePosition(dir: string): number | undefined {
    if (this.isActive(dir)) return 0;
    const i = this.queue.findIndex((q) => q.dir === dir);
    return i < 0 ? undefined : i + 1;
  }

  /**
   * Creates a run from a config and queues it. Resolves with the run folder once it is queued;
   * `finished` resolves with its final state.
   */
  async start(config: RunConfig): Promise<{ dir: string; id: string; finished: Promise<string> }> {
    const root = this.root();
    if (!root) throw new Error('Open a folder first: SeqLens keeps runs in the workspace, in .seqlens/runs.');
    validateRunConfig(config);
    if (!isBuiltin(config.data)) {
      if (!fs.existsSync(config.data)) throw new Error(`${config.data}: no such file`);
      if (!(await consentToLoad(config.data, 'training data'))) throw new Error('Training was not started: the workspace is not trusted and loading its data was declined.');
    }
    const dir = createRun(root, config);
    this.changed.fire();
    return { dir, id: path.basename(dir), finished: this.enqueue(dir, false) };
  }

  /** Queues a run folder again from its checkpoint (stopped, interrupted or failed runs). */
  resume(dir: string): Promise<string> {
    if (this.isActive(dir) || this.isQueued(dir)) throw new Error(`${path.basename(dir)} is already ${this.isActive(dir) ? 'training' : 'queued'}`);
    return this.enqueue(dir, true);
  }

  /** Stops a run: the one training keeps its best checkpoint; a queued one leaves the queue. */
  stop(dir: string): boolean {
    if (this.active?.dir === dir) {
      this.active.cts.cancel();
      return true;
    }
    const i = this.queue.findIndex((q) => q.dir === dir);
    if (i < 0) return false;
    const [q] = this.queue.splice(i, 1);
    const s = readRunStatus(dir);
    writeRunStatus(dir, { ...s, state: s.state === 'queued' ? 'stopped' : s.state });
    q.resolve('stopped');
    this.changed.fire();
    this.updateStatus();
    return true;
  }

  private enqueue(dir: string, resume: boolean): Promise<string> {
    return new Promise<string>((resolve) => {
      this.queue.push({ dir, resume, resolve });
      const ahead = this.queue.length - 1 + (this.active ? 1 : 0);
      if (ahead > 0) this.ctx.info(`${path.basename(dir)} is queued: ${ahead} run${ahead === 1 ? '' : 's'} ahead of it (runs train one at a time).`);
      this.changed.fire();
      this.updateStatus();
      void this.next();
    });
  }

  private async next(): Promise<void> {
    if (this.active || this.queue.length === 0) return;
    const q = this.queue.shift()!;
    const cts = new vscode.CancellationTokenSource();
    const active: Active = { dir: q.dir, cts, done: Promise.resolve('') };
    this.active = active;
    this.diagnostics.clear();
    this.updateStatus();
    this.changed.fire();
    let state = 'failed';
    try {
      const r = await this.ctx.engine.request('run/train', { dir: q.dir, resume: q.resume }, {
        token: cts.token,
        onProgress: (p) => {
          const event = p.event as RunEvent | undefined;
          if (!event) return;
          if (event.type === 'metric' && event.row.split === 'train') {
            active.lastEta = Number(event.row.etaSeconds);
            this.updateStatus(event.row);
          }
          this.events.fire({ dir: q.dir, event });
          if (event.type === 'state') this.changed.fire();
        },
      });
      state = r.state;
      this.announce(q.dir, r.state, r.metrics);
    } catch (e) {
      state = this.failed(q.dir, e);
    } finally {
      cts.dispose();
      this.active = undefined;
      q.resolve(state);
      this.changed.fire();
      this.updateStatus();
      void this.next();
    }
  }

  /** A run that did not finish: a crash marks it interrupted (Resume offered), bad data goes to Problems. */
  private failed(dir: string, e: unknown): string {
    const id = path.basename(dir);
    if (e instanceof EngineRequestError && e.code === 'worker-died') {
      try {
        const s = readRunStatus(dir);
        writeRunStatus(dir, { ...s, state: 'interrupted', error: e.message });
      } catch (err) {
        this.ctx.log.error(`marking ${id} interrupted: ${err instanceof Error ? err.message : err}`);
      }
      this.events.fire({ dir, event: { type: 'state', status: { state: 'interrupted', error: e.message } } });
      void vscode.window.showErrorMessage(`SeqLens: ${id} was interrupted: the engine stopped. Its best checkpoint is kept.`, 'Resume', 'Show Log').then((a) => {
        if (a === 'Resume') void vscode.commands.executeCommand('seqlens.resumeRun', dir);
        if (a === 'Show Log') this.ctx.log.show();
      });
      return 'interrupted';
    }
    const message = e instanceof Error ? e.message : String(e);
    const problems = this.showDataProblem(message);
    this.events.fire({ dir, event: { type: 'state', status: { state: 'failed', error: message } } });
    // Several bad lines: the notice says how many (its first line); the Problems panel lists them.
    this.ctx.reportError(`Training ${id}`, problems > 1 ? new Error(`${message.split('\n')[0]}: each is in the Problems panel`) : e);
    return 'failed';
  }

  /** Each `file:line: why` line of an error becomes a Problems entry on that line of the data file. */
  private showDataProblem(message: string): number {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const m of message.matchAll(/(?:^|\s)((?:[A-Za-z]:)?[^\s:]+):(\d+): (.+)$/gm)) {
      if (!fs.existsSync(m[1])) continue;
      const line = Math.max(0, Number(m[2]) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), m[3], vscode.DiagnosticSeverity.Error);
      d.source = 'SeqLens';
      byFile.set(m[1], [...(byFile.get(m[1]) ?? []), d]);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    return [...byFile.values()].reduce((n, l) => n + l.length, 0);
  }

  private announce(dir: string, state: string, metrics: Record<string, number | string>): void {
    const id = path.basename(dir);
    let config: RunConfig | undefined;
    try {
      config = readRunConfig(dir);
    } catch {
      // the notice below still names the run
    }
    const fmt = (k: string, label: string, scale = 1, digits = 2) => (typeof metrics[k] === 'number' && Number.isFinite(metrics[k]) ? `${label} ${((metrics[k] as number) * scale).toFixed(digits)}` : undefined);
    const summary = [fmt('testBleu', 'test BLEU'), fmt('accuracy', 'held-out accuracy', 100, 1) && `${fmt('accuracy', 'held-out accuracy', 100, 1)}%`, fmt('perplexity', 'perplexity'), typeof metrics.words === 'number' ? `${metrics.words} words` : undefined].filter(Boolean).join(', ');
    const actions: string[] = ['Open Dashboard'];
    if (config?.task === 'translate') actions.unshift('Use for Translate Selection');
    if (config?.task === 'lm' || config?.task === 'tag' || config?.task === 'classify') actions.unshift('Step Through with It');
    if (config?.task === 'word2vec') actions.unshift('Use for Hover');
    const message = `${config?.name ?? id} ${state === 'stopped' ? 'stopped (its best checkpoint is kept)' : 'finished'}${summary ? `: ${summary}` : ''}.`;
    this.ctx.lastNotice = message;
    this.ctx.log.info(`notice: ${message}`);
    void vscode.window.showInformationMessage(`SeqLens: ${message}`, ...actions).then((a) => {
      if (a) void vscode.commands.executeCommand('seqlens.useRun', { dir, action: a });
    });
  }

  private updateStatus(row?: Record<string, unknown>): void {
    const a = this.active;
    if (!a) {
      this.status.hide();
      return;
    }
    const eta = a.lastEta !== undefined && Number.isFinite(a.lastEta) ? ` · ETA ${formatSeconds(a.lastEta)}` : '';
    const loss = typeof row?.loss === 'number' ? ` · loss ${row.loss.toFixed(3)}` : '';
    const queued = this.queue.length ? ` · ${this.queue.length} queued` : '';
    this.status.text = `$(pulse) ${path.basename(a.dir)}${loss}${eta}${queued}`;
    this.status.tooltip = 'SeqLens is training in its engine worker. Click to open the training dashboard.';
    this.status.command = { title: 'Open Dashboard', command: 'seqlens.openDashboard', arguments: [a.dir] };
    this.status.show();
  }

  /** What the status bar says (tests). */
  get statusText(): string | undefined {
    return this.active ? this.status.text : undefined;
  }

  dispose(): void {
    this.active?.cts.cancel();
    for (const q of this.queue.splice(0)) q.resolve('stopped');
    this.status.dispose();
    this.diagnostics.dispose();
    this.watcher?.dispose();
    this.events.dispose();
    this.changed.dispose();
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

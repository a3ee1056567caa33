/** The SeqLens Runs tree: every run in the workspace with its state and final metrics. */
import * as path from 'path';
import * as vscode from 'vscode';
import { headline } from '../../core/runs/headline';
import type { RunSummary } from '../../core/runs/runs';
import type { TrainingService } from './trainingService';

export const RUNS_VIEW_ID = 'seqlens.runs';

const ICONS: Record<string, [string, string?]> = {
  queued: ['clock'],
  training: ['sync~spin', 'charts.blue'],
  done: ['pass', 'charts.green'],
  stopped: ['debug-stop', 'charts.yellow'],
  interrupted: ['warning', 'charts.orange'],
  failed: ['error', 'charts.red'],
};

export class RunsTreeProvider implements vscode.TreeDataProvider<RunSummary>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly service: TrainingService) {
    // Coalesced: a run writes its state every few seconds, and a burst of changes is one refresh.
    this.sub = service.onDidChangeRuns(() => {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.emitter.fire(undefined);
      }, 150);
    });
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(element?: RunSummary): RunSummary[] {
    return element ? [] : this.service.list();
  }

  getTreeItem(r: RunSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.None);
    item.id = r.id;
    const position = this.service.queuePosition(r.dir);
    const state = this.service.isActive(r.dir) ? 'training' : r.state;
    item.description = [state + (position && position > 0 ? ` #${position}` : ''), headline(r.metrics), r.model ? `${r.task} · ${r.model}` : ''].filter(Boolean).join(' · ');
    const [icon, colour] = ICONS[state] ?? ['circle-outline'];
    item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
    // " vectors" marks a word-vector run's model (Show in Embedding Projector).
    item.contextValue = `seqlensRun.${state}${r.hasCheckpoint ? '.model' : ''}${r.hasCheckpoint && (r.task ?? r.config?.task) === 'word2vec' ? ' vectors' : ''}`;
    item.tooltip = new vscode.MarkdownString(
      [`**${r.name}** (${r.id})`, `state: ${state}`, r.config ? `task ${r.config.task}, model ${r.config.model}, data \`${path.basename(r.config.data)}\`, seed ${r.config.seed}` : '', r.problem ? `⚠ ${r.problem}` : '', ...Object.entries(r.metrics).map(([k, v]) => `${k}: ${typeof v === 'number' ? +v.toFixed(4) : v}`)].filter(Boolean).join('\n\n'),
    );
    item.command = { title: 'Open Dashboard', command: 'seqlens.openDashboard', arguments: [r.dir] };
    item.resourceUri = vscode.Uri.file(r.dir);
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.emitter.dispose();
  }
}

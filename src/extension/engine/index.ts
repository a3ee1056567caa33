/**
 * The engine worker as the user sees it: a status bar item for its state (not started,
 * starting, idle, working or training, crashed) with a menu, restart, and its log.
 */
import * as vscode from 'vscode';
import type { EngineState } from '../../worker/client';
import type { SeqLensContext } from '../context';
import type { FeatureContribution } from '../features';

export interface EngineApi {
  engine: {
    /** Starts the worker if needed and resolves when its backend is set up. */
    ready(): Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }>;
    readonly startCount: number;
    readonly running: boolean;
    readonly state: EngineState;
    /** What the engine's status bar item shows now (tests). */
    readonly status: { text: string; tooltip: string; error: boolean };
    /** Kills the worker as a crash would (diagnostics). */
    simulateCrash(): Promise<void>;
  };
}

const MENU_COMMAND = 'seqlens.engineMenu';

/** A request's method as the user reads it. */
function doing(method: string): string {
  if (method === 'run/train') return vscode.l10n.t('training');
  if (method.startsWith('vectors/')) return vscode.l10n.t('word vectors');
  if (method.startsWith('transformer/')) return vscode.l10n.t('Transformer attention');
  if (method.startsWith('trace/')) return vscode.l10n.t('tracing');
  return vscode.l10n.t('working');
}

/** The status bar's text and tooltip for an engine state. */
export function engineStatus(s: EngineState): { text: string; tooltip: string; error: boolean; warning: boolean } {
  const backend = s.backend ? vscode.l10n.t('tfjs {0} on the {1} backend', s.tfjsVersion ?? '?', s.backend) : '';
  switch (s.phase) {
    case 'stopped':
      return { text: '$(circle-large-outline) SeqLens', tooltip: vscode.l10n.t('SeqLens engine: not running. It starts on first use.'), error: false, warning: false };
    case 'starting':
      return { text: '$(loading~spin) SeqLens', tooltip: vscode.l10n.t('SeqLens engine: starting…'), error: false, warning: false };
    case 'idle':
      return { text: s.backendWarning ? '$(warning) SeqLens' : '$(pass) SeqLens', tooltip: [vscode.l10n.t('SeqLens engine: idle'), backend, s.backendWarning ?? ''].filter(Boolean).join('\n'), error: false, warning: Boolean(s.backendWarning) };
    case 'busy': {
      const what = s.busy.includes('run/train') ? doing('run/train') : doing(s.busy[0]);
      return { text: `$(sync~spin) SeqLens: ${what}`, tooltip: [vscode.l10n.t('SeqLens engine: {0}', what), backend].filter(Boolean).join('\n'), error: false, warning: false };
    }
    case 'crashed':
    case 'failed':
      return {
        text: '$(error) SeqLens',
        tooltip: [s.phase === 'crashed' ? vscode.l10n.t('SeqLens engine: crashed') : vscode.l10n.t('SeqLens engine: could not start'), s.error ?? '', vscode.l10n.t('Click for the log or a restart.')].filter(Boolean).join('\n'),
        error: true,
        warning: false,
      };
  }
}

export function register(ctx: SeqLensContext): FeatureContribution<EngineApi> {
  const item = ctx.register(vscode.window.createStatusBarItem('seqlens.engine', vscode.StatusBarAlignment.Right, 100));
  item.name = vscode.l10n.t('SeqLens Engine');
  item.command = MENU_COMMAND;
  let shown = engineStatus(ctx.engine.state);
  const update = () => {
    shown = engineStatus(ctx.engine.state);
    item.text = shown.text;
    item.tooltip = shown.tooltip;
    item.accessibilityInformation = { label: `${shown.text.replace(/\$\([^)]*\)\s*/g, '')}: ${shown.tooltip.replace(/\n/g, '. ')}`, role: 'button' };
    item.backgroundColor = shown.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : shown.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  // Coalesced: a burst of requests repaints once.
  let pending: NodeJS.Timeout | undefined;
  ctx.register(
    ctx.onEngineState(() => {
      pending ??= setTimeout(() => {
        pending = undefined;
        update();
      }, 50);
    }),
  );
  ctx.register({ dispose: () => pending && clearTimeout(pending) });
  update();
  item.show();

  async function restart(): Promise<void> {
    await ctx.engine.restart();
    const info = await ctx.engine.ready();
    ctx.info(vscode.l10n.t('engine restarted (tfjs {0}, {1} backend).', info.tfjsVersion, info.backend));
  }

  return {
    commands: {
      'seqlens.restartEngine': restart,
      'seqlens.showLog': () => ctx.log.show(),
      [MENU_COMMAND]: async () => {
        const s = ctx.engine.state;
        const training = s.busy.includes('run/train');
        type Pick = vscode.QuickPickItem & { run: () => unknown };
        const picks: Pick[] = [
          ...(training ? [{ label: '$(graph-line) ' + vscode.l10n.t('Open Training Dashboard'), run: () => vscode.commands.executeCommand('seqlens.openDashboard') }] : []),
          { label: '$(output) ' + vscode.l10n.t('Show Log'), run: () => ctx.log.show() },
          { label: '$(debug-restart) ' + vscode.l10n.t('Restart Engine'), description: training ? vscode.l10n.t('stops the run that is training (it can be resumed)') : undefined, run: restart },
          { label: '$(book) ' + vscode.l10n.t('Open the SeqLens Course'), description: vscode.l10n.t('the walkthrough'), run: () => vscode.commands.executeCommand('seqlens.openCourse') },
        ];
        const chosen = await vscode.window.showQuickPick(picks, { title: engineStatus(s).tooltip.split('\n')[0], placeHolder: vscode.l10n.t('SeqLens engine') });
        await chosen?.run();
      },
    },
    api: {
      engine: {
        ready: () => ctx.engine.ready(),
        get startCount() {
          return ctx.engine.startCount;
        },
        get running() {
          return ctx.engine.running;
        },
        get state() {
          return ctx.engine.state;
        },
        get status() {
          return { text: String(item.text), tooltip: String(item.tooltip ?? ''), error: shown.error };
        },
        simulateCrash: () => ctx.engine.simulateCrash(),
      },
    },
  };
}

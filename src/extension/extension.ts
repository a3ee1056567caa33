/**
 * SeqLens's entry. activate() only registers: no tfjs and no worker until a
 * command needs them (the engine client starts its worker on first request).
 */
import * as vscode from 'vscode';
import type { TraceResult } from '../protocol/trace';
import { SeqLensContext } from './context';
import { TIMESTEPS_VIEW_ID, TimestepsView } from './timesteps/timestepsView';

/** What activate() returns: used by the integration tests and by other extensions. */
export interface SeqLensApi {
  /** The last information or error message SeqLens showed. */
  readonly lastNotice: string | undefined;
  engine: {
    /** Starts the worker if needed and resolves when its backend is set up. */
    ready(): Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }>;
    readonly startCount: number;
    readonly running: boolean;
    /** Kills the worker as a crash would (diagnostics). */
    simulateCrash(): Promise<void>;
  };
  timesteps: {
    stepThrough(editor?: vscode.TextEditor): Promise<TraceResult | undefined>;
    readonly currentStep: number;
    readonly currentTrace: TraceResult | undefined;
    readonly isReady: boolean;
    readonly hoveredToken: number | null;
    readonly repaintMs: readonly number[];
    setStep(step: number): void;
    decoratedStepRange(): vscode.Range | undefined;
    decoratedHoverRange(): vscode.Range | undefined;
    onDidChangeStep: vscode.Event<number>;
    onDidBecomeReady: vscode.Event<void>;
  };
}

type CommandFactory = (ctx: SeqLensContext, timesteps: TimestepsView) => (...args: unknown[]) => unknown;

const commands: Record<string, CommandFactory> = {
  'seqlens.stepThrough': (ctx, timesteps) => async () => {
    try {
      await timesteps.stepThrough();
    } catch (e) {
      ctx.reportError('Step Through Timesteps', e);
    }
  },
  'seqlens.restartEngine': (ctx) => async () => {
    try {
      await ctx.engine.restart();
      const info = await ctx.engine.ready();
      ctx.info(`engine restarted (tfjs ${info.tfjsVersion}, ${info.backend} backend).`);
    } catch (e) {
      ctx.reportError('Restart Engine', e);
    }
  },
  'seqlens.showLog': (ctx) => () => ctx.log.show(),
};

let current: SeqLensContext | undefined;

export function activate(extension: vscode.ExtensionContext): SeqLensApi {
  const t0 = Date.now();
  const ctx = new SeqLensContext(extension);
  current = ctx;
  extension.subscriptions.push(ctx);
  const timesteps = ctx.register(new TimestepsView(ctx));
  ctx.register(vscode.window.registerWebviewViewProvider(TIMESTEPS_VIEW_ID, timesteps));
  for (const [id, factory] of Object.entries(commands)) ctx.register(vscode.commands.registerCommand(id, factory(ctx, timesteps)));
  ctx.log.info(`SeqLens ${extension.extension.packageJSON.version} activated in ${Date.now() - t0} ms`);
  return {
    get lastNotice() {
      return ctx.lastNotice;
    },
    engine: {
      ready: () => ctx.engine.ready(),
      get startCount() {
        return ctx.engine.startCount;
      },
      get running() {
        return ctx.engine.running;
      },
      simulateCrash: () => ctx.engine.simulateCrash(),
    },
    timesteps: {
      stepThrough: (editor) => timesteps.stepThrough(editor),
      get currentStep() {
        return timesteps.currentStep;
      },
      get currentTrace() {
        return timesteps.currentTrace;
      },
      get isReady() {
        return timesteps.isReady;
      },
      get hoveredToken() {
        return timesteps.hoveredToken;
      },
      get repaintMs() {
        return timesteps.repaintMs;
      },
      setStep: (step) => timesteps.setStep(step, true),
      decoratedStepRange: () => timesteps.decoratedStepRange(),
      decoratedHoverRange: () => timesteps.decoratedHoverRange(),
      onDidChangeStep: timesteps.onDidChangeStep,
      onDidBecomeReady: timesteps.onDidBecomeReady,
    },
  };
}

export function deactivate(): void {
  current?.dispose();
  current = undefined;
}

/** Step Through Timesteps: a recurrent network reading the selection, in a panel that follows the caret. */
import * as vscode from 'vscode';
import type { TraceResult } from '../../protocol/trace';
import type { SeqLensContext } from '../context';
import { objectArg, uriArg, type FeatureContribution } from '../features';
import { consentToLoad } from '../shared/trust';
import { TIMESTEPS_VIEW_ID, TimestepsView } from './timestepsView';

export interface TimestepsApi {
  timesteps: {
    stepThrough(editor?: vscode.TextEditor, model?: string): Promise<TraceResult | undefined>;
    readonly currentStep: number;
    readonly currentTrace: TraceResult | undefined;
    readonly isReady: boolean;
    readonly hoveredToken: number | null;
    readonly repaintMs: readonly number[];
    setStep(step: number): void;
    decoratedStepRange(): vscode.Range | undefined;
    decoratedHoverRange(): vscode.Range | undefined;
    /** The labels after words in the editor (a tagger's tags, the last state's class). */
    annotations(): Array<{ index: number; text: string; range: vscode.Range }>;
    onDidChangeStep: vscode.Event<number>;
    onDidBecomeReady: vscode.Event<void>;
  };
}

export function register(ctx: SeqLensContext): FeatureContribution<TimestepsApi> {
  const timesteps = ctx.register(new TimestepsView(ctx));
  ctx.register(vscode.window.registerWebviewViewProvider(TIMESTEPS_VIEW_ID, timesteps));
  return {
    commands: {
      'seqlens.stepThrough': (arg?: unknown) => timesteps.stepThrough(undefined, objectArg<{ model: string }>(arg).model),
      'seqlens.clearTimesteps': () => timesteps.clear(),
      'seqlens.openModel': async (arg?: unknown) => {
        let uri = uriArg(arg);
        if (!uri) {
          const picked = await vscode.window.showOpenDialog({
            title: 'Open a model: a SeqLens checkpoint folder, or a TensorFlow.js model.json',
            canSelectFiles: true,
            canSelectFolders: true,
            canSelectMany: false,
            filters: { 'TensorFlow.js model': ['json'] },
            openLabel: 'Open Model',
          });
          uri = picked?.[0];
        }
        if (!uri) return undefined;
        if (uri.scheme !== 'file') {
          ctx.info(`models are read from local files; ${uri.toString()} is not one.`);
          return undefined;
        }
        if (!(await consentToLoad(uri.fsPath, 'model'))) return undefined;
        const opened = await timesteps.openModel(uri.fsPath);
        ctx.info(`opened ${opened.label}: ${opened.layers.length} recurrent layer${opened.layers.length === 1 ? '' : 's'} (${opened.layers.join(', ')}).`);
        return opened;
      },
    },
    api: {
      timesteps: {
        stepThrough: (editor, model) => timesteps.stepThrough(editor, model),
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
        annotations: () => timesteps.annotations(),
        onDidChangeStep: timesteps.onDidChangeStep,
        onDidBecomeReady: timesteps.onDidBecomeReady,
      },
    },
  };
}

/** Translate Selection: the selection translated, with its attention map in a panel. */
import type * as vscode from 'vscode';
import type { SeqLensContext } from '../context';
import { objectArg, type FeatureContribution } from '../features';
import { TranslatePanel, TranslateRequest } from './translatePanel';

export interface TranslateApi {
  translate: {
    /** The cell the pointer is over in the translation panel (null: none). */
    readonly hovered: { target: number | null; source: number | null };
    /** The decoder step on show (0-based). */
    readonly step: number;
    /** The editor's shading (source word index → weight) for the step on show. */
    shaded(): Array<{ index: number; weight: number }>;
    /** The editor range of a source word of the translation on show. */
    sourceRange(index: number): vscode.Range | undefined;
    /** The webview's repaint times. */
    readonly paintMs: ReadonlyArray<{ what: string; ms: number }>;
  };
}

export function register(ctx: SeqLensContext): FeatureContribution<TranslateApi> {
  const panel = ctx.register(new TranslatePanel(ctx));
  return {
    commands: { 'seqlens.translateSelection': (arg?: unknown) => panel.translate(objectArg<TranslateRequest>(arg)) },
    api: {
      translate: {
        get hovered() {
          return panel.hovered;
        },
        get step() {
          return panel.step;
        },
        shaded: () => panel.shaded(),
        sourceRange: (index: number) => panel.sourceRange(index),
        get paintMs() {
          return panel.paintMs;
        },
      },
    },
  };
}

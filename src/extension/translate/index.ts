/** Translate Selection: the selection translated, with its attention map in a panel. */
import type { SeqLensContext } from '../context';
import { objectArg, type FeatureContribution } from '../features';
import { TranslatePanel, TranslateRequest } from './translatePanel';

export interface TranslateApi {
  translate: {
    /** The cell the pointer is over in the translation panel (null: none). */
    readonly hovered: { target: number | null; source: number | null };
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
      },
    },
  };
}

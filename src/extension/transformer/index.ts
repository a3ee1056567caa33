/** The Transformer lens: Show Transformer Attention, with the text linked to the editor. */
import type { SeqLensContext } from '../context';
import { objectArg, type FeatureContribution } from '../features';
import { ShowRequest, TransformerPanel } from './transformerPanel';

export interface TransformerApi {
  transformer: {
    readonly panel: TransformerPanel;
  };
}

export function register(ctx: SeqLensContext): FeatureContribution<TransformerApi> {
  const panel = ctx.register(new TransformerPanel(ctx));
  return {
    commands: {
      'seqlens.showTransformerAttention': (arg?: unknown) => panel.show(objectArg<ShowRequest>(arg)),
    },
    api: { transformer: { panel } },
  };
}

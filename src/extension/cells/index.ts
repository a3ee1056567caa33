/** Compare Cells on Selection: RNN-sigmoid, RNN-tanh, LSTM and GRU on one text, side by side. */
import type { CellsView } from '../../protocol/cells';
import type { SeqLensContext } from '../context';
import { objectArg, type FeatureContribution } from '../features';
import { CellsPanel, CompareRequest } from './cellsPanel';

export interface CellsApi {
  cells: {
    readonly current: CellsView | undefined;
    readonly step: number;
    readonly hovered: number | null;
    /** The editor ranges the panel highlights: the step's word and the hovered one. */
    stepRange(): import('vscode').Range | undefined;
    hoverRange(): import('vscode').Range | undefined;
  };
}

export function register(ctx: SeqLensContext): FeatureContribution<CellsApi> {
  const panel = ctx.register(new CellsPanel(ctx));
  return {
    commands: { 'seqlens.compareCells': (arg?: unknown) => panel.compare(objectArg<CompareRequest>(arg)) },
    api: {
      cells: {
        get current() {
          return panel.current;
        },
        get step() {
          return panel.step;
        },
        get hovered() {
          return panel.hovered;
        },
        stepRange: () => panel.link?.stepRange(),
        hoverRange: () => panel.link?.hoverRange(),
      },
    },
  };
}

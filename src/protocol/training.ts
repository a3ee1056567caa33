/**
 * Training in the editor: the engine's run requests and events, and the messages between the
 * training dashboard and its owner. Types only (no vscode, no DOM, no tfjs).
 */
import type { ExperimentRecord, ExperimentResult, MetricRow, ProbeRow, RunConfig, RunEvent, RunState, RunStatus } from './runs';

export type { ExperimentRecord, ExperimentResult, MetricRow, ProbeRow, RunConfig, RunEvent, RunState, RunStatus };

/** What the dashboard shows of one run. */
export interface RunView {
  id: string;
  dir: string;
  name: string;
  task: string;
  model: string;
  state: RunState;
  /** Final or latest summary metrics. */
  metrics: Record<string, number | string>;
  config: RunConfig | undefined;
  /** Every metric row so far, as written to metrics.jsonl. */
  rows: MetricRow[];
  probes: ProbeRow[];
  /** Where it stands in the training queue (0: training now). */
  queuePosition?: number;
  /** Problems reading its files (a bad line in metrics.jsonl, …). */
  problems: string[];
  /** Set for a variant: the run it changes one setting of. */
  parent?: string;
}

export type TrainingToWebview =
  /** The runs on show: one, or several to compare (their curves overlaid). */
  | { type: 'runs/show'; runs: RunView[]; differences: Array<{ setting: string; values: string[] }>; experiment?: ExperimentRecord }
  /** New rows and probes of a run on show, as they are written. */
  | { type: 'run/append'; id: string; rows: MetricRow[]; probes: ProbeRow[] }
  | { type: 'run/state'; id: string; state: RunState; metrics: Record<string, number | string>; queuePosition?: number; error?: string };

export type TrainingFromWebview =
  | { type: 'ready' }
  | { type: 'run/stop'; id: string }
  | { type: 'run/resume'; id: string }
  /** Measure an experiment's comparison again (its runs are done; VS Code closed before it was measured). */
  | { type: 'experiment/analyze'; id: string }
  /** The evaluation under the chart's cursor changed (tests read it). */
  | { type: 'cursor/evaluation'; id: string; step: number | null }
  | { type: 'export/data'; json: string }
  | { type: 'export/png'; dataUrl: string }
  | { type: 'repaint'; ms: number };

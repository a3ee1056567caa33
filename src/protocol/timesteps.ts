/** Messages between the timestep webview and its owner in the extension host. */
import type { TraceResult } from './trace';

export interface ModelChoice {
  id: string;
  label: string;
}

export type TimestepsToWebview =
  | { type: 'trace/show'; trace: TraceResult; step: number; source: string; models: ModelChoice[] }
  | { type: 'trace/loading'; modelId: string; message: string; models: ModelChoice[] }
  | { type: 'trace/empty'; message: string; models: ModelChoice[]; modelId: string }
  | { type: 'trace/error'; message: string }
  | { type: 'trace/stale'; message: string }
  /** An informational line (empty clears it), e.g. that the traced text's editor is closed. */
  | { type: 'trace/note'; message: string }
  | { type: 'step/set'; step: number };

export type TimestepsFromWebview =
  | { type: 'ready' }
  | { type: 'step/changed'; step: number }
  | { type: 'token/hover'; index: number | null }
  | { type: 'model/select'; modelId: string }
  | { type: 'trace/rerun' }
  | { type: 'perf/repaint'; ms: number };

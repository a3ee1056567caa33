/** Messages between the timestep webview and its owner in the extension host. */
import type { TraceResult } from './trace';

export interface ModelChoice {
  id: string;
  label: string;
}

export type TimestepsToWebview =
  /** traceId numbers the traces; the page echoes it, so a message about an older trace is recognised and dropped. */
  | { type: 'trace/show'; traceId: number; trace: TraceResult; step: number; source: string; models: ModelChoice[] }
  | { type: 'trace/loading'; modelId: string; message: string; models: ModelChoice[] }
  | { type: 'trace/empty'; message: string; models: ModelChoice[]; modelId: string; actions?: WelcomeAction[] }
  | { type: 'trace/error'; message: string }
  /** The trace no longer matches the text; `canRerun` offers a button that re-reads it. */
  | { type: 'trace/stale'; message: string; canRerun: boolean }
  /** An informational line (empty clears it), e.g. that the traced text's editor is closed. */
  | { type: 'trace/note'; message: string }
  | { type: 'step/set'; step: number };

/** A button of the empty panel's welcome: its label (localised by the extension) and the command it runs. */
export interface WelcomeAction {
  label: string;
  command: string;
}

export type TimestepsFromWebview =
  | { type: 'ready' }
  | { type: 'command/run'; command: string }
  | { type: 'step/changed'; traceId: number; step: number }
  | { type: 'token/hover'; traceId: number; index: number | null }
  | { type: 'model/select'; modelId: string }
  | { type: 'trace/rerun' }
  | { type: 'perf/repaint'; ms: number };

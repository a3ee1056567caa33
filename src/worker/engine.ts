/**
 * The engine behind the worker's protocol: owns every model and tensor, and
 * answers requests. Kept free of the worker API so it can be driven directly
 * in unit tests.
 */
import * as tf from '@tensorflow/tfjs';
import type { EngineError, EngineInfo, EngineMethod, ParamsOf, Progress, ResultOf, WorkerBoot } from '../protocol/engine';
import { DEFAULT_MODEL_IDS, MODEL_LABELS } from '../protocol/trace';
import { LoadedLanguageModel, loadDefaultModel } from '../core/defaultModels';
import { setupBackend } from '../core/tfjs/backend';
import { DataError } from '../core/data/pairs';
import { analogyTask, argsOf, neighborsTask, TaskError, trainTask, traceTask, translateTask } from '../core/tasks';
import { BadInputError, traceLanguageModel } from '../core/trace';

const TASKS = { train: trainTask, translate: translateTask, trace: traceTask, neighbors: neighborsTask, analogy: analogyTask };

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('Cancelled.');
  }
}

export interface RequestContext {
  readonly cancelled: boolean;
  progress(p: Progress): void;
  /** Yields to the event loop (so a cancel message can arrive) and throws if cancelled. */
  checkpoint(): Promise<void>;
}

type Handler<M extends EngineMethod> = (params: ParamsOf<M>, ctx: RequestContext) => Promise<ResultOf<M>>;

/** Largest text the engine accepts in one request, in UTF-16 code units (the extension truncates before). */
export const MAX_TEXT_CHARS = 1_000_000;

export class Engine {
  private readonly models = new Map<string, LoadedLanguageModel>();
  private readonly handlers: { [M in EngineMethod]: Handler<M> };

  constructor(private readonly boot: WorkerBoot) {
    this.handlers = {
      'engine/info': async () => this.info(),
      'trace/run': async (p) => {
        if (typeof p.text !== 'string') throw new BadInputError('trace/run: text must be a string');
        if (p.text.length > MAX_TEXT_CHARS) {
          throw new BadInputError(`The text is ${p.text.length.toLocaleString('en')} characters long; the engine reads at most ${MAX_TEXT_CHARS.toLocaleString('en')}.`);
        }
        const m = this.model(p.modelId);
        return traceLanguageModel(m.model, m.vocab, p.text, { modelId: m.id, modelLabel: m.label, maxTokens: p.maxTokens });
      },
      'task/run': async (p, ctx) => {
        const run = TASKS[p.verb];
        if (!run) throw new BadInputError(`unknown task "${p.verb}"`);
        try {
          return await run(argsOf(p.verb, p.options ?? {}), {
            progress: (message) => ctx.progress({ message }),
            shouldStop: () => ctx.cancelled,
            wasmDir: this.boot.wasmDir,
            modelsDir: this.boot.modelsDir,
          });
        } catch (e) {
          if (e instanceof TaskError || e instanceof DataError) throw new BadInputError(e.message);
          throw e;
        }
      },
      'engine/sleep': async (p, ctx) => {
        const t0 = Date.now();
        while (Date.now() - t0 < p.ms) {
          if (ctx.cancelled) return { sleptMs: Date.now() - t0, cancelled: true };
          ctx.progress({ fraction: (Date.now() - t0) / p.ms });
          await new Promise((r) => setTimeout(r, 10));
        }
        return { sleptMs: Date.now() - t0, cancelled: false };
      },
    };
  }

  async start(): Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }> {
    const status = await setupBackend(this.boot.wasmDir);
    return { backend: status.backend, backendWarning: status.warning, tfjsVersion: tf.version.tfjs };
  }

  private info(): EngineInfo {
    return {
      backend: tf.getBackend(),
      tfjsVersion: tf.version.tfjs,
      models: DEFAULT_MODEL_IDS.map((id) => {
        const m = this.model(id);
        return { id, label: MODEL_LABELS[id], kind: m.model.cell.kind, units: m.model.config.units, vocabSize: m.vocab.size };
      }),
    };
  }

  private model(id: string): LoadedLanguageModel {
    let m = this.models.get(id);
    if (!m) {
      m = loadDefaultModel(this.boot.modelsDir, id);
      this.models.set(id, m);
    }
    return m;
  }

  async handle<M extends EngineMethod>(method: M, params: ParamsOf<M>, ctx: RequestContext): Promise<ResultOf<M>> {
    const handler = this.handlers[method] as Handler<M> | undefined;
    if (!handler) throw new BadInputError(`unknown request "${String(method)}"`);
    return handler(params, ctx);
  }

  dispose(): void {
    for (const m of this.models.values()) m.model.dispose();
    this.models.clear();
  }
}

/** Turns anything thrown into an error a user can read, with the detail kept for the log. */
export function toEngineError(e: unknown): EngineError {
  if (e instanceof CancelledError) return { code: 'cancelled', message: 'Cancelled.' };
  if (e instanceof BadInputError) return { code: 'bad-input', message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `The SeqLens engine failed: ${message}`, detail: e instanceof Error ? e.stack : undefined };
}

/**
 * SeqLens's entry. activate() only registers: no tfjs and no worker until a command needs them
 * (the engine client starts its worker on first request). Each feature lives in its own folder
 * and registers itself (features.ts); this file is the list of them.
 */
import * as vscode from 'vscode';
import * as cells from './cells';
import { SeqLensContext } from './context';
import * as corpora from './corpora';
import * as course from './course';
import * as engine from './engine';
import { registerCommands, type FeatureContribution } from './features';
import * as timesteps from './timesteps';
import * as training from './training';
import * as translate from './translate';
import * as transformer from './transformer';
import * as vectors from './vectors';

/** What activate() returns: used by the integration tests and by other extensions. */
export type SeqLensApi = {
  /** The last information or error message SeqLens showed. */
  readonly lastNotice: string | undefined;
} & engine.EngineApi &
  translate.TranslateApi &
  timesteps.TimestepsApi &
  training.TrainingApi &
  transformer.TransformerApi &
  cells.CellsApi &
  vectors.ProjectorApi &
  course.CourseApi;

const FEATURES: ReadonlyArray<(ctx: SeqLensContext) => FeatureContribution> = [engine.register, timesteps.register, vectors.register, translate.register, transformer.register, cells.register, corpora.register, training.register, course.register];

let current: SeqLensContext | undefined;

export function activate(extension: vscode.ExtensionContext): SeqLensApi {
  const t0 = Date.now();
  const ctx = new SeqLensContext(extension);
  current = ctx;
  extension.subscriptions.push(ctx);
  const api: object = {
    get lastNotice() {
      return ctx.lastNotice;
    },
  };
  for (const feature of FEATURES) {
    const { commands, api: part } = feature(ctx);
    if (commands) registerCommands(ctx, commands);
    if (part) Object.defineProperties(api, Object.getOwnPropertyDescriptors(part));
  }
  ctx.log.info(`SeqLens ${extension.extension.packageJSON.version} activated in ${Date.now() - t0} ms`);
  return api as SeqLensApi;
}

export function deactivate(): void {
  current?.dispose();
  current = undefined;
}

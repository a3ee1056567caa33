/** The engine worker as the user sees it: restart it, read its log. */
import type { SeqLensContext } from '../context';
import type { FeatureContribution } from '../features';

export interface EngineApi {
  engine: {
    /** Starts the worker if needed and resolves when its backend is set up. */
    ready(): Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }>;
    readonly startCount: number;
    readonly running: boolean;
    /** Kills the worker as a crash would (diagnostics). */
    simulateCrash(): Promise<void>;
  };
}

export function register(ctx: SeqLensContext): FeatureContribution<EngineApi> {
  return {
    commands: {
      'seqlens.restartEngine': async () => {
        await ctx.engine.restart();
        const info = await ctx.engine.ready();
        ctx.info(`engine restarted (tfjs ${info.tfjsVersion}, ${info.backend} backend).`);
      },
      'seqlens.showLog': () => ctx.log.show(),
    },
    api: {
      engine: {
        ready: () => ctx.engine.ready(),
        get startCount() {
          return ctx.engine.startCount;
        },
        get running() {
          return ctx.engine.running;
        },
        simulateCrash: () => ctx.engine.simulateCrash(),
      },
    },
  };
}

/**
 * SeqLens's entry. activate() only registers: no tfjs and no worker until a
 * command needs them (the engine client starts its worker on first request).
 */
import * as vscode from 'vscode';
import type { TraceResult } from '../protocol/trace';
import { SeqLensContext } from './context';
import { consentToLoad } from './trust';
import { downloadCorpus, DownloadRequest } from './corpora';
import { WordVectorsService, wordAtCaret } from './vectors';
import { SimilarityHover } from './hover';
import { TranslatePanel, TranslateRequest } from './translate/translatePanel';
import * as path from 'path';
import { TIMESTEPS_VIEW_ID, TimestepsView } from './timesteps/timestepsView';

/** What activate() returns: used by the integration tests and by other extensions. */
export interface SeqLensApi {
  /** The last information or error message SeqLens showed. */
  readonly lastNotice: string | undefined;
  engine: {
    /** Starts the worker if needed and resolves when its backend is set up. */
    ready(): Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }>;
    readonly startCount: number;
    readonly running: boolean;
    /** Kills the worker as a crash would (diagnostics). */
    simulateCrash(): Promise<void>;
  };
  translate: {
    /** The cell the pointer is over in the translation panel (null: none). */
    readonly hovered: { target: number | null; source: number | null };
  };
  timesteps: {
    stepThrough(editor?: vscode.TextEditor): Promise<TraceResult | undefined>;
    readonly currentStep: number;
    readonly currentTrace: TraceResult | undefined;
    readonly isReady: boolean;
    readonly hoveredToken: number | null;
    readonly repaintMs: readonly number[];
    setStep(step: number): void;
    decoratedStepRange(): vscode.Range | undefined;
    decoratedHoverRange(): vscode.Range | undefined;
    onDidChangeStep: vscode.Event<number>;
    onDidBecomeReady: vscode.Event<void>;
  };
}

type CommandFactory = (ctx: SeqLensContext, timesteps: TimestepsView, vectors: WordVectorsService, translatePanel: TranslatePanel) => (...args: unknown[]) => unknown;

const commands: Record<string, CommandFactory> = {
  'seqlens.stepThrough': (ctx, timesteps) => async () => {
    try {
      await timesteps.stepThrough();
    } catch (e) {
      ctx.reportError('Step Through Timesteps', e);
    }
  },
  'seqlens.restartEngine': (ctx) => async () => {
    try {
      await ctx.engine.restart();
      const info = await ctx.engine.ready();
      ctx.info(`engine restarted (tfjs ${info.tfjsVersion}, ${info.backend} backend).`);
    } catch (e) {
      ctx.reportError('Restart Engine', e);
    }
  },
  'seqlens.showLog': (ctx) => () => ctx.log.show(),
  'seqlens.trainWorkspaceVectors': (ctx, _t, vectors) => async () => {
    try {
      return await vectors.trainWorkspace();
    } catch (e) {
      ctx.reportError('Train Word Vectors on Workspace', e);
      return undefined;
    }
  },
  'seqlens.loadWordVectors': (ctx, _t, vectors) => async (arg?: unknown) => {
    try {
      let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
      uri ??= (
        await vscode.window.showOpenDialog({
          title: 'Load word vectors: word2vec text or binary, GloVe, or Embedding Projector TSV',
          canSelectMany: false,
          filters: { 'Word vectors': ['txt', 'bin', 'vec', 'tsv'], 'All files': ['*'] },
          openLabel: 'Load Vectors',
        })
      )?.[0];
      return uri ? await vectors.load(uri) : undefined;
    } catch (e) {
      ctx.reportError('Load Word Vectors', e);
      return undefined;
    }
  },
  'seqlens.exportWordVectors': (ctx, _t, vectors) => async (arg?: unknown) => {
    try {
      const a = (typeof arg === 'object' && arg !== null ? arg : {}) as { format?: 'word2vec-text' | 'word2vec-binary' | 'projector-tsv'; file?: string };
      return await vectors.export(a.format, a.file);
    } catch (e) {
      ctx.reportError('Export Word Vectors', e);
      return undefined;
    }
  },
  'seqlens.nearestWords': (ctx, _t, vectors) => async (arg?: unknown) => {
    try {
      const word = typeof arg === 'string' ? arg : wordAtCaret(vscode.window.activeTextEditor);
      if (!word) {
        ctx.info('put the caret on a word (or select one) to see its nearest words.');
        return undefined;
      }
      const r = await vectors.nearest(word, 10);
      const source = r.vectors === 'default' ? 'the embedded WordNet vectors' : path.basename(r.vectors);
      if (!r.known) {
        ctx.info(`“${word}” is not in ${source}.`);
        return r;
      }
      if (typeof arg !== 'string') {
        void vscode.window.showQuickPick(
          r.neighbors.map((n) => ({ label: n.word, description: `cosine ${n.similarity.toFixed(3)}` })),
          { title: `Nearest words to “${r.word}” (${source})`, placeHolder: 'cosine similarity of the word vectors' },
        );
      }
      return r;
    } catch (e) {
      ctx.reportError('Nearest Words', e);
      return undefined;
    }
  },
  'seqlens.translateSelection': (ctx, _t, _v, translatePanel) => async (arg?: unknown) => {
    try {
      return await translatePanel.translate(typeof arg === 'object' && arg !== null ? (arg as TranslateRequest) : {});
    } catch (e) {
      ctx.reportError('Translate Selection', e);
      return undefined;
    }
  },
  'seqlens.downloadCorpus': (ctx) => async (arg?: unknown) => {
    try {
      return await downloadCorpus(ctx, typeof arg === 'object' && arg !== null ? (arg as DownloadRequest) : {});
    } catch (e) {
      ctx.reportError('Download Sentence Pairs', e);
      return undefined;
    }
  },
  'seqlens.openModel': (ctx, timesteps) => async (arg?: unknown) => {
    try {
      let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          title: 'Open a model: a SeqLens checkpoint folder, or a TensorFlow.js model.json',
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          filters: { 'TensorFlow.js model': ['json'] },
          openLabel: 'Open Model',
        });
        uri = picked?.[0];
      }
      if (!uri) return undefined;
      if (uri.scheme !== 'file') {
        ctx.info(`models are read from local files; ${uri.toString()} is not one.`);
        return undefined;
      }
      if (!(await consentToLoad(uri.fsPath, 'model'))) return undefined;
      const opened = await timesteps.openModel(uri.fsPath);
      ctx.info(`opened ${opened.label}: ${opened.layers.length} recurrent layer${opened.layers.length === 1 ? '' : 's'} (${opened.layers.join(', ')}).`);
      return opened;
    } catch (e) {
      ctx.reportError('Open Model', e);
      return undefined;
    }
  },
};

let current: SeqLensContext | undefined;

function hoverLanguages(): vscode.DocumentSelector {
  const ids = vscode.workspace.getConfiguration('seqlens.hover').get<string[]>('languages', ['plaintext', 'markdown']);
  return ids.map((language) => ({ language }));
}

export function activate(extension: vscode.ExtensionContext): SeqLensApi {
  const t0 = Date.now();
  const ctx = new SeqLensContext(extension);
  current = ctx;
  extension.subscriptions.push(ctx);
  const timesteps = ctx.register(new TimestepsView(ctx));
  ctx.register(vscode.window.registerWebviewViewProvider(TIMESTEPS_VIEW_ID, timesteps));
  const vectors = new WordVectorsService(ctx);
  // Prose only by default: hovering code or a language server's symbols is not about word meaning.
  ctx.register(vscode.languages.registerHoverProvider(hoverLanguages(), new SimilarityHover(ctx, vectors)));
  const translatePanel = ctx.register(new TranslatePanel(ctx));
  for (const [id, factory] of Object.entries(commands)) ctx.register(vscode.commands.registerCommand(id, factory(ctx, timesteps, vectors, translatePanel)));
  ctx.log.info(`SeqLens ${extension.extension.packageJSON.version} activated in ${Date.now() - t0} ms`);
  return {
    get lastNotice() {
      return ctx.lastNotice;
    },
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
    translate: {
      get hovered() {
        return translatePanel.hovered;
      },
    },
    timesteps: {
      stepThrough: (editor) => timesteps.stepThrough(editor),
      get currentStep() {
        return timesteps.currentStep;
      },
      get currentTrace() {
        return timesteps.currentTrace;
      },
      get isReady() {
        return timesteps.isReady;
      },
      get hoveredToken() {
        return timesteps.hoveredToken;
      },
      get repaintMs() {
        return timesteps.repaintMs;
      },
      setStep: (step) => timesteps.setStep(step, true),
      decoratedStepRange: () => timesteps.decoratedStepRange(),
      decoratedHoverRange: () => timesteps.decoratedHoverRange(),
      onDidChangeStep: timesteps.onDidChangeStep,
      onDidBecomeReady: timesteps.onDidBecomeReady,
    },
  };
}

export function deactivate(): void {
  current?.dispose();
  current = undefined;
}

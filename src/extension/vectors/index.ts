/**
 * Word vectors: the similarity hover, Nearest Words, and training, loading and exporting vector
 * sets (the embedded WordNet vectors until the user brings or trains others).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensContext } from '../context';
import { objectArg, uriArg, type FeatureContribution } from '../features';
import type { AnalogyShown, ProjectionShown, ProjectRequest } from '../../protocol/projector';
import { SimilarityHover } from './hover';
import { ProjectorPanel } from './projectorPanel';
import { WordVectorsService, wordAtCaret } from './vectorsService';

function hoverLanguages(): vscode.DocumentSelector {
  const ids = vscode.workspace.getConfiguration('seqlens.hover').get<string[]>('languages', ['plaintext', 'markdown']);
  return ids.map((language) => ({ language }));
}

export interface ProjectorApi {
  projector: {
    readonly current: ProjectionShown | undefined;
    readonly lastNeighbours: { word: string; neighbours: Array<{ word: string; similarity: number }> } | undefined;
    readonly lastSimilarity: { words: string[]; embedding: number[][]; oneHot: number[][] } | undefined;
    readonly lastAnalogy: AnalogyShown | undefined;
    readonly lastExport: string | undefined;
    readonly layoutsSeen: number;
  };
  /** The vector set in use ('default': the embedded one), and setting it (tests put the default back). */
  vectors: { readonly active: string; use(file: string | undefined): Promise<void> };
}

export function register(ctx: SeqLensContext): FeatureContribution<ProjectorApi> {
  const vectors = new WordVectorsService(ctx);
  const projector = ctx.register(new ProjectorPanel(ctx, vectors));
  // Prose only by default: hovering code or a language server's symbols is not about word meaning.
  ctx.register(vscode.languages.registerHoverProvider(hoverLanguages(), new SimilarityHover(ctx, vectors)));
  return {
    api: {
      vectors: {
        get active() {
          return vectors.active;
        },
        use: (file) => vectors.useFile(file),
      },
      projector: {
        get current() {
          return projector.current;
        },
        get lastNeighbours() {
          return projector.lastNeighbours;
        },
        get lastSimilarity() {
          return projector.lastSimilarity;
        },
        get lastAnalogy() {
          return projector.lastAnalogy;
        },
        get lastExport() {
          return projector.lastExport;
        },
        get layoutsSeen() {
          return projector.layoutsSeen;
        },
      },
    },
    commands: {
      // An argument: { method, dims, limit, …, word } (the hover's link passes the word).
      'seqlens.showProjector': (arg?: unknown) => projector.show(objectArg<Partial<ProjectRequest> & { word?: string }>(arg ?? {})),
      // The Runs view's word-vector runs: their vectors become the ones in use, then the map.
      'seqlens.showRunInProjector': async (arg?: unknown) => {
        const dir = typeof arg === 'string' ? arg : objectArg<{ dir: string }>(arg).dir;
        if (!dir) return undefined;
        const loaded = await vectors.load(vscode.Uri.file(path.join(dir, 'checkpoint')));
        return loaded ? projector.show({}) : undefined;
      },
      'seqlens.trainWorkspaceVectors': () => vectors.trainWorkspace(),
      'seqlens.loadWordVectors': async (arg?: unknown) => {
        const uri =
          uriArg(arg) ??
          (
            await vscode.window.showOpenDialog({
              title: 'Load word vectors: word2vec text or binary, GloVe, or Embedding Projector TSV',
              canSelectMany: false,
              filters: { 'Word vectors': ['txt', 'bin', 'vec', 'tsv'], 'All files': ['*'] },
              openLabel: 'Load Vectors',
            })
          )?.[0];
        return uri ? vectors.load(uri) : undefined;
      },
      'seqlens.exportWordVectors': (arg?: unknown) => {
        const a = objectArg<{ format: 'word2vec-text' | 'word2vec-binary' | 'projector-tsv'; file: string }>(arg);
        return vectors.export(a.format, a.file);
      },
      'seqlens.nearestWords': async (arg?: unknown) => {
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
      },
    },
  };
}

/**
 * Word vectors in the editor: training vectors on the workspace's own text (in
 * the engine worker, with progress and cancel), and the nearest words of the
 * word at the caret. Until workspace vectors exist, the embedded WordNet
 * vectors answer.
 */
import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { EngineRequestError } from '../../worker/client';
import type { SeqLensContext } from '../context';
import { consentToLoad } from '../shared/trust';

const STATE_KEY = 'seqlens.workspaceVectors';
const MAX_FILES = 20_000;

export interface NearestResult {
  word: string;
  known: boolean;
  neighbors: Array<{ word: string; similarity: number }>;
  vectors: string;
}

export class WordVectorsService {
  constructor(private readonly ctx: SeqLensContext) {}

  /** The active vector set: the workspace's (once trained or loaded), else the embedded default. */
  get active(): string {
    return this.ctx.extension.workspaceState.get<string>(STATE_KEY) ?? 'default';
  }

  async useFile(file: string | undefined): Promise<void> {
    await this.ctx.extension.workspaceState.update(STATE_KEY, file);
  }

  private outFile(): vscode.Uri {
    const key = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).join('\n');
    const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);
    return vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'workspace-vectors', `${hash}.bin`);
  }

  /** The command: word2vec on the workspace's text files. Resolves to the engine's report, or undefined. */
  async trainWorkspace(): Promise<unknown> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (folders.length === 0) {
      this.ctx.info('open a folder first: workspace vectors are trained on its text files.');
      return undefined;
    }
    const out = this.outFile().fsPath;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'SeqLens: training word vectors on the workspace', cancellable: true },
      async (progress, token) => {
        // files.exclude (read here: passing an exclude pattern replaces the default one), plus folders
        // that are never prose (SeqLens's own runs among them); .gitignore is applied in the engine.
        const excluded = Object.entries(vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude', {}))
          .filter(([, on]) => on === true)
          .map(([glob]) => glob);
        const exclude = `{${[...excluded, '**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/.seqlens/**'].join(',')}}`;
        const uris = await vscode.workspace.findFiles('**/*', exclude, MAX_FILES + 1, token);
        if (uris.length > MAX_FILES) {
          this.ctx.log.warn(`workspace vectors: more than ${MAX_FILES} files; reading the first ${MAX_FILES}`);
          uris.length = MAX_FILES;
        }
        if (token.isCancellationRequested) return undefined;
        let last = 0;
        try {
          const r = await this.ctx.engine.request(
            'vectors/train-workspace',
            { roots: folders.map((f) => f.uri.fsPath), files: uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath), out },
            {
              token,
              onProgress: (p) => {
                const fraction = Math.round((p.fraction ?? 0) * 100);
                progress.report({ message: p.message, increment: Math.max(0, fraction - last) });
                last = Math.max(last, fraction);
              },
            },
          );
          await this.useFile(r.out);
          const skipped = Object.entries(r.skipped).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`);
          this.ctx.info(
            `trained ${r.vocabulary.toLocaleString('en')} word vectors (${r.dim} dimensions) on ${r.words.toLocaleString('en')} words in ${r.files} files in ${r.seconds.toFixed(1)} s${skipped.length ? `; skipped ${skipped.join(', ')}` : ''}.`,
          );
          return r;
        } catch (e) {
          if (e instanceof EngineRequestError && e.code === 'cancelled') {
            this.ctx.info('training workspace vectors was cancelled; the previous vectors stay in use.');
            return undefined;
          }
          throw e;
        }
      },
    );
  }

  /** Loads a vector file chosen by the user (word2vec text or binary, GloVe, projector TSV) as the active set. */
  async load(uri: vscode.Uri): Promise<NearestResult | undefined> {
    if (uri.scheme !== 'file') {
      this.ctx.info(`vectors are read from local files; ${uri.toString()} is not one.`);
      return undefined;
    }
    if (!(await consentToLoad(uri.fsPath, 'word vectors'))) return undefined;
    // A neighbours query loads (and checks) the file in the engine before it becomes active.
    const r = await this.ctx.engine.request('vectors/neighbors', { vectors: uri.fsPath, word: 'the', k: 1 });
    await this.useFile(uri.fsPath);
    this.ctx.info(`loaded ${r.size.toLocaleString('en')} word vectors from ${path.basename(uri.fsPath)}.`);
    return { ...r, vectors: uri.fsPath };
  }

  /** Writes the active vectors in a format the user picks (or the arguments give). */
  async export(format?: 'word2vec-text' | 'word2vec-binary' | 'projector-tsv', file?: string): Promise<{ files: string[]; words: number; dim: number } | undefined> {
    if (!format) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'word2vec text', description: '.txt: a header, then “word v1 v2 …” per line', format: 'word2vec-text' as const, ext: 'txt' },
          { label: 'word2vec binary', description: '.bin: as word2vec.c and gensim write it', format: 'word2vec-binary' as const, ext: 'bin' },
          { label: 'Embedding Projector TSV', description: 'vectors .tsv plus a -metadata.tsv with the words (projector.tensorflow.org)', format: 'projector-tsv' as const, ext: 'tsv' },
        ],
        { title: `Export word vectors (${this.active === 'default' ? 'the embedded WordNet vectors' : path.basename(this.active)})` },
      );
      if (!pick) return undefined;
      format = pick.format;
      file ??= (await vscode.window.showSaveDialog({ filters: { [pick.label]: [pick.ext] }, saveLabel: 'Export' }))?.fsPath;
    }
    if (!file) return undefined;
    const r = await this.ctx.engine.request('vectors/export', { vectors: this.active, format, out: file });
    this.ctx.info(`exported ${r.words.toLocaleString('en')} word vectors (${r.dim} dimensions) to ${r.files.map((f) => path.basename(f)).join(' and ')}.`);
    return r;
  }

  async nearest(word: string, k = 10): Promise<NearestResult> {
    return this.ctx.engine.request('vectors/neighbors', { vectors: this.active, word, k });
  }
}

/** A word as the vectors know it: letters (with marks, apostrophes and hyphens inside). */
export const WORD_PATTERN = /[\p{L}][\p{L}\p{M}'’-]*/u;

/** The word at the caret (or the selection), for the nearest-words command. */
export function wordAtCaret(editor: vscode.TextEditor | undefined): string | undefined {
  if (!editor) return undefined;
  const sel = editor.selection;
  if (!sel.isEmpty) return editor.document.getText(sel).trim() || undefined;
  const range = editor.document.getWordRangeAtPosition(sel.active, WORD_PATTERN);
  return range ? editor.document.getText(range) : undefined;
}

/**
 * SeqLens: Show Embedding Projector: every vector in use (the embedded WordNet vectors, the
 * workspace's, or a loaded file) as a map, projected in the engine worker by PCA on all of them,
 * drawn with WebGL in a panel beside the editor. Search, click a word for its nearest neighbours
 * (cosine, in the original space), and the word under the editor's caret lit on the map.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProjectorFromWebview, ProjectorToWebview, ProjectionShown } from '../../protocol/projector';
import type { SeqLensContext } from '../context';
import { createPagePanel } from '../shared/webviewHtml';
import type { WordVectorsService } from './vectorsService';

/** Most points drawn (the first of the file: word2vec files list words most frequent first). */
export const MAX_PROJECTED = 400_000;

export class ProjectorPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private last: ProjectorToWebview | undefined;
  private cancel: vscode.CancellationTokenSource | undefined;
  private readonly selectionListener: vscode.Disposable;
  /** What the panel shows (tests). */
  current: ProjectionShown | undefined;
  lastNeighbours: { word: string; neighbours: Array<{ word: string; similarity: number }> } | undefined;
  lastSimilarity: { words: string[]; embedding: number[][]; oneHot: number[][] } | undefined;
  readonly paintMs: Array<{ what: string; ms: number }> = [];

  constructor(
    private readonly ctx: SeqLensContext,
    private readonly vectors: WordVectorsService,
  ) {
    // The word under the caret (or the selected words) lit on the map.
    this.selectionListener = vscode.window.onDidChangeTextEditorSelection((e) => {
      if (!this.panel || !this.current || e.textEditor.document.uri.scheme === 'output') return;
      const doc = e.textEditor.document;
      const words = e.selections.flatMap((s) => {
        if (s.isEmpty) {
          const r = doc.getWordRangeAtPosition(s.active, /[\p{L}\p{N}'’-]+/u);
          return r ? [doc.getText(r)] : [];
        }
        return doc.getText(s).split(/[^\p{L}\p{N}'’-]+/u).filter(Boolean).slice(0, 200);
      });
      this.post({ type: 'highlight', words: words.map((w) => w.toLowerCase()) }, false);
    });
  }

  async show(): Promise<ProjectionShown | undefined> {
    this.open();
    this.cancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    const active = this.vectors.active;
    const vectorsLabel = active === 'default' ? 'the embedded WordNet vectors' : path.basename(active);
    this.post({ type: 'projection/progress', message: `Projecting ${vectorsLabel} by PCA…` });
    const t0 = Date.now();
    try {
      const r = await this.ctx.engine.request(
        'task/run',
        { verb: 'project', options: { vectors: active, method: 'pca', dims: 2, limit: MAX_PROJECTED } },
        { token: cts.token, onProgress: (p) => p.message && this.post({ type: 'projection/progress', message: `Projecting ${vectorsLabel}: ${p.message}` }) },
      );
      const j = r.json as { words: string[]; coords: number[][]; explained: number[]; total?: number };
      const projection: ProjectionShown = { vectorsLabel, method: 'pca', words: j.words, coords: j.coords.flat(), explained: j.explained, leftOut: Math.max(0, (j.total ?? j.words.length) - j.words.length), ms: Date.now() - t0 };
      this.current = projection;
      this.post({ type: 'projection/show', projection });
      return projection;
    } catch (e) {
      this.post({ type: 'projection/error', message: e instanceof Error ? e.message : String(e) });
      this.ctx.reportError('Show Embedding Projector', e);
      return undefined;
    } finally {
      if (this.cancel === cts) this.cancel = undefined;
      cts.dispose();
    }
  }

  private open(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = createPagePanel(this.ctx.extension.extensionUri, 'seqlens.projector', 'SeqLens: Projector', 'projector', 'SeqLens: Embedding Projector');
    this.panel = panel;
    this.ready = false;
    panel.webview.onDidReceiveMessage((m: ProjectorFromWebview) => this.onMessage(m));
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
        this.current = undefined;
      }
    });
  }

  private onMessage(m: ProjectorFromWebview): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.current) this.post({ type: 'projection/show', projection: this.current });
        else if (this.last) this.post(this.last);
        return;
      case 'word/select':
        void this.vectors
          .nearest(m.word, 10)
          .then((r) => {
            const result = { word: r.word, neighbours: r.known ? r.neighbors.map((n) => ({ word: n.word, similarity: n.similarity })) : [] };
            this.lastNeighbours = result;
            this.post({ type: 'neighbours/show', result }, false);
            if (!result.neighbours.length) return undefined;
            // One-hot vs embedding for the word and its closest seven.
            const words = [result.word, ...result.neighbours.slice(0, 7).map((n) => n.word)];
            return this.ctx.engine.request('task/run', { verb: 'similarity', options: { vectors: this.vectors.active, words: words.join(' ') } }).then((s) => {
              const j = s.json as { words: string[]; embedding: number[][]; oneHot: number[][] };
              this.lastSimilarity = j;
              this.post({ type: 'similarity/show', words: j.words, embedding: j.embedding, oneHot: j.oneHot }, false);
            });
          })
          .catch((e) => this.ctx.reportError('Nearest Words', e));
        return;
      case 'perf/paint':
        this.paintMs.push({ what: m.what, ms: m.ms });
        if (this.paintMs.length > 200) this.paintMs.shift();
        return;
    }
  }

  private post(message: ProjectorToWebview, keep = true): void {
    if (keep) this.last = message;
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(message).then((ok) => {
      if (!ok) this.ready = false;
    });
  }

  dispose(): void {
    this.selectionListener.dispose();
    this.cancel?.cancel();
    this.panel?.dispose();
  }
}

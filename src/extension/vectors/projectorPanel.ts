/**
 * SeqLens: Show Embedding Projector: every vector in use (the embedded WordNet vectors, the
 * workspace's, or a loaded file) as a map, projected in the engine worker (PCA on all of them; UMAP
 * or t-SNE on up to 50,000, their layouts streamed as they form, Stop keeping the one so far),
 * drawn with WebGL in a panel beside the editor, in 2D or 3D. Search, click a word for its nearest
 * neighbours (cosine, in the original space), analogies as arrows, the editor's words lit and its
 * sentence drawn as a path, occurrences searched in the workspace, and TSV / JSON / PNG export.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { MAX_NONLINEAR, type ProjectorFromWebview, type ProjectorToWebview, type ProjectionShown, type ProjectRequest, type AnalogyShown } from '../../protocol/projector';
import type { SeqLensContext } from '../context';
import { createPagePanel } from '../shared/webviewHtml';
import type { WordVectorsService } from './vectorsService';

/** Most points drawn by PCA (the first of the file: word2vec files list words most frequent first). */
export const MAX_PROJECTED = 400_000;
/** The panel's default number of points per method (t-SNE is the slower). */
const DEFAULT_LIMIT = { pca: MAX_PROJECTED, umap: 20_000, tsne: 5_000 } as const;
const METHOD_NAME = { pca: 'PCA', umap: 'UMAP', tsne: 't-SNE' } as const;

/** A request made whole: defaults filled in, numbers in range. */
export function normaliseRequest(r: Partial<ProjectRequest> | undefined): ProjectRequest {
  const method = r?.method === 'umap' || r?.method === 'tsne' ? r.method : 'pca';
  const dims = r?.dims === 3 ? 3 : 2;
  const cap = method === 'pca' ? MAX_PROJECTED : MAX_NONLINEAR;
  const limit = Number.isInteger(r?.limit) && r!.limit! > 0 ? Math.min(cap, r!.limit!) : DEFAULT_LIMIT[method];
  const out: ProjectRequest = { method, dims, limit };
  if (method === 'umap') {
    out.neighbors = Number.isInteger(r?.neighbors) && r!.neighbors! >= 2 && r!.neighbors! <= 200 ? r!.neighbors : 15;
    out.minDist = typeof r?.minDist === 'number' && r.minDist >= 0 && r.minDist <= 1 ? r.minDist : 0.1;
  }
  if (method === 'tsne') {
    out.perplexity = typeof r?.perplexity === 'number' && r.perplexity >= 2 && r.perplexity <= 100 ? r.perplexity : 30;
    out.iterations = Number.isInteger(r?.iterations) && r!.iterations! >= 10 && r!.iterations! <= 10_000 ? r!.iterations : 1000;
  }
  return out;
}

export class ProjectorPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private last: ProjectorToWebview | undefined;
  private cancel: vscode.CancellationTokenSource | undefined;
  private readonly selectionListener: vscode.Disposable;
  private request: ProjectRequest = normaliseRequest(undefined);
  /** A layout still forming: kept so that Stop can show it. */
  private forming: { words: string[]; coords: number[]; done: number; total: number } | undefined;
  /** A word to select once the map is shown (the hover's link). */
  private pendingWord: string | undefined;
  /** What the panel shows (tests). */
  current: ProjectionShown | undefined;
  lastNeighbours: { word: string; neighbours: Array<{ word: string; similarity: number }> } | undefined;
  lastSimilarity: { words: string[]; embedding: number[][]; oneHot: number[][] } | undefined;
  lastAnalogy: AnalogyShown | undefined;
  lastExport: string | undefined;
  /** Layouts received while forming (tests: UMAP and t-SNE stream). */
  layoutsSeen = 0;
  readonly paintMs: Array<{ what: string; ms: number }> = [];

  constructor(
    private readonly ctx: SeqLensContext,
    private readonly vectors: WordVectorsService,
  ) {
    // The word under the caret (or the selected words, in order) lit on the map.
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

  /**
   * Opens the panel and projects (the request's method, or the last one). `word`: select it once
   * the map is drawn. A map of the same vectors and request already shown is kept.
   */
  async show(arg: Partial<ProjectRequest> & { word?: string } = {}): Promise<ProjectionShown | undefined> {
    this.open();
    const hasRequest = arg.method !== undefined || arg.dims !== undefined || arg.limit !== undefined;
    // Another method without a number of points: that method's default, not the last one's.
    const base = arg.method !== undefined && arg.method !== this.request.method ? { dims: this.request.dims } : this.request;
    const request = normaliseRequest(hasRequest ? { ...base, ...arg } : this.request);
    if (arg.word) this.pendingWord = arg.word.toLowerCase();
    const same = this.current && JSON.stringify(request) === JSON.stringify(this.request) && this.current.vectorsLabel === this.vectorsLabel();
    if (same && !hasRequest) {
      if (this.pendingWord) this.selectPending();
      return this.current;
    }
    return this.project(request);
  }

  private vectorsLabel(): string {
    const active = this.vectors.active;
    if (active === 'default') return 'the embedded WordNet vectors';
    // A run's checkpoint folder goes by its run's name.
    return path.basename(active) === 'checkpoint' ? path.basename(path.dirname(active)) : path.basename(active);
  }

  private async project(request: ProjectRequest): Promise<ProjectionShown | undefined> {
    this.cancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    this.request = request;
    this.forming = undefined;
    const active = this.vectors.active;
    const vectorsLabel = this.vectorsLabel();
    const name = METHOD_NAME[request.method];
    this.post({ type: 'projection/running', request, running: true, vectorsLabel, total: 0 }, false);
    this.post({ type: 'projection/progress', message: `Projecting ${vectorsLabel} by ${name}…` });
    const t0 = Date.now();
    const options: Record<string, string | number | boolean> = { vectors: active, method: request.method, dims: request.dims, limit: request.limit ?? DEFAULT_LIMIT[request.method] };
    if (request.neighbors !== undefined) options.neighbors = request.neighbors;
    if (request.minDist !== undefined) options['min-dist'] = request.minDist;
    if (request.perplexity !== undefined) options.perplexity = request.perplexity;
    if (request.iterations !== undefined) options.iterations = request.iterations;
    try {
      const r = await this.ctx.engine.request('task/run', { verb: 'project', options }, {
        token: cts.token,
        onProgress: (p) => {
          const ev = p.event as { type?: string; coords?: number[]; done?: number; total?: number; words?: string[] } | undefined;
          if (ev?.type === 'layout' && ev.coords && cts === this.cancel) {
            if (ev.words) this.forming = { words: ev.words, coords: ev.coords, done: ev.done ?? 0, total: ev.total ?? 0 };
            else if (this.forming) Object.assign(this.forming, { coords: ev.coords, done: ev.done ?? 0, total: ev.total ?? 0 });
            this.layoutsSeen++;
            this.post({ type: 'projection/layout', method: request.method, dims: request.dims, coords: ev.coords, done: ev.done ?? 0, total: ev.total ?? 0, ...(ev.words ? { words: ev.words } : {}) }, false);
            return;
          }
          if (p.message) this.post({ type: 'projection/progress', message: `${name} of ${vectorsLabel}: ${p.message}`, fraction: typeof p.fraction === 'number' ? p.fraction : undefined });
        },
      });
      const j = r.json as { words: string[]; coords: number[][]; explained: number[]; total?: number; trustworthiness?: Record<string, number>; parameters?: Record<string, number | string> };
      const t = j.trustworthiness;
      const projection: ProjectionShown = {
        vectorsLabel,
        method: request.method,
        dims: request.dims,
        words: j.words,
        coords: j.coords.flat(),
        explained: j.explained,
        leftOut: Math.max(0, (j.total ?? j.words.length) - j.words.length),
        ms: Date.now() - t0,
        ...(t ? { trustworthiness: { k: t.k, map: t[request.method], pca: t.pca } } : {}),
        ...(j.parameters ? { parameters: j.parameters } : {}),
      };
      this.current = projection;
      this.post({ type: 'projection/show', projection });
      this.selectPending();
      return projection;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const stopped = cts.token.isCancellationRequested;
      // (set by the progress callback: not undefined, whatever the flow analysis thinks)
      const f = this.forming as { words: string[]; coords: number[]; done: number; total: number } | undefined;
      if (stopped && f && cts === this.cancel) {
        // Stop keeps the layout so far, as a map of its own.
        const projection: ProjectionShown = { vectorsLabel, method: request.method, dims: request.dims, words: f.words, coords: f.coords, explained: [], leftOut: 0, ms: Date.now() - t0, stoppedAt: { done: f.done, total: f.total } };
        this.current = projection;
        this.post({ type: 'projection/show', projection });
        return projection;
      }
      if (stopped) {
        if (this.current) this.post({ type: 'projection/show', projection: this.current });
        else this.post({ type: 'projection/error', message: `${name} stopped.` });
        return this.current;
      }
      this.post({ type: 'projection/error', message });
      this.ctx.reportError('Show Embedding Projector', e);
      return undefined;
    } finally {
      if (this.cancel === cts) {
        this.cancel = undefined;
        this.post({ type: 'projection/running', request, running: false, vectorsLabel, total: 0 }, false);
      }
      cts.dispose();
    }
  }

  private selectPending(): void {
    const word = this.pendingWord;
    if (!word || !this.current) return;
    this.pendingWord = undefined;
    if (this.current.words.includes(word)) this.post({ type: 'select', word }, false);
    else this.ctx.info(`“${word}” is not among the ${this.current.words.length.toLocaleString('en')} words on the map.`);
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
        if (this.cancel) this.post({ type: 'projection/running', request: this.request, running: true, vectorsLabel: this.vectorsLabel(), total: 0 }, false);
        this.selectPending();
        return;
      case 'project':
        void this.project(normaliseRequest(m.request));
        return;
      case 'cancel':
        this.cancel?.cancel();
        return;
      case 'word/occurrences':
        void vscode.commands.executeCommand('workbench.action.findInFiles', { query: m.word, isRegex: false, isCaseSensitive: false, matchWholeWord: true, triggerSearch: true });
        return;
      case 'analogy':
        void this.analogy(m.a, m.b, m.c);
        return;
      case 'export':
        void this.export(m.format, m.selected, m.dataUrl).catch((e) => this.ctx.reportError('Export Projection', e));
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

  async analogy(a: string, b: string, c: string): Promise<AnalogyShown | undefined> {
    const [wa, wb, wc] = [a, b, c].map((w) => w.trim().toLowerCase());
    if (!wa || !wb || !wc) {
      this.post({ type: 'analogy/error', message: 'an analogy needs three words: a is to b as c is to ?' }, false);
      return undefined;
    }
    try {
      const r = await this.ctx.engine.request('task/run', { verb: 'analogy', options: { vectors: this.vectors.active, a: wa, b: wb, c: wc, k: 5 } });
      const j = r.json as { neighbors: Array<{ word: string; similarity: number }> };
      const result: AnalogyShown = { a: wa, b: wb, c: wc, answers: j.neighbors };
      this.lastAnalogy = result;
      this.post({ type: 'analogy/show', result }, false);
      return result;
    } catch (e) {
      this.post({ type: 'analogy/error', message: e instanceof Error ? e.message.replace(/^analogy: /, '') : String(e) }, false);
      return undefined;
    }
  }

  /** Writes the map into the workspace (.seqlens/projections/): TSV or JSON of every word's coordinates and the selection, or the PNG the panel drew. */
  async export(format: 'tsv' | 'json' | 'png', selected: string[], dataUrl?: string): Promise<string | undefined> {
    const p = this.current;
    if (!p) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) {
      this.ctx.info('open a folder to export the map into it.');
      return undefined;
    }
    const stem = `${p.vectorsLabel === 'the embedded WordNet vectors' ? 'wordnet' : p.vectorsLabel.replace(/\.[^.]+$/, '')}-${p.method}-${p.dims}d`.replace(/[^\w.-]+/g, '_');
    const target = vscode.Uri.joinPath(folder, '.seqlens', 'projections', `${stem}.${format}`);
    const chosen = new Set(selected);
    let bytes: Uint8Array;
    if (format === 'png') {
      if (!dataUrl?.startsWith('data:image/png;base64,')) throw new Error('the panel sent no image');
      bytes = Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64');
    } else if (format === 'tsv') {
      const axes = p.dims === 3 ? ['x', 'y', 'z'] : ['x', 'y'];
      const lines = [['word', ...axes, 'selected'].join('\t')];
      for (let i = 0; i < p.words.length; i++) lines.push([p.words[i].replace(/[\t\n]/g, ' '), ...axes.map((_, c) => p.coords[i * p.dims + c].toPrecision(6)), chosen.has(p.words[i]) ? '1' : '0'].join('\t'));
      bytes = Buffer.from(lines.join('\n') + '\n');
    } else {
      const coords = Array.from({ length: p.words.length }, (_, i) => p.coords.slice(i * p.dims, (i + 1) * p.dims).map((v) => +v.toPrecision(6)));
      bytes = Buffer.from(JSON.stringify({ vectors: p.vectorsLabel, method: p.method, dims: p.dims, parameters: p.parameters, trustworthiness: p.trustworthiness, explained: p.explained, selected: [...chosen], neighbours: this.lastNeighbours, words: p.words, coords }));
    }
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, '.seqlens', 'projections'));
    await vscode.workspace.fs.writeFile(target, bytes);
    this.lastExport = target.fsPath;
    this.post({ type: 'exported', file: vscode.workspace.asRelativePath(target) }, false);
    void vscode.window.showInformationMessage(`SeqLens: saved ${vscode.workspace.asRelativePath(target)}.`, 'Open').then((pick) => {
      if (pick === 'Open') void vscode.commands.executeCommand('vscode.open', target);
    });
    return target.fsPath;
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

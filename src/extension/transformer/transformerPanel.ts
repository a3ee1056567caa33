/**
 * SeqLens: Show Transformer Attention: reads the selection (or the caret's line) with a
 * Transformer in the engine worker and shows every layer, head and kind of attention in a panel
 * beside the editor. The text stays linked to the editor through the shared LinkedText: with the
 * caret on a word, the words it attends to (the chosen encoder layer and head) are shaded in the
 * editor, the shade following the weight; hovering a token in the panel highlights it there.
 */
import * as vscode from 'vscode';
import { TRANSFORMER_MODEL_ID } from '../../core/defaultIds';
import { meanOverHeads, weightRow } from '../../core/attentionMath';
import { MAX_LENS_TOKENS, type HeadChoice, TransformerChoice, TransformerFromWebview, TransformerToWebview, TransformerView } from '../../protocol/transformer';
import type { SeqLensContext } from '../context';
import { LinkedText } from '../shared/editorText';
import { exportFile } from '../shared/exportFile';
import { OPEN_CHECKPOINT_CHOICE, pickCheckpoint, workspaceCheckpoints } from '../shared/openCheckpoint';
import { textFromEditor, type TextSource } from '../shared/textSource';
import { createPagePanel } from '../shared/webviewHtml';
import { modelLabelOf } from '../../core/runs/runs';

export interface ShowRequest {
  text?: string;
  model?: string;
  /** The panel's tab to show: the attention (default) or the positional encoding explorer. */
  tab?: 'attention' | 'positions';
}

interface Shown {
  id: number;
  view: TransformerView;
  link?: LinkedText;
  sourceLabel: string;
}

const EMBEDDED: TransformerChoice = { id: TRANSFORMER_MODEL_ID, label: 'English → Korean Transformer (embedded)' };

export class TransformerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  /** A tab asked for by the command, shown once the page is ready for it. */
  private requestedTab: 'attention' | 'positions' | undefined;
  private last: TransformerToWebview | undefined;
  private seq = 0;
  private cancel: vscode.CancellationTokenSource | undefined;
  private shown: Shown | undefined;
  private modelId = TRANSFORMER_MODEL_ID;
  private caret: number | undefined;
  /** The head the panel shows; the editor shades with it when it is an encoder head, else with encoder layer 1 averaged. */
  head: HeadChoice = { kind: 'encoder-self', layer: 0, head: -1 };
  hovered: { side: 'source' | 'decoder' | null; index: number | null } = { side: null, index: null };
  readonly paintMs: Array<{ what: string; ms: number }> = [];

  constructor(private readonly ctx: SeqLensContext) {}

  get current(): TransformerView | undefined {
    return this.shown?.view;
  }
  get link(): LinkedText | undefined {
    return this.shown?.link;
  }
  get isReady(): boolean {
    return this.ready;
  }

  /** The embedded Transformer, the Transformer runs of the workspace's .seqlens/runs, and a folder opened. */
  models(): TransformerChoice[] {
    const out = [EMBEDDED, ...workspaceCheckpoints(['transformer'])];
    if (!out.some((m) => m.id === this.modelId)) out.push({ id: this.modelId, label: modelLabelOf(this.modelId) });
    return out;
  }

  async show(request: ShowRequest = {}): Promise<TransformerView | undefined> {
    if (request.model) this.modelId = request.model;
    let source: TextSource | undefined;
    let text = request.text;
    let label = 'text';
    if (text === undefined) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        this.ctx.info('select a sentence in an editor, then run SeqLens: Show Transformer Attention.');
        return undefined;
      }
      const picked = textFromEditor(editor);
      if (!picked.ok) {
        this.ctx.info(picked.message);
        return undefined;
      }
      source = picked.source;
      text = source.text;
      label = source.label;
    } else if (!text.trim()) {
      this.ctx.info('there is nothing to read here: select a sentence.');
      return undefined;
    }
    this.requestedTab = request.tab;
    const view = await this.run(text, label, source);
    this.showRequestedTab();
    return view;
  }

  private async run(text: string, sourceLabel: string, source: TextSource | undefined): Promise<TransformerView | undefined> {
    this.open();
    const seq = ++this.seq;
    this.cancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    const models = this.models();
    this.post({ type: 'view/loading', message: `Reading ${sourceLabel} with the ${models.find((m) => m.id === this.modelId)?.label ?? this.modelId}…`, models, modelId: this.modelId });
    try {
      const view = await this.ctx.engine.request('transformer/attention', { model: this.modelId, text, maxTokens: MAX_LENS_TOKENS }, { token: cts.token });
      if (seq !== this.seq) return undefined;
      this.shown?.link?.dispose();
      const link = source
        ? new LinkedText({ ...source }, view.source, {
            onCaret: (index) => this.onCaret(index),
            onStale: (message) => this.post({ type: 'view/stale', message }),
            revealHovered: true,
          })
        : undefined;
      this.shown = { id: seq, view, link, sourceLabel };
      const notice = view.truncatedTokens
        ? `The selection is longer than ${MAX_LENS_TOKENS} words (the lens's limit); showing its first ${view.source.length}.`
        : view.source.every((t) => t.unknown)
          ? `None of these words is in the model's vocabulary (${view.modelLabel}); they are all read as <unk>, so the attention says little. Select an English sentence like the grammar's, or train a Transformer on your own pairs (Train Model…).`
          : undefined;
      if (notice) this.ctx.info(notice);
      if (this.head.layer >= (this.head.kind === 'encoder-self' ? view.encoderLayers : view.decoderLayers) || this.head.head >= view.heads) this.head = { kind: 'encoder-self', layer: 0, head: -1 };
      this.post({ type: 'view/show', id: seq, view, sourceLabel, models: this.models(), head: this.head, notice });
      this.caret = link?.tokenAtCaret(vscode.window.activeTextEditor);
      if (this.caret !== undefined) this.shadeFrom(this.caret);
      this.ctx.log.info(`transformer: ${view.source.length} tokens → ${view.output.length}, decode ${view.decodeMs.toFixed(1)} ms, forward ${view.forwardMs.toFixed(1)} ms`);
      return view;
    } catch (e) {
      if (seq !== this.seq) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      this.post({ type: 'view/error', message, models: this.models(), modelId: this.modelId });
      this.ctx.reportError('Show Transformer Attention', e);
      return undefined;
    } finally {
      if (this.cancel === cts) this.cancel = undefined;
      cts.dispose();
    }
  }

  private onCaret(index: number): void {
    if (index === this.caret) return;
    this.caret = index;
    this.shadeFrom(index);
    this.post({ type: 'token/caret', index });
  }

  /** Shades the words that source token `index` attends to, by the chosen encoder head (or the heads' mean). */
  private shadeFrom(index: number): void {
    const s = this.shown;
    if (!s?.link) return;
    const layer = this.head.kind === 'encoder-self' ? this.head.layer : 0;
    const head = this.head.kind === 'encoder-self' ? this.head.head : -1;
    const sub = s.view.sublayers.find((x) => x.kind === 'encoder-self' && x.layer === layer);
    if (!sub) return;
    const row = head < 0 ? meanOverHeads(sub).subarray(index * sub.keys, (index + 1) * sub.keys) : weightRow(sub, head, index);
    const from = s.view.source[index].text;
    const what = `layer ${layer + 1}, ${head < 0 ? 'heads averaged' : `head ${head + 1}`}`;
    s.link.setStep(index);
    s.link.setShades(Array.from(row, (w, j) => ({ index: j, weight: w, hover: `SeqLens: “${from}” attends to “${s.view.source[j].text}” with weight ${w.toFixed(3)} (encoder self-attention, ${what})` })));
  }

  /** The source token the editor shades from (the caret's), for tests. */
  get caretToken(): number | undefined {
    return this.caret;
  }

  private open(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = createPagePanel(this.ctx.extension.extensionUri, 'seqlens.transformer', 'SeqLens: Transformer', 'transformer', 'SeqLens: Transformer Attention');
    this.panel = panel;
    this.ready = false;
    panel.webview.onDidReceiveMessage((m: TransformerFromWebview) => this.onMessage(m));
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
        this.shown?.link?.dispose();
        this.shown = undefined;
      }
    });
  }

  private onMessage(m: TransformerFromWebview): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.shown) this.post({ type: 'view/show', id: this.shown.id, view: this.shown.view, sourceLabel: this.shown.sourceLabel, models: this.models(), head: this.head });
        else if (this.last) this.post(this.last);
        this.showRequestedTab();
        return;
      case 'token/hover':
        if (m.id !== this.shown?.id) return;
        this.hovered = { side: m.side, index: m.index };
        // A source token is highlighted where it is in the editor.
        this.shown.link?.setHover(m.side === 'source' ? m.index : null);
        return;
      case 'head/select':
        if (m.id !== this.shown?.id) return;
        this.head = m.head;
        if (this.caret !== undefined) this.shadeFrom(this.caret);
        return;
      case 'model/select': {
        if (m.modelId === OPEN_CHECKPOINT_CHOICE) {
          void pickCheckpoint(['transformer'], 'a Transformer checkpoint').then((choice) => {
            if (choice) this.onMessage({ type: 'model/select', modelId: choice.id });
            else if (this.shown) this.post({ type: 'view/show', id: this.shown.id, view: this.shown.view, sourceLabel: this.shown.sourceLabel, models: this.models(), head: this.head });
          });
          return;
        }
        if (m.modelId === this.modelId) return;
        this.modelId = m.modelId;
        const s = this.shown;
        if (s) {
          const src = s.link?.source;
          const text = src ? src.text : s.view.source.map((t) => t.text).join(' ');
          void this.run(text, s.sourceLabel, src);
        }
        return;
      }
      case 'export':
        void this.export(m.format, m.name, m.dataUrl).catch((e) => this.ctx.reportError('Export', e));
        return;
      case 'perf/paint':
        this.paintMs.push({ what: m.what, ms: m.ms });
        if (this.paintMs.length > 200) this.paintMs.shift();
        return;
    }
  }

  private async export(format: 'png' | 'json', name: string, dataUrl?: string): Promise<void> {
    const s = this.shown;
    if (!s) return;
    await exportFile(this.ctx, format, name, dataUrl, () => viewJson(s.view));
  }

  private showRequestedTab(): void {
    if (!this.requestedTab || !this.shown || !this.ready) return;
    const tab = this.requestedTab;
    this.requestedTab = undefined;
    if (this.panel) void this.panel.webview.postMessage({ type: 'tab/show', tab } satisfies TransformerToWebview);
  }

  private post(message: TransformerToWebview): void {
    if (message.type !== 'token/caret') this.last = message;
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(message).then((ok) => {
      if (!ok) this.ready = false;
    });
  }

  dispose(): void {
    this.cancel?.cancel();
    this.shown?.link?.dispose();
    this.panel?.dispose();
  }
}

/** The panel's JSON export: every tensor as nested arrays, with the tokens. */
export function viewJson(v: TransformerView) {
  const nest = (m: { data: Float32Array; shape: number[] }): unknown => {
    const rec = (off: number, dim: number): unknown => {
      if (dim === m.shape.length - 1) return Array.from(m.data.subarray(off, off + m.shape[dim]));
      const stride = m.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: m.shape[dim] }, (_, i) => rec(off + i * stride, dim + 1));
    };
    return rec(0, 0);
  };
  return {
    model: v.modelLabel,
    source: v.source.map((t) => t.text),
    output: v.output,
    decoderInput: v.decoderInput,
    positionalEncoding: nest(v.positionalEncoding),
    sublayers: v.sublayers.map((s) => ({ layer: s.layer, kind: s.kind, name: s.name, weights: nest(s.weights), scores: nest(s.scores), mask: nest(s.mask), q: nest(s.q), k: nest(s.k), v: nest(s.v), headOutputs: nest(s.headOutputs), outputKernel: nest(s.outputKernel), outputBias: nest(s.outputBias), output: nest(s.output) })),
  };
}

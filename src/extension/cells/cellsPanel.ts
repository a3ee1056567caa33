/**
 * SeqLens: Compare Cells on Selection: the selection read by the four embedded recurrent language
 * models and the embedded Transformer LM at once, in a panel beside the editor: the vanishing
 * gradient ‖∂h_T/∂h_t‖ of each cell on one log-scale chart with the derivative factor that explains
 * it (σ' ≤ 1/4 against tanh' ≤ 1, the LSTM's forget gate, the GRU's update gate), the Transformer's
 * ‖∂r_T/∂x_t‖ beside them (no recurrence), and each model's next-word prediction at every step,
 * with the probability it gave the word that does come next (an agreement verb after an attractor:
 * "the key to the old cabinets is"). The text stays linked to the editor: the caret picks the step,
 * a token hovered in the panel lights up in the editor.
 */
import * as vscode from 'vscode';
import { tokenize } from '../../core/tokenizer';
import type { CellsFromWebview, CellsToWebview, CellsView } from '../../protocol/cells';
import type { SeqLensContext } from '../context';
import { LinkedText } from '../shared/editorText';
import { exportFile } from '../shared/exportFile';
import { textFromEditor, type TextSource } from '../shared/textSource';
import { createPagePanel } from '../shared/webviewHtml';

/** Longest text read at once, in words (four models, a chart point and a table column per word). */
export const MAX_CELLS_TOKENS = 200;

export interface CompareRequest {
  text?: string;
  sourceLabel?: string;
}

export class CellsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private last: CellsToWebview | undefined;
  private seq = 0;
  private cancel: vscode.CancellationTokenSource | undefined;
  private shown: { id: number; view: CellsView; sourceLabel: string; link?: LinkedText } | undefined;
  /** The step on show (tests). */
  step = 0;
  /** The token hovered in the panel (tests). */
  hovered: number | null = null;

  constructor(private readonly ctx: SeqLensContext) {}

  get current(): CellsView | undefined {
    return this.shown?.view;
  }
  get link(): LinkedText | undefined {
    return this.shown?.link;
  }

  async compare(request: CompareRequest = {}): Promise<CellsView | undefined> {
    let text = request.text;
    let sourceLabel = request.sourceLabel ?? 'text';
    let source: TextSource | undefined;
    if (text === undefined) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        this.ctx.info('select a sentence in an editor, then run SeqLens: Compare Cells on Selection.');
        return undefined;
      }
      const picked = textFromEditor(editor);
      if (!picked.ok) {
        this.ctx.info(/binary/.test(picked.message) ? picked.message : 'there is nothing to read here: select a sentence (or put the caret on a line with words).');
        return undefined;
      }
      source = picked.source;
      text = source.text;
      sourceLabel = source.label;
    } else if (!text.trim()) {
      this.ctx.info('there is nothing to read here: select a sentence.');
      return undefined;
    }
    this.open();
    const seq = ++this.seq;
    this.cancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    this.post({ type: 'cells/loading', message: `Reading ${sourceLabel} with RNN (sigmoid), RNN (tanh), LSTM, GRU and the Transformer LM…` });
    try {
      const r = await this.ctx.engine.request('task/run', { verb: 'gradients', options: { text, 'max-tokens': MAX_CELLS_TOKENS, transformer: true } }, { token: cts.token });
      if (seq !== this.seq) return undefined;
      const view = r.json as CellsView;
      this.shown?.link?.dispose();
      let link: LinkedText | undefined;
      if (source) {
        const spans = tokenize(source.text, { maxTokens: MAX_CELLS_TOKENS }).tokens.map((t) => ({ start: t.start, end: t.end }));
        if (spans.length === view.tokens.length) link = new LinkedText(source, spans, { onCaret: (i) => this.onCaret(i), revealHovered: false });
        else this.ctx.log.warn(`cells: ${spans.length} editor tokens for ${view.tokens.length} read; the editor is not linked`);
      }
      this.shown = { id: seq, view, sourceLabel, link };
      this.step = Math.max(0, Math.min(view.tokens.length - 1, link?.tokenAtCaret(vscode.window.activeTextEditor) ?? view.tokens.length - 1));
      link?.setStep(this.step);
      if (view.truncatedTokens) this.ctx.info(`the selection is longer than ${MAX_CELLS_TOKENS} words; comparing its first ${view.tokens.length}.`);
      this.post({ type: 'cells/show', id: seq, view, sourceLabel, step: this.step });
      return view;
    } catch (e) {
      if (seq !== this.seq) return undefined;
      this.post({ type: 'cells/error', message: e instanceof Error ? e.message : String(e) });
      this.ctx.reportError('Compare Cells on Selection', e);
      return undefined;
    } finally {
      if (this.cancel === cts) this.cancel = undefined;
      cts.dispose();
    }
  }

  private onCaret(index: number): void {
    if (!this.shown || index === this.step) return;
    this.step = index;
    this.shown.link?.setStep(index);
    this.post({ type: 'step/show', id: this.shown.id, step: index });
  }

  private open(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = createPagePanel(this.ctx.extension.extensionUri, 'seqlens.cells', 'SeqLens: Cells', 'cells', 'SeqLens: Compare Cells');
    this.panel = panel;
    this.ready = false;
    panel.webview.onDidReceiveMessage((m: CellsFromWebview) => this.onMessage(m));
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

  private onMessage(m: CellsFromWebview): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.shown) this.post({ type: 'cells/show', id: this.shown.id, view: this.shown.view, sourceLabel: this.shown.sourceLabel, step: this.step });
        else if (this.last) this.post(this.last);
        return;
      case 'step/select':
        if (m.id !== this.shown?.id) return;
        this.step = m.step;
        this.shown.link?.setStep(m.step);
        return;
      case 'token/hover':
        if (m.id !== this.shown?.id) return;
        this.hovered = m.index;
        this.shown.link?.setHover(m.index);
        return;
      case 'export': {
        const s = this.shown;
        if (s) void exportFile(this.ctx, m.format, m.name, m.dataUrl, () => ({ source: s.sourceLabel, ...s.view })).catch((e) => this.ctx.reportError('Export', e));
        return;
      }
    }
  }

  private post(message: CellsToWebview): void {
    if (message.type !== 'step/show') this.last = message;
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

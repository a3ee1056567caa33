/**
 * SeqLens: Translate Selection: translates the selected text (or the caret's
 * line) with the configured translation model, in the engine worker, and shows
 * the translation with its attention map in a panel beside the editor: one row
 * per output word, one column per source word, the weights the decoder gave
 * each source word when it wrote that output word.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { TRANSLATION_MODEL_ID } from '../../core/defaultIds';
import { modelLabelOf } from '../../core/runs/runs';
import { tokenize } from '../../core/tokenizer';
import type { TranslateFromWebview, TranslateToWebview, TranslationShown } from '../../protocol/translate';
import type { SeqLensContext } from '../context';
import { createPagePanel } from '../shared/webviewHtml';

/**
 * Longest text translated at once, in words: the models read sentences, not documents, and the
 * attention map has a row and a column per word (a page of text would be a table of 100,000 cells).
 */
const MAX_WORDS = 60;

export interface TranslateRequest {
  text?: string;
  model?: string;
  beam?: number;
}

export class TranslatePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private last: TranslateToWebview | undefined;
  private seq = 0;
  private cancel: vscode.CancellationTokenSource | undefined;
  /** The translation on show (diagnostics and tests). */
  current: (TranslationShown & { text: string }) | undefined;
  hovered: { target: number | null; source: number | null } = { target: null, source: null };

  constructor(private readonly ctx: SeqLensContext) {}

  async translate(request: TranslateRequest = {}): Promise<(TranslationShown & { text: string }) | undefined> {
    let text = request.text;
    let sourceLabel = 'text';
    if (text === undefined) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        this.ctx.info('select a sentence in an editor to translate it.');
        return undefined;
      }
      const sel = editor.selection;
      const line = editor.document.lineAt(sel.active.line);
      text = sel.isEmpty ? line.text : editor.document.getText(sel);
      sourceLabel = `${path.basename(editor.document.fileName)}, ${sel.isEmpty ? `line ${line.lineNumber + 1}` : 'selection'}`;
    }
    if (!text.trim()) {
      this.ctx.info('there is nothing to translate here: select a sentence (or put the caret on a line with words).');
      return undefined;
    }
    // Cut at a word boundary; the scan stops once it has the words it needs.
    const { tokens, truncated } = tokenize(text.slice(0, 100 * MAX_WORDS), { lowercase: false, maxTokens: MAX_WORDS });
    if (truncated > 0 || text.length > 100 * MAX_WORDS) {
      this.ctx.info(`the selection is longer than ${MAX_WORDS} words; translating its first ${MAX_WORDS}.`);
      text = text.slice(0, tokens[tokens.length - 1].end);
    }
    const settings = vscode.workspace.getConfiguration('seqlens.translate');
    const model = request.model ?? (settings.get<string>('model', TRANSLATION_MODEL_ID) || TRANSLATION_MODEL_ID);
    const beam = request.beam ?? Math.max(1, Math.floor(settings.get<number>('beam', 1)));
    this.show();
    const seq = ++this.seq;
    this.cancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    const modelLabel = model === TRANSLATION_MODEL_ID ? 'English → Korean (embedded)' : modelLabelOf(model);
    this.post({ type: 'translation/loading', message: `Translating with ${modelLabel}…` });
    const t0 = Date.now();
    try {
      const r = await this.ctx.engine.request('task/run', { verb: 'translate', options: { model, text, beam } }, { token: cts.token });
      if (seq !== this.seq) return undefined;
      const j = r.json as { source: string[]; output: string[]; text: string; attention: number[][] };
      const shown = { source: j.source, output: j.output, attention: j.attention, modelLabel, beam, sourceLabel, ms: Date.now() - t0, text: j.text };
      this.current = shown;
      this.hovered = { target: null, source: null };
      this.post({ type: 'translation/show', id: seq, result: shown });
      return shown;
    } catch (e) {
      if (seq !== this.seq) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      this.post({ type: 'translation/error', message });
      this.ctx.reportError('Translate Selection', e);
      return undefined;
    } finally {
      if (this.cancel === cts) this.cancel = undefined;
      cts.dispose();
    }
  }

  private show(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = createPagePanel(this.ctx.extension.extensionUri, 'seqlens.translate', 'SeqLens: Translation', 'translate', 'SeqLens: Translation');
    this.panel = panel;
    this.ready = false;
    panel.webview.onDidReceiveMessage((m: TranslateFromWebview) => this.onMessage(m));
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false; // the page is rebuilt when shown again, and says ready
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
      }
    });
  }

  private onMessage(m: TranslateFromWebview): void {
    if (m.type === 'ready') {
      this.ready = true;
      if (this.last) this.post(this.last);
      return;
    }
    if (m.type === 'cell/hover' && m.id === this.seq) this.hovered = { target: m.target, source: m.source };
  }

  private post(message: TranslateToWebview): void {
    this.last = message;
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(message).then((ok) => {
      if (!ok) this.ready = false;
    });
  }

  dispose(): void {
    this.cancel?.cancel();
    this.panel?.dispose();
  }
}

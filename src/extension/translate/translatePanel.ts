/**
 * SeqLens: Translate Selection: translates the selected text (or the caret's
 * line) with the configured translation model, in the engine worker, and shows
 * the translation with its attention map in a panel beside the editor: one row
 * per output word, one column per source word, the weights the decoder gave
 * each source word when it wrote that output word.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { EMBEDDED_TRANSLATION_MODELS, TRANSFORMER_MODEL_ID, TRANSLATION_MODEL_ID } from '../../core/defaultIds';
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

/** The embedded translation models the chooser always offers. */
const EMBEDDED_MODELS = EMBEDDED_TRANSLATION_MODELS.map((m) => ({ id: m.id, label: m.label }));

export interface TranslateRequest {
  text?: string;
  model?: string;
  beam?: number;
  /** Where the text came from (the panel's header), when `text` is given. */
  sourceLabel?: string;
}

export class TranslatePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private last: TranslateToWebview | undefined;
  private seq = 0;
  private cancel: vscode.CancellationTokenSource | undefined;
  /** A model chosen in the panel for this session (the setting keeps its own). */
  private chosen: string | undefined;
  private lastRequest: { text: string; sourceLabel: string } | undefined;
  /** The translation on show (diagnostics and tests). */
  current: (TranslationShown & { text: string }) | undefined;
  hovered: { target: number | null; source: number | null } = { target: null, source: null };

  private readonly settingListener: vscode.Disposable;

  constructor(private readonly ctx: SeqLensContext) {
    // A model set in the settings (or by "Use for Translate Selection") replaces the panel's choice.
    this.settingListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('seqlens.translate.model')) this.chosen = undefined;
    });
  }

  async translate(request: TranslateRequest = {}): Promise<(TranslationShown & { text: string }) | undefined> {
    let text = request.text;
    let sourceLabel = request.sourceLabel ?? 'text';
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
    const model = request.model ?? this.chosen ?? (settings.get<string>('model', TRANSLATION_MODEL_ID) || TRANSLATION_MODEL_ID);
    this.lastRequest = { text, sourceLabel };
    // The Transformer decodes greedily (beam search is the recurrent models').
    const beam = model === TRANSFORMER_MODEL_ID ? 1 : (request.beam ?? Math.max(1, Math.floor(settings.get<number>('beam', 1))));
    this.show();
    const seq = ++this.seq;
    this.cancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    const models = EMBEDDED_MODELS.some((m) => m.id === model) ? EMBEDDED_MODELS : [...EMBEDDED_MODELS, { id: model, label: modelLabelOf(model) }];
    const modelLabel = models.find((m) => m.id === model)!.label;
    this.post({ type: 'translation/loading', message: `Translating with ${modelLabel}…` });
    const t0 = Date.now();
    try {
      const r = await this.ctx.engine.request('task/run', { verb: 'translate', options: { model, text, beam } }, { token: cts.token });
      if (seq !== this.seq) return undefined;
      const j = r.json as { source: string[]; output: string[]; text: string; attention: number[][]; crossAttention?: TranslationShown['crossAttention'] };
      const shown = { source: j.source, output: j.output, attention: j.attention, crossAttention: j.crossAttention, modelLabel, modelId: model, models, beam, sourceLabel, ms: Date.now() - t0, text: j.text };
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
    if (m.type === 'model/select' && this.lastRequest) {
      this.chosen = m.modelId;
      void this.translate({ text: this.lastRequest.text, sourceLabel: this.lastRequest.sourceLabel, model: m.modelId });
    }
  }

  private post(message: TranslateToWebview): void {
    this.last = message;
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(message).then((ok) => {
      if (!ok) this.ready = false;
    });
  }

  dispose(): void {
    this.settingListener.dispose();
    this.cancel?.cancel();
    this.panel?.dispose();
  }
}

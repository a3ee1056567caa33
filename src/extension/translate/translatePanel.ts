/**
 * SeqLens: Translate Selection, and the seq2seq lens: translates the selected text (or the caret's
 * line) with the chosen translation model, in the engine worker, and shows it in a panel beside the
 * editor: the attention map (a row per output word, a column per source word), a decoder stepper
 * (each step's likeliest words, its attention row, shaded in the editor too, and its context
 * vector), the single context vector beside attention, the decoder fed a reference (teacher
 * forcing) beside the decoder fed its own words, the beam as a tree, and a what-if that forces one
 * step's attention onto one source word. A `source<TAB>target` line gives its reference.
 */
import { pieceSpans } from '../../core/subword';
import * as vscode from 'vscode';
import { EMBEDDED_TRANSLATION_MODELS, TRANSFORMER_MODEL_ID, TRANSLATION_MODEL_ID } from '../../core/defaultIds';
import { modelLabelOf } from '../../core/runs/runs';
import { tokenize } from '../../core/tokenizer';
import type { Comparison, TranslateFromWebview, TranslateToWebview, TranslationShown, TranslationView } from '../../protocol/translate';
import type { SeqLensContext } from '../context';
import { LinkedText } from '../shared/editorText';
import { OPEN_CHECKPOINT_CHOICE, pickCheckpoint, workspaceCheckpoints } from '../shared/openCheckpoint';
import { looksBinary, textFromEditor, type TextSource } from '../shared/textSource';
import { createPagePanel } from '../shared/webviewHtml';
import { exportFile } from '../shared/exportFile';

/**
 * Longest text translated at once, in words: the models read sentences, not documents, and the
 * attention map has a row and a column per word (a page of text would be a table of 100,000 cells).
 */
const MAX_WORDS = 60;
/** Widest beam the panel offers (each step decodes K hypotheses). */
export const MAX_BEAM = 8;
/** Unknown words from this share of the source on, the panel says the model cannot read the text. */
const UNKNOWN_SHARE = 1 / 3;

/** The embedded translation models the chooser always offers. */
const EMBEDDED_MODELS = EMBEDDED_TRANSLATION_MODELS.map((m) => ({ id: m.id, label: m.label }));
const NO_ATTENTION_ID = 'en-ko-no-attention';

export interface TranslateRequest {
  text?: string;
  model?: string;
  beam?: number;
  /** A reference translation: the decoder fed it (teacher forcing) beside the decoder fed its own words. */
  reference?: string;
  /** Show the same sentence through the model without attention (or, from that model, with attention). */
  compare?: boolean;
  /** What-if (0-based): at `step`, all attention on source `position`. */
  forceAttention?: { step: number; position: number };
  /** Where the text came from (the panel's header), when `text` is given. */
  sourceLabel?: string;
}

interface Current {
  text: string;
  sourceLabel: string;
  /** The editor text it came from: the editor shades each step's attention and follows the caret. */
  source?: TextSource;
  reference?: string;
  forceAttention?: { step: number; position: number };
}

export class TranslatePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private last: TranslateToWebview | undefined;
  private seq = 0;
  private cancel: vscode.CancellationTokenSource | undefined;
  /** A model chosen in the panel for this session (the setting keeps its own). */
  private chosen: string | undefined;
  /** A beam width chosen in the panel (the setting keeps its own). */
  private beamChosen: number | undefined;
  private compare = false;
  private request: Current | undefined;
  private link: LinkedText | undefined;
  /** The translation on show (diagnostics and tests). */
  current: (TranslationShown & { text: string }) | undefined;
  hovered: { target: number | null; source: number | null } = { target: null, source: null };
  /** The decoder step on show. */
  step = 0;
  /** The webview's repaint times (ms), newest last, for tests and diagnostics. */
  readonly paintMs: Array<{ what: string; ms: number }> = [];
  /** The last file an export wrote (tests). */
  lastExport: string | undefined;

  private readonly settingListener: vscode.Disposable;

  constructor(private readonly ctx: SeqLensContext) {
    // A model set in the settings (or by "Use for Translate Selection") replaces the panel's choice.
    this.settingListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('seqlens.translate.model')) this.chosen = undefined;
      if (e.affectsConfiguration('seqlens.translate.beam')) this.beamChosen = undefined;
    });
  }

  /** The editor range of source word `index` of the translation on show (tests). */
  sourceRange(index: number): vscode.Range | undefined {
    const doc = this.link?.editor()?.document;
    return doc && this.link?.range(doc, index);
  }

  /** The editor's shading on show: source word index → weight (tests). */
  shaded(): Array<{ index: number; weight: number }> {
    return this.link?.shaded().map((s) => ({ index: s.index, weight: s.weight })) ?? [];
  }

  async translate(request: TranslateRequest = {}): Promise<(TranslationShown & { text: string }) | undefined> {
    let text = request.text;
    let sourceLabel = request.sourceLabel ?? 'text';
    let source: TextSource | undefined;
    if (text === undefined) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        this.ctx.info('select a sentence in an editor to translate it.');
        return undefined;
      }
      const picked = textFromEditor(editor);
      if (!picked.ok) {
        this.ctx.info(/binary/.test(picked.message) ? picked.message : 'there is nothing to translate here: select a sentence (or put the caret on a line with words).');
        return undefined;
      }
      source = picked.source;
      text = source.text;
      sourceLabel = source.label;
    } else if (looksBinary(text)) {
      this.ctx.info('this text looks binary: there is nothing to translate.');
      return undefined;
    }
    // A source<TAB>target line (a sentence-pairs file): translate the source, with the target as the reference.
    let reference = request.reference;
    const tab = text.indexOf('\t');
    if (tab >= 0) {
      const rest = text.slice(tab + 1).split(/\r?\n/)[0].split('\t')[0];
      reference ??= rest.trim() ? rest : undefined;
      text = text.slice(0, tab);
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
    if (request.beam !== undefined) this.beamChosen = Math.max(1, Math.min(MAX_BEAM, Math.floor(request.beam)));
    if (request.compare !== undefined) this.compare = request.compare;
    if (request.model) this.chosen = request.model;
    this.request = { text, sourceLabel, source: source && { ...source, text }, reference, forceAttention: request.forceAttention };
    return this.run(0);
  }

  /** The embedded models, the workspace's translation runs, and the model in use if it is neither. */
  private models(current: string): Array<{ id: string; label: string }> {
    const out = [...EMBEDDED_MODELS, ...workspaceCheckpoints(['seq2seq', 'transformer'])];
    if (!out.some((m) => m.id === current)) out.push({ id: current, label: modelLabelOf(current) });
    return out;
  }

  private modelId(): string {
    const settings = vscode.workspace.getConfiguration('seqlens.translate');
    return this.chosen ?? (settings.get<string>('model', TRANSLATION_MODEL_ID) || TRANSLATION_MODEL_ID);
  }

  private beamWidth(model: string): number {
    // The Transformer decodes greedily (beam search is the recurrent models').
    if (model === TRANSFORMER_MODEL_ID) return 1;
    const settings = vscode.workspace.getConfiguration('seqlens.translate');
    return this.beamChosen ?? Math.max(1, Math.min(MAX_BEAM, Math.floor(settings.get<number>('beam', 1))));
  }

  private async run(step: number): Promise<(TranslationShown & { text: string }) | undefined> {
    const req = this.request;
    if (!req) return undefined;
    const model = this.modelId();
    const beam = this.beamWidth(model);
    this.show();
    const seq = ++this.seq;
    this.cancel?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancel = cts;
    const models = this.models(model);
    const modelLabel = models.find((m) => m.id === model)!.label;
    this.post({ type: 'translation/loading', message: `Translating with ${modelLabel}…` });
    const t0 = Date.now();
    try {
      const options: Record<string, string | number> = { model, text: req.text, beam, 'top-k': 5 };
      if (req.reference) options.reference = req.reference;
      if (req.forceAttention) options['force-attention'] = `${req.forceAttention.step + 1}:${req.forceAttention.position + 1}`;
      const r = await this.ctx.engine.request('task/run', { verb: 'translate', options }, { token: cts.token });
      if (seq !== this.seq) return undefined;
      const j = r.json as TranslationView & { crossAttention?: TranslationShown['crossAttention'] };
      let comparison: Comparison | undefined;
      if (this.compare) comparison = await this.comparison(model, req.text, cts.token);
      if (seq !== this.seq) return undefined;
      const shown: TranslationShown = {
        ...j,
        forcedAttention: req.forceAttention,
        modelLabel,
        modelId: model,
        models,
        sourceLabel: req.sourceLabel,
        reference: req.reference,
        beamRequested: beam,
        compare: this.compare,
        comparison,
        step: Math.max(0, Math.min(step, j.steps.length - 1)),
        linked: false,
        ms: Date.now() - t0,
      };
      this.step = shown.step;
      this.hovered = { target: null, source: null };
      this.relink(req, shown);
      shown.linked = this.link !== undefined;
      this.current = shown;
      this.post({ type: 'translation/show', id: seq, result: shown });
      this.shadeStep();
      const unknownShare = j.source.length ? j.unknown.length / j.source.length : 0;
      if (unknownShare >= UNKNOWN_SHARE) this.ctx.log.info(`translate: ${j.unknown.length} of ${j.source.length} words unknown to ${modelLabel}`);
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

  /** The same text through the other side of the bottleneck: without attention, or (from that model) with it. */
  private async comparison(model: string, text: string, token: vscode.CancellationToken): Promise<Comparison> {
    const other = model === NO_ATTENTION_ID ? TRANSLATION_MODEL_ID : NO_ATTENTION_ID;
    const modelLabel = EMBEDDED_MODELS.find((m) => m.id === other)!.label;
    try {
      const r = await this.ctx.engine.request('task/run', { verb: 'translate', options: { model: other, text, 'top-k': 1 } }, { token });
      const j = r.json as TranslationView;
      return { modelId: other, modelLabel, attentionKind: j.attentionKind, output: j.output, text: j.text, context: j.attentionKind === 'none' ? (j.steps[0]?.context ?? []) : [], attention: j.attention };
    } catch (e) {
      return { modelId: other, modelLabel, attentionKind: other === NO_ATTENTION_ID ? 'none' : 'dot', output: [], context: [], attention: [], error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Links the shown source to its editor text (a new translation of the same text keeps its link). */
  private relink(req: Current, shown: TranslationShown): void {
    const src = req.source;
    if (!src) {
      this.link?.dispose();
      this.link = undefined;
      return;
    }
    if (this.link && this.link.source === src && this.link.isLive && this.link.tokens.length === shown.source.length) return;
    this.link?.dispose();
    const words = tokenize(src.text, { lowercase: false }).tokens.map((t) => ({ start: t.start, end: t.end }));
    // A subword model's source is pieces: each lights its own characters of its word.
    const spans = words.length !== shown.source.length ? (pieceSpans(words, shown.source) ?? words) : words;
    if (spans.length !== shown.source.length) {
      // The engine read the words differently (should not happen: one tokenizer); translate without the link.
      this.ctx.log.warn(`translate: ${spans.length} editor tokens for ${shown.source.length} source words; the editor is not linked`);
      this.link = undefined;
      return;
    }
    this.link = new LinkedText(src, spans, {
      onCaret: (index) => this.onCaret(index),
      onStale: (message) => this.post({ type: 'translation/stale', message }),
      revealHovered: false,
    });
  }

  /** The caret moved onto source word `index`: show the step that looked at it most. */
  private onCaret(index: number): void {
    const s = this.current;
    if (!s || !s.attention.length || !s.attention.every((row) => row.length === s.source.length)) return;
    let best = 0;
    s.attention.forEach((row, t) => {
      if (row[index] > s.attention[best][index]) best = t;
    });
    if (best === this.step) return;
    this.step = best;
    this.shadeStep();
    this.post({ type: 'step/show', id: this.seq, step: best });
  }

  /** Shades in the editor the source words the decoder looks at in the step on show. */
  private shadeStep(): void {
    const s = this.current;
    if (!s || !this.link) return;
    const st = s.steps[this.step];
    if (!st || !st.attention.length) {
      this.link.setShades([]);
      return;
    }
    this.link.setShades(st.attention.map((w, j) => ({ index: j, weight: w, hover: `SeqLens: writing “${st.word}” (step ${this.step + 1}), the decoder looks at “${s.source[j]}” with weight ${w.toFixed(3)}` })));
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
        this.link?.dispose();
        this.link = undefined;
      }
    });
  }

  private onMessage(m: TranslateFromWebview): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.last) this.post(this.last);
        return;
      case 'cell/hover':
        if (m.id !== this.seq) return;
        this.hovered = { target: m.target, source: m.source };
        this.link?.setHover(m.source);
        return;
      case 'step/select':
        if (m.id !== this.seq || !this.current) return;
        this.step = Math.max(0, Math.min(m.step, this.current.steps.length - 1));
        this.current.step = this.step;
        this.shadeStep();
        return;
      case 'model/select':
        if (!this.request) return;
        if (m.modelId === OPEN_CHECKPOINT_CHOICE) {
          void pickCheckpoint(['seq2seq', 'transformer'], 'a translation checkpoint').then((choice) => {
            if (choice) this.onMessage({ type: 'model/select', modelId: choice.id });
            else if (this.last) this.post(this.last); // the chooser back to the model in use
          });
          return;
        }
        this.chosen = m.modelId;
        this.request.forceAttention = undefined;
        void this.run(this.step);
        return;
      case 'beam/set':
        if (!this.request) return;
        this.beamChosen = Math.max(1, Math.min(MAX_BEAM, Math.floor(m.width) || 1));
        this.request.forceAttention = undefined;
        void this.run(this.step);
        return;
      case 'compare/set':
        this.compare = m.on;
        if (this.request) void this.run(this.step);
        return;
      case 'reference/set':
        if (!this.request) return;
        this.request.reference = m.text.trim() ? m.text : undefined;
        void this.run(this.step);
        return;
      case 'whatif':
        if (!this.request) return;
        this.request.forceAttention = { step: m.step, position: m.position };
        this.beamChosen = 1; // the what-if decodes greedily
        void this.run(m.step);
        return;
      case 'whatif/reset':
        if (!this.request) return;
        this.request.forceAttention = undefined;
        void this.run(this.step);
        return;
      case 'command':
        void vscode.commands.executeCommand(m.command === 'train' ? 'seqlens.trainModel' : 'seqlens.downloadCorpus');
        return;
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
    const s = this.current;
    if (!s) return;
    this.lastExport = (await exportFile(this.ctx, format, name, dataUrl, () => translationJson(s))) ?? this.lastExport;
  }

  private post(message: TranslateToWebview): void {
    if (message.type !== 'step/show') this.last = message;
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(message).then((ok) => {
      if (!ok) this.ready = false;
    });
  }

  dispose(): void {
    this.settingListener.dispose();
    this.cancel?.cancel();
    this.link?.dispose();
    this.panel?.dispose();
  }
}

/** The panel's JSON export: the translation and every decoder step, as `seqlens translate --json` gives them. */
export function translationJson(s: TranslationShown) {
  const { models: _models, linked: _linked, step: _step, ms: _ms, ...rest } = s;
  return { model: s.modelId, ...rest };
}

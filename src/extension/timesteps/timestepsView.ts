/**
 * The timestep view: a WebviewView in the panel that steps through a
 * recurrent network reading the selected text. It owns its listeners, keeps
 * the last trace so that a hidden-then-shown webview can ask for it again on
 * `ready`, and links the view and the editor both ways through the shared
 * LinkedText (shared/editorText.ts): the caret moves the step, hovering a token
 * highlights its words in the editor.
 */
import * as vscode from 'vscode';
import { DEFAULT_MODEL_IDS, DefaultModelId, MODEL_LABELS, TraceResult } from '../../protocol/trace';
import type { ModelChoice, TimestepsFromWebview, TimestepsToWebview, WelcomeAction } from '../../protocol/timesteps';
import { EngineRequestError } from '../../worker/client';
import { config } from '../shared/config';
import type { SeqLensContext } from '../context';
import { webviewHtml } from '../shared/webviewHtml';
import { TextSource, textFromEditor } from '../shared/textSource';
import { LinkedText } from '../shared/editorText';
import { HEADS_MODEL_DIRS } from '../../core/defaultIds';

/** The empty panel's buttons (its welcome): what to do first. */
function welcomeActions(): WelcomeAction[] {
  return [
    { label: vscode.l10n.t('Step Through the Selection'), command: 'seqlens.stepThrough' },
    { label: vscode.l10n.t('Open the Course'), command: 'seqlens.openCourse' },
    { label: vscode.l10n.t('Open a Demo Sentence'), command: 'seqlens.course.rnn' },
  ];
}

export const TIMESTEPS_VIEW_ID = 'seqlens.timesteps';

const MODELS: ModelChoice[] = DEFAULT_MODEL_IDS.map((id) => ({ id, label: MODEL_LABELS[id] }));

interface Shown {
  /** Numbers the trace (the run that made it); the page echoes it in its messages. */
  id: number;
  trace: TraceResult;
  /** The traced text in its document: follows the caret, draws the highlights, notices edits. */
  link: LinkedText;
}

export class TimestepsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private webviewReady = false;
  private shown: Shown | undefined;
  private step = 0;
  /** The last message that sets the page's content: re-sent when a fresh page says ready. */
  private lastContent: TimestepsToWebview | undefined;
  private runSeq = 0;
  private hovered: number | null = null;
  /** The model of the newest run, finished or not: a repeated choice of it is not a new request. */
  private requestedModel: string | undefined;
  /** Models opened from disk this session (SeqLens checkpoints, TensorFlow.js LayersModels). */
  private readonly fileModels: ModelChoice[] = [];
  /** An opened model chosen for this session (the setting holds only the shipped ones). */
  private sessionModel: string | undefined;
  private cancelRun: vscode.CancellationTokenSource | undefined;
  private readonly stepEmitter = new vscode.EventEmitter<number>();
  private readonly traceEmitter = new vscode.EventEmitter<TraceResult>();
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeStep = this.stepEmitter.event;
  readonly onDidShowTrace = this.traceEmitter.event;
  readonly onDidBecomeReady = this.readyEmitter.event;
  /** Repaint times the page reported, newest last (for diagnostics and tests). */
  readonly repaintMs: number[] = [];

  constructor(private readonly ctx: SeqLensContext) {
    this.disposables.push(
      this.stepEmitter,
      this.traceEmitter,
      this.readyEmitter,
      ctx.onEngineCrash(() => {
        if (this.cancelRun) this.post({ type: 'trace/error', message: 'The engine stopped while tracing; run the command again.' });
      }),
    );
  }

  // ---- state readers for the extension API (tests, diagnostics) ------------------------
  get currentStep(): number {
    return this.step;
  }
  get currentTrace(): TraceResult | undefined {
    return this.shown?.trace;
  }
  get isReady(): boolean {
    return this.webviewReady;
  }
  /** The token the pointer or keyboard focus is on in the panel (null when none). */
  get hoveredToken(): number | null {
    return this.hovered;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.ctx.log.info('timesteps view: page created');
    this.view = view;
    this.webviewReady = false;
    const webview = view.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview')] };
    // No retainContextWhenHidden: the page keeps only view state and asks for the trace on `ready`.
    webview.html = webviewHtml(webview, this.ctx.extension.extensionUri, 'timesteps', 'SeqLens Timesteps');
    this.viewDisposables.push(
      webview.onDidReceiveMessage((m: TimestepsFromWebview) => this.onMessage(m)),
      view.onDidChangeVisibility(() => {
        // A hidden webview view loses its page (which never gets to say the pointer left a
        // token); the new page says `ready` and is re-hydrated then.
        if (!view.visible) {
          this.webviewReady = false;
          this.highlightToken(null);
        }
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.webviewReady = false;
          this.highlightToken(null);
        }
      }),
    );
  }

  models(): ModelChoice[] {
    // The embedded taggers + sentiment classifiers: one encoder, two readouts, per cell.
    const heads = (Object.entries(HEADS_MODEL_DIRS) as Array<[DefaultModelId, string]>).map(([id, dir]) => ({ id: `file:${this.ctx.asPath('media', 'models', dir)}`, label: `${MODEL_LABELS[id]}: tags + sentiment` }));
    return [...MODELS, ...heads, ...this.fileModels.filter((m) => !heads.some((h) => h.id === m.id))];
  }

  currentModel(): string {
    return this.sessionModel ?? config.timestepsModel();
  }

  private label(modelId: string): string {
    return this.models().find((m) => m.id === modelId)?.label ?? modelId;
  }

  /**
   * Opens a model from disk (a SeqLens checkpoint or a TensorFlow.js LayersModel folder or
   * model.json), adds it to the view's chooser, selects it, and re-reads the shown text with it.
   */
  async openModel(file: string): Promise<{ id: string; label: string; layers: string[] }> {
    const opened = await this.ctx.engine.request('model/open', { path: file });
    const at = this.fileModels.findIndex((m) => m.id === opened.id);
    if (at >= 0) this.fileModels.splice(at, 1);
    this.fileModels.push({ id: opened.id, label: opened.label });
    this.sessionModel = opened.id;
    this.requestedModel = undefined;
    const shown = this.shown;
    if (shown) await this.run(shown.link.source, opened.id, { keepStep: this.step, staleReason: shown.link.stale });
    else this.post({ type: 'trace/empty', message: `${opened.label} is open: select a sentence and run “SeqLens: Step Through Timesteps”.`, models: this.models(), modelId: opened.id });
    return opened;
  }

  /**
   * A model named by a command's argument: a default id ("lstm", "rnn-sigmoid"), "heads:<cell>"
   * for an embedded tagger + sentiment classifier, or an id of the chooser.
   */
  resolveModel(name: string): string | undefined {
    const heads = /^heads:(.+)$/.exec(name);
    if (heads) {
      const dir = (HEADS_MODEL_DIRS as Record<string, string>)[heads[1]];
      return dir ? `file:${this.ctx.asPath('media', 'models', dir)}` : undefined;
    }
    return this.models().some((m) => m.id === name) ? name : undefined;
  }

  /**
   * The command: trace the selection (or the caret's line) of the active editor, with the
   * chosen model or `model` (resolveModel; chosen for this session, the setting unchanged).
   */
  async stepThrough(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor, model?: string): Promise<TraceResult | undefined> {
    if (model !== undefined) {
      const id = this.resolveModel(model);
      if (!id) throw new Error(`no model "${model}" in the timestep panel (${[...DEFAULT_MODEL_IDS, ...Object.keys(HEADS_MODEL_DIRS).map((c) => `heads:${c}`)].join(', ')})`);
      this.sessionModel = id;
    }
    if (!editor) {
      this.ctx.info('open a text file and select a sentence to step through.');
      return undefined;
    }
    const picked = textFromEditor(editor);
    if (!picked.ok) {
      this.ctx.info(picked.message);
      // A trace already on show stays (with its highlights); an empty panel says what to do.
      if (!this.shown) this.post({ type: 'trace/empty', message: picked.message, models: this.models(), modelId: this.currentModel() });
      return undefined;
    }
    await this.reveal(editor);
    return this.run(picked.source, this.currentModel(), { editor });
  }

  private async reveal(editor: vscode.TextEditor): Promise<void> {
    if (this.view) {
      this.view.show(true);
      return;
    }
    // First use: open the view (this focuses it), then give the focus back to the editor.
    await vscode.commands.executeCommand(`${TIMESTEPS_VIEW_ID}.focus`);
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false, selection: editor.selection });
  }

  /**
   * Traces `source` with a model. `keepStep` keeps the current step (a model
   * switch); `staleReason` carries an outdated trace's state over to the new one.
   */
  private async run(
    source: TextSource,
    modelId: string,
    options: { editor?: vscode.TextEditor; keepStep?: number; staleReason?: string } = {},
  ): Promise<TraceResult | undefined> {
    const seq = ++this.runSeq;
    this.requestedModel = modelId;
    this.cancelRun?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.cancelRun = cts;
    this.post({ type: 'trace/loading', modelId, message: `Reading ${source.label} with the ${this.label(modelId)}…`, models: this.models() });
    try {
      const trace = await this.ctx.engine.request('trace/run', { modelId, text: source.text, maxTokens: config.maxTokens() }, { token: cts.token });
      if (seq !== this.runSeq) return undefined; // a newer run replaced this one
      this.shown?.link.dispose(); // the previous trace's highlights, in whatever editor they were
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.uri.toString());
      // Edits that arrived while the engine was reading are not reflected in the offsets.
      const staleReason =
        options.staleReason ??
        (!doc ? 'The traced text was closed; the trace stays here but no longer follows the caret.' : doc.version !== source.version ? 'The text changed while it was being read. Run the command again to re-read it.' : undefined);
      const link = new LinkedText({ ...source }, trace.tokens, {
        onCaret: (step) => {
          if (step !== this.step) this.setStep(step, true);
        },
        followCaret: () => config.followCursor(),
        onStale: (message, canRerun) => this.post({ type: 'trace/stale', message, canRerun }),
        onVisibility: (visible) => this.post({ type: 'trace/note', message: visible ? '' : editorClosedNote }),
      });
      this.shown = { id: seq, trace, link };
      void vscode.commands.executeCommand('setContext', 'seqlens.timesteps.hasTrace', true);
      const caret = staleReason ? undefined : link.tokenAtCaret(options.editor);
      this.step = Math.min(trace.tokens.length - 1, options.keepStep ?? caret ?? 0);
      this.ctx.log.info(`trace: ${trace.modelLabel}, ${trace.tokens.length} tokens${trace.truncatedTokens ? ` (+${trace.truncatedTokens} cut)` : ''}, probe ${trace.probeMs.toFixed(1)} ms`);
      this.post(this.showMessage());
      if (staleReason) link.markStale(staleReason, doc !== undefined);
      else if (!link.isVisible) this.post({ type: 'trace/note', message: editorClosedNote });
      link.setStep(this.step);
      // A tagger + classifier: each word's tag after it in the editor, and the class the last state gives after the last.
      const tags = trace.readouts?.tags;
      const classes = trace.readouts?.classByStep;
      if (tags || classes) {
        const T = trace.tokens.length;
        link.setAnnotations(
          trace.tokens.map((tok, i) => {
            const tag = tags?.[i];
            const verdict = i === T - 1 && classes ? `⇒ ${classes[i].label} ${(classes[i].p * 100).toFixed(0)}%` : '';
            return { index: i, text: [tag ? `/${tag}` : '', verdict].filter(Boolean).join(' '), hover: `SeqLens (${trace.modelLabel}): ${tag ? `“${tok.text}” tagged ${tag}` : ''}${verdict ? `${tag ? '; ' : ''}the last state reads ${classes![i].label}` : ''}` };
          }).filter((a) => a.text),
        );
      }
      this.traceEmitter.fire(trace);
      this.stepEmitter.fire(this.step);
      if (trace.truncatedTokens > 0 || source.droppedChars > 0) {
        this.ctx.info(truncationNote(trace, source));
      }
      return trace;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof EngineRequestError && e.code === 'cancelled') {
        // Superseded by a newer run: that run updates the page. Otherwise (an engine restart) the page
        // must not stay on "Reading…": show the trace it had, or say what happened.
        if (seq === this.runSeq) this.post(this.shown ? this.showMessage() : { type: 'trace/error', message });
        return undefined;
      }
      if (seq !== this.runSeq) return undefined;
      this.post({ type: 'trace/error', message });
      if (e instanceof EngineRequestError && (e.code === 'bad-input' || e.code === 'worker-died')) {
        this.ctx.log.warn(`trace: ${message}`);
        if (e.code === 'bad-input') this.ctx.info(message);
      } else {
        this.ctx.reportError('trace', e);
      }
      return undefined;
    } finally {
      if (this.cancelRun === cts) this.cancelRun = undefined;
      cts.dispose();
    }
  }

  /** Re-reads the shown trace's text from its document (after edits), if the document is open. */
  private async rerun(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const editor = shown.link.editor();
    if (!editor) {
      this.ctx.info('open the traced file again, select the text and run SeqLens: Step Through Timesteps.');
      return;
    }
    await this.stepThrough(editor);
  }

  /** Clear: the trace and its highlights go, and the panel welcomes again (its buttons). */
  clear(): void {
    this.runSeq++; // a reading under way is dropped when it returns
    this.cancelRun?.cancel();
    this.cancelRun = undefined;
    this.shown?.link.dispose();
    this.shown = undefined;
    this.hovered = null;
    this.step = 0;
    this.lastContent = undefined;
    void vscode.commands.executeCommand('setContext', 'seqlens.timesteps.hasTrace', false);
    this.post(this.welcomeMessage());
  }

  private welcomeMessage(): TimestepsToWebview {
    return { type: 'trace/empty', message: vscode.l10n.t('Select a sentence in an editor and run “SeqLens: Step Through Timesteps”.'), models: this.models(), modelId: this.currentModel(), actions: welcomeActions() };
  }

  private showMessage(): TimestepsToWebview {
    const s = this.shown!;
    const note = truncationNote(s.trace, s.link.source);
    return { type: 'trace/show', traceId: s.id, trace: s.trace, step: this.step, source: s.link.source.label + (note ? ` — ${note}` : ''), models: this.models() };
  }

  private post(message: TimestepsToWebview): void {
    if (message.type === 'trace/show' || message.type === 'trace/loading' || message.type === 'trace/empty' || message.type === 'trace/error') this.lastContent = message;
    if (!this.view || !this.webviewReady) return; // sent on `ready`
    void this.view.webview.postMessage(message).then((delivered) => {
      if (!delivered) this.webviewReady = false; // page gone: it re-hydrates on its next `ready`
    });
  }

  private onMessage(m: TimestepsFromWebview): void {
    switch (m.type) {
      case 'ready':
        this.ctx.log.info('timesteps view: page ready');
        this.webviewReady = true;
        if (this.shown) this.post(this.showMessage());
        else if (this.lastContent) this.post(this.lastContent);
        else this.post(this.welcomeMessage());
        if (this.shown?.link.stale) this.post({ type: 'trace/stale', message: this.shown.link.stale, canRerun: true });
        else if (this.shown && !this.shown.link.isVisible) this.post({ type: 'trace/note', message: editorClosedNote });
        this.readyEmitter.fire();
        return;
      case 'command/run':
        // Only the welcome's own buttons: the page cannot run any other command.
        if (welcomeActions().some((a) => a.command === m.command)) void vscode.commands.executeCommand(m.command).then(undefined, (e) => this.ctx.reportError(m.command, e));
        return;
      case 'step/changed':
        if (!this.shown || m.traceId !== this.shown.id) return; // about a trace that has since been replaced
        this.setStep(m.step, false);
        return;
      case 'token/hover':
        if (m.index !== null && (!this.shown || m.traceId !== this.shown.id)) return;
        this.highlightToken(m.index);
        return;
      case 'model/select': {
        if (!this.models().some((x) => x.id === m.modelId) || m.modelId === this.requestedModel) return;
        const modelId = m.modelId;
        if ((DEFAULT_MODEL_IDS as readonly string[]).includes(modelId)) {
          this.sessionModel = undefined;
          void config.setTimestepsModel(modelId as DefaultModelId).then(undefined, (e) => this.ctx.reportError('saving the model choice', e));
        } else this.sessionModel = modelId;
        const shown = this.shown;
        if (shown) void this.run(shown.link.source, modelId, { keepStep: this.step, staleReason: shown.link.stale });
        else this.requestedModel = modelId;
        return;
      }
      case 'trace/rerun':
        this.rerun().catch((e) => this.ctx.reportError('re-reading the text', e));
        return;
      case 'perf/repaint':
        this.repaintMs.push(m.ms);
        if (this.repaintMs.length > 200) this.repaintMs.shift();
        return;
    }
  }

  /** Moves the current step; `notifyPage` is false when the page itself moved it. */
  setStep(step: number, notifyPage: boolean): void {
    if (!this.shown) return;
    const clamped = Math.max(0, Math.min(this.shown.trace.tokens.length - 1, Math.floor(step)));
    if (clamped === this.step && !notifyPage) return;
    this.step = clamped;
    if (notifyPage) this.post({ type: 'step/set', step: clamped });
    this.shown.link.setStep(clamped);
    this.stepEmitter.fire(clamped);
  }

  private highlightToken(index: number | null): void {
    this.hovered = index;
    this.shown?.link.setHover(index);
  }

  /** The range highlighted for the token under the pointer in the panel (tests read this). */
  decoratedHoverRange(): vscode.Range | undefined {
    return this.shown?.link.hoverRange();
  }

  /** The range decorated for the step in the editor showing the text (tests read this). */
  /** The labels after words in the editor (a tagger's tags, the last state's class). */
  annotations(): Array<{ index: number; text: string; range: vscode.Range }> {
    return this.shown?.link.annotated() ?? [];
  }

  decoratedStepRange(): vscode.Range | undefined {
    return this.shown?.link.stepRange();
  }

  private disposeView(): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
  }

  dispose(): void {
    this.cancelRun?.cancel();
    this.disposeView();
    this.shown?.link.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

const editorClosedNote = 'The editor of this text is closed; the trace stays here and follows the caret again when the text is shown.';

function truncationNote(trace: TraceResult, source: TextSource): string {
  if (trace.truncatedTokens === 0 && source.droppedChars === 0) return '';
  const shown = trace.tokens.length;
  if (source.droppedChars > 0) {
    return `the selection is long; showing its first ${shown} tokens (at most ${config.maxTokens()} tokens, setting seqlens.timesteps.maxTokens, from the first 100,000 characters).`;
  }
  return `showing the first ${shown} of ${shown + trace.truncatedTokens} tokens (setting seqlens.timesteps.maxTokens).`;
}

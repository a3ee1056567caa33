/**
 * Text in the editor, linked to a lens (DESIGN.md "Views"): the one piece every view that reads
 * selected text uses. A LinkedText holds the tokens a lens read (offsets relative to the text it
 * was given) and keeps them tied to the document:
 *   - maps a token to its editor range, and a document offset (the caret) to a token;
 *   - follows the caret: `onCaret(index)` when it moves onto another token;
 *   - highlights one token for the lens's current position ("step") and one under the pointer
 *     in the panel ("hover"), and shades any tokens with a weight (attention), strongest darkest;
 *   - notices edits: an edit before the text moves it, an edit inside makes it stale; a closed
 *     document makes it stale; an editor showing it again gets its decorations back.
 * Decorations belong to the LinkedText: disposing it removes them from every editor.
 */
import * as vscode from 'vscode';
import { tokenAtOffset } from '../../core/tokenizer';
import type { TextSource } from './textSource';

export interface TokenSpan {
  /** Offsets relative to the source's text (its baseOffset in the document). */
  start: number;
  end: number;
}

export interface Shade {
  index: number;
  /** 0..1: how strongly the token is shaded. */
  weight: number;
  /** Shown when the pointer rests on the shaded word in the editor. */
  hover?: string;
}

export interface LinkedTextOptions {
  /** The caret moved onto another token of the text (only while the text is live). */
  onCaret?(index: number): void;
  /** The text no longer matches the tokens (edited inside, or closed). */
  onStale?(reason: string, canRerun: boolean): void;
  /** An editor showing the text appeared or went away. */
  onVisibility?(visible: boolean): void;
  /** Read at each caret move: false pauses following (a setting). */
  followCaret?(): boolean;
  /** Scroll the editor to a hovered token that is out of view (default true). */
  revealHovered?: boolean;
}

/** Shading levels: weights are bucketed so a handful of decoration types cover every shade. */
const SHADE_LEVELS = 6;
/** Weights below this are not shaded (attention spreads a little on everything). */
export const MIN_SHADE = 0.04;

export class LinkedText implements vscode.Disposable {
  private live = true;
  private staleReason: string | undefined;
  private step: number | undefined;
  private hover: number | null = null;
  private shades: Shade[] = [];
  private visible: boolean;
  private readonly stepType: vscode.TextEditorDecorationType;
  private readonly hoverType: vscode.TextEditorDecorationType;
  private readonly shadeTypes: vscode.TextEditorDecorationType[];
  private readonly annotationType: vscode.TextEditorDecorationType;
  private annotations: Array<{ index: number; text: string; hover?: string }> = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly source: TextSource,
    readonly tokens: readonly TokenSpan[],
    private readonly options: LinkedTextOptions = {},
  ) {
    this.stepType = vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('editor.wordHighlightStrongBackground'),
      borderColor: new vscode.ThemeColor('editor.wordHighlightStrongBorder'),
      borderStyle: 'solid',
      borderWidth: '1px',
    });
    this.hoverType = vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
      borderColor: new vscode.ThemeColor('editor.findMatchBorder'),
      borderStyle: 'solid',
      borderWidth: '1px',
    });
    // One colour at rising opacity reads on light, dark and high-contrast themes alike; the
    // strongest levels get an outline too (high-contrast themes draw outlines, not fills).
    this.shadeTypes = Array.from({ length: SHADE_LEVELS }, (_, i) => {
      const alpha = 0.12 + (0.6 * (i + 1)) / SHADE_LEVELS;
      return vscode.window.createTextEditorDecorationType({
        backgroundColor: `rgba(255, 140, 0, ${alpha.toFixed(2)})`,
        borderRadius: '2px',
        ...(i >= SHADE_LEVELS - 2 ? { outlineColor: new vscode.ThemeColor('contrastActiveBorder'), outlineStyle: 'solid', outlineWidth: '1px' } : {}),
      });
    });
    // Inline labels after words (a tagger's tags): faint, in the code lens colour, after the word.
    this.annotationType = vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic', margin: '0 0.35em 0 0.1em' },
    });
    this.visible = this.editor() !== undefined;
    this.disposables.push(
      this.stepType,
      this.hoverType,
      this.annotationType,
      ...this.shadeTypes,
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocumentChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.live && d.uri.toString() === this.source.uri.toString()) this.markStale('The text was closed; the view stays but no longer follows the caret.', false);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => {
        const visible = this.editor() !== undefined;
        if (visible !== this.visible) {
          this.visible = visible;
          if (this.live) this.options.onVisibility?.(visible);
        }
        this.decorate();
      }),
    );
  }

  get isLive(): boolean {
    return this.live;
  }
  get stale(): string | undefined {
    return this.staleReason;
  }
  get isVisible(): boolean {
    return this.visible;
  }

  /** A visible editor showing the text. */
  editor(): vscode.TextEditor | undefined {
    return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.source.uri.toString());
  }

  /** The token at a document offset (nearest within the text), or undefined outside it. */
  tokenAt(docOffset: number): number | undefined {
    const rel = docOffset - this.source.baseOffset;
    const t = this.tokens;
    if (t.length === 0 || rel < t[0].start || rel > t[t.length - 1].end) return undefined;
    return tokenAtOffset(t, rel);
  }

  /** The token under an editor's caret, if the editor shows this text and the text is live. */
  tokenAtCaret(editor: vscode.TextEditor | undefined): number | undefined {
    if (!editor || !this.live || editor.document.uri.toString() !== this.source.uri.toString()) return undefined;
    return this.tokenAt(editor.document.offsetAt(editor.selection.active));
  }

  range(doc: vscode.TextDocument, index: number): vscode.Range | undefined {
    const tok = this.tokens[index];
    if (!tok) return undefined;
    const base = this.source.baseOffset;
    return new vscode.Range(doc.positionAt(base + tok.start), doc.positionAt(base + tok.end));
  }

  /** The lens's current token (the step), highlighted strongly. */
  setStep(index: number | undefined): void {
    this.step = index;
    this.decorate();
  }

  /** The token under the pointer in the panel (null: none), scrolled into view. */
  setHover(index: number | null): vscode.Range | undefined {
    this.hover = index;
    this.decorate();
    const editor = this.editor();
    const r = index !== null && editor && this.live ? this.range(editor.document, index) : undefined;
    if (r && editor && this.options.revealHovered !== false) editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return r;
  }

  /** Shades tokens by weight (attention); an empty list clears the shading. */
  setShades(shades: readonly Shade[]): void {
    this.shades = shades.filter((s) => s.weight >= MIN_SHADE && this.tokens[s.index]);
    this.decorate();
  }

  /** Labels drawn after tokens in the editor (a tagger's tags); an empty list clears them. */
  setAnnotations(items: ReadonlyArray<{ index: number; text: string; hover?: string }>): void {
    this.annotations = items.filter((a) => this.tokens[a.index]);
    this.decorate();
  }

  // ---- what is drawn (tests read these) --------------------------------------------------
  /** The labels drawn after tokens, with their ranges, as drawn now. */
  annotated(): Array<{ index: number; text: string; range: vscode.Range }> {
    const editor = this.editor();
    if (!editor || !this.live) return [];
    return this.annotations.map((a) => ({ index: a.index, text: a.text, range: this.range(editor.document, a.index)! }));
  }
  stepRange(): vscode.Range | undefined {
    const editor = this.editor();
    return editor && this.live && this.step !== undefined ? this.range(editor.document, this.step) : undefined;
  }
  hoverRange(): vscode.Range | undefined {
    const editor = this.editor();
    return editor && this.live && this.hover !== null ? this.range(editor.document, this.hover) : undefined;
  }
  /** The shaded tokens with their level (1 = faintest … SHADE_LEVELS), as drawn now. */
  shaded(): Array<{ index: number; weight: number; level: number; range: vscode.Range }> {
    const editor = this.editor();
    if (!editor || !this.live) return [];
    return this.shades.map((s) => ({ index: s.index, weight: s.weight, level: shadeLevel(s.weight) + 1, range: this.range(editor.document, s.index)! }));
  }

  private decorate(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const mine = this.live && editor.document.uri.toString() === this.source.uri.toString();
      const r = (i: number | null | undefined) => (mine && i !== null && i !== undefined ? this.range(editor.document, i) : undefined);
      const step = r(this.step);
      const hover = r(this.hover);
      editor.setDecorations(this.stepType, step ? [step] : []);
      editor.setDecorations(this.hoverType, hover ? [hover] : []);
      const byLevel: vscode.DecorationOptions[][] = this.shadeTypes.map(() => []);
      if (mine) {
        for (const s of this.shades) {
          const range = this.range(editor.document, s.index);
          if (range) byLevel[shadeLevel(s.weight)].push({ range, hoverMessage: s.hover });
        }
      }
      this.shadeTypes.forEach((t, i) => editor.setDecorations(t, byLevel[i]));
      const labels: vscode.DecorationOptions[] = [];
      if (mine) {
        for (const a of this.annotations) {
          const range = this.range(editor.document, a.index);
          if (range) labels.push({ range, hoverMessage: a.hover, renderOptions: { after: { contentText: a.text } } });
        }
      }
      editor.setDecorations(this.annotationType, labels);
    }
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.live || !this.options.onCaret || this.options.followCaret?.() === false) return;
    if (e.textEditor.document.uri.toString() !== this.source.uri.toString()) return;
    const index = this.tokenAt(e.textEditor.document.offsetAt(e.selections[0].active));
    if (index !== undefined) this.options.onCaret(index);
  }

  private onDocumentChange(e: vscode.TextDocumentChangeEvent): void {
    if (!this.live || e.document.uri.toString() !== this.source.uri.toString() || e.contentChanges.length === 0) return;
    const start = this.source.baseOffset;
    const end = start + (this.tokens.length ? this.tokens[this.tokens.length - 1].end : 0);
    let shift = 0;
    for (const c of e.contentChanges) {
      if (c.rangeOffset + c.rangeLength <= start) shift += c.text.length - c.rangeLength;
      else if (c.rangeOffset < end) {
        this.markStale('The text changed inside the range this view read, so the view no longer matches it. Run the command again to re-read it.', true);
        return;
      }
    }
    // Edits before the text move it; edits after it do not matter. Either way the text itself is
    // unchanged, so this version of the document still matches the tokens.
    this.source.baseOffset += shift;
    this.source.version = e.document.version;
    if (shift) this.decorate();
  }

  /** Stops following and drawing (the view keeps what it shows); says why through onStale. */
  markStale(reason: string, canRerun: boolean): void {
    if (!this.live) return;
    this.live = false;
    this.staleReason = reason;
    this.decorate();
    this.options.onStale?.(reason, canRerun);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function shadeLevel(weight: number): number {
  return Math.max(0, Math.min(SHADE_LEVELS - 1, Math.floor(Math.min(1, weight) * SHADE_LEVELS - 1e-9)));
}

/**
 * Which text the timestep view reads: the selection, or the caret's line when
 * nothing is selected; refused with a clear reason when it is empty or binary,
 * and cut to a documented limit when it is huge.
 */
import * as vscode from 'vscode';

/** At most this many characters of a selection are sent to the engine (then maxTokens applies). */
export const MAX_SELECTION_CHARS = 100_000;

export interface TextSource {
  uri: vscode.Uri;
  /** The document's version when the text was read: a later version means the text may have moved. */
  version: number;
  /** Offset in the document of the first character of `text`. */
  baseOffset: number;
  text: string;
  /** Characters of the selection left out because of MAX_SELECTION_CHARS. */
  droppedChars: number;
  /** Where the text came from, for the panel's header. */
  label: string;
}

export type TextSourceResult = { ok: true; source: TextSource } | { ok: false; message: string };

export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    // C0 controls other than tab, newline, carriage return, form feed; and U+FFFD (undecodable bytes).
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) odd++;
  }
  return odd > Math.max(2, sample.length * 0.05);
}

export function textFromEditor(editor: vscode.TextEditor): TextSourceResult {
  const doc = editor.document;
  const sel = editor.selection;
  let range: vscode.Range;
  let label: string;
  if (!sel.isEmpty) {
    range = new vscode.Range(sel.start, sel.end);
    label = `selection, line ${sel.start.line + 1}${sel.end.line !== sel.start.line ? `–${sel.end.line + 1}` : ''}`;
  } else {
    range = doc.lineAt(sel.active.line).range;
    label = `line ${sel.active.line + 1}`;
  }
  const baseOffset = doc.offsetAt(range.start);
  const endOffset = doc.offsetAt(range.end);
  const length = endOffset - baseOffset;
  let text: string;
  let droppedChars = 0;
  if (length > MAX_SELECTION_CHARS) {
    let cut = MAX_SELECTION_CHARS;
    const head = doc.getText(new vscode.Range(range.start, doc.positionAt(baseOffset + MAX_SELECTION_CHARS)));
    // End on whitespace so the last word is not cut in half.
    const ws = head.search(/\s\S*$/);
    if (ws > MAX_SELECTION_CHARS / 2) cut = ws;
    text = head.slice(0, cut);
    droppedChars = length - cut;
  } else {
    text = doc.getText(range);
  }
  if (looksBinary(text)) {
    return { ok: false, message: `${shortName(doc.uri)} looks like a binary file (NUL bytes or undecodable characters); SeqLens reads natural-language text.` };
  }
  if (text.trim() === '') {
    return {
      ok: false,
      message: sel.isEmpty
        ? 'The current line is empty. Select a sentence, or put the caret on a line with words, then run SeqLens: Step Through Timesteps.'
        : 'The selection holds only whitespace. Select a sentence to step through.',
    };
  }
  return { ok: true, source: { uri: doc.uri, version: doc.version, baseOffset, text, droppedChars, label: `${shortName(doc.uri)}, ${label}` } };
}

function shortName(uri: vscode.Uri): string {
  const parts = uri.path.split('/');
  return parts[parts.length - 1] || uri.toString();
}

/**
 * Word-level tokenizer for English, French, Korean and other scripts.
 *
 * A token is a run of letters, marks and digits (Unicode classes, so Hangul,
 * accented Latin and CJK count as letters) with inner apostrophes and hyphens
 * kept ("don't", "l'homme" stays one token in English and is split in French
 * only by the model's vocabulary), or a single punctuation character. Every
 * token keeps its offsets into the source text so that a view can map a step
 * back to the characters in the editor.
 */

export interface Token {
  /** Normalised form that is looked up in the vocabulary. */
  text: string;
  /** Offsets into the original string, in UTF-16 code units, end exclusive. */
  start: number;
  end: number;
}

export interface TokenizeOptions {
  /** Lower-case the normalised form (default true). */
  lowercase?: boolean;
  /** Stop after this many tokens; `truncated` then counts the rest. */
  maxTokens?: number;
}

export interface Tokenized {
  tokens: Token[];
  /** Number of tokens past maxTokens that were not returned. */
  truncated: number;
}

// Letters/marks/digits, optionally joined by an apostrophe or hyphen to more of them.
const WORD = String.raw`[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*`;
// Any other visible character is a token of its own (punctuation, symbols, emoji).
const OTHER = String.raw`[^\s\p{L}\p{M}\p{N}]`;
const TOKEN_RE = new RegExp(`${WORD}|${OTHER}`, 'gu');

export function tokenize(text: string, options: TokenizeOptions = {}): Tokenized {
  const lowercase = options.lowercase ?? true;
  const maxTokens = options.maxTokens ?? Number.POSITIVE_INFINITY;
  const tokens: Token[] = [];
  let truncated = 0;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    if (tokens.length >= maxTokens) {
      truncated++;
      continue;
    }
    const raw = m[0];
    // NFC so that decomposed Hangul jamo or combining accents match the vocabulary.
    const norm = raw.normalize('NFC').replace(/’/g, "'");
    tokens.push({ text: lowercase ? norm.toLowerCase() : norm, start: m.index, end: m.index + raw.length });
  }
  return { tokens, truncated };
}

/** Convenience: just the normalised words. */
export function words(text: string, options: TokenizeOptions = {}): string[] {
  return tokenize(text, options).tokens.map((t) => t.text);
}

/**
 * Index of the token that holds `offset` (or, between tokens, the one before it;
 * before the first token, 0). Used to map the editor caret to a timestep.
 */
export function tokenAtOffset(tokens: ReadonlyArray<{ start: number; end: number }>, offset: number): number {
  if (tokens.length === 0) return -1;
  let lo = 0;
  let hi = tokens.length - 1;
  if (offset < tokens[0].start) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tokens[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Character tokenizer: one token per user-perceived character (grapheme
 * cluster, so "é" written as e + accent, a Hangul syllable, or an emoji with a
 * modifier is one token), whitespace included as tokens of their own so a
 * character model sees word boundaries. Offsets as in tokenize().
 */
export function tokenizeChars(text: string, options: TokenizeOptions = {}): Tokenized {
  const lowercase = options.lowercase ?? false;
  const maxTokens = options.maxTokens ?? Number.POSITIVE_INFINITY;
  const tokens: Token[] = [];
  let truncated = 0;
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment, index } of segmenter.segment(text)) {
    if (tokens.length >= maxTokens) {
      truncated++;
      continue;
    }
    const norm = segment.normalize('NFC');
    tokens.push({ text: lowercase ? norm.toLowerCase() : norm, start: index, end: index + segment.length });
  }
  return { tokens, truncated };
}

/**
 * Detokenization: a translation's tokens written back as the target language writes them
 * ("Je vis avec ma mère, maintenant." rather than "Je vis avec ma mère , maintenant ."), with each
 * token's offsets in the text so that a view can still label and light every token.
 *
 * Rules: no space before , . … ) ] } % and closing quotes, none after ( [ { ¿ ¡ and opening quotes;
 * a straight " opens and closes in turn; an elided token ("l'", "qu'") joins the next; a decimal
 * point, thousands comma, colon or slash between digits joins both sides (3.14, 3,000, 3:30, 1/6), a
 * currency sign joins its amount, and in Korean a particle joins the closing quote or bracket before it. French puts a space before ? ! : ; and
 * », and after « (the way its references write it: Tatoeba's French uses a plain space there 4 times
 * in 5, a narrow no-break space otherwise); English, Korean and the rest put none before ? ! : ;.
 */
import { CONTINUATION, joinPieces } from './subword';
import type { Vocab } from './vocab';

export type TargetLanguage = 'fr' | 'en' | 'ko' | 'other';

export interface Detokenized {
  text: string;
  /** Each token's [start, end) in `text` (UTF-16 units). */
  offsets: Array<[number, number]>;
}

const CLOSING = new Set([',', '.', '…', ')', ']', '}', '%', '”', '’', '»', '›']);
const OPENING = new Set(['(', '[', '{', '“', '‘', '¿', '¡', '«', '‹']);
const HIGH = new Set(['?', '!', ':', ';']);
const DIGITS = /^\p{N}+$/u;
const CURRENCY = new Set(['$', '€', '£', '¥', '₩']);

export function detokenize(tokens: readonly string[], language: TargetLanguage = 'other'): Detokenized {
  const french = language === 'fr';
  let text = '';
  const offsets: Array<[number, number]> = [];
  let quoteOpen = false;
  let noSpaceNext = true; // nothing before the first token
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    let spaceBefore = !noSpaceNext;
    let spaceAfterThis = true;
    if (t === '"') {
      if (quoteOpen) spaceBefore = false;
      else spaceAfterThis = false;
      quoteOpen = !quoteOpen;
    } else if (HIGH.has(t)) spaceBefore = spaceBefore && french;
    else if (t === '»' || t === '›') spaceBefore = spaceBefore && french;
    else if (CLOSING.has(t)) spaceBefore = false;
    else if (t.startsWith("'") && t.length > 1) spaceBefore = false; // 's, 're
    // 3.14, 3,000, 3:30, 1/6: one number.
    if ((t === '.' || t === ',' || t === ':' || t === '/') && prev !== undefined && next !== undefined && DIGITS.test(prev) && DIGITS.test(next)) {
      spaceBefore = false;
      spaceAfterThis = false;
    }
    if (CURRENCY.has(t) && next !== undefined && DIGITS.test(next)) spaceAfterThis = false; // $100
    // Korean particles join what they follow, a closing quote or bracket included: "말"의, 25%를.
    if (language === 'ko' && prev !== undefined && (prev === ')' || prev === '%' || (prev === '"' && !quoteOpen)) && /^\p{Script=Hangul}/u.test(t)) spaceBefore = false;
    if (OPENING.has(t)) spaceAfterThis = french && (t === '«' || t === '‹');
    if (t.length > 1 && /['’]$/u.test(t)) spaceAfterThis = false; // l', qu', aujourd'
    if (spaceBefore && text.length) text += ' ';
    offsets.push([text.length, text.length + t.length]);
    text += t;
    noSpaceNext = !spaceAfterThis;
  }
  return { text, offsets };
}

const FRENCH_MARKERS = ['je', 'est', 'pas', 'vous', 'nous', 'les', 'une', 'des', 'que', 'qui', 'ne', 'il', 'elle', 'avec', 'pour', 'dans'];
const ENGLISH_MARKERS = ['the', 'is', 'you', 'not', 'and', 'are', 'with', 'what', 'this', 'to'];
const seen = new WeakMap<Vocab, TargetLanguage>();

/**
 * The language of a target vocabulary, for its writing rules: Korean when Hangul words are common
 * among its most frequent; French or English by their commonest words; otherwise 'other'.
 */
export function languageOfVocab(vocab: Vocab): TargetLanguage {
  const known = seen.get(vocab);
  if (known) return known;
  const top = vocab.words.slice(0, 600).map((w) => w.toLowerCase());
  const set = new Set(top);
  const hangul = top.filter((w) => /\p{Script=Hangul}/u.test(w)).length;
  const fr = FRENCH_MARKERS.filter((w) => set.has(w)).length;
  const en = ENGLISH_MARKERS.filter((w) => set.has(w)).length;
  const lang: TargetLanguage = hangul > top.length / 4 ? 'ko' : fr >= 5 && fr / FRENCH_MARKERS.length >= en / ENGLISH_MARKERS.length ? 'fr' : en >= 4 ? 'en' : 'other';
  seen.set(vocab, lang);
  return lang;
}

/**
 * The tokens of a translation as text in its target vocabulary's language. A subword vocabulary's
 * pieces are joined into words first; the offsets are still one per token (each piece its part of
 * its word).
 */
export function detokenizeFor(tokens: readonly string[], targetVocab: Vocab): Detokenized {
  const language = languageOfVocab(targetVocab);
  if (!targetVocab.subword) return detokenize(tokens, language);
  const { words, groups } = joinPieces(tokens);
  const d = detokenize(words, language);
  const offsets: Array<[number, number]> = [];
  groups.forEach((g, w) => {
    let at = d.offsets[w][0];
    for (const i of g) {
      const len = tokens[i].endsWith(CONTINUATION) ? tokens[i].length - CONTINUATION.length : tokens[i].length;
      offsets[i] = [at, at + len];
      at += len;
    }
  });
  return { text: d.text, offsets };
}

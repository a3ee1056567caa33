/**
 * Byte-pair encoding over words (Sennrich, Haddow & Birch 2016), the subword vocabulary SeqLens
 * trains on a model's own training data so that no word is <unk>: a word the model never saw is
 * written with pieces it knows ("unbelievable" → "un@@ believ@@ able").
 *
 * Training follows the paper's algorithm: every word is its characters with an end-of-word mark on
 * the last ("l o w</w>"); the most frequent adjacent pair (counted over word frequencies) is merged,
 * again and again; ties go to the pair that appears first in the vocabulary (words in order of
 * first appearance), which is what the paper's reference code does. Pair counts are kept up to date
 * for the words a merge touches only, so a merge costs the words it changes plus one scan of the
 * counts.
 *
 * Pieces are written as subword-nmt writes them: every piece but a word's last ends in "@@".
 * The alphabet (each character, alone or continued) always belongs to the vocabulary, so any word
 * of known characters can be written.
 */

export const CONTINUATION = '@@';
const END = '</w>';

export interface BpeModel {
  /** Merges in the order they were learned (their rank). */
  merges: Array<[string, string]>;
  /** Every character seen in training. */
  alphabet: string[];
}

export interface BpeTrainOptions {
  /** Most merges (the vocabulary grows by one piece a merge). */
  merges: number;
  /** Stop when the best pair occurs fewer times than this. */
  minFrequency?: number;
  /** Called every 100 merges (training on a large corpus takes seconds). */
  onProgress?: (done: number, total: number) => void;
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

/** Learns merges from word frequencies (iteration order = first appearance). */
export function trainBpe(counts: ReadonlyMap<string, number>, o: BpeTrainOptions): BpeModel {
  const words: string[][] = [];
  const freq: number[] = [];
  const alphabet = new Set<string>();
  for (const [w, c] of counts) {
    const chars = Array.from(w);
    if (!chars.length) continue;
    chars.forEach((ch) => alphabet.add(ch));
    chars[chars.length - 1] += END;
    words.push(chars);
    freq.push(c);
  }
  const pairCount = new Map<string, number>();
  const where = new Map<string, Set<number>>();
  const addPairs = (i: number, sign: 1 | -1) => {
    const s = words[i];
    for (let p = 0; p + 1 < s.length; p++) {
      const k = key(s[p], s[p + 1]);
      const c = (pairCount.get(k) ?? 0) + sign * freq[i];
      if (c <= 0) pairCount.delete(k);
      else pairCount.set(k, c);
      // The word is taken out of every pair's list, and put back for the pairs it has after the merge.
      if (sign < 0) where.get(k)?.delete(i);
      else {
        let set = where.get(k);
        if (!set) where.set(k, (set = new Set()));
        set.add(i);
      }
    }
  };
  for (let i = 0; i < words.length; i++) addPairs(i, 1);
  const merges: Array<[string, string]> = [];
  const minFrequency = o.minFrequency ?? 2;
  /** Where a pair first appears: (word index, position), for ties. */
  const firstAt = (k: string): [number, number] => {
    let best: [number, number] = [Infinity, Infinity];
    const [a, b] = k.split('\u0000');
    for (const i of where.get(k) ?? []) {
      if (i > best[0]) continue;
      const s = words[i];
      for (let p = 0; p + 1 < s.length; p++)
        if (s[p] === a && s[p + 1] === b) {
          if (i < best[0] || p < best[1]) best = [i, p];
          break;
        }
    }
    return best;
  };
  while (merges.length < o.merges) {
    let bestKey: string | undefined;
    let bestCount = 0;
    let tied: string[] = [];
    for (const [k, c] of pairCount) {
      if (c > bestCount) {
        bestCount = c;
        bestKey = k;
        tied = [k];
      } else if (c === bestCount) tied.push(k);
    }
    if (!bestKey || bestCount < minFrequency) break;
    if (tied.length > 1) {
      let at: [number, number] = [Infinity, Infinity];
      for (const k of tied) {
        const f = firstAt(k);
        if (f[0] < at[0] || (f[0] === at[0] && f[1] < at[1])) {
          at = f;
          bestKey = k;
        }
      }
    }
    const [a, b] = bestKey.split('\u0000');
    merges.push([a, b]);
    const merged = a + b;
    for (const i of [...(where.get(bestKey) ?? [])]) {
      addPairs(i, -1);
      const s = words[i];
      const out: string[] = [];
      for (let p = 0; p < s.length; p++) {
        if (p + 1 < s.length && s[p] === a && s[p + 1] === b) {
          out.push(merged);
          p++;
        } else out.push(s[p]);
      }
      words[i] = out;
      addPairs(i, 1);
    }
    where.delete(bestKey);
    if (merges.length % 100 === 0) o.onProgress?.(merges.length, o.merges);
  }
  return { merges, alphabet: [...alphabet].sort() };
}

/** A trained BPE model applied to words, with a cache (a corpus repeats its words). */
export class Bpe {
  private readonly rank = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();

  constructor(readonly model: BpeModel) {
    model.merges.forEach(([a, b], r) => this.rank.set(key(a, b), r));
  }

  /** The pieces of one word, "@@" on all but the last. */
  word(w: string): string[] {
    const hit = this.cache.get(w);
    if (hit) return hit;
    const s = Array.from(w);
    if (!s.length) return [];
    s[s.length - 1] += END;
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let p = 0; p + 1 < s.length; p++) {
        const r = this.rank.get(key(s[p], s[p + 1]));
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = p;
        }
      }
      if (best < 0) break;
      const [a, b] = this.model.merges[bestRank];
      // Every occurrence of the best pair, left to right (as the paper's encoder does).
      const out: string[] = [];
      for (let p = 0; p < s.length; p++) {
        if (p + 1 < s.length && s[p] === a && s[p + 1] === b) {
          out.push(a + b);
          p++;
        } else out.push(s[p]);
      }
      s.splice(0, s.length, ...out);
    }
    const pieces = s.map((x, i) => (i === s.length - 1 ? x.slice(0, -END.length) : x + CONTINUATION));
    if (this.cache.size < 200_000) this.cache.set(w, pieces);
    return pieces;
  }

  /** Word tokens to pieces. */
  encode(tokens: readonly string[]): string[] {
    return tokens.flatMap((t) => this.word(t));
  }

  /** The pieces every word can be written with: each character, alone and continued. */
  alphabetPieces(): string[] {
    return this.model.alphabet.flatMap((ch) => [ch, ch + CONTINUATION]);
  }

  /**
   * Every piece an encoding can produce, as written: the alphabet, and each merge's product (a
   * product with the end mark is always a word's last piece; one without never is). A vocabulary of
   * these writes any word of known characters, even one whose pieces never ended up in training's
   * encodings ("Eur@@" when training only ever had "Europe@@").
   */
  pieces(): string[] {
    const out = new Set(this.alphabetPieces());
    for (const [a, b] of this.model.merges) {
      const m = a + b;
      out.add(m.endsWith(END) ? m.slice(0, -END.length) : m + CONTINUATION);
    }
    return [...out];
  }
}

/** Pieces back to words: a piece ending in "@@" joins the next. `groups[i]` lists the pieces of word i. */
export function joinPieces(pieces: readonly string[]): { words: string[]; groups: number[][] } {
  const words: string[] = [];
  const groups: number[][] = [];
  let current = '';
  let members: number[] = [];
  pieces.forEach((p, i) => {
    members.push(i);
    if (p.endsWith(CONTINUATION) && p.length > CONTINUATION.length) current += p.slice(0, -CONTINUATION.length);
    else {
      words.push(current + p);
      groups.push(members);
      current = '';
      members = [];
    }
  });
  if (members.length) {
    words.push(current); // a sentence cut after a continued piece
    groups.push(members);
  }
  return { words, groups };
}

/**
 * The editor spans of byte-pair pieces, from the spans of the words they were cut from: each piece
 * its own characters of its word. Undefined when the pieces do not make as many words as the spans.
 */
export function pieceSpans(wordSpans: ReadonlyArray<{ start: number; end: number }>, pieces: readonly string[]): Array<{ start: number; end: number }> | undefined {
  const { groups } = joinPieces(pieces);
  if (groups.length !== wordSpans.length) return undefined;
  const out: Array<{ start: number; end: number }> = [];
  groups.forEach((g, w) => {
    let at = wordSpans[w].start;
    for (const i of g) {
      const p = pieces[i];
      const len = p.length > CONTINUATION.length && p.endsWith(CONTINUATION) ? p.length - CONTINUATION.length : p.length;
      out[i] = { start: at, end: Math.min(wordSpans[w].end, at + len) };
      at += len;
    }
  });
  return out;
}

/** A vocabulary with the four special tokens every model here uses, in fixed places. */
import { Bpe, trainBpe, type BpeModel } from './subword';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const BOS = '<s>';
export const EOS = '</s>';
export const SPECIALS = [PAD, UNK, BOS, EOS] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const BOS_ID = 2;
export const EOS_ID = 3;

export class Vocab {
  readonly words: readonly string[];
  private readonly index: Map<string, number>;
  /** A subword vocabulary: its words are byte-pair pieces, and text is split with this. */
  readonly subword: Bpe | undefined;

  constructor(words: readonly string[], subword?: BpeModel) {
    this.subword = subword ? new Bpe(subword) : undefined;
    for (let i = 0; i < SPECIALS.length; i++) {
      if (words[i] !== SPECIALS[i]) {
        throw new Error(`vocabulary must start with ${SPECIALS.join(' ')}; entry ${i} is ${JSON.stringify(words[i])}`);
      }
    }
    this.words = words;
    this.index = new Map();
    words.forEach((w, i) => {
      if (this.index.has(w)) throw new Error(`vocabulary lists ${JSON.stringify(w)} twice`);
      this.index.set(w, i);
    });
  }

  /** Builds a vocabulary from tokenised sentences: words seen at least minCount times, most frequent first, ties alphabetical. */
  static build(sentences: Iterable<readonly string[]>, options: { minCount?: number; maxSize?: number } = {}): Vocab {
    const minCount = options.minCount ?? 1;
    const counts = new Map<string, number>();
    for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
    const specials = new Set<string>(SPECIALS);
    let entries = [...counts].filter(([w, c]) => c >= minCount && !specials.has(w));
    entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (options.maxSize !== undefined) entries = entries.slice(0, Math.max(0, options.maxSize - SPECIALS.length));
    return new Vocab([...SPECIALS, ...entries.map(([w]) => w)]);
  }

  get size(): number {
    return this.words.length;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  id(word: string): number {
    return this.index.get(word) ?? UNK_ID;
  }

  ids(words: readonly string[]): number[] {
    return words.map((w) => this.id(w));
  }

  word(id: number): string {
    return this.words[id] ?? UNK;
  }

  toJSON(): string[] {
    return [...this.words];
  }

  /** Word tokens as this vocabulary reads them: themselves, or their byte-pair pieces. */
  pieces(words: readonly string[]): string[] {
    return this.subword ? this.subword.encode(words) : [...words];
  }

  /**
   * A subword vocabulary trained on tokenized sentences: `merges` byte-pair merges learned from
   * their word counts, then every piece an encoding can produce (most frequent in the sentences first).
   */
  static buildSubword(sentences: ReadonlyArray<readonly string[]>, merges: number): Vocab {
    const counts = new Map<string, number>();
    for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
    const model = trainBpe(counts, { merges });
    const bpe = new Bpe(model);
    const freq = new Map<string, number>(bpe.pieces().map((p) => [p, 0]));
    for (const [w, c] of counts) for (const p of bpe.word(w)) freq.set(p, (freq.get(p) ?? 0) + c);
    const specials = new Set<string>(SPECIALS);
    const ordered = [...freq].filter(([p]) => !specials.has(p)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new Vocab([...SPECIALS, ...ordered.map(([p]) => p)], model);
  }
}

/** A vocabulary from a checkpoint's word list and, for a subword one, its merges. */
export function vocabFromMeta(words: unknown, subword: unknown): Vocab {
  return new Vocab(words as string[], subword && typeof subword === 'object' && Array.isArray((subword as BpeModel).merges) ? (subword as BpeModel) : undefined);
}

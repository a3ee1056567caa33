/** A vocabulary with the four special tokens every model here uses, in fixed places. */

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

  constructor(words: readonly string[]) {
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
}

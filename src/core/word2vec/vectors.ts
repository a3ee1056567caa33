/**
 * A table of word vectors with cosine nearest neighbours and analogies over a
 * matrix normalised once (rows of unit length, so a cosine is a dot product).
 */

export interface Neighbor {
  word: string;
  similarity: number;
}

export class WordVectors {
  readonly index: Map<string, number>;
  private unit: Float32Array | undefined;

  /** words[i] owns vectors[i*dim .. (i+1)*dim). */
  constructor(
    readonly words: readonly string[],
    readonly vectors: Float32Array,
    readonly dim: number,
  ) {
    if (vectors.length !== words.length * dim) throw new Error(`word vectors: ${words.length} words × ${dim} dimensions need ${words.length * dim} numbers, got ${vectors.length}`);
    // Backwards, so that a repeated word keeps its first row, with one map operation per word.
    this.index = new Map();
    for (let i = words.length - 1; i >= 0; i--) this.index.set(words[i], i);
  }

  get size(): number {
    return this.words.length;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  vector(word: string): Float32Array | undefined {
    const i = this.index.get(word);
    return i === undefined ? undefined : this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Rows scaled to unit length (a zero row stays zero), computed once. */
  normalized(): Float32Array {
    if (this.unit) return this.unit;
    const d = this.dim;
    const unit = new Float32Array(this.vectors.length);
    for (let i = 0; i < this.words.length; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += this.vectors[i * d + k] ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let k = 0; k < d; k++) unit[i * d + k] = this.vectors[i * d + k] * inv;
    }
    this.unit = unit;
    return unit;
  }

  /** The k rows most similar (cosine) to a query vector, leaving out `exclude`. */
  nearest(query: Float32Array, k: number, exclude: ReadonlySet<number> = new Set()): Neighbor[] {
    const d = this.dim;
    const unit = this.normalized();
    let qn = 0;
    for (let j = 0; j < d; j++) qn += query[j] * query[j];
    const inv = qn > 0 ? 1 / Math.sqrt(qn) : 0;
    // Top-k by insertion into a small sorted list: k is small, the matrix is large.
    const best: Array<{ i: number; s: number }> = [];
    for (let i = 0; i < this.words.length; i++) {
      if (exclude.has(i)) continue;
      let s = 0;
      const o = i * d;
      for (let j = 0; j < d; j++) s += unit[o + j] * query[j];
      s *= inv;
      if (best.length < k || s > best[best.length - 1].s) {
        let p = best.length < k ? best.length : k - 1;
        while (p > 0 && best[p - 1].s < s) {
          if (p < k) best[p] = best[p - 1];
          p--;
        }
        best[p] = { i, s };
        if (best.length > k) best.length = k;
      }
    }
    return best.map(({ i, s }) => ({ word: this.words[i], similarity: s }));
  }

  /** Cosine nearest neighbours of a word, the word itself left out. */
  neighbors(word: string, k = 10): Neighbor[] {
    const i = this.index.get(word);
    if (i === undefined) throw new Error(`"${word}" is not in the vocabulary`);
    return this.nearest(this.normalized().subarray(i * this.dim, (i + 1) * this.dim), k, new Set([i]));
  }

  /** Nearest to unit(b) − unit(a) + unit(c), leaving out a, b and c (as gensim's most_similar). */
  analogy(a: string, b: string, c: string, k = 10): Neighbor[] {
    const ids = [a, b, c].map((w) => {
      const i = this.index.get(w);
      if (i === undefined) throw new Error(`"${w}" is not in the vocabulary`);
      return i;
    });
    const unit = this.normalized();
    const d = this.dim;
    const q = new Float32Array(d);
    for (let j = 0; j < d; j++) q[j] = unit[ids[1] * d + j] - unit[ids[0] * d + j] + unit[ids[2] * d + j];
    return this.nearest(q, k, new Set(ids));
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    const ia = this.index.get(a);
    const ib = this.index.get(b);
    if (ia === undefined || ib === undefined) throw new Error(`"${ia === undefined ? a : b}" is not in the vocabulary`);
    const unit = this.normalized();
    let s = 0;
    for (let j = 0; j < this.dim; j++) s += unit[ia * this.dim + j] * unit[ib * this.dim + j];
    return s;
  }
}

/**
 * word2vec skip-gram with negative sampling (Mikolov et al. 2013), as the
 * original word2vec.c trains it: frequent-word subsampling, a window shrunk at
 * random for each word, negatives drawn from the unigram distribution raised to
 * 0.75, and a learning rate that decays linearly to alpha·1e-4. The per-pair
 * update runs in a WebAssembly SIMD kernel (sgns.wat); sampling runs here.
 *
 * One-hot vectors make every two words equally far apart; these embeddings put
 * words that occur in similar contexts near each other, which is what the
 * nearest-neighbour and analogy queries (vectors.ts) read.
 */
import { WordVectors } from './vectors';

export interface SkipGramConfig {
  /** Embedding size. */
  dim: number;
  /** Largest distance between a word and a context word. */
  window: number;
  /** Negative samples per positive pair. */
  negative: number;
  /** Subsampling threshold (word2vec's -sample). */
  sample: number;
  /** Starting learning rate. */
  alpha: number;
  epochs: number;
  /** Words seen fewer times are dropped. */
  minCount: number;
  seed: number;
}

export const SKIPGRAM_DEFAULTS: SkipGramConfig = { dim: 100, window: 5, negative: 5, sample: 1e-3, alpha: 0.025, epochs: 5, minCount: 5, seed: 1 };

export interface SkipGramProgress {
  epoch: number;
  /** 0..1 over the whole run. */
  fraction: number;
  wordsPerSecond: number;
  alpha: number;
  etaSeconds: number;
}

export interface SkipGramOptions {
  /** The compiled kernel, dist/wasm/sgns.wasm. */
  kernel: BufferSource;
  onProgress?: (p: SkipGramProgress) => void;
  /** Checked every ~10,000 words: true stops training (the vectors so far are returned). */
  shouldStop?: () => boolean;
}

export interface SkipGramResult {
  vectors: WordVectors;
  /** Raw corpus words per second (before subsampling, as word2vec.c counts). */
  wordsPerSecond: number;
  seconds: number;
  trainWords: number;
  stopped: boolean;
}

const EXP_TABLE_SIZE = 1000;
const UNIGRAM_TABLE = 1e7;

/** 30-bit xorshift: results stay small integers, so typed-array indexing stays fast in V8. */
function xorshift(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 2;
  };
}

export interface CountedVocab {
  words: string[];
  counts: Float64Array;
  index: Map<string, number>;
}

/** Words seen at least minCount times, most frequent first (ties alphabetical). */
export function countVocab(sentences: Iterable<readonly string[]>, minCount: number): CountedVocab {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  const kept = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { words: kept.map(([w]) => w), counts: Float64Array.from(kept, ([, c]) => c), index: new Map(kept.map(([w], i) => [w, i])) };
}

/** word2vec.c's table: word i fills a share of the slots proportional to count_i^0.75. */
export function unigramTable(counts: Float64Array, size = UNIGRAM_TABLE): Int32Array {
  const table = new Int32Array(size);
  let total = 0;
  for (const c of counts) total += Math.pow(c, 0.75);
  let i = 0;
  let edge = Math.pow(counts[0], 0.75) / total;
  for (let a = 0; a < size; a++) {
    table[a] = i;
    if (a / size > edge && i < counts.length - 1) edge += Math.pow(counts[++i], 0.75) / total;
  }
  return table;
}

/** Probability of keeping each occurrence of a word under subsampling (word2vec.c's formula). */
export function keepProbabilities(counts: Float64Array, trainWords: number, sample: number): Float32Array {
  if (sample <= 0) return new Float32Array(counts.length).fill(1);
  const t = sample * trainWords;
  return Float32Array.from(counts, (c) => Math.min(1, (Math.sqrt(c / t) + 1) * (t / c)));
}

export async function trainSkipGram(sentences: ReadonlyArray<readonly string[]>, config: Partial<SkipGramConfig>, options: SkipGramOptions): Promise<SkipGramResult> {
  const c = { ...SKIPGRAM_DEFAULTS, ...config };
  if (!(c.dim > 0 && c.window > 0 && c.negative >= 0 && c.epochs > 0)) throw new Error(`word2vec: bad settings ${JSON.stringify(c)}`);
  const vocab = countVocab(sentences, c.minCount);
  const V = vocab.words.length;
  if (V < 2) throw new Error(`word2vec: the corpus has ${V} word${V === 1 ? '' : 's'} seen at least ${c.minCount} times; at least 2 are needed`);
  const corpus = sentences.map((s) => Int32Array.from(s.map((w) => vocab.index.get(w) ?? -1).filter((i) => i >= 0)));
  let trainWords = 0;
  for (const s of corpus) trainWords += s.length;
  const rawWords = sentences.reduce((n, s) => n + s.length, 0);

  // Memory: syn0 | syn1neg | neu (scratch row) | exp table | targets. Rows padded to 32 bytes
  // (8 floats): the kernel takes two f32x4 vectors per turn.
  const dimPadded = Math.ceil(c.dim / 8) * 8;
  const row = dimPadded * 4;
  const SYN0 = 0;
  const SYN1 = V * row;
  const NEU = 2 * V * row;
  const EXP = NEU + row;
  const TARGETS = EXP + (EXP_TABLE_SIZE + 1) * 4;
  const END = TARGETS + (c.negative + 1) * 4;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(END / 65536) });
  const { instance } = await WebAssembly.instantiate(options.kernel, { env: { memory } });
  const trainPair = instance.exports.train_pair as (inRow: number, targets: number, n: number, row: number, alpha: number, neu: number, exp: number) => void;
  const buf = memory.buffer;
  const syn0 = new Float32Array(buf, SYN0, V * dimPadded);
  const expTable = new Float32Array(buf, EXP, EXP_TABLE_SIZE + 1);
  const targets = new Int32Array(buf, TARGETS, c.negative + 1);
  for (let i = 0; i <= EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * 6);
    expTable[i] = e / (e + 1);
  }
  const rng = xorshift(c.seed * 2654435761);
  const RNG_MAX = 1073741824;
  // word2vec.c's initialisation: syn0 uniform in [−0.5, 0.5)/dim, syn1neg zero. Padding stays 0.
  for (let w = 0; w < V; w++) for (let d = 0; d < c.dim; d++) syn0[w * dimPadded + d] = (rng() / RNG_MAX - 0.5) / c.dim;

  const table = unigramTable(vocab.counts);
  const tableSize = table.length;
  const keep = keepProbabilities(vocab.counts, trainWords, c.sample);
  const total = c.epochs * trainWords;
  const minAlpha = c.alpha * 1e-4;
  const sentence = new Int32Array(Math.max(1, ...corpus.map((s) => s.length)));
  let processed = 0;
  let stopped = false;
  const t0 = performance.now();
  let lastReport = 0;
  let alpha = c.alpha;

  // The hot loop keeps its random state in a local (xorshift inlined): a closure call per draw
  // cost as much as the arithmetic it feeds.
  let s = rng() | 1;
  const { window, negative } = c;
  outer: for (let epoch = 0; epoch < c.epochs; epoch++) {
    for (const words of corpus) {
      // Subsample this sentence.
      let len = 0;
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (keep[w] < 1) {
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          if (keep[w] < (s >>> 2) / RNG_MAX) continue;
        }
        sentence[len++] = w;
      }
      alpha = Math.fround(Math.max(c.alpha * (1 - processed / (total + 1)), minAlpha));
      for (let p = 0; p < len; p++) {
        const word = sentence[p];
        const positive = SYN1 + word * row;
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const b = (s >>> 2) % window; // the window shrinks at random: nearer words count more
        const from = Math.max(0, p - window + b);
        const to = Math.min(len - 1, p + window - b);
        for (let ctx = from; ctx <= to; ctx++) {
          if (ctx === p) continue;
          targets[0] = positive;
          let n = 1;
          for (let d = 0; d < negative; d++) {
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            const t = table[(s >>> 2) % tableSize];
            if (t === word) continue;
            targets[n++] = SYN1 + t * row;
          }
          trainPair(SYN0 + sentence[ctx] * row, TARGETS, n, row, alpha, NEU, EXP);
        }
      }
      processed += words.length;
      if (processed - lastReport >= 10_000) {
        lastReport = processed;
        if (options.shouldStop?.()) {
          stopped = true;
          break outer;
        }
        if (options.onProgress) {
          const seconds = (performance.now() - t0) / 1000;
          const rate = (processed * rawWords) / trainWords / Math.max(seconds, 1e-9);
          options.onProgress({ epoch, fraction: processed / total, wordsPerSecond: rate, alpha, etaSeconds: ((total - processed) * rawWords) / trainWords / Math.max(rate, 1e-9) });
        }
        // Let a cancel message in (the worker's event loop) now and then.
        await new Promise((r) => setImmediate(r));
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const vectors = new Float32Array(V * c.dim);
  for (let w = 0; w < V; w++) vectors.set(syn0.subarray(w * dimPadded, w * dimPadded + c.dim), w * c.dim);
  const raw = (processed * rawWords) / trainWords;
  return { vectors: new WordVectors(vocab.words, vectors, c.dim), wordsPerSecond: raw / Math.max(seconds, 1e-9), seconds, trainWords, stopped };
}

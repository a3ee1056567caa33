/**
 * Attention arithmetic on plain arrays, free of tfjs and of the DOM: the Transformer panel, the
 * `seqlens attention` command and the tests share it. The drill-down recomputes one head's output
 * for one query from the Q, K and V the forward pass used, by the textbook formula
 *   head = softmax(q·Kᵀ/√d_k + mask) V,   output = concat(head₁ … head_h) W_o + b_o,
 * so the panel can show every step and how closely it reproduces the forward pass.
 */
import type { AttentionSublayer } from '../protocol/transformer';

/** Shannon entropy (nats) of a row of weights: 0 when all weight is on one key, ln(n) when uniform. */
export function entropy(row: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < row.length; i++) if (row[i] > 0) h -= row[i] * Math.log(row[i]);
  return h;
}

/** A head's row `i` of weights over the keys (a view, no copy). */
export function weightRow(s: Pick<AttentionSublayer, 'weights' | 'queries' | 'keys'>, head: number, query: number): Float32Array {
  const off = (head * s.queries + query) * s.keys;
  return s.weights.data.subarray(off, off + s.keys);
}

/** Every head's weights averaged: [queries, keys]. */
export function meanOverHeads(s: Pick<AttentionSublayer, 'weights' | 'heads' | 'queries' | 'keys'>): Float32Array {
  const n = s.queries * s.keys;
  const out = new Float32Array(n);
  for (let h = 0; h < s.heads; h++) for (let i = 0; i < n; i++) out[i] += s.weights.data[h * n + i] / s.heads;
  return out;
}

export interface HeadFlag {
  /** Mean over queries of the row entropy, divided by the entropy of a uniform row over the keys the query may see (0..1). */
  entropy: number;
  /** Mean over queries of the largest weight. */
  peak: number;
  /** 'focused': most of the weight on one position; 'uniform': spread nearly evenly; else undefined. */
  flag?: 'focused' | 'uniform';
  /** For a focused head: what it looks at most often ('previous', 'same', 'next', 'first', 'last' position, or a fixed key). */
  pattern?: string;
}

/** Thresholds for the flags (the panel's legend states them). */
export const FOCUSED_PEAK = 0.7;
export const UNIFORM_ENTROPY = 0.9;

/**
 * Flags each head of a sub-layer: focused when, on average, one position gets ≥ 70% of the weight;
 * near-uniform when the entropy is ≥ 90% of a uniform row's (rows with a single visible key, like
 * the first decoder position, are left out: they have no choice).
 */
export function headFlags(s: Pick<AttentionSublayer, 'weights' | 'mask' | 'heads' | 'queries' | 'keys'>): HeadFlag[] {
  const flags: HeadFlag[] = [];
  for (let h = 0; h < s.heads; h++) {
    let ent = 0;
    let peak = 0;
    let rows = 0;
    const offsets = new Map<string, number>();
    for (let i = 0; i < s.queries; i++) {
      let visible = 0;
      for (let j = 0; j < s.keys; j++) if (!s.mask.data[i * s.keys + j]) visible++;
      if (visible < 2) continue;
      const row = weightRow(s, h, i);
      ent += entropy(row) / Math.log(visible);
      let best = 0;
      for (let j = 1; j < s.keys; j++) if (row[j] > row[best]) best = j;
      peak += row[best];
      rows++;
      const lastVisible = (() => {
        for (let j = s.keys - 1; j >= 0; j--) if (!s.mask.data[i * s.keys + j]) return j;
        return s.keys - 1;
      })();
      const where = best === i - 1 ? 'previous' : best === i ? 'same' : best === i + 1 ? 'next' : best === 0 ? 'first' : best === lastVisible ? 'last' : `key ${best + 1}`;
      offsets.set(where, (offsets.get(where) ?? 0) + 1);
    }
    if (rows === 0) {
      flags.push({ entropy: 0, peak: 1 });
      continue;
    }
    const e = ent / rows;
    const p = peak / rows;
    const f: HeadFlag = { entropy: e, peak: p };
    if (p >= FOCUSED_PEAK) {
      f.flag = 'focused';
      const [pattern, count] = [...offsets].sort((a, b) => b[1] - a[1])[0];
      if (count / rows >= 0.6) f.pattern = pattern;
    } else if (e >= UNIFORM_ENTROPY) f.flag = 'uniform';
    flags.push(f);
  }
  return flags;
}

/**
 * The keys that together hold at least `mass` of a row's weight, largest first (the head view's
 * pruning slider): mass 1 keeps every key with any weight, 0.5 only the few that matter most.
 */
export function keysByMass(row: ArrayLike<number>, mass: number): number[] {
  const order = Array.from({ length: row.length }, (_, j) => j).sort((a, b) => row[b] - row[a]);
  const kept: number[] = [];
  let sum = 0;
  for (const j of order) {
    if (sum >= mass - 1e-9 || row[j] <= 0) break;
    kept.push(j);
    sum += row[j];
  }
  return kept;
}

export interface DrillDown {
  head: number;
  query: number;
  dk: number;
  /** The query vector q_i [dk]. */
  q: Float32Array;
  /** Per key j: q·k_j/√d_k (recomputed), masked?, softmax weight (recomputed). */
  scores: Float32Array;
  masked: boolean[];
  weights: Float32Array;
  /** Σ_j w_j v_j [dk], recomputed. */
  headOutput: Float32Array;
  /** Every head's output for this query, concatenated [d] (this head's part recomputed, the others from the forward pass). */
  concat: Float32Array;
  /** concat · W_o + b_o [d], recomputed. */
  output: Float32Array;
  /** Largest absolute difference between each recomputed quantity and the forward pass's. */
  error: { scores: number; weights: number; headOutput: number; output: number };
}

/** Recomputes one head's output for one query from the sub-layer's Q, K, V, mask and W_o. */
export function drillDown(s: AttentionSublayer, head: number, query: number): DrillDown {
  const { keys: K, queries: Q, heads: H } = s;
  const dk = s.q.shape[2];
  const d = dk * H;
  const q = s.q.data.subarray((head * Q + query) * dk, (head * Q + query + 1) * dk);
  const scores = new Float32Array(K);
  const masked: boolean[] = [];
  let max = -Infinity;
  for (let j = 0; j < K; j++) {
    const kj = s.k.data.subarray((head * K + j) * dk, (head * K + j + 1) * dk);
    let dot = 0;
    for (let x = 0; x < dk; x++) dot += q[x] * kj[x];
    scores[j] = dot / Math.sqrt(dk);
    masked.push(s.mask.data[query * K + j] > 0);
    if (!masked[j]) max = Math.max(max, scores[j]);
  }
  const weights = new Float32Array(K);
  let z = 0;
  for (let j = 0; j < K; j++) {
    weights[j] = masked[j] ? 0 : Math.exp(scores[j] - max);
    z += weights[j];
  }
  for (let j = 0; j < K; j++) weights[j] /= z;
  const headOutput = new Float32Array(dk);
  for (let j = 0; j < K; j++) {
    if (weights[j] === 0) continue;
    const vj = s.v.data.subarray((head * K + j) * dk, (head * K + j + 1) * dk);
    for (let x = 0; x < dk; x++) headOutput[x] += weights[j] * vj[x];
  }
  const concat = new Float32Array(d);
  for (let h = 0; h < H; h++) {
    const part = h === head ? headOutput : s.headOutputs.data.subarray((h * Q + query) * dk, (h * Q + query + 1) * dk);
    concat.set(part, h * dk);
  }
  const output = new Float32Array(d);
  for (let c = 0; c < d; c++) {
    let acc = s.outputBias.data[c];
    for (let r = 0; r < d; r++) acc += concat[r] * s.outputKernel.data[r * d + c];
    output[c] = acc;
  }
  const diff = (a: ArrayLike<number>, b: ArrayLike<number>, skip?: boolean[]) => {
    let m = 0;
    for (let i = 0; i < a.length; i++) if (!skip?.[i]) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };
  return {
    head,
    query,
    dk,
    q,
    scores,
    masked,
    weights,
    headOutput,
    concat,
    output,
    error: {
      scores: diff(scores, s.scores.data.subarray((head * Q + query) * K, (head * Q + query + 1) * K)),
      weights: diff(weights, weightRow(s, head, query)),
      headOutput: diff(headOutput, s.headOutputs.data.subarray((head * Q + query) * dk, (head * Q + query + 1) * dk)),
      output: diff(output, s.output.data.subarray(query * d, (query + 1) * d)),
    },
  };
}

/**
 * Corpus BLEU (Papineni et al. 2002) as sacreBLEU computes it by default: one
 * reference per sentence, the 13a tokenizer of mteval-v13a.pl, n-grams up to 4,
 * clipped counts summed over the corpus, brevity penalty from the corpus
 * lengths, 'exp' smoothing for n-gram orders with no match, score × 100.
 */

/** mteval-v13a tokenization (sacreBLEU's default `13a`). */
export function tokenize13a(line: string): string[] {
  let s = line.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (s.includes('&')) s = s.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 '); // punctuation, except apostrophe, hyphen, period and comma
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 '); // period and comma unless preceded by a digit
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2'); // ... unless followed by a digit
  s = s.replace(/([0-9])(-)/g, '$1 $2 '); // dash after a digit
  return s.split(/\s+/).filter(Boolean);
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join('\u0001');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export interface BleuResult {
  score: number;
  /** Clipped n-gram precisions, percent, n = 1..4. */
  precisions: number[];
  brevityPenalty: number;
  hypothesisLength: number;
  referenceLength: number;
}

export function corpusBleu(hypotheses: readonly string[], references: readonly string[], maxOrder = 4): BleuResult {
  if (hypotheses.length !== references.length) throw new Error(`BLEU: ${hypotheses.length} hypotheses but ${references.length} references`);
  const matches = new Array(maxOrder).fill(0);
  const totals = new Array(maxOrder).fill(0);
  let sys = 0;
  let ref = 0;
  for (let i = 0; i < hypotheses.length; i++) {
    const h = tokenize13a(hypotheses[i]);
    const r = tokenize13a(references[i]);
    sys += h.length;
    ref += r.length;
    for (let n = 1; n <= maxOrder; n++) {
      const hc = ngramCounts(h, n);
      const rc = ngramCounts(r, n);
      for (const [k, c] of hc) matches[n - 1] += Math.min(c, rc.get(k) ?? 0);
      totals[n - 1] += Math.max(0, h.length - n + 1);
    }
  }
  // sacreBLEU's 'exp' smoothing: the k-th order with no match gets 1 / 2^k matches.
  let smooth = 1;
  const precisions = matches.map((m, i) => {
    if (totals[i] === 0) return 0;
    if (m === 0) {
      smooth *= 2;
      return 100 / (smooth * totals[i]);
    }
    return (100 * m) / totals[i];
  });
  const brevityPenalty = sys === 0 ? 0 : sys < ref ? Math.exp(1 - ref / sys) : 1;
  const score = sys === 0 || precisions.some((p) => p === 0) ? 0 : brevityPenalty * Math.exp(precisions.reduce((a, p) => a + Math.log(p), 0) / maxOrder);
  return { score, precisions, brevityPenalty, hypothesisLength: sys, referenceLength: ref };
}

/**
 * The dashboard's data, apart from any drawing: which charts a set of runs has, each series'
 * points (EMA-smoothed as TensorBoard does), and the series of several runs aligned on one
 * x axis as uPlot wants them. Pure functions (unit-tested in Node).
 */
import type { MetricRow, ProbeRow } from '../../src/protocol/runs';

export type XKind = 'step' | 'time';

export interface MetricSpec {
  key: string;
  split: 'train' | 'validation';
  label: string;
  /** Train curves are noisy: smoothed by the slider, the raw curve drawn faintly behind. */
  smooth: boolean;
}

export interface ChartDef {
  name: string;
  title: string;
  metrics: MetricSpec[];
  /** The log-scale switch applies to this chart (losses, perplexity, learning rate). */
  loggable: boolean;
}

export const CHARTS: ChartDef[] = [
  {
    name: 'loss',
    title: 'Loss (cross-entropy)',
    metrics: [
      { key: 'loss', split: 'train', label: 'train loss', smooth: true },
      { key: 'loss', split: 'validation', label: 'validation loss', smooth: false },
    ],
    loggable: true,
  },
  { name: 'bleu', title: 'BLEU (validation, greedy)', metrics: [{ key: 'bleu', split: 'validation', label: 'BLEU', smooth: false }], loggable: false },
  { name: 'accuracy', title: 'Accuracy (validation)', metrics: [{ key: 'accuracy', split: 'validation', label: 'accuracy', smooth: false }], loggable: false },
  { name: 'perplexity', title: 'Perplexity (validation)', metrics: [{ key: 'perplexity', split: 'validation', label: 'perplexity', smooth: false }], loggable: true },
  {
    name: 'speed',
    title: 'Throughput',
    metrics: [
      { key: 'tokensPerSecond', split: 'train', label: 'tokens/s', smooth: false },
      { key: 'wordsPerSecond', split: 'train', label: 'words/s', smooth: false },
    ],
    loggable: false,
  },
  { name: 'learningRate', title: 'Learning rate', metrics: [{ key: 'learningRate', split: 'train', label: 'learning rate', smooth: false }], loggable: true },
  { name: 'teacherForcing', title: 'Teacher-forcing ratio', metrics: [{ key: 'teacherForcing', split: 'train', label: 'teacher forcing', smooth: false }], loggable: false },
];

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = w·s_{t−1} + (1−w)·v_t, divided
 * by 1 − w^t, so that the first points are not pulled towards 0. Nulls are kept as gaps; weight
 * 0 returns the values unchanged.
 */
export function ema(values: Array<number | null>, weight: number): Array<number | null> {
  if (weight <= 0) return values.slice();
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v == null || !Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}

export interface Points {
  x: number[];
  y: Array<number | null>;
}

/** One metric of one run's rows, on the chosen x axis, in x order. */
export function pointsOf(rows: MetricRow[], metric: MetricSpec, xKind: XKind): Points {
  const x: number[] = [];
  const y: Array<number | null> = [];
  for (const r of rows) {
    if (r.split !== metric.split) continue;
    const v = r[metric.key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const xv = xKind === 'step' ? r.step : r.time;
    if (typeof xv !== 'number' || !Number.isFinite(xv)) continue;
    x.push(xv);
    y.push(v);
  }
  // Rows are written in order; a resumed run continues its steps and clock, so this is rare.
  for (let i = 1; i < x.length; i++) {
    if (x[i] < x[i - 1]) {
      const order = x.map((_, k) => k).sort((a, b) => x[a] - x[b]);
      return { x: order.map((k) => x[k]), y: order.map((k) => y[k]) };
    }
  }
  return { x, y };
}

/**
 * Several series on one x axis: the union of their x values, each series null where it has no
 * point (uPlot draws across the gaps). Equal x values in one series keep the last. `extraX`
 * adds x values with no point (the ends of a range that charts side by side share).
 */
export function align(series: Points[], extraX: number[] = []): Array<Array<number | null>> {
  const all: number[] = [...extraX];
  for (const s of series) for (const v of s.x) all.push(v);
  all.sort((a, b) => a - b);
  const xs: number[] = [];
  for (const v of all) if (xs.length === 0 || xs[xs.length - 1] !== v) xs.push(v);
  const index = new Map<number, number>();
  xs.forEach((v, i) => index.set(v, i));
  const out: Array<Array<number | null>> = [xs];
  for (const s of series) {
    const col: Array<number | null> = new Array(xs.length).fill(null);
    for (let i = 0; i < s.x.length; i++) col[index.get(s.x[i])!] = s.y[i];
    out.push(col);
  }
  return out;
}

/** The charts that some run has data for, in CHARTS order. */
export function chartsFor(runs: Array<{ rows: MetricRow[] }>): ChartDef[] {
  return CHARTS.filter((c) => runs.some((r) => r.rows.some((row) => c.metrics.some((m) => row.split === m.split && typeof row[m.key] === 'number'))));
}

/** The evaluation shown for a cursor at x (the last one at or before it), or the latest. */
export function probeAt(probes: ProbeRow[], x: number | null, xKind: XKind): ProbeRow | undefined {
  if (probes.length === 0) return undefined;
  if (x == null) return probes[probes.length - 1];
  let best: ProbeRow | undefined;
  for (const p of probes) if ((xKind === 'step' ? p.step : p.time) <= x + 1e-9) best = p;
  return best ?? probes[0];
}

/** Which words of an output stand where the reference has the same word (Watch it learn marks them). */
export function matchingWords(output: string, reference: string | undefined): boolean[] {
  const out = output.split(/\s+/).filter(Boolean);
  if (!reference) return out.map(() => false);
  const ref = reference.split(/\s+/).filter(Boolean);
  return out.map((w, i) => ref[i] === w);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/**
 * The dashboard's data, apart from any drawing: which charts a set of runs has, each series'
 * points (EMA-smoothed as TensorBoard does), and the series of several runs aligned on one
 * x axis as uPlot wants them. Pure functions (unit-tested in Node).
 */
import type { MetricRow, ProbeRow } from '../../src/protocol/runs';
import { l10n } from '../shared/l10n';

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
    title: l10n('Loss (cross-entropy)'),
    metrics: [
      { key: 'loss', split: 'train', label: l10n('train loss'), smooth: true },
      { key: 'loss', split: 'validation', label: l10n('validation loss'), smooth: false },
    ],
    loggable: true,
  },
  { name: 'bleu', title: l10n('BLEU (validation, greedy)'), metrics: [{ key: 'bleu', split: 'validation', label: 'BLEU', smooth: false }], loggable: false },
  { name: 'accuracy', title: l10n('Accuracy (validation)'), metrics: [{ key: 'accuracy', split: 'validation', label: l10n('accuracy'), smooth: false }], loggable: false },
  { name: 'perplexity', title: l10n('Perplexity (validation)'), metrics: [{ key: 'perplexity', split: 'validation', label: l10n('perplexity'), smooth: false }], loggable: true },
  {
    name: 'speed',
    title: l10n('Throughput'),
    metrics: [
      { key: 'tokensPerSecond', split: 'train', label: l10n('tokens/s'), smooth: false },
      { key: 'wordsPerSecond', split: 'train', label: l10n('words/s'), smooth: false },
    ],
    loggable: false,
  },
  { name: 'learningRate', title: l10n('Learning rate'), metrics: [{ key: 'learningRate', split: 'train', label: l10n('learning rate'), smooth: false }], loggable: true },
  { name: 'teacherForcing', title: l10n('Teacher-forcing ratio'), metrics: [{ key: 'teacherForcing', split: 'train', label: l10n('teacher forcing'), smooth: false }], loggable: false },
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
 * adds x values with no point (the ends of a range that charts side by side share). Each
 * series' x must be ascending (as pointsOf and RunSeries give them): the union is a k-way
 * merge, linear in the points, and series that share one x array are merged once.
 */
export function align(series: Points[], extraX: number[] = []): Array<Array<number | null>> {
  const xsList: number[][] = [];
  for (const s of series) if (!xsList.includes(s.x)) xsList.push(s.x);
  const extra = [...extraX].sort((a, b) => a - b);
  xsList.push(extra);
  const at = new Array<number>(xsList.length).fill(0);
  const xs: number[] = [];
  for (;;) {
    let min = Infinity;
    for (let k = 0; k < xsList.length; k++) if (at[k] < xsList[k].length && xsList[k][at[k]] < min) min = xsList[k][at[k]];
    if (min === Infinity) break;
    xs.push(min);
    for (let k = 0; k < xsList.length; k++) while (at[k] < xsList[k].length && xsList[k][at[k]] === min) at[k]++;
  }
  const out: Array<Array<number | null>> = [xs];
  for (const s of series) {
    const col: Array<number | null> = new Array(xs.length).fill(null);
    let j = 0;
    for (let i = 0; i < s.x.length; i++) {
      while (xs[j] < s.x[i]) j++;
      col[j] = s.y[i];
    }
    out.push(col);
  }
  return out;
}

/**
 * One run's metrics as columns, one per split and metric, grown as rows arrive: what the charts
 * read on every redraw without going over the rows again.
 */
export class RunSeries {
  private readonly cols = new Map<string, { step: number[]; time: number[]; y: number[]; sorted: boolean }>();

  constructor(rows: MetricRow[] = []) {
    this.append(rows);
  }

  append(rows: MetricRow[]): void {
    for (const r of rows) {
      if (typeof r.step !== 'number' || typeof r.time !== 'number' || !Number.isFinite(r.step) || !Number.isFinite(r.time)) continue;
      for (const k in r) {
        if (k === 'step' || k === 'time' || k === 'split' || k === 'epoch') continue;
        const v = r[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        const key = `${r.split}/${k}`;
        let c = this.cols.get(key);
        if (!c) this.cols.set(key, (c = { step: [], time: [], y: [], sorted: true }));
        const n = c.step.length;
        if (n > 0 && (r.step < c.step[n - 1] || r.time < c.time[n - 1])) c.sorted = false;
        c.step.push(r.step);
        c.time.push(r.time);
        c.y.push(v);
      }
    }
  }

  has(metric: Pick<MetricSpec, 'key' | 'split'>): boolean {
    return this.cols.has(`${metric.split}/${metric.key}`);
  }

  /** The metric's points on an x axis (the column itself: callers read, never write). */
  points(metric: Pick<MetricSpec, 'key' | 'split'>, xKind: XKind): Points {
    const c = this.cols.get(`${metric.split}/${metric.key}`);
    if (!c) return { x: [], y: [] };
    const x = xKind === 'step' ? c.step : c.time;
    if (c.sorted) return { x, y: c.y };
    const order = x.map((_, k) => k).sort((a, b) => x[a] - x[b]);
    return { x: order.map((k) => x[k]), y: order.map((k) => c.y[k]) };
  }

  /** The first and last x of any train or validation point. */
  extent(xKind: XKind): [number, number] | undefined {
    let lo = Infinity;
    let hi = -Infinity;
    for (const [key, c] of this.cols) {
      if (key.startsWith('test/') || c.step.length === 0) continue;
      const x = xKind === 'step' ? c.step : c.time;
      lo = Math.min(lo, c.sorted ? x[0] : Math.min(...x));
      hi = Math.max(hi, c.sorted ? x[x.length - 1] : Math.max(...x));
    }
    return lo <= hi ? [lo, hi] : undefined;
  }
}

/** Points per series beyond which a chart draws every k-th point (TensorBoard keeps 1,000). */
export const MAX_DRAWN_POINTS = 1000;

/**
 * A long series thinned for drawing: every k-th point on a grid of steps fixed by the index
 * (k = ⌈n / max⌉), so runs that log at the same steps keep the same x values, and the last
 * point always (the newest value stays on the chart). Shorter series are returned as they are.
 */
export function thin(p: Points, max = MAX_DRAWN_POINTS): Points {
  const n = p.x.length;
  if (n <= max) return p;
  const k = Math.ceil(n / max);
  const x: number[] = [];
  const y: Array<number | null> = [];
  for (let i = 0; i < n; i += k) {
    x.push(p.x[i]);
    y.push(p.y[i]);
  }
  if ((n - 1) % k !== 0) {
    x.push(p.x[n - 1]);
    y.push(p.y[n - 1]);
  }
  return { x, y };
}

/** EMA state for a series that only grows: extended by the new values, recomputed when the weight changes. */
export interface EmaCache {
  weight: number;
  last: number;
  n: number;
  out: Array<number | null>;
}

/** ema(values, weight), reusing what `cache` computed for the values' earlier prefix. */
export function emaExtend(values: Array<number | null>, weight: number, cache?: EmaCache): EmaCache {
  const c: EmaCache = cache && cache.weight === weight && cache.out.length <= values.length ? cache : { weight, last: 0, n: 0, out: [] };
  if (weight <= 0) {
    for (let i = c.out.length; i < values.length; i++) c.out.push(values[i]);
    return c;
  }
  for (let i = c.out.length; i < values.length; i++) {
    const v = values[i];
    if (v == null || !Number.isFinite(v)) {
      c.out.push(null);
      continue;
    }
    c.last = c.last * weight + (1 - weight) * v;
    c.n++;
    c.out.push(c.last / (1 - Math.pow(weight, c.n)));
  }
  return c;
}

/** The charts that some run has data for, in CHARTS order. */
export function chartsFor(runs: ReadonlyArray<Pick<RunSeries, 'has'>>): ChartDef[] {
  return CHARTS.filter((c) => runs.some((r) => c.metrics.some((m) => r.has(m))));
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

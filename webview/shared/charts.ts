/**
 * The one place that knows the charting library (uPlot: small, fast at streaming, and it needs
 * no inline <style> or eval, so it runs under the webviews' strict CSP). Views draw line charts
 * through LineChart and never touch uPlot directly.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { compactNumber } from './format';
import { l10n } from './l10n';

export interface SeriesSpec {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  /** Draw a point at each value (sparse series such as validation). */
  points?: boolean;
}

export interface LineChartOptions {
  title: string;
  width: number;
  height: number;
  series: SeriesSpec[];
  /** 'step' or 'time' (seconds, shown as m:ss). */
  xKind: 'step' | 'time';
  /** The x axis's label (default: step, or time (m:ss)). */
  xLabel?: string;
  log?: boolean;
  /** The x value under the cursor (null when the pointer leaves). */
  onCursor?: (x: number | null) => void;
  axisColor: string;
  gridColor: string;
  /** Charts with the same key move their cursors together (hover one, read all). */
  syncKey?: string;
}

function formatTime(s: number): string {
  const m = Math.floor(s / 60);
  const r = Math.round(s % 60);
  return `${m}:${String(r).padStart(2, '0')}`;
}

/** On a log axis of many decades, a few of them: at most about five labelled, grid lines with them. */
function decadeFilter(_u: uPlot, splits: number[]): Array<number | null> {
  const isDecade = (v: number) => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
  const every = Math.max(1, Math.ceil(splits.filter(isDecade).length / 5));
  return splits.map((v) => (isDecade(v) && Math.round(Math.log10(v)) % every === 0 ? v : null));
}

export class LineChart {
  private plot: uPlot;
  private points = 0;

  constructor(
    private readonly parent: HTMLElement,
    private opts: LineChartOptions,
    data: Array<Array<number | null>>,
  ) {
    this.plot = this.create(data);
  }

  private create(data: Array<Array<number | null>>): uPlot {
    const o = this.opts;
    const axis = { stroke: o.axisColor, grid: { stroke: o.gridColor, width: 1 }, ticks: { stroke: o.gridColor, width: 1 } };
    const options: uPlot.Options = {
      title: o.title,
      width: o.width,
      height: o.height,
      legend: { live: true },
      cursor: { drag: { x: true, y: false }, points: { size: 6 }, ...(o.syncKey ? { sync: { key: o.syncKey } } : {}) },
      scales: {
        x: { time: false },
        y: o.log ? { distr: 3 } : { auto: true },
      },
      axes: [
        { ...axis, values: o.xKind === 'time' ? (_u, ticks) => ticks.map(formatTime) : undefined, label: o.xLabel ?? l10n(o.xKind === 'time' ? 'time (m:ss)' : 'step'), labelSize: 18 },
        o.log
          ? {
              ...axis,
              size: 56,
              // Many decades (a vanishing gradient spans twelve): label a few, as powers of ten below 0.001.
              filter: decadeFilter,
              grid: { ...axis.grid, filter: decadeFilter },
              ticks: { ...axis.ticks, filter: decadeFilter },
              values: (_u: uPlot, ticks: number[]) => ticks.map((v) => (v == null ? '' : v >= 0.001 && v < 1e5 ? String(+v.toPrecision(3)) : `1e${Math.round(Math.log10(v))}`)),
            }
          : { ...axis, size: 56, values: (_u: uPlot, ticks: number[]) => ticks.map(compactNumber) },
      ],
      series: [
        { label: o.xLabel ?? l10n(o.xKind === 'time' ? 'time' : 'step'), value: (_u, v) => (v == null ? '—' : o.xKind === 'time' ? formatTime(v) : String(Math.round(v))) },
        ...o.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          dash: s.dash,
          spanGaps: true,
          points: { show: s.points ?? false, size: 5, fill: s.color },
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3)),
        })),
      ],
      hooks: {
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            o.onCursor?.(i == null ? null : (u.data[0][i] as number));
          },
        ],
      },
    };
    this.points = data.slice(1).reduce((n, s) => n + s.filter((v) => v != null).length, 0);
    return new uPlot(options, data as uPlot.AlignedData, this.parent);
  }

  /** New data (all series, aligned on x). */
  setData(data: Array<Array<number | null>>): void {
    this.points = data.slice(1).reduce((n, s) => n + s.filter((v) => v != null).length, 0);
    this.plot.setData(data as uPlot.AlignedData);
  }

  /** How many values are drawn (tests read it). */
  get pointCount(): number {
    return this.points;
  }

  resize(width: number): void {
    this.opts = { ...this.opts, width };
    this.plot.setSize({ width, height: this.opts.height });
  }

  /** The chart's canvas (for PNG export). */
  /** The drawn series (label, colour, dash), for a legend drawn elsewhere (an exported image). */
  get series(): readonly SeriesSpec[] {
    return this.opts.series;
  }

  get canvas(): HTMLCanvasElement {
    return this.plot.ctx.canvas;
  }

  destroy(): void {
    this.plot.destroy();
  }
}

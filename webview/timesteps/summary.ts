/**
 * What a heatmap or the gradient bars show, in numbers a screen reader can say (no DOM: unit-tested
 * in plain Node). The panel puts these into the canvases' labels, in the display language.
 */

export interface StepSummary {
  max: number;
  maxUnit: number;
  min: number;
  minUnit: number;
  /** Mean of |value| over the units. */
  meanAbs: number;
}

/** One step's column of a state: its largest and smallest unit and the mean magnitude. */
export function summarizeStep(data: Float32Array, units: number, step: number): StepSummary {
  let max = -Infinity;
  let min = Infinity;
  let maxUnit = 0;
  let minUnit = 0;
  let abs = 0;
  for (let u = 0; u < units; u++) {
    const v = data[step * units + u];
    if (v > max) [max, maxUnit] = [v, u];
    if (v < min) [min, minUnit] = [v, u];
    abs += Math.abs(v);
  }
  return { max, maxUnit, min, minUnit, meanAbs: units ? abs / units : 0 };
}

/** The gradient norms' ends: the first step's, the last's, and how many times smaller the first is. */
export function summarizeGradients(norms: Float32Array): { first: number; last: number; times: number } {
  const first = norms[0] ?? 0;
  const last = norms[norms.length - 1] ?? 0;
  return { first, last, times: first > 0 ? last / first : Infinity };
}

/** A number as the summaries say it: three significant digits, powers of ten when tiny or huge. */
export function spoken(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(1) : String(+v.toPrecision(3));
}

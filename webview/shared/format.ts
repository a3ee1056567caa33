/** Numbers as the charts write them (no DOM, no library: unit-tested in plain Node). */

/** A linear axis's tick: 150k, 1.2M, 0.003, never wider than the axis (uPlot's default writes 150,000). */
export function compactNumber(v: number | null): string {
  if (v == null || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return String(+v.toPrecision(4));
}

/** One row of a benchmark table: a value beside a reference measured in the same run. */
export interface BenchRow {
  name: string;
  unit: string;
  value: number;
  reference: string;
  referenceValue: number | null;
  ratio: number | null;
  target: string;
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

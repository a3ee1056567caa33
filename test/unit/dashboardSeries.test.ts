/**
 * The training dashboard's data (webview/training/series.ts), checked against hand-computed
 * values: TensorBoard's debiased EMA, several runs' series aligned on one x axis, which
 * charts a set of runs has, and the evaluation shown under a cursor.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricRow, ProbeRow } from '../../src/protocol/runs';
import { compactNumber } from '../../webview/shared/format';
import { align, CHARTS, chartsFor, ema, emaExtend, formatDuration, matchingWords, pointsOf, probeAt, RunSeries, thin } from '../../webview/training/series';

const close = (a: Array<number | null>, b: Array<number | null>) => a.forEach((v, i) => (v == null ? assert.equal(b[i], null) : assert.ok(Math.abs(v - (b[i] as number)) < 1e-12, `${i}: ${v} vs ${b[i]}`)));

test('EMA smoothing is debiased as TensorBoard does it, keeps gaps, and weight 0 changes nothing', () => {
  // w = 0.5 over [4, 2, 8]: s1 = 2/(1-.5) = 4; s2 = (1 + 1)/(1-.25) = 2.6667; s3 = (1 + 4)/(1-.125) = 5.7143
  close(ema([4, 2, 8], 0.5), [4, 2 / 0.75, 5 / 0.875]);
  close(ema([4, null, 2], 0.5), [4, null, 2 / 0.75]);
  assert.deepEqual(ema([1, 2, 3], 0), [1, 2, 3]);
  // A constant stays constant at any weight (the point of the debiasing).
  close(ema([3, 3, 3, 3], 0.99), [3, 3, 3, 3]);
});

test('a metric of a run is read on the step or the time axis, skipping other splits and non-numbers', () => {
  const rows: MetricRow[] = [
    { split: 'train', step: 5, time: 1.5, loss: 2 },
    { split: 'validation', step: 5, time: 1.7, loss: 2.5, bleu: 3 },
    { split: 'train', step: 10, time: 3, loss: 1.5 },
    { split: 'train', step: 15, time: 4.5, loss: 'NaN' as unknown as number },
  ];
  const train = CHARTS[0].metrics[0];
  assert.deepEqual(pointsOf(rows, train, 'step'), { x: [5, 10], y: [2, 1.5] });
  assert.deepEqual(pointsOf(rows, train, 'time'), { x: [1.5, 3], y: [2, 1.5] });
  assert.deepEqual(pointsOf(rows, CHARTS[0].metrics[1], 'step'), { x: [5], y: [2.5] });
});

test('series of several runs are aligned on the union of their x values, null where a run has none', () => {
  const out = align([
    { x: [1, 3, 5], y: [10, 30, 50] },
    { x: [2, 3], y: [200, 300] },
  ]);
  assert.deepEqual(out, [
    [1, 2, 3, 5],
    [10, null, 30, 50],
    [null, 200, 300, null],
  ]);
  const shared = [1, 2, 4];
  assert.deepEqual(align([{ x: shared, y: [1, 2, 4] }, { x: shared, y: [10, 20, 40] }], [0, 9]), [
    [0, 1, 2, 4, 9],
    [null, 1, 2, 4, null],
    [null, 10, 20, 40, null],
  ], 'a shared x array, and the ends of a shared range');
});

test('charts are shown for the metrics some run has', () => {
  const translate: MetricRow[] = [
    { split: 'train', step: 1, time: 0, loss: 3, tokensPerSecond: 900, learningRate: 0.01, teacherForcing: 1 },
    { split: 'validation', step: 1, time: 0, loss: 3, bleu: 1 },
  ];
  const words: MetricRow[] = [{ split: 'train', step: 1, time: 0, wordsPerSecond: 1e5, learningRate: 0.025 }];
  assert.deepEqual(chartsFor([new RunSeries(translate)]).map((c) => c.name), ['loss', 'bleu', 'speed', 'learningRate', 'teacherForcing']);
  assert.deepEqual(chartsFor([new RunSeries(words)]).map((c) => c.name), ['speed', 'learningRate']);
  assert.deepEqual(chartsFor([new RunSeries([])]), []);
});

test('the evaluation under a cursor is the last one at or before it; no cursor shows the latest', () => {
  const p = (step: number, time: number): ProbeRow => ({ step, time, epoch: 0, outputs: [] });
  const probes = [p(10, 2), p(20, 4), p(30, 6)];
  assert.equal(probeAt(probes, null, 'step')?.step, 30);
  assert.equal(probeAt(probes, 25, 'step')?.step, 20);
  assert.equal(probeAt(probes, 20, 'step')?.step, 20);
  assert.equal(probeAt(probes, 3, 'step')?.step, 10, 'before the first evaluation: the first');
  assert.equal(probeAt(probes, 4.5, 'time')?.step, 20);
  assert.equal(probeAt([], 5, 'step'), undefined);
});

test('words of an output that stand where the reference has them are marked', () => {
  assert.deepEqual(matchingWords('고양이가 빵을 먹었다', '고양이가 공원에서 먹었다'), [true, false, true]);
  assert.deepEqual(matchingWords('a b', undefined), [false, false]);
  assert.equal(formatDuration(75), '1:15');
  assert.equal(formatDuration(3725), '1:02:05');
});

test('run columns grown row by row give what a scan of all the rows gives, and the EMA extended piece by piece equals the whole', () => {
  const rows: MetricRow[] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let s = 1; s <= 500; s++) {
    rows.push({ split: 'train', step: s, time: s / 10, loss: 3 * rnd(), tokensPerSecond: 1000 * rnd() });
    if (s % 50 === 0) rows.push({ split: 'validation', step: s, time: s / 10, loss: rnd(), bleu: 10 * rnd() });
  }
  const cols = new RunSeries(rows.slice(0, 123));
  cols.append(rows.slice(123, 124));
  cols.append(rows.slice(124));
  for (const chart of CHARTS)
    for (const m of chart.metrics)
      for (const x of ['step', 'time'] as const) {
        const want = pointsOf(rows, m, x);
        assert.deepEqual(cols.points(m, x), want, `${m.split} ${m.key} by ${x}`);
        assert.equal(cols.has(m), want.x.length > 0);
      }
  assert.deepEqual(cols.extent('step'), [1, 500]);
  const y = cols.points(CHARTS[0].metrics[0], 'step').y;
  let cache = emaExtend(y.slice(0, 10), 0.9);
  cache = emaExtend(y.slice(0, 300), 0.9, cache);
  cache = emaExtend(y, 0.9, cache);
  close(cache.out, ema(y, 0.9));
  close(emaExtend(y, 0.5, cache).out, ema(y, 0.5)); // a new weight starts again // a new weight starts again
});

test('a run resumed out of order is still drawn in x order', () => {
  const cols = new RunSeries([
    { split: 'train', step: 10, time: 1, loss: 1 },
    { split: 'train', step: 5, time: 0.5, loss: 2 },
  ]);
  assert.deepEqual(cols.points(CHARTS[0].metrics[0], 'step'), { x: [5, 10], y: [2, 1] });
});

test('a long series is drawn at every k-th point and always its last; a short one whole', () => {
  const x = Array.from({ length: 10 }, (_, i) => i + 1);
  const y = x.map((v) => v * 10);
  assert.deepEqual(thin({ x, y }, 4), { x: [1, 4, 7, 10], y: [10, 40, 70, 100] }, 'k = 3: 1, 4, 7 and the last (10) which the grid also hits');
  assert.deepEqual(thin({ x, y }, 3), { x: [1, 5, 9, 10], y: [10, 50, 90, 100] }, 'k = 4: 1, 5, 9, then the last');
  const short = { x: [1, 2], y: [3, 4] };
  assert.equal(thin(short, 4), short);
});

test('axis ticks are written compactly enough for the axis: 150k, 1.2M, 0.003', () => {
  assert.deepEqual([150_000, 1_234_567, 50_000, 2500, 0.003, 0.000125, 0, -20_000, null].map(compactNumber), ['150k', '1.23M', '50k', '2500', '0.003', '0.000125', '0', '-20k', '']);
});

/**
 * The timestep panel's words for a screen reader: one step's column of a heatmap, and the
 * gradient bars' ends, checked against numbers worked by hand.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { spoken, summarizeGradients, summarizeStep } from '../../webview/timesteps/summary';

test('a step of a state: its largest and smallest units and the mean magnitude', () => {
  // 2 steps × 3 units, row-major by time.
  const data = new Float32Array([0.5, -0.25, 0.125, /* step 2 */ -0.75, 0.5, 0.25]);
  assert.deepEqual(summarizeStep(data, 3, 0), { max: 0.5, maxUnit: 0, min: -0.25, minUnit: 1, meanAbs: 0.875 / 3 });
  assert.deepEqual(summarizeStep(data, 3, 1), { max: 0.5, maxUnit: 1, min: -0.75, minUnit: 0, meanAbs: 0.5 });
});

test('the gradient bars: the first step passes first/last of the last one’s gradient', () => {
  const g = summarizeGradients(new Float32Array([1e-6, 1e-3, 0.5]));
  assert.equal(g.first, Math.fround(1e-6));
  assert.equal(g.last, 0.5);
  assert.equal(spoken(1 / g.times), '2.0e-6');
  assert.deepEqual([0.123456, 12.5, -0.75, 0, 1e-5, 250000].map(spoken), ['0.123', '12.5', '-0.75', '0', '1.0e-5', '2.5e+5']);
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrix, reviveMatrix, row } from '../../src/protocol/matrix';
import { DEFAULT_MODEL_IDS, MODEL_LABELS, STATE_NAMES } from '../../src/protocol/trace';

test('matrix checks its shape against its data, and rows are views', () => {
  const m = matrix(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  assert.deepEqual(Array.from(row(m, 1)), [4, 5, 6]);
  row(m, 0)[0] = 9;
  assert.equal(m.data[0], 9);
  assert.throws(() => matrix(new Float32Array(5), [2, 3]), /holds 6 values, data has 5/);
});

test('reviveMatrix restores typed arrays that went through JSON or structured clone', () => {
  const sent = { data: Float32Array.from([0.5, -1]), shape: [1, 2] };
  assert.equal(reviveMatrix(sent).data, sent.data);
  const viaJson = JSON.parse(JSON.stringify(sent));
  assert.deepEqual(viaJson.data, { 0: 0.5, 1: -1 });
  assert.deepEqual(Array.from(reviveMatrix(viaJson).data), [0.5, -1]);
  assert.deepEqual(Array.from(reviveMatrix({ data: [1, 2], shape: [2] }).data), [1, 2]);
  assert.throws(() => reviveMatrix({ data: null, shape: [1] }), /no data/);
});

test('every default model has a label, and every kind lists h first', () => {
  for (const id of DEFAULT_MODEL_IDS) assert.ok(MODEL_LABELS[id]);
  for (const states of Object.values(STATE_NAMES)) assert.equal(states[0].key, 'h');
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClassified, parseTagged } from '../../src/core/data/labeled';
import { DataError, makePairBatch, pairBatches, parsePairs, splitPairs } from '../../src/core/data/pairs';
import { Rng } from '../../src/core/random';

test('pairs: two or three columns, BOM, CRLF and blank lines', () => {
  const p = parsePairs('\uFEFFGo.\tVa !\r\n\nHi.\tSalut.\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123\n');
  assert.deepEqual(p.map((x) => [x.source, x.target, x.line]), [['Go.', 'Va !', 1], ['Hi.', 'Salut.', 3]]);
});

test('pairs: a line without a tab or with an empty side names the file and line', () => {
  assert.throws(() => parsePairs('a\tb\nno tab here\n', 'data.tsv'), (e: Error) => e instanceof DataError && e.message === 'data.tsv:2: expected source<TAB>target, found no tab');
  assert.throws(() => parsePairs('a\t \n', 'x.tsv'), /x\.tsv:1: empty target sentence/);
  assert.throws(() => parsePairs('\n\n', 'e.tsv'), /e\.tsv: no sentence pairs/);
});

test('every bad line of a file is named, one `file:line: why` a line after a count (at most 100 listed)', () => {
  assert.throws(
    () => parsePairs('a\tb\nno tab\nc\td\n\t x\nalso none\n', 'p.tsv'),
    (e: Error) =>
      e instanceof DataError &&
      e.message === 'p.tsv: 3 bad lines\np.tsv:2: expected source<TAB>target, found no tab\np.tsv:4: empty source sentence\np.tsv:5: expected source<TAB>target, found no tab' &&
      e.problems.map((p) => p.line).join() === '2,4,5',
  );
  assert.throws(() => parseTagged('a\tB\nx\n\ny\n', 't.tsv'), (e: Error) => e instanceof DataError && e.problems.map((p) => p.line).join() === '2,4');
  assert.throws(() => parseClassified('pos\tgood\nnolabel\nneg\t \n', 'c.tsv'), (e: Error) => e instanceof DataError && /^c\.tsv: 2 bad lines\nc\.tsv:2: expected label<TAB>text\nc\.tsv:3: the text is empty$/.test(e.message));
  const many = Array.from({ length: 250 }, () => 'bad').join('\n');
  assert.throws(() => parsePairs(many, 'm.tsv'), (e: Error) => e instanceof DataError && e.message.startsWith('m.tsv: 250 bad lines (the first 100 listed)\n') && e.problems.length === 100);
});

test('split is deterministic and disjoint', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const a = splitPairs(items, 5, 10, 10);
  assert.deepEqual(a, splitPairs(items, 5, 10, 10));
  assert.equal(a.test.length + a.validation.length + a.train.length, 100);
  assert.equal(new Set([...a.test, ...a.validation, ...a.train]).size, 100);
});

test('batches pad sources with 0 and wrap targets in <s> … </s>; every pair lands in one batch', () => {
  const b = makePairBatch([{ source: [7, 8], target: [9] }, { source: [5], target: [10, 11] }]);
  assert.deepEqual([b.sourceLength, b.targetLength], [2, 4]);
  assert.deepEqual(Array.from(b.source), [7, 8, 5, 0]);
  assert.deepEqual(Array.from(b.target), [2, 9, 3, 0, 2, 10, 11, 3]);
  const data = Array.from({ length: 70 }, (_, i) => ({ source: [4 + (i % 5)], target: [i] }));
  const batches = pairBatches(data, 16, new Rng(1));
  assert.equal(batches.reduce((n, x) => n + x.batchSize, 0), 70);
});

test('tagged and classified text: formats and refusals with file:line', () => {
  const t = parseTagged('The\tDET\ncat\tNOUN\n\nRuns\tVERB\n', 't.tsv');
  assert.deepEqual(t, [{ words: ['the', 'cat'], tags: ['DET', 'NOUN'] }, { words: ['runs'], tags: ['VERB'] }]);
  assert.throws(() => parseTagged('a\tB\nnotag\n', 't.tsv'), /t\.tsv:2: expected word<TAB>tag/);
  assert.throws(() => parseTagged('\n', 't.tsv'), /no tagged sentences/);
  const c = parseClassified('pos\tA fine day!\n', 'c.tsv');
  assert.deepEqual(c, [{ label: 'pos', words: ['a', 'fine', 'day', '!'] }]);
  assert.throws(() => parseClassified('pos\t   \n', 'c.tsv'), /c\.tsv:1: the text is empty/);
});

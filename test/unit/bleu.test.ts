import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpusBleu, tokenize13a } from '../../src/core/metrics/bleu';

test('13a tokenization splits punctuation but keeps numbers, apostrophes and inner hyphens', () => {
  assert.deepEqual(tokenize13a("Hello, world! It's 3.5 ok-ish (yes)."), ['Hello', ',', 'world', '!', "It's", '3.5', 'ok-ish', '(', 'yes', ')', '.']);
  assert.deepEqual(tokenize13a('Je me suis rendu à l\'aéroport en taxi.'), ['Je', 'me', 'suis', 'rendu', 'à', "l'aéroport", 'en', 'taxi', '.']);
  assert.deepEqual(tokenize13a('1,000 and 2-3 &quot;x&quot;'), ['1,000', 'and', '2', '-', '3', '"', 'x', '"']);
});

test('identical corpus scores 100', () => {
  const r = corpusBleu(['the cat sat on the mat .', 'Va !'], ['the cat sat on the mat.', 'Va !']);
  assert.ok(Math.abs(r.score - 100) < 1e-9, String(r.score));
});

test('by hand: clipping, exp smoothing of empty orders, brevity penalty', () => {
  // hyp: the cat the cat (4 tokens); ref: the cat sat on the mat (6)
  // 1-grams 3/4 (cat clipped to 1), 2-grams 1/3, 3-grams 0/2 → 100/(2·2), 4-grams 0/1 → 100/(4·1)
  // BLEU = e^(1 − 6/4) · (75 · 33.33 · 25 · 25)^(1/4) = 0.60653 · 35.3553 = 21.4441
  const r = corpusBleu(['the cat the cat'], ['the cat sat on the mat']);
  assert.deepEqual(r.precisions.map((p) => +p.toFixed(4)), [75, 33.3333, 25, 25]);
  assert.ok(Math.abs(r.brevityPenalty - Math.exp(-0.5)) < 1e-12);
  assert.ok(Math.abs(r.score - 21.4441) < 1e-3, String(r.score));
});

test('counts are summed over the corpus before the precisions (corpus, not sentence average)', () => {
  const a = corpusBleu(['a b c d', 'x y'], ['a b c d', 'p q']);
  // 1-grams 4/6, 2-grams 3/4, 3-grams 2/2, 4-grams 1/1, lengths equal → BP 1
  assert.ok(Math.abs(a.score - 100 * Math.pow((4 / 6) * (3 / 4) * 1 * 1, 1 / 4)) < 1e-9);
});

test('an empty hypothesis scores 0; mismatched lists are refused', () => {
  assert.equal(corpusBleu([''], ['a b']).score, 0);
  assert.throws(() => corpusBleu(['a'], []), /1 hypotheses but 0 references/);
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { detokenize, generateCorpus, hasFinalConsonant } from '../../src/core/data/grammar';
import { words } from '../../src/core/tokenizer';

test('the corpus is deterministic for a seed and differs across seeds', () => {
  assert.deepEqual(generateCorpus(50, 7), generateCorpus(50, 7));
  assert.notDeepEqual(generateCorpus(50, 7), generateCorpus(50, 8));
});

test('Korean particles follow the final consonant (batchim)', () => {
  assert.equal(hasFinalConsonant('책'), true);
  assert.equal(hasFinalConsonant('사과'), false);
  assert.equal(hasFinalConsonant('선생님'), true);
  const ko = generateCorpus(3000, 1).filter((s) => /[가-힣]/.test(s[0]));
  assert.ok(ko.length > 500);
  for (const s of ko) {
    for (const w of s) {
      const m = /^(.+)(이|가|을|를|은|는)$/.exec(w);
      if (!m || ['고양이', '아이'].includes(w)) continue;
      const stem = m[1];
      const consonantForm = ['이', '을', '은'].includes(m[2]);
      assert.equal(hasFinalConsonant(stem), consonantForm, `${w} in ${s.join(' ')}`);
    }
  }
});

test('English subjects agree with their verbs across an attractor', () => {
  const corpus = generateCorpus(4000, 2);
  let checked = 0;
  for (const s of corpus) {
    // "the keys to the cabinet are/is": the first noun decides.
    const m = /^(the|some|two|a|one) (?:\w+ )?(\w+) (?:of|near|with|beside|behind|to) .*? (is|are|was|were) /.exec(s.join(' '));
    if (!m) continue;
    const plural = ['some', 'two'].includes(m[1]) || (m[1] === 'the' && /s$|children/.test(m[2]));
    if (m[1] === 'the' && !/s$|children/.test(m[2]) && /s$/.test(m[2])) continue;
    assert.equal(['are', 'were'].includes(m[3]), plural, s.join(' '));
    checked++;
  }
  assert.ok(checked > 100, `checked ${checked} sentences`);
});

test('generated sentences survive detokenize → tokenize', () => {
  for (const s of generateCorpus(300, 4)) assert.deepEqual(words(detokenize(s)), s);
});

/**
 * Byte-pair encoding (src/core/subword.ts) against the paper's example worked by hand (Sennrich,
 * Haddow & Birch 2016: {low: 5, lower: 2, newest: 6, widest: 3}, the end-of-word mark joined to the
 * last character as subword-nmt writes it, ties to the pair seen first), pieces joined back into
 * words, and, where ../shared/data is present, a vocabulary trained on Tatoeba's French that writes
 * every held-out word without <unk>.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Bpe, joinPieces, trainBpe } from '../../src/core/subword';
import { tokenize } from '../../src/core/tokenizer';
import { ROOT } from './helpers';

test('the paper\'s example, merged by hand: the same ten merges in the same order', () => {
  const counts = new Map([['low', 5], ['lower', 2], ['newest', 6], ['widest', 3]]);
  const m = trainBpe(counts, { merges: 10, minFrequency: 1 });
  // By hand: e s (9, tied with s t</w>, seen first), es t</w> (9), l o (7), n e (6, first of three
  // tied at 6), ne w, new est</w>, lo w</w> (5), w i (3, first of three), wi d, wid est</w>.
  assert.deepEqual(m.merges, [['e', 's'], ['es', 't</w>'], ['l', 'o'], ['n', 'e'], ['ne', 'w'], ['new', 'est</w>'], ['lo', 'w</w>'], ['w', 'i'], ['wi', 'd'], ['wid', 'est</w>']]);
  assert.deepEqual(m.alphabet, ['d', 'e', 'i', 'l', 'n', 'o', 'r', 's', 't', 'w']);
  const bpe = new Bpe(m);
  assert.deepEqual(bpe.word('newest'), ['newest']);
  assert.deepEqual(bpe.word('low'), ['low']);
  assert.deepEqual(bpe.word('lowest'), ['lo@@', 'w@@', 'est'], 'an unseen word from known pieces');
  assert.deepEqual(bpe.word('newer'), ['new@@', 'e@@', 'r']);
  assert.deepEqual(bpe.word('z'), ['z'], 'an unseen character stays itself');
  // Training stops when the best pair is rarer than minFrequency.
  assert.equal(trainBpe(counts, { merges: 100, minFrequency: 4 }).merges.length, 7);
});

test('pieces join back into words, with the pieces of each word', () => {
  const { words, groups } = joinPieces(['lo@@', 'w@@', 'est', 'is', 'new@@', 'e@@', 'r', '.']);
  assert.deepEqual(words, ['lowest', 'is', 'newer', '.']);
  assert.deepEqual(groups, [[0, 1, 2], [3], [4, 5, 6], [7]]);
  assert.deepEqual(joinPieces(['un@@', 'fin@@']).words, ['unfin'], 'a sentence cut after a continued piece keeps what it has');
  assert.deepEqual(joinPieces(['@@']).words, ['@@'], 'a literal "@@" token is a word');
});

const data = path.join(ROOT, '..', 'shared', 'data', 'tatoeba', 'fra-eng.tsv');
test('Tatoeba French: 4,000 merges trained on 90% of the sentences write every held-out word with known pieces (but characters never seen)', { skip: fs.existsSync(data) ? false : 'skipped: ../shared/data is absent (a clone has none)' }, () => {
  const lines = fs.readFileSync(data, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[1]);
  const cut = Math.floor(lines.length * 0.9);
  const counts = new Map<string, number>();
  for (const l of lines.slice(0, cut)) for (const t of tokenize(l, { lowercase: false }).tokens) counts.set(t.text, (counts.get(t.text) ?? 0) + 1);
  const t0 = Date.now();
  const bpe = new Bpe(trainBpe(counts, { merges: 4000 }));
  const seconds = (Date.now() - t0) / 1000;
  const known = new Set<string>(bpe.pieces());
  assert.ok(known.size <= 2 * bpe.model.alphabet.length + 4000, 'one piece a merge, plus the alphabet');
  let words = 0;
  let unseenWords = 0;
  const alphabet = new Set(bpe.model.alphabet);
  let missing = 0;
  let newCharacters = 0;
  for (const l of lines.slice(cut))
    for (const t of tokenize(l, { lowercase: false }).tokens) {
      words++;
      if (!counts.has(t.text)) unseenWords++;
      for (const p of bpe.word(t.text))
        if (!known.has(p)) {
          // Only a character the training part never had can be outside: it is its own piece.
          if (Array.from(p.replace(/@@$/, '')).some((ch) => !alphabet.has(ch))) newCharacters++;
          else missing++;
        }
      assert.equal(joinPieces(bpe.word(t.text)).words[0], t.text, 'pieces join back into the word');
    }
  assert.ok(unseenWords > 0, 'the held-out sentences have words the training part never had');
  assert.equal(missing, 0, `pieces of known characters outside the vocabulary (${unseenWords} of ${words} held-out words unseen in training; ${newCharacters} pieces with characters never seen)`);
  assert.ok(newCharacters < 20, `${newCharacters} pieces with new characters`);
  assert.ok(seconds < 60, `trained in ${seconds.toFixed(1)} s`);
});

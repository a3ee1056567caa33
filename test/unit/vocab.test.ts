import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOS_ID, EOS_ID, PAD_ID, UNK_ID, Vocab } from '../../src/core/vocab';

test('special tokens sit at fixed ids', () => {
  const v = Vocab.build([['a']]);
  assert.deepEqual(v.words.slice(0, 4), ['<pad>', '<unk>', '<s>', '</s>']);
  assert.deepEqual([PAD_ID, UNK_ID, BOS_ID, EOS_ID], [0, 1, 2, 3]);
});

test('build: most frequent first, ties alphabetical, minCount applied', () => {
  const v = Vocab.build([['b', 'a', 'c'], ['a', 'b'], ['a', 'd']], { minCount: 2 });
  assert.deepEqual(v.words.slice(4), ['a', 'b']);
  assert.equal(v.id('c'), UNK_ID);
  assert.equal(v.word(v.id('a')), 'a');
});

test('unknown words map to <unk>; bad vocabularies are refused', () => {
  const v = new Vocab(['<pad>', '<unk>', '<s>', '</s>', 'x']);
  assert.deepEqual(v.ids(['x', 'y']), [4, UNK_ID]);
  assert.throws(() => new Vocab(['x']), /must start with/);
  assert.throws(() => new Vocab(['<pad>', '<unk>', '<s>', '</s>', 'x', 'x']), /twice/);
});

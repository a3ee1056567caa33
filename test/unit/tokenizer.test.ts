import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenAtOffset, tokenize, tokenizeChars, words } from '../../src/core/tokenizer';

test('English words, contractions and punctuation, lower-cased', () => {
  assert.deepEqual(words("The keys to the cabinet aren't here."), ['the', 'keys', 'to', 'the', 'cabinet', "aren't", 'here', '.']);
  assert.deepEqual(words('Well-known (state-of-the-art) models!'), ['well-known', '(', 'state-of-the-art', ')', 'models', '!']);
});

test('French: accents kept, elision apostrophes joined, typographic apostrophe normalised', () => {
  assert.deepEqual(words("L’homme a mangé à l'école."), ["l'homme", 'a', 'mangé', 'à', "l'école", '.']);
});

test('Korean: Hangul words (eojeol) are tokens; punctuation split off', () => {
  assert.deepEqual(words('고양이가 생선을 먹었다.'), ['고양이가', '생선을', '먹었다', '.']);
});

test('decomposed Hangul (NFD) is normalised to NFC', () => {
  const nfd = '고양이'.normalize('NFD');
  assert.notEqual(nfd, '고양이');
  assert.deepEqual(words(nfd), ['고양이']);
});

test('offsets point back into the original text', () => {
  const text = '  Hello,  세계 — ok ';
  const { tokens } = tokenize(text);
  assert.deepEqual(
    tokens.map((t) => text.slice(t.start, t.end)),
    ['Hello', ',', '세계', '—', 'ok'],
  );
  assert.equal(tokens[0].text, 'hello');
});

test('emoji and surrogate pairs keep correct UTF-16 offsets', () => {
  const text = 'hi 🙂 there';
  const { tokens } = tokenize(text);
  assert.deepEqual(
    tokens.map((t) => text.slice(t.start, t.end)),
    ['hi', '🙂', 'there'],
  );
});

test('maxTokens truncates and counts what was dropped', () => {
  const r = tokenize('a b c d e', { maxTokens: 2 });
  assert.deepEqual(r.tokens.map((t) => t.text), ['a', 'b']);
  assert.equal(r.truncated, 3);
});

test('whitespace-only and empty text give no tokens', () => {
  assert.equal(tokenize('').tokens.length, 0);
  assert.equal(tokenize(' \n\t ').tokens.length, 0);
});

test('tokenAtOffset maps a caret offset to a step', () => {
  const { tokens } = tokenize('the cat sat');
  assert.equal(tokenAtOffset(tokens, 0), 0);
  assert.equal(tokenAtOffset(tokens, 2), 0);
  assert.equal(tokenAtOffset(tokens, 3), 0); // the space after "the"
  assert.equal(tokenAtOffset(tokens, 4), 1);
  assert.equal(tokenAtOffset(tokens, 11), 2);
  assert.equal(tokenAtOffset([], 3), -1);
});

test('character tokens are grapheme clusters, with offsets, spaces kept', () => {
  const text = 'Ça va 😀👍🏽 한국';
  const { tokens } = tokenizeChars(text);
  assert.deepEqual(tokens.map((t) => t.text), ['Ç', 'a', ' ', 'v', 'a', ' ', '😀', '👍🏽', ' ', '한', '국']);
  assert.deepEqual(tokens.map((t) => text.slice(t.start, t.end)), tokens.map((t) => t.text));
  // e + combining acute accent is one character, normalised to é
  assert.deepEqual(tokenizeChars('e\u0301t\u00e9').tokens.map((t) => t.text), ['é', 't', 'é']);
  assert.equal(tokenizeChars('abc', { maxTokens: 2 }).truncated, 1);
});

/**
 * Detokenization (src/core/detokenize.ts) against text as people write it: hand-written French,
 * English and Korean sentences, and, where ../shared/data is present, every Tatoeba reference of
 * fra-eng.tsv and kor-eng.tsv tokenized by SeqLens and written back (the reference itself is the
 * independent truth). Then the target language read off a vocabulary.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { detokenize, languageOfVocab } from '../../src/core/detokenize';
import { tokenize } from '../../src/core/tokenizer';
import { SPECIALS, Vocab } from '../../src/core/vocab';
import { ROOT } from './helpers';

const round = (text: string, lang: Parameters<typeof detokenize>[1]) => detokenize(tokenize(text, { lowercase: false }).tokens.map((t) => t.text), lang).text;

test('French, English and Korean punctuation and spacing, as written', () => {
  for (const [text, lang] of [
    ['Je vis avec ma mère, maintenant.', 'fr'],
    ['Comment allez-vous ? Très bien !', 'fr'],
    ['Il a dit : « Viens ici ».', 'fr'],
    ["C'est l'heure ; on y va.", 'fr'],
    ['It costs $3,000.50 (more or less), at 3:30.', 'en'],
    ['She said "hello" and left!', 'en'],
    ['Where is it?', 'en'],
    ['나는 빵을 먹었다.', 'ko'],
    ['"사랑해"를 프랑스어로 어떻게 말해?', 'ko'],
    ['뇌는 에너지 중 25%를 소비해.', 'ko'],
  ] as const) assert.equal(round(text, lang), text, `${lang}: ${text}`);
  // Elided tokens join the next word; offsets find every token.
  const d = detokenize(["l'", 'homme', 'est', 'là', '.'], 'fr');
  assert.equal(d.text, "l'homme est là.");
  assert.deepEqual(d.offsets.map(([s, e]) => d.text.slice(s, e)), ["l'", 'homme', 'est', 'là', '.']);
  assert.equal(detokenize([], 'en').text, '');
});

const data = path.join(ROOT, '..', 'shared', 'data', 'tatoeba');
test('every Tatoeba reference tokenized and written back (fra-eng French and English, kor-eng Korean)', { skip: fs.existsSync(path.join(data, 'fra-eng.tsv')) ? false : 'skipped: ../shared/data is absent (a clone has none)' }, () => {
  for (const [file, col, lang, floor] of [['fra-eng.tsv', 1, 'fr', 0.99], ['fra-eng.tsv', 0, 'en', 0.995], ['kor-eng.tsv', 1, 'ko', 0.995]] as const) {
    const lines = fs.readFileSync(path.join(data, file), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[col]);
    // The references' own variants count as the same text: a narrow no-break space for a space, ’ for '.
    const same = lines.filter((ref) => round(ref, lang) === ref.normalize('NFC').replace(/[\u202f\u00a0]/g, ' ').replace(/’/g, "'")).length;
    assert.ok(same / lines.length >= floor, `${file} ${lang}: ${((same / lines.length) * 100).toFixed(2)}% written back exactly (floor ${floor * 100}%)`);
  }
});

test('the target language of a vocabulary', () => {
  const v = (words: string[]) => new Vocab([...SPECIALS, ...words]);
  assert.equal(languageOfVocab(v(['친구가', '빵을', '먹었다', '.', '책을'])), 'ko');
  assert.equal(languageOfVocab(v(['je', 'est', 'pas', 'vous', 'nous', 'les', 'une', '.', 'the'])), 'fr');
  assert.equal(languageOfVocab(v(['the', 'is', 'you', 'not', 'and', 'are', '.'])), 'en');
  assert.equal(languageOfVocab(v(['w1', 'w2'])), 'other');
});

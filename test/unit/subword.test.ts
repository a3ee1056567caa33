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
import { Bpe, joinPieces, pieceSpans, trainBpe } from '../../src/core/subword';
import { tokenize } from '../../src/core/tokenizer';
import { pieceTokens } from '../../src/core/trace';
import { vocabFromMeta } from '../../src/core/vocab';
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
  // Editor spans: each piece its own characters of its word ("lowest is" at 10).
  assert.deepEqual(pieceSpans([{ start: 10, end: 16 }, { start: 17, end: 19 }], ['lo@@', 'w@@', 'est', 'is']), [{ start: 10, end: 12 }, { start: 12, end: 13 }, { start: 13, end: 16 }, { start: 17, end: 19 }]);
  assert.equal(pieceSpans([{ start: 0, end: 3 }], ['a', 'b']), undefined, 'two words for one span: no spans');
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

test('seqlens train --subword: a translation model on pieces, saved with its merges; a word it never saw is not <unk>', () => {
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const os = require('os') as typeof import('os');
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 300_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-bpe-'));
  try {
    const data = path.join(dir, 'pairs.tsv');
    const rows: string[] = [];
    const nouns = ['cat', 'dog', 'bird', 'horse', 'teacher', 'farmer', 'student', 'doctor'];
    const fr = ['chat', 'chien', 'oiseau', 'cheval', 'professeur', 'fermier', 'étudiant', 'médecin'];
    for (let i = 0; i < 400; i++) {
      const a = i % nouns.length;
      const b = (i * 3 + 1) % nouns.length;
      rows.push(`the ${nouns[a]} sees the ${nouns[b]} .\tle ${fr[a]} voit le ${fr[b]} .`);
      rows.push(`the ${nouns[a]}s see the ${nouns[b]}s .\tles ${fr[a]}s voient les ${fr[b]}s .`);
    }
    fs.writeFileSync(data, rows.join('\n') + '\n');
    const out = path.join(dir, 'model');
    const t = cli('train', '--task', 'translate', '--model', 'attention', '--data', data, '--out', out, '--epochs', '2', '--units', '32', '--subword', '60', '--json');
    assert.equal(t.status, 0, t.stderr);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'seqlens.json'), 'utf8')) as { sourceSubword: { merges: string[][] }; targetSubword: { merges: string[][] }; sourceVocab: string[] };
    assert.ok(meta.sourceSubword.merges.length > 10 && meta.targetSubword.merges.length > 10, 'the merges are saved');
    assert.ok(meta.sourceVocab.some((p) => p.endsWith('@@')), 'the vocabulary holds pieces');
    // "cathorse" was never in the data: it is written with pieces the model knows.
    const r = cli('translate', '--model', out, '--text', 'the cathorse sees the doctor .', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { source: string[]; output: string[]; text: string; unknown: number[]; outputOffsets: Array<[number, number]> };
    assert.deepEqual(j.unknown, [], 'no source piece is unknown');
    assert.ok(j.source.some((p) => p.endsWith('@@')), `the new word is written in pieces: ${j.source.join(' ')}`);
    assert.ok(!j.text.includes('@@'), `the text joins the pieces: ${j.text}`);
    assert.equal(j.outputOffsets.length, j.output.length);
    j.output.forEach((p, i) => assert.equal(j.text.slice(...j.outputOffsets[i]), p.replace(/@@$/, ''), 'each piece at its offsets'));
    // The Transformer on the same pieces: its lens reads the new word in pieces too.
    const outT = path.join(dir, 'transformer');
    const tt = cli('train', '--task', 'translate', '--model', 'transformer', '--data', data, '--out', outT, '--epochs', '1', '--units', '16', '--subword', '60');
    assert.equal(tt.status, 0, tt.stderr);
    const lens = cli('attention', '--model', outT, '--text', 'the cathorse sees the doctor .', '--json');
    assert.equal(lens.status, 0, lens.stderr);
    const view = JSON.parse(lens.stdout) as { source: string[]; unknown: number[] };
    assert.ok(view.source.some((x) => x.endsWith('@@')), `the Transformer lens reads pieces: ${view.source.join(' ')}`);
    assert.deepEqual(view.unknown, [], 'none of them unknown');
    // eval reads the merges back from the checkpoint and scores the joined, detokenized text.
    const e = cli('eval', '--model', out, '--data', data);
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /BLEU \d/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('seqlens train --task lm --subword: pieces with their own offsets in the trace; eval per piece', () => {
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const os = require('os') as typeof import('os');
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 300_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-bpe-lm-'));
  try {
    const out = path.join(dir, 'lm');
    const t = cli('train', '--task', 'lm', '--model', 'gru', '--data', 'builtin:grammar', '--out', out, '--epochs', '1', '--units', '16', '--subword', '80', '--json');
    assert.equal(t.status, 0, t.stderr);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'seqlens.json'), 'utf8')) as { subword: { merges: string[][] } };
    assert.ok(meta.subword.merges.length > 10);
    const text = 'the unhappiest cabinets are here .';
    const r = cli('trace', '--model', out, '--text', text, '--json');
    assert.equal(r.status, 0, r.stderr);
    const tr = JSON.parse(r.stdout) as { tokens: string[]; ids: number[] };
    assert.ok(tr.tokens.some((x) => x.endsWith('@@')), `a word in pieces: ${tr.tokens.join(' ')}`);
    assert.equal(tr.tokens.filter((x) => !x.endsWith('@@')).length, 6, 'six words, each ending in its last piece');
    assert.ok(!tr.ids.includes(1), 'no piece is <unk>');
    // The timestep panel's tokens: each piece with its own part of the word's offsets.
    const vocab = vocabFromMeta((meta as unknown as { vocab: string[] }).vocab, meta.subword);
    const pieces = pieceTokens(tokenize(text).tokens, vocab);
    assert.deepEqual(pieces.map((x) => x.text), tr.tokens);
    for (const x of pieces) assert.equal(text.slice(x.start, x.end), x.text.replace(/@@$/, ''), `piece "${x.text}" at its offsets`);
    const e = cli('eval', '--model', out, '--data', 'builtin:grammar');
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /perplexity \d/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

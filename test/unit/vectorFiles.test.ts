/**
 * Vector files: each format read and written (round trips give the same
 * vectors), every malformed case refused with file:line and a reason, and a
 * seeded fuzz test of mutated files that may only end in a clean refusal.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { detectFormat, loadVectorFile, parseVectors, toProjectorTsv, toWord2VecBinary, toWord2VecText, VectorFileError } from '../../src/core/word2vec/parse';
import { WordVectors } from '../../src/core/word2vec/vectors';

const rng = new Rng(7);
const words = ['king', 'queen', 'l\'école', '한국어', 'x-ray'];
const dim = 6;
const sample = new WordVectors(words, Float32Array.from(rng.uniformArray(words.length * dim, -3, 3)), dim);
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function sameVectors(a: WordVectors, b: WordVectors): void {
  assert.deepEqual([...a.words], [...b.words]);
  assert.equal(a.dim, b.dim);
  assert.deepEqual(Array.from(a.vectors), Array.from(b.vectors));
}

test('round trips: word2vec text and binary, Embedding Projector TSV with metadata', () => {
  sameVectors(parseVectors(enc(toWord2VecText(sample)), 'v.txt'), sample);
  sameVectors(parseVectors(new Uint8Array(toWord2VecBinary(sample)), 'v.bin'), sample);
  const tsv = toProjectorTsv(sample);
  sameVectors(parseVectors(enc(tsv.vectors), 'vectors.tsv', { metadata: enc(tsv.metadata) }), sample);
});

test('GloVe (no header), CRLF, a byte-order mark, and number forms parse exactly as parseFloat + fround', () => {
  const v = parseVectors(enc('\uFEFFthe 0.5 -1e-3 +2\r\ncat 1.25E2 .5 -0\r\n'), 'glove.txt');
  assert.deepEqual([...v.words], ['the', 'cat']);
  assert.deepEqual(Array.from(v.vectors), [0.5, Math.fround(-1e-3), 2, 125, 0.5, -0]);
  const nums = ['0.123456789', '-7.0001e-20', '3.4028234e38', '1e-45', '123456789012345678901234', '0.30000000000000004'];
  const w = parseVectors(enc(`1 ${nums.length}\nw ${nums.join(' ')}\n`), 'n.txt');
  assert.deepEqual(Array.from(w.vectors), nums.map((n) => Math.fround(parseFloat(n))));
});

test('format detection', () => {
  assert.equal(detectFormat(enc('2 3\na 1 2 3\n'), 'v.txt'), 'word2vec-text');
  assert.equal(detectFormat(new Uint8Array(toWord2VecBinary(sample)), 'v.bin'), 'word2vec-binary');
  assert.equal(detectFormat(enc('a 1 2 3\n'), 'glove.txt'), 'glove');
  assert.equal(detectFormat(enc('1\t2\n'), 'x.tsv'), 'tsv');
});

const refusals: Array<[string, string | Uint8Array, RegExp]> = [
  ['empty', '', /v: the file is empty/],
  ['wrong count', '3 2\na 1 2\nb 3 4\n', /v:4: the header promises 3 vectors, the file ends after 2/],
  ['row of the wrong dimension', '2 3\na 1 2 3\nb 4 5\n', /v:3: expected 3 numbers after "b", found 2/],
  ['too many numbers', '1 2\na 1 2 3\n', /v:2: unexpected "3" at the end of a line/],
  ['a non-number', '1 2\na 1 x\n', /v:2: "x" is not a number/],
  ['NaN', '1 2\na 1 NaN\n', /v:2: "NaN" is not a number/],
  ['infinity', '1 2\na 1 1e39\n', /v:2: "1e39" is out of the float32 range/],
  ['trailing letters', '1 2\na 1 2.5q\n', /v:2: "2\.5q" is not a finite number/],
  ['2,000,000,000 dimensions', '1 2000000000\na 1\n', /v:1: the header claims 2,000,000,000 dimensions; at most 100,000 are read/],
  ['a count the file cannot hold', '99999999 50\na 1\n', /v:1: the header claims 99,999,999 vectors of 50 dimensions, more than the file's \d+ bytes could hold/],
  ['more lines than promised', '1 1\na 1\nb 2\n', /v:3: more lines than the 1 vectors the header promises/],
  ['GloVe row too short', 'a 1 2 3\nb 1 2\n', /v:2: expected 3 numbers after "b" \(as on line 1\), found 2/],
];
for (const [name, content, pattern] of refusals) {
  test(`refused: ${name}`, () => {
    assert.throws(() => parseVectors(typeof content === 'string' ? enc(content) : content, 'v'), (e: Error) => e instanceof VectorFileError && pattern.test(e.message));
  });
}

test('refused: truncated binary, binary NaN, metadata of the wrong length', () => {
  const bin = new Uint8Array(toWord2VecBinary(sample));
  assert.throws(() => parseVectors(bin.subarray(0, bin.length - 10), 'v.bin'), /v\.bin:\d+: vector 5 \("x-ray"\) is cut short: the file is truncated/);
  const nan = Buffer.from(bin);
  nan.writeFloatLE(NaN, Buffer.from(`${words.length} ${dim}\nking `).length);
  assert.throws(() => parseVectors(new Uint8Array(nan), 'v.bin'), /vector 1 \("king"\) holds NaN at dimension 1/);
  const tsv = toProjectorTsv(sample);
  assert.throws(() => parseVectors(enc(tsv.vectors), 'vectors.tsv', { metadata: enc('a\nb\n'), metadataFile: 'meta.tsv' }), /meta\.tsv: 2 labels for 5 vectors/);
});

test('fuzz: 3,000 seeded mutations of valid files end in a vector table or a clean refusal', () => {
  const fuzz = new Rng(12345);
  const seeds = [enc(toWord2VecText(sample)), new Uint8Array(toWord2VecBinary(sample)), enc('the 0.5 1 2\ncat 1 2 3\n'), enc(toProjectorTsv(sample).vectors)];
  const names = ['v.txt', 'v.bin', 'g.txt', 'v.tsv'];
  const t0 = Date.now();
  let refused = 0;
  for (let n = 0; n < 3000 && Date.now() - t0 < 20_000; n++) {
    const k = fuzz.int(seeds.length);
    const bytes = Uint8Array.from(seeds[k]);
    const edits = 1 + fuzz.int(4);
    let cut = bytes.length;
    for (let e = 0; e < edits; e++) {
      const op = fuzz.int(4);
      const at = fuzz.int(bytes.length);
      if (op === 0) bytes[at] = fuzz.int(256);
      else if (op === 1) bytes[at] = [0x20, 0x0a, 0x09, 0x2e, 0x2d, 0x65, 0x30][fuzz.int(7)];
      else if (op === 2) cut = Math.min(cut, at);
      else bytes[at] = 0x39;
    }
    try {
      const v = parseVectors(bytes.subarray(0, cut), names[k]);
      assert.ok(v.vectors.every(Number.isFinite), 'only finite numbers are accepted');
      assert.equal(v.vectors.length, v.size * v.dim);
    } catch (e) {
      if (!(e instanceof VectorFileError)) throw new Error(`mutation ${n} of ${names[k]} threw ${e instanceof Error ? e.stack : e}`);
      assert.match(e.message, /^v\.(txt|bin|tsv)(:\d+)?: |^g\.txt(:\d+)?: /);
      refused++;
    }
  }
  assert.ok(refused > 100, `${refused} refusals`);
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-vectors-'));

/** parseVectors's outcome (vectors or the refusal's message), for comparing with the streaming reader. */
function outcome(f: () => WordVectors): string {
  try {
    const v = f();
    return JSON.stringify([v.words, v.dim, Array.from(v.vectors)]);
  } catch (e) {
    if (!(e instanceof VectorFileError)) throw e;
    return `refused: ${e.message}`;
  }
}

test('streaming from disk (loadVectorFile) through windows of 16 bytes to 8 MB reads what parseVectors reads, in every format', () => {
  const big = new WordVectors(
    Array.from({ length: 300 }, (_, i) => `${'w'.repeat(1 + (i % 40))}${i}-한`),
    Float32Array.from(rng.uniformArray(300 * 9, -5, 5)),
    9,
  );
  const tsv = toProjectorTsv(big);
  const files: Array<[string, Uint8Array, Parameters<typeof loadVectorFile>[1]]> = [
    ['big.txt', enc(toWord2VecText(big)), {}],
    ['big.bin', new Uint8Array(toWord2VecBinary(big)), {}],
    ['glove.txt', enc(toWord2VecText(big).split('\n').slice(1).join('\r\n\n')), {}],
    ['big.tsv', enc(tsv.vectors), { metadata: enc(tsv.metadata), metadataFile: 'meta.tsv' }],
  ];
  for (const [name, bytes, options] of files) {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, bytes);
    const expected = outcome(() => parseVectors(bytes, file, options));
    assert.doesNotMatch(expected, /^refused/, `${name} parses`);
    for (const windowBytes of [16, 37, 64, 1000, 4096, undefined]) {
      assert.equal(outcome(() => loadVectorFile(file, { ...options, windowBytes })), expected, `${name}, window ${windowBytes ?? 'default'}`);
    }
  }
});

test('streaming refusals name the same file, line and problem as parsing in memory', () => {
  for (const [name, content] of refusals) {
    const bytes = typeof content === 'string' ? enc(content) : content;
    const file = path.join(tmp, 'v');
    fs.writeFileSync(file, bytes);
    for (const windowBytes of [8, 64, undefined]) assert.equal(outcome(() => loadVectorFile(file, { windowBytes })), outcome(() => parseVectors(bytes, file)), `${name}, window ${windowBytes}`);
  }
  assert.throws(() => loadVectorFile(path.join(tmp, 'missing.bin')), /missing\.bin: no such file/);
  assert.throws(() => loadVectorFile(tmp), /is a folder, not a file/);
});

test('fuzz: 600 seeded mutations streamed through a 32-byte window end as parsing in memory ends', () => {
  const fuzz = new Rng(777);
  const seeds = [enc(toWord2VecText(sample)), new Uint8Array(toWord2VecBinary(sample)), enc('the 0.5 1 2\ncat 1 2 3\n'), enc(toProjectorTsv(sample).vectors)];
  const names = ['v.txt', 'v.bin', 'g.txt', 'v.tsv'];
  for (let n = 0; n < 600; n++) {
    const k = fuzz.int(seeds.length);
    const bytes = Uint8Array.from(seeds[k]);
    for (let e = 0, edits = 1 + fuzz.int(3); e < edits; e++) bytes[fuzz.int(bytes.length)] = [0x20, 0x0a, 0x09, 0x2e, 0x2d, 0x39, fuzz.int(256)][fuzz.int(7)];
    const cut = bytes.subarray(0, fuzz.next() < 0.3 ? fuzz.int(bytes.length) + 1 : bytes.length);
    const file = path.join(tmp, names[k]);
    fs.writeFileSync(file, cut);
    assert.equal(outcome(() => loadVectorFile(file, { windowBytes: 32 })), outcome(() => parseVectors(cut, file)), `mutation ${n} of ${names[k]}`);
  }
});

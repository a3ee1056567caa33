/**
 * Reading text files in the encodings users have: UTF-8 (with and without BOM),
 * UTF-16 LE/BE (with BOM, and LE/BE without), Windows-1252 decoded, legacy
 * East Asian encodings and binary data refused with a message that says why.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { decodeText, readTextFile, TextFileError } from '../../src/core/data/textFile';
import { insideFolders, isInside } from '../../src/core/paths';

const SAMPLE = 'Café au lait\tA coffee with milk — 5 €\n한국어 문장입니다.\n';

function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  if (bigEndian) le.swap16();
  return Uint8Array.from([...(bom ? (bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]) : []), ...le]);
}

test('UTF-8, UTF-8 with BOM, UTF-16 LE and BE with and without BOM all read back the same text', () => {
  const cases: Array<[Uint8Array, string]> = [
    [Buffer.from(SAMPLE, 'utf8'), 'utf-8'],
    [Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from(SAMPLE, 'utf8')]), 'utf-8 with BOM'],
    [utf16(SAMPLE, false, true), 'utf-16le'],
    [utf16(SAMPLE, true, true), 'utf-16be'],
    [utf16('plain ASCII text in UTF-16\n', false, false), 'utf-16le'],
    [utf16('plain ASCII text in UTF-16\n', true, false), 'utf-16be'],
  ];
  for (const [bytes, encoding] of cases) {
    const d = decodeText(bytes, 'f.txt');
    assert.equal(d.encoding, encoding);
    assert.equal(d.text, encoding.startsWith('utf-16') && !bytes.slice(0, 2).some((b) => b === 0xff || b === 0xfe) ? 'plain ASCII text in UTF-16\n' : SAMPLE);
  }
});

test('Windows-1252 is detected and decoded: é, €, curly quotes', () => {
  // "Café — 5 €, “quoted”" in Windows-1252: é E9, — 97, € 80, “ 93, ” 94
  const bytes = Uint8Array.from([...Buffer.from('Caf'), 0xe9, 0x20, 0x97, 0x20, ...Buffer.from('5 '), 0x80, 0x2c, 0x20, 0x93, ...Buffer.from('quoted'), 0x94, 0x0a]);
  const d = decodeText(bytes, 'old.txt');
  assert.equal(d.encoding, 'windows-1252');
  assert.equal(d.text, 'Café — 5 €, “quoted”\n');
});

test('EUC-KR text is refused, naming the problem; so is binary data, and a BOM over invalid UTF-8', () => {
  // "한국어 문장" in EUC-KR
  const euckr = Uint8Array.from([0xc7, 0xd1, 0xb1, 0xb9, 0xbe, 0xee, 0x20, 0xb9, 0xae, 0xc0, 0xe5, 0x0a, 0xc7, 0xd1, 0xb1, 0xb9]);
  assert.throws(() => decodeText(euckr, 'ko.txt'), (e: Error) => e instanceof TextFileError && /^ko\.txt: .*not UTF-8 or UTF-16.*EUC-KR.*save it as UTF-8/.test(e.message));
  const binary = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256);
  assert.throws(() => decodeText(binary, 'x.bin'), /x\.bin: this looks like a binary file, not text/);
  // 16-bit samples of a quiet sound: every other byte 0x00 or 0xff, like UTF-16 text's zeros
  const pcm = Buffer.alloc(8000);
  for (let i = 0; i < 4000; i++) pcm.writeInt16LE(Math.round(40 * Math.sin(i / 3)), 2 * i);
  assert.throws(() => decodeText(pcm, 'quiet.raw'), /quiet\.raw: this looks like a binary file, not text/);
  assert.throws(() => decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0xff, 0x41]), 'b.txt'), /b\.txt: the file starts with a UTF-8 byte-order mark but is not valid UTF-8/);
});

test('empty files read as empty text; missing files, folders and files over the size limit are refused by name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-text-'));
  const empty = path.join(dir, 'empty.txt');
  fs.writeFileSync(empty, '');
  assert.deepEqual(readTextFile(empty), { text: '', encoding: 'utf-8' });
  assert.throws(() => readTextFile(path.join(dir, 'nope.txt')), /nope\.txt: no such file/);
  assert.throws(() => readTextFile(dir), /is a folder, not a file/);
  const big = path.join(dir, 'big.txt');
  fs.writeFileSync(big, 'x'.repeat(3 * 1048576));
  assert.throws(() => readTextFile(big, 1048576), /big\.txt: 3 MB is more than the 1 MB this reads/);
  fs.rmSync(dir, { recursive: true });
});

test('insideFolders (Workspace Trust asks only for files in the workspace)', () => {
  const ws = path.join(os.tmpdir(), 'ws');
  assert.equal(insideFolders(path.join(ws, 'models', 'model.json'), [ws]), true);
  assert.equal(insideFolders(ws, [ws]), true);
  assert.equal(insideFolders(path.join(os.tmpdir(), 'ws2', 'model.json'), [ws]), false);
  assert.equal(insideFolders(path.join(ws, '..', 'elsewhere', 'v.bin'), [ws]), false);
  assert.equal(insideFolders(path.join(ws, 'a'), []), false);
  assert.equal(insideFolders(path.join(ws, '..models', 'model.json'), [ws]), true, 'a folder named "..models" is inside');
  assert.equal(isInside(path.join(ws, 'm'), path.join(ws, 'm', '..', '..', 'etc', 'passwd')), false);
});

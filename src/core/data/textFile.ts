/**
 * Reading a user's text file (a corpus, sentence pairs, a vocabulary) whatever
 * its encoding: UTF-8 (with or without a byte-order mark) and UTF-16 (LE or BE,
 * with a BOM, or without one when the zero bytes give it away) are read;
 * Windows-1252, the usual encoding of older Western text files, is detected and
 * decoded (the result says so, for the user to see); a legacy East Asian
 * multi-byte or non-Western 8-bit encoding (EUC-KR, Shift_JIS, GBK,
 * Windows-1251…) cannot be told apart reliably and is refused with a message
 * that says so; binary data is refused.
 */
import * as fs from 'fs';

export type TextEncodingName = 'utf-8' | 'utf-8 with BOM' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export class TextFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TextFileError';
  }
}

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

/** Bytes 0x80–0x9F that Windows-1252 leaves undefined. */
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined;
  const n = Math.min(bytes.length, 4096) & ~1;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  // Mostly-ASCII text in UTF-16 has a zero in every other byte.
  if (oddZeros > 0.4 * pairs && evenZeros < 0.05 * pairs) return 'utf-16le';
  if (evenZeros > 0.4 * pairs && oddZeros < 0.05 * pairs) return 'utf-16be';
  return undefined;
}

/** Control characters other than tab, newline, carriage return, form feed: a sign of binary data. */
function controlFraction(bytes: Uint8Array): number {
  const n = Math.min(bytes.length, 65536);
  let c = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) c++;
  }
  return n ? c / n : 0;
}

/** Decodes a text file's bytes; `name` is used in messages. */
export function decodeText(bytes: Uint8Array, name: string): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: strictUtf8(bytes.subarray(3), name), encoding: 'utf-8 with BOM' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) {
    // 16-bit binary data (audio samples, int16 arrays) has the same zero bytes: check the decoded text too.
    const text = new TextDecoder(utf16).decode(bytes);
    let control = 0;
    const n = Math.min(text.length, 32768);
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) control++;
    }
    if (n && control / n > 0.01) throw new TextFileError(`${name}: this looks like a binary file, not text`);
    return { text, encoding: utf16 };
  }
  if (controlFraction(bytes) > 0.01) throw new TextFileError(`${name}: this looks like a binary file, not text`);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: a legacy 8-bit or multi-byte encoding.
  }
  let high = 0;
  let inRuns = 0;
  let undefined1252 = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    high++;
    if (UNDEFINED_1252.has(bytes[i])) undefined1252++;
    if ((i > 0 && bytes[i - 1] >= 0x80) || (i + 1 < bytes.length && bytes[i + 1] >= 0x80)) inRuns++;
  }
  // Western text in Windows-1252 has accented letters among ASCII ones; East Asian
  // legacy encodings write every character as two (or more) high bytes.
  if (undefined1252 > 0 || (high >= 8 && inRuns > 0.6 * high)) {
    throw new TextFileError(`${name}: the text is not UTF-8 or UTF-16 but a legacy multi-byte or non-Western encoding (such as EUC-KR, Shift_JIS, GBK or Windows-1251), which cannot be told apart reliably; save it as UTF-8 and try again`);
  }
  return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
}

/** Windows-1252's characters for bytes 0x80–0x9F (the rest are Latin-1); undefined ones stay as their code points. */
const CP1252_80 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Decoded by hand: Node's TextDecoder treats the label as Latin-1 in builds without full ICU. */
function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const end = Math.min(bytes.length, i + CHUNK);
    let chunk = '';
    for (let k = i; k < end; k++) {
      const b = bytes[k];
      chunk += b >= 0x80 && b < 0xa0 ? CP1252_80[b - 0x80] : String.fromCharCode(b);
    }
    parts.push(chunk);
  }
  return parts.join('');
}

function strictUtf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TextFileError(`${name}: the file starts with a UTF-8 byte-order mark but is not valid UTF-8`);
  }
}

/**
 * Reads and decodes a text file, refusing one larger than maxBytes before
 * reading it. Errors are TextFileErrors that name the file.
 */
export function readTextFile(file: string, maxBytes = 512 * 1024 * 1024): DecodedText {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new TextFileError(`${file}: is a folder, not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof TextFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TextFileError(`${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (size > maxBytes) throw new TextFileError(`${file}: ${(size / 1048576).toFixed(0)} MB is more than the ${(maxBytes / 1048576).toFixed(0)} MB this reads`);
  return decodeText(fs.readFileSync(file), file);
}

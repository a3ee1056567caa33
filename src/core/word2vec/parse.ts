/**
 * Word-vector files, read at the byte level: word2vec text and binary, GloVe
 * text (no header), and the Embedding Projector's TSV (vectors, plus an
 * optional metadata TSV). One pass over a Buffer, floats parsed from their
 * digits, one Float32Array allocated from the header or a line count: a
 * split/parseFloat reader is 3x slower and holds several copies of the file.
 *
 * Every refusal names the file, the line and the problem, and nothing is
 * allocated beyond what the file could hold.
 */
import { WordVectors } from './vectors';

export type VectorFormat = 'word2vec-text' | 'word2vec-binary' | 'glove' | 'tsv';

export class VectorFileError extends Error {
  override readonly name = 'VectorFileError';
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Reads lines and numbers from a byte buffer, tracking the line number for errors. */
class Cursor {
  pos = 0;
  line = 1;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {}

  fail(message: string): never {
    throw new VectorFileError(`${this.file}:${this.line}: ${message}`);
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Skips spaces and tabs (not newlines). */
  skipBlanks(): void {
    const b = this.bytes;
    while (this.pos < b.length && (b[this.pos] === SPACE || b[this.pos] === TAB || b[this.pos] === CR)) this.pos++;
  }

  /** Consumes the end of a line (and blank lines after it); false at the end of the file. */
  endLine(): boolean {
    this.skipBlanks();
    const b = this.bytes;
    if (this.pos >= b.length) return false;
    if (b[this.pos] !== LF) this.fail(`unexpected "${this.preview()}" at the end of a line (too many numbers?)`);
    while (this.pos < b.length && (b[this.pos] === LF || b[this.pos] === CR || b[this.pos] === SPACE || b[this.pos] === TAB)) {
      if (b[this.pos] === LF) this.line++;
      this.pos++;
    }
    return this.pos < b.length;
  }

  atLineEnd(): boolean {
    this.skipBlanks();
    return this.pos >= this.bytes.length || this.bytes[this.pos] === LF;
  }

  /** A field up to the next space, tab or newline (the word), decoded as UTF-8. */
  word(separator: 'space' | 'tab'): string {
    const b = this.bytes;
    const start = this.pos;
    if (separator === 'tab') while (this.pos < b.length && b[this.pos] !== TAB && b[this.pos] !== LF && b[this.pos] !== CR) this.pos++;
    else while (this.pos < b.length && b[this.pos] !== SPACE && b[this.pos] !== TAB && b[this.pos] !== LF && b[this.pos] !== CR) this.pos++;
    if (this.pos === start) this.fail('expected a word');
    return Buffer.from(b.buffer, b.byteOffset + start, this.pos - start).toString('utf8');
  }

  preview(): string {
    const end = Math.min(this.bytes.length, this.pos + 12);
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, end - this.pos).toString('latin1').replace(/\s.*$/s, '');
  }

  /**
   * A finite number; exact float32 for the usual forms, parseFloat for the rest.
   * With `row` (the row's word, this is number k of dim), a line that ends early is refused.
   */
  number(row?: string, k = 0, dim = 0, note = ''): number {
    const b = this.bytes;
    let i = this.pos;
    while (i < b.length && (b[i] === SPACE || b[i] === TAB || b[i] === CR)) i++;
    if (row !== undefined && (i >= b.length || b[i] === LF)) {
      this.pos = i;
      this.fail(`expected ${dim} numbers after "${row}"${note}, found ${k}`);
    }
    this.pos = i;
    const start = i;
    let neg = false;
    if (b[i] === 0x2d || b[i] === 0x2b) {
      neg = b[i] === 0x2d;
      i++;
    }
    let mant = 0;
    let digits = 0;
    let exp = 0;
    while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) {
      if (digits < 17) mant = mant * 10 + (b[i] - 0x30);
      else exp++;
      digits++;
      i++;
    }
    if (b[i] === 0x2e) {
      i++;
      while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) {
        if (digits < 17) {
          mant = mant * 10 + (b[i] - 0x30);
          exp--;
        }
        digits++;
        i++;
      }
    }
    if (digits === 0) this.fail(`"${this.preview()}" is not a number`);
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      let eneg = false;
      if (b[i] === 0x2d || b[i] === 0x2b) {
        eneg = b[i] === 0x2d;
        i++;
      }
      let e = 0;
      let ed = 0;
      while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) {
        if (e < 100000) e = e * 10 + (b[i] - 0x30);
        ed++;
        i++;
      }
      if (ed === 0) this.fail(`"${this.preview()}" is not a number`);
      exp += eneg ? -e : e;
    }
    // The number must end at a separator: "1.5x" or "NaN" are refused.
    if (i < b.length && b[i] !== SPACE && b[i] !== TAB && b[i] !== LF && b[i] !== CR) this.fail(`"${this.preview()}" is not a finite number`);
    this.pos = i;
    let v: number;
    // Clinger's fast path: an exact integer mantissa and a power of ten both exact in a double,
    // so the quotient is the correctly rounded double, as parseFloat's is.
    if (mant < 2 ** 53 && digits <= 17 && exp >= -22 && exp <= 22) v = Math.fround((neg ? -1 : 1) * (exp < 0 ? mant / POW10[-exp] : mant * POW10[exp]));
    else v = Math.fround(parseFloat(Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('latin1'))); // the text has its sign
    if (!Number.isFinite(v)) this.fail(`"${Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('latin1')}" is out of the float32 range`);
    return v;
  }

  /** A positive integer (header fields). */
  integer(what: string): number {
    this.skipBlanks();
    const b = this.bytes;
    let n = 0;
    let d = 0;
    while (this.pos < b.length && b[this.pos] >= 0x30 && b[this.pos] <= 0x39) {
      n = n * 10 + (b[this.pos] - 0x30);
      d++;
      this.pos++;
      if (n > Number.MAX_SAFE_INTEGER / 10) this.fail(`the ${what} in the header is too large`);
    }
    if (d === 0 || n === 0) this.fail(`expected a header "<count> <dimensions>"; the ${what} is ${d === 0 ? 'missing' : '0'}`);
    return n;
  }
}

/**
 * The hot path: `dim` plain decimals ("-0.123456", "1e-3") separated by spaces or tabs,
 * written into out[offset…]. Returns the position after the last one, or −1 at anything
 * else (the caller then re-reads the row slowly, to say exactly what is wrong).
 */
function fastRow(b: Uint8Array, pos: number, out: Float32Array, offset: number, dim: number): number {
  const n = b.length;
  for (let k = 0; k < dim; k++) {
    let c = b[pos];
    while (c === SPACE || c === TAB) c = b[++pos];
    let neg = false;
    if (c === 0x2d) {
      neg = true;
      c = b[++pos];
    }
    let mant = 0;
    let digits = 0;
    let exp = 0;
    while (c >= 0x30 && c <= 0x39) {
      mant = mant * 10 + (c - 0x30);
      digits++;
      c = b[++pos];
    }
    if (c === 0x2e) {
      c = b[++pos];
      while (c >= 0x30 && c <= 0x39) {
        mant = mant * 10 + (c - 0x30);
        digits++;
        exp--;
        c = b[++pos];
      }
    }
    if (digits === 0 || digits > 15) return -1;
    if (c === 0x65 || c === 0x45) {
      c = b[++pos];
      let eneg = false;
      if (c === 0x2d || c === 0x2b) {
        eneg = c === 0x2d;
        c = b[++pos];
      }
      let e = 0;
      let ed = 0;
      while (c >= 0x30 && c <= 0x39 && ed < 3) {
        e = e * 10 + (c - 0x30);
        ed++;
        c = b[++pos];
      }
      if (ed === 0) return -1;
      exp += eneg ? -e : e;
    }
    if (pos < n && c !== SPACE && c !== TAB && c !== LF && c !== CR) return -1;
    if (exp < -22 || exp > 22) return -1;
    const v = Math.fround(exp < 0 ? mant / POW10[-exp] : mant * POW10[exp]);
    if (v === Infinity) return -1;
    out[offset + k] = neg ? -v : v;
  }
  return pos;
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  let last = LF;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === LF && last !== LF) n++;
    last = bytes[i];
  }
  return last === LF ? n : n + 1;
}

/** Refuses a header that promises more than the file holds, before allocating for it. */
function checkSize(cur: Cursor, count: number, dim: number, bytesPerVector: number): void {
  if (dim > 100_000) cur.fail(`the header claims ${dim.toLocaleString('en')} dimensions; at most 100,000 are read`);
  const need = count * bytesPerVector - 1; // the last vector may end without its separator
  if (need > cur.bytes.length) cur.fail(`the header claims ${count.toLocaleString('en')} vectors of ${dim.toLocaleString('en')} dimensions, more than the file's ${cur.bytes.length.toLocaleString('en')} bytes could hold`);
}

/** Guesses the format from the first bytes (and the file name for TSV). */
export function detectFormat(bytes: Uint8Array, file: string): VectorFormat {
  if (/\.tsv$/i.test(file)) return 'tsv';
  const firstLine = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1').split('\n')[0];
  if (/^\s*\d+\s+\d+\s*$/.test(firstLine)) {
    // A word2vec header; binary when the rest is not text.
    const sample = bytes.subarray(firstLine.length + 1, Math.min(bytes.length, firstLine.length + 1 + 4096));
    let odd = 0;
    for (const c of sample) if (c < 9 || (c > 13 && c < 32) || c === 127) odd++;
    return odd > sample.length * 0.02 ? 'word2vec-binary' : 'word2vec-text';
  }
  return 'glove';
}

export interface ParseOptions {
  format?: VectorFormat;
  /** The Embedding Projector's metadata TSV (words, or a header row and columns of which the first is the word). */
  metadata?: Uint8Array;
  metadataFile?: string;
}

export function parseVectors(bytes: Uint8Array, file: string, options: ParseOptions = {}): WordVectors {
  if (bytes.length === 0) throw new VectorFileError(`${file}: the file is empty`);
  // A UTF-8 byte-order mark is skipped.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const format = options.format ?? detectFormat(body, file);
  switch (format) {
    case 'word2vec-text':
      return parseWord2VecText(new Cursor(body, file));
    case 'word2vec-binary':
      return parseWord2VecBinary(new Cursor(body, file));
    case 'glove':
      return parseGlove(new Cursor(body, file));
    case 'tsv':
      return parseTsv(new Cursor(body, file), options.metadata, options.metadataFile ?? 'metadata.tsv');
  }
}

function parseWord2VecText(cur: Cursor): WordVectors {
  const count = cur.integer('count');
  const dim = cur.integer('dimension');
  checkSize(cur, count, dim, dim * 2 + 1); // at least a 1-byte word and "0 " per number
  if (!cur.endLine()) cur.fail(`the header promises ${count} vectors, the file has none`);
  const words: string[] = [];
  const data = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    words.push(cur.word('space'));
    const base = r * dim;
    const word = words[r];
    const end = fastRow(cur.bytes, cur.pos, data, base, dim);
    if (end >= 0) cur.pos = end;
    else for (let k = 0; k < dim; k++) data[base + k] = cur.number(word, k, dim);
    const more = cur.endLine();
    if (!more && r < count - 1) cur.fail(`the header promises ${count} vectors, the file ends after ${r + 1}`);
  }
  if (!cur.done) cur.fail(`more lines than the ${count} vectors the header promises`);
  return new WordVectors(words, data, dim);
}

function parseWord2VecBinary(cur: Cursor): WordVectors {
  const count = cur.integer('count');
  const dim = cur.integer('dimension');
  checkSize(cur, count, dim, dim * 4 + 2);
  cur.skipBlanks();
  if (cur.bytes[cur.pos] !== LF) cur.fail('expected the end of the header line');
  cur.pos++;
  cur.line++;
  const words: string[] = [];
  const data = new Float32Array(count * dim);
  const dataBytes = new Uint8Array(data.buffer);
  const b = cur.bytes;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length); // for indexOf and ranged UTF-8 decoding
  for (let r = 0; r < count; r++) {
    let pos = cur.pos;
    while (pos < b.length && (b[pos] === LF || b[pos] === SPACE)) pos++;
    cur.pos = pos;
    if (cur.done) cur.fail(`the header promises ${count} vectors, the file ends after ${r} (truncated?)`);
    const space = buf.indexOf(SPACE, pos);
    if (space < 0 || space - pos > 1000) cur.fail(`vector ${r + 1}: no word ends within 1,000 bytes (not a word2vec binary file?)`);
    words.push(buf.toString('utf8', pos, space));
    cur.pos = space + 1; // after the space
    if (cur.pos + dim * 4 > b.length) cur.fail(`vector ${r + 1} ("${words[r]}") is cut short: the file is truncated`);
    // Little-endian float32s: a byte copy into the (aligned) matrix, then a finiteness check.
    if (LITTLE_ENDIAN) dataBytes.set(b.subarray(cur.pos, cur.pos + dim * 4), r * dim * 4);
    else {
      const view = new DataView(b.buffer, b.byteOffset + cur.pos, dim * 4);
      for (let k = 0; k < dim; k++) data[r * dim + k] = view.getFloat32(k * 4, true);
    }
    for (let k = r * dim; k < (r + 1) * dim; k++) {
      const v = data[k];
      if (v - v !== 0) cur.fail(`vector ${r + 1} ("${words[r]}") holds ${v} at dimension ${k - r * dim + 1}`); // NaN or ±Infinity
    }
    cur.pos += dim * 4;
  }
  return new WordVectors(words, data, dim);
}

function parseGlove(cur: Cursor): WordVectors {
  // The dimension is the first line's number count; the rows, the line count.
  const first = new Cursor(cur.bytes, cur.file);
  first.word('space');
  let dim = 0;
  while (!first.atLineEnd()) {
    first.number();
    dim++;
  }
  if (dim === 0) cur.fail('expected "word v1 v2 …" (GloVe) or a header "<count> <dimensions>" (word2vec)');
  // Each row needs at least 2 bytes per number: never allocate more rows than the file could hold.
  const count = Math.min(countLines(cur.bytes), Math.floor(cur.bytes.length / (2 * dim)) + 1);
  const words: string[] = [];
  const data = new Float32Array(count * dim);
  for (;;) {
    const r = words.length;
    if (r >= count) cur.fail(`more rows than the file can hold at ${dim} numbers each`);
    words.push(cur.word('space'));
    const base = r * dim;
    const word = words[r];
    const end = fastRow(cur.bytes, cur.pos, data, base, dim);
    if (end >= 0) cur.pos = end;
    else for (let k = 0; k < dim; k++) data[base + k] = cur.number(word, k, dim, ' (as on line 1)');
    if (!cur.endLine()) break;
  }
  return new WordVectors(words, data.subarray(0, words.length * dim), dim);
}

function parseTsv(cur: Cursor, metadata: Uint8Array | undefined, metadataFile: string): WordVectors {
  const rows = countLines(cur.bytes);
  let dim = 0;
  let data = new Float32Array(0);
  let r = 0;
  for (;;) {
    let k = 0;
    const row: number[] = [];
    while (!cur.atLineEnd()) {
      row.push(cur.number());
      k++;
    }
    if (r === 0) {
      dim = k;
      if (dim === 0) cur.fail('expected tab-separated numbers');
      data = new Float32Array(Math.min(rows, Math.floor(cur.bytes.length / (2 * dim)) + 1) * dim);
    } else if (k !== dim) cur.fail(`expected ${dim} numbers (as on line 1), found ${k}`);
    data.set(row, r * dim);
    r++;
    if (!cur.endLine()) break;
  }
  let words: string[];
  if (metadata) {
    const lines = Buffer.from(metadata).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    // A header row exists when there are several columns (the projector's convention).
    const header = lines.length > 0 && lines[0].includes('\t');
    words = (header ? lines.slice(1) : lines).map((l) => l.split('\t')[0]);
    if (words.length !== r) throw new VectorFileError(`${metadataFile}: ${words.length} labels for ${r} vectors`);
  } else {
    words = Array.from({ length: r }, (_, i) => String(i));
  }
  return new WordVectors(words, data.subarray(0, r * dim), dim);
}

/** word2vec text: a header, then "word v1 … vd" per line. */
export function toWord2VecText(v: WordVectors): string {
  const lines = [`${v.size} ${v.dim}`];
  for (let i = 0; i < v.size; i++) lines.push(`${v.words[i]} ${Array.from(v.vectors.subarray(i * v.dim, (i + 1) * v.dim), (x) => String(x)).join(' ')}`);
  return lines.join('\n') + '\n';
}

/** word2vec binary: a text header, then per word "word " and dim little-endian float32s, and a newline. */
export function toWord2VecBinary(v: WordVectors): Buffer {
  const parts: Buffer[] = [Buffer.from(`${v.size} ${v.dim}\n`)];
  for (let i = 0; i < v.size; i++) {
    const vec = Buffer.alloc(v.dim * 4);
    for (let k = 0; k < v.dim; k++) vec.writeFloatLE(v.vectors[i * v.dim + k], k * 4);
    parts.push(Buffer.from(`${v.words[i]} `), vec, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** The Embedding Projector's two files: vectors.tsv and metadata.tsv (one word per line, no header). */
export function toProjectorTsv(v: WordVectors): { vectors: string; metadata: string } {
  const rows: string[] = [];
  for (let i = 0; i < v.size; i++) rows.push(Array.from(v.vectors.subarray(i * v.dim, (i + 1) * v.dim), (x) => String(x)).join('\t'));
  return { vectors: rows.join('\n') + '\n', metadata: v.words.join('\n') + '\n' };
}

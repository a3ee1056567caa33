/**
 * Word-vector files, read at the byte level: word2vec text and binary, GloVe
 * text (no header), and the Embedding Projector's TSV (vectors, plus an
 * optional metadata TSV). Floats parsed from their digits, one Float32Array
 * allocated from the header or a line count: a split/parseFloat reader is 3x
 * slower and holds several copies of the file.
 *
 * loadVectorFile streams the file through an 8 MB window (grown only for a
 * longer line), so reading holds the matrix plus the window, not the file
 * too; parseVectors reads bytes already in memory. Both run the same parsers.
 *
 * Every refusal names the file, the line and the problem, and nothing is
 * allocated beyond what the file could hold.
 */
import * as fs from 'fs';
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

/** A file read in chunks into one reusable window. */
class FileChunks {
  eof = false;
  private position: number;
  private buffer: Buffer;

  constructor(
    private readonly fd: number,
    start: number,
    chunk = 1024 * 1024,
  ) {
    this.position = start;
    this.buffer = Buffer.allocUnsafe(chunk);
  }

  /** The first window. */
  first(): Buffer {
    return this.fill(0);
  }

  /**
   * Keeps window[pos …] and reads more after it, so that at least `need` bytes
   * follow pos (unless the file ends first). Returns the new window, starting at the kept bytes.
   */
  refill(window: Buffer, pos: number, need: number): Buffer {
    const keep = window.length - pos;
    if (need > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.buffer.length));
      window.copy(bigger, 0, pos);
      this.buffer = bigger;
    } else {
      window.copy(this.buffer, 0, pos); // Buffer.copy handles the overlap (memmove)
    }
    return this.fill(keep);
  }

  private fill(filled: number): Buffer {
    while (filled < this.buffer.length && !this.eof) {
      const n = fs.readSync(this.fd, this.buffer, filled, this.buffer.length - filled, this.position);
      if (n === 0) this.eof = true;
      filled += n;
      this.position += n;
    }
    return this.buffer.subarray(0, filled);
  }
}

/**
 * Reads lines and numbers from a byte window, tracking the line number for
 * errors. With a FileChunks source the window slides over the file: a parser
 * asks for a whole line (ensureLine) or a number of bytes (ensure) before it
 * reads them.
 */
class Cursor {
  pos = 0;
  line = 1;
  bytes: Buffer;

  constructor(
    bytes: Uint8Array,
    readonly file: string,
    /** Bytes in the whole body (the window may hold less). */
    readonly size = bytes.length,
    private readonly source?: FileChunks,
  ) {
    this.bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  fail(message: string): never {
    throw new VectorFileError(`${this.file}:${this.line}: ${message}`);
  }

  /** Makes bytes[pos, pos + n) available, or all that is left; false when fewer remain. */
  ensure(n: number): boolean {
    if (this.pos + n <= this.bytes.length) return true;
    if (!this.source || this.source.eof) return false;
    this.bytes = this.source.refill(this.bytes, this.pos, n);
    this.pos = 0;
    return n <= this.bytes.length;
  }

  /** Makes the rest of the current line (through its newline) available, or the rest of the file. */
  ensureLine(): void {
    if (!this.source) return;
    while (this.bytes.indexOf(LF, this.pos) < 0 && !this.source.eof) this.ensure(this.bytes.length - this.pos + 64 * 1024);
  }

  get done(): boolean {
    return !this.ensure(1);
  }

  /** Skips spaces and tabs (not newlines). */
  skipBlanks(): void {
    const b = this.bytes;
    while (this.pos < b.length && (b[this.pos] === SPACE || b[this.pos] === TAB || b[this.pos] === CR)) this.pos++;
  }

  /** Consumes the end of a line (and blank lines after it); false at the end of the file. */
  endLine(): boolean {
    this.skipBlanks();
    if (!this.ensure(1)) return false;
    const b = this.bytes;
    if (b[this.pos] !== LF) this.fail(`unexpected "${this.preview()}" at the end of a line (too many numbers?)`);
    for (;;) {
      const w = this.bytes;
      while (this.pos < w.length && (w[this.pos] === LF || w[this.pos] === CR || w[this.pos] === SPACE || w[this.pos] === TAB)) {
        if (w[this.pos] === LF) this.line++;
        this.pos++;
      }
      if (this.pos < w.length) return true;
      if (!this.ensure(1)) return false; // the window ended inside blank lines: read on
    }
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
    return this.bytes.toString('utf8', start, this.pos); // no temporary view per word
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
  if (need > cur.size) cur.fail(`the header claims ${count.toLocaleString('en')} vectors of ${dim.toLocaleString('en')} dimensions, more than the file's ${cur.size.toLocaleString('en')} bytes could hold`);
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
  /** loadVectorFile's window in bytes (default 8 MB; tests make it tiny, to cross its end everywhere). */
  windowBytes?: number;
}

export function parseVectors(bytes: Uint8Array, file: string, options: ParseOptions = {}): WordVectors {
  if (bytes.length === 0) throw new VectorFileError(`${file}: the file is empty`);
  // A UTF-8 byte-order mark is skipped.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const format = options.format ?? detectFormat(body, file);
  return parseWith(format, new Cursor(body, file), () => countLines(body), options);
}

function parseWith(format: VectorFormat, cur: Cursor, lines: () => number, options: ParseOptions): WordVectors {
  switch (format) {
    case 'word2vec-text':
      return parseWord2VecText(cur);
    case 'word2vec-binary':
      return parseWord2VecBinary(cur);
    case 'glove':
      return parseGlove(cur, lines);
    case 'tsv':
      return parseTsv(cur, lines, options.metadata, options.metadataFile ?? 'metadata.tsv');
  }
}

/** Lines in a file, counted in chunks (GloVe and TSV files have no header to say how many rows). */
function countFileLines(fd: number, start: number, size: number): number {
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  let n = 0;
  let last = LF;
  for (let at = start; at < size; ) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
    if (got === 0) break;
    for (let i = buf.indexOf(LF, 0); i >= 0 && i < got; i = buf.indexOf(LF, i + 1)) if (i === 0 ? last !== LF : buf[i - 1] !== LF) n++;
    last = buf[got - 1];
    at += got;
  }
  return last === LF ? n : n + 1;
}

/**
 * Reads a vector file from disk, streaming: the matrix is allocated once from
 * the header (or a first pass that counts lines) and filled through a window
 * of the file, so memory holds the matrix and about 8 MB more.
 */
export function loadVectorFile(file: string, options: ParseOptions = {}): WordVectors {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VectorFileError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new VectorFileError(`${file}: is a folder, not a file`);
    const size = st.size;
    if (size === 0) throw new VectorFileError(`${file}: the file is empty`);
    const head = Buffer.alloc(Math.min(size, 4096 + 3));
    fs.readSync(fd, head, 0, head.length, 0);
    const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    const format = options.format ?? detectFormat(head.subarray(start), file);
    const chunks = new FileChunks(fd, start, options.windowBytes);
    const cur = new Cursor(chunks.first(), file, size - start, chunks);
    return parseWith(format, cur, () => countFileLines(fd, start, size), options);
  } finally {
    fs.closeSync(fd);
  }
}

function parseWord2VecText(cur: Cursor): WordVectors {
  cur.ensureLine(); // the header
  const count = cur.integer('count');
  const dim = cur.integer('dimension');
  checkSize(cur, count, dim, dim * 2 + 1); // at least a 1-byte word and "0 " per number
  if (!cur.endLine()) cur.fail(`the header promises ${count} vectors, the file has none`);
  const words: string[] = [];
  const data = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    cur.ensureLine();
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
  cur.ensureLine(); // the header
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
  const row = 1000 + 2 + dim * 4; // a word of at most 1,000 bytes, its space, the floats and a newline
  for (let r = 0; r < count; r++) {
    cur.ensure(row);
    let pos = cur.pos;
    while (pos < cur.bytes.length && (cur.bytes[pos] === LF || cur.bytes[pos] === SPACE)) pos++;
    cur.pos = pos;
    if (cur.done) cur.fail(`the header promises ${count} vectors, the file ends after ${r} (truncated?)`);
    cur.ensure(row); // the skip may have crossed the window's end
    pos = cur.pos;
    const b = cur.bytes; // a Buffer: indexOf and ranged UTF-8 decoding
    const buf = b;
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

function parseGlove(cur: Cursor, lines: () => number): WordVectors {
  // The dimension is the first line's number count; the rows, the line count.
  cur.ensureLine();
  const first = new Cursor(cur.bytes, cur.file);
  first.word('space');
  let dim = 0;
  while (!first.atLineEnd()) {
    first.number();
    dim++;
  }
  if (dim === 0) cur.fail('expected "word v1 v2 …" (GloVe) or a header "<count> <dimensions>" (word2vec)');
  // Each row needs at least 2 bytes per number: never allocate more rows than the file could hold.
  const count = Math.min(lines(), Math.floor(cur.size / (2 * dim)) + 1);
  const words: string[] = [];
  const data = new Float32Array(count * dim);
  for (;;) {
    const r = words.length;
    if (r >= count) cur.fail(`more rows than the file can hold at ${dim} numbers each`);
    cur.ensureLine();
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

function parseTsv(cur: Cursor, lines: () => number, metadata: Uint8Array | undefined, metadataFile: string): WordVectors {
  const rows = lines();
  let dim = 0;
  let data = new Float32Array(0);
  let r = 0;
  for (;;) {
    cur.ensureLine();
    let k = 0;
    const row: number[] = [];
    while (!cur.atLineEnd()) {
      row.push(cur.number());
      k++;
    }
    if (r === 0) {
      dim = k;
      if (dim === 0) cur.fail('expected tab-separated numbers');
      data = new Float32Array(Math.min(rows, Math.floor(cur.size / (2 * dim)) + 1) * dim);
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

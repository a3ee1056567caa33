/**
 * Sentence pairs for translation: `source<TAB>target` per line, with or
 * without Tatoeba's third attribution column. Errors name the file and line.
 */
import { Rng } from '../random';
import { tokenize } from '../tokenizer';
import { BOS_ID, EOS_ID, PAD_ID, Vocab } from '../vocab';
import type { PairBatch } from '../models/seq2seq';

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    message: string,
    /** The bad lines of a file, when the error is about them (each `file:line: why` in the message too). */
    readonly problems: ReadonlyArray<{ line: number; message: string }> = [],
  ) {
    super(message);
  }
}

/** At most this many bad lines are listed (a file of the wrong format would list every line). */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * A file's bad lines, collected as it is read so that the error names all of them (the editor
 * puts each one in the Problems panel): one `file:line: why` a line of the message, after a
 * summary line when there are several.
 */
export class BadLines {
  private readonly list: Array<{ line: number; message: string }> = [];
  private count = 0;
  constructor(private readonly file: string) {}

  add(line: number, message: string): void {
    this.count++;
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push({ line, message });
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    const lines = this.list.map((p) => `${this.file}:${p.line}: ${p.message}`);
    if (this.count === 1) throw new DataError(lines[0], this.list);
    const listed = this.count > this.list.length ? ` (the first ${this.list.length} listed)` : '';
    throw new DataError(`${this.file}: ${this.count} bad lines${listed}\n${lines.join('\n')}`, this.list);
  }
}

export interface Pair {
  source: string;
  target: string;
  /** 1-based line in the file. */
  line: number;
}

export function parsePairs(text: string, file = '<text>'): Pair[] {
  const out: Pair[] = [];
  const bad = new BadLines(file);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const cols = raw.split('\t');
    if (cols.length < 2) return bad.add(i + 1, 'expected source<TAB>target, found no tab');
    const [source, target] = cols;
    if (source.trim() === '' || target.trim() === '') return bad.add(i + 1, `empty ${source.trim() === '' ? 'source' : 'target'} sentence`);
    out.push({ source: source.trim(), target: target.trim(), line: i + 1 });
  });
  bad.throwIfAny();
  if (out.length === 0) throw new DataError(`${file}: no sentence pairs (expected lines of source<TAB>target)`);
  return out;
}

/** Splits deterministically into train / validation / test. */
export function splitPairs<T>(items: readonly T[], seed: number, validation: number, test: number): { train: T[]; validation: T[]; test: T[] } {
  const order = new Rng(seed).shuffle([...items.keys()]);
  const pick = (a: number, b: number) => order.slice(a, b).map((i) => items[i]);
  const nv = Math.min(validation, Math.floor(items.length / 10));
  const nt = Math.min(test, Math.floor(items.length / 10));
  return { test: pick(0, nt), validation: pick(nt, nt + nv), train: pick(nt + nv, items.length) };
}

/** Translation keeps case: the output is compared with cased references. */
export const pairTokens = (s: string): string[] => tokenize(s, { lowercase: false }).tokens.map((t) => t.text);

export interface EncodedPair {
  source: number[];
  target: number[];
}

export function encodePairs(pairs: readonly Pair[], sourceVocab: Vocab, targetVocab: Vocab, maxLength: number): EncodedPair[] {
  // A subword vocabulary reads each word as its pieces.
  return pairs.map((p) => ({ source: sourceVocab.ids(sourceVocab.pieces(pairTokens(p.source))).slice(0, maxLength), target: targetVocab.ids(targetVocab.pieces(pairTokens(p.target))).slice(0, maxLength) }));
}

/** Batches of similar source length (less padding), in a seeded random order. */
export function pairBatches(data: readonly EncodedPair[], batchSize: number, rng: Rng): PairBatch[] {
  const order = rng.shuffle([...data.keys()]);
  // Sort within chunks of 50 batches by length, so batches are homogeneous but the epoch stays shuffled:
  // by target length first (the output layer, the costliest part, runs over every padded target
  // position), then source length.
  const chunk = batchSize * 50;
  const sorted: number[] = [];
  const byLength = (a: number, b: number) => data[a].target.length - data[b].target.length || data[a].source.length - data[b].source.length;
  for (let i = 0; i < order.length; i += chunk) sorted.push(...order.slice(i, i + chunk).sort(byLength));
  const batches: PairBatch[] = [];
  for (let i = 0; i < sorted.length; i += batchSize) batches.push(makePairBatch(sorted.slice(i, i + batchSize).map((k) => data[k])));
  return rng.shuffle(batches);
}

export function makePairBatch(items: readonly EncodedPair[]): PairBatch {
  const B = items.length;
  const S = Math.max(1, ...items.map((p) => p.source.length));
  const T = Math.max(...items.map((p) => p.target.length)) + 2; // <s> ... </s>
  const source = new Int32Array(B * S).fill(PAD_ID);
  const target = new Int32Array(B * T).fill(PAD_ID);
  items.forEach((p, b) => {
    source.set(p.source, b * S);
    target.set([BOS_ID, ...p.target, EOS_ID], b * T);
  });
  return { source, sourceLength: S, target, targetLength: T, batchSize: B };
}

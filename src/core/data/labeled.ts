/**
 * Labelled text for the tagging and classification heads.
 *   tagging:        `word<TAB>tag` per line, a blank line between sentences (CoNLL style)
 *   classification: `label<TAB>text` per line
 * Errors name the file and the line.
 */
import { tokenize } from '../tokenizer';
import { BadLines, DataError } from './pairs';

export interface TaggedSentence {
  words: string[];
  tags: string[];
}

export function parseTagged(text: string, file = '<text>'): TaggedSentence[] {
  const out: TaggedSentence[] = [];
  let cur: TaggedSentence = { words: [], tags: [] };
  const bad = new BadLines(file);
  const flush = () => {
    if (cur.words.length) out.push(cur);
    cur = { words: [], tags: [] };
  };
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return flush();
      const cols = line.split('\t');
      if (cols.length < 2 || cols[0].trim() === '' || cols[1].trim() === '') return bad.add(i + 1, 'expected word<TAB>tag');
      cur.words.push(cols[0].trim().toLowerCase());
      cur.tags.push(cols[1].trim());
    });
  flush();
  bad.throwIfAny();
  if (out.length === 0) throw new DataError(`${file}: no tagged sentences (expected lines of word<TAB>tag)`);
  return out;
}

export interface LabeledText {
  label: string;
  words: string[];
}

export function parseClassified(text: string, file = '<text>'): LabeledText[] {
  const out: LabeledText[] = [];
  const bad = new BadLines(file);
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const tab = line.indexOf('\t');
      if (tab <= 0) return bad.add(i + 1, 'expected label<TAB>text');
      const words = tokenize(line.slice(tab + 1)).tokens.map((t) => t.text);
      if (words.length === 0) return bad.add(i + 1, 'the text is empty');
      out.push({ label: line.slice(0, tab).trim(), words });
    });
  bad.throwIfAny();
  if (out.length === 0) throw new DataError(`${file}: no labelled lines (expected label<TAB>text)`);
  return out;
}

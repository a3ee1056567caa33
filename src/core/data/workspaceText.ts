/**
 * A workspace's text as a word2vec corpus: which files to read (.gitignore
 * rules, on top of the editor's files.exclude that chose the candidates), and
 * how to turn prose and code into words (code identifiers split: camelCase,
 * PascalCase, snake_case, kebab-case, HTTPServer → http server).
 */
import * as fs from 'fs';
import * as path from 'path';
import { isInside } from '../paths';
import { tokenize } from '../tokenizer';
import { decodeText } from './textFile';

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** A .gitignore glob → a regex over '/'-separated paths relative to the .gitignore's folder. */
function globRegex(glob: string, anchored: boolean): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "**/" any leading folders; "/**" everything inside; "**" alone anything
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) re += `\\${glob[++i]}`;
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  // Unanchored patterns (no slash but a trailing one) match at any depth.
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}$`);
}

/** Parses one .gitignore's text. */
export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    line = line.replace(/(?<!\\)\s+$/, '');
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (!line) continue;
    rules.push({ negate, dirOnly, regex: globRegex(line, anchored) });
  }
  return rules;
}

/**
 * The .gitignore files of a workspace folder, read as needed (the folder's own
 * and those of the folders below it), and whether a path is ignored. As in git,
 * a file inside an ignored folder stays ignored; later rules override earlier
 * ones, and deeper .gitignore files override shallower ones.
 */
export class GitignoreRules {
  private readonly cache = new Map<string, Rule[]>();

  constructor(private readonly root: string) {}

  private rulesIn(dir: string): Rule[] {
    let r = this.cache.get(dir);
    if (!r) {
      try {
        r = parseGitignore(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'));
      } catch {
        r = [];
      }
      this.cache.set(dir, r);
    }
    return r;
  }

  /** Whether `file` (absolute, inside the root) is ignored. */
  ignored(file: string): boolean {
    if (!isInside(this.root, file)) return false;
    const rel = path.relative(this.root, file).split(path.sep);
    if (rel.includes('.git')) return true;
    // Each folder on the way, then the file: the last matching rule of the .gitignore files
    // above it (the root's first) decides; an ignored folder hides everything inside it.
    for (let depth = 1; depth <= rel.length; depth++) {
      const isDir = depth < rel.length;
      let state = false;
      for (let d = 0; d < depth; d++) {
        const sub = rel.slice(d, depth).join('/');
        for (const rule of this.rulesIn(path.join(this.root, ...rel.slice(0, d)))) {
          if (rule.dirOnly && !isDir) continue;
          if (rule.regex.test(sub)) state = !rule.negate;
        }
      }
      if (state) return true;
    }
    return false;
  }
}

/** camelCase, PascalCase, snake_case, kebab-case and digits split; lowercased; only parts with letters. */
export function splitIdentifier(word: string): string[] {
  return word
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2') // fooBar, foo2Bar
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2') // HTTPServer → HTTP Server
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(/[\s_\-$]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => /\p{L}/u.test(w));
}

/** A text's sentences (one per line) as words, code identifiers split. */
export function textSentences(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const words = tokenize(line, { lowercase: false }).tokens.flatMap((t) => splitIdentifier(t.text));
    if (words.length > 1) out.push(words);
  }
  return out;
}

export interface WorkspaceCorpus {
  sentences: string[][];
  files: number;
  skipped: { ignored: number; binary: number; large: number; unreadable: number };
  bytes: number;
}

/**
 * Reads the workspace's candidate files (already filtered by files.exclude) into
 * sentences: .gitignore'd files, files over maxFileBytes, binary and unreadable
 * files are skipped (and counted); reading stops at maxTotalBytes.
 */
export async function readWorkspaceCorpus(
  roots: readonly string[],
  files: readonly string[],
  options: { maxFileBytes?: number; maxTotalBytes?: number; shouldStop?: () => boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<WorkspaceCorpus> {
  const maxFile = options.maxFileBytes ?? 1024 * 1024;
  const maxTotal = options.maxTotalBytes ?? 64 * 1024 * 1024;
  const rules = roots.map((r) => ({ root: r, rules: new GitignoreRules(r) }));
  const corpus: WorkspaceCorpus = { sentences: [], files: 0, skipped: { ignored: 0, binary: 0, large: 0, unreadable: 0 }, bytes: 0 };
  for (let index = 0; index < files.length; index++) {
    const file = files[index];
    if (index % 25 === 0) {
      // Let a cancel message in, and say how far reading has come.
      await new Promise((r) => setImmediate(r));
      options.onProgress?.(index, files.length);
    }
    if (options.shouldStop?.()) break;
    const owner = rules.find((r) => isInside(r.root, file));
    if (owner?.rules.ignored(file)) {
      corpus.skipped.ignored++;
      continue;
    }
    let bytes: Buffer;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) continue;
      if (st.size > maxFile || corpus.bytes + st.size > maxTotal) {
        corpus.skipped.large++;
        continue;
      }
      bytes = fs.readFileSync(file);
    } catch {
      corpus.skipped.unreadable++;
      continue;
    }
    let text: string;
    try {
      text = decodeText(bytes, file).text;
    } catch {
      corpus.skipped.binary++;
      continue;
    }
    corpus.bytes += bytes.length;
    corpus.files++;
    for (const s of textSentences(text)) corpus.sentences.push(s);
  }
  return corpus;
}

/**
 * A workspace as a corpus: .gitignore rules as git applies them (checked on
 * cases worked out by hand from gitignore(5)), code identifiers split into
 * words, and files skipped by reason.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { GitignoreRules, readWorkspaceCorpus, splitIdentifier, textSentences } from '../../src/core/data/workspaceText';

test('identifiers: camelCase, PascalCase, snake_case, kebab-case, acronyms and digits', () => {
  assert.deepEqual(splitIdentifier('tokenCount'), ['token', 'count']);
  assert.deepEqual(splitIdentifier('MAX_LENGTH'), ['max', 'length']);
  assert.deepEqual(splitIdentifier('HTTPServerError'), ['http', 'server', 'error']);
  assert.deepEqual(splitIdentifier('parse2Html'), ['parse', 'html']);
  assert.deepEqual(splitIdentifier('kebab-case-name'), ['kebab', 'case', 'name']);
  assert.deepEqual(splitIdentifier('42'), []);
  assert.deepEqual(splitIdentifier('école'), ['école']);
  assert.deepEqual(textSentences('const tokenCount = maxLength(x);\n\nThe quick fox.\n'), [['const', 'token', 'count', 'max', 'length', 'x'], ['the', 'quick', 'fox']]);
});

test('.gitignore: globs, anchoring, folders, negation, nested files and ignored folders', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-gitignore-'));
  const f = (rel: string, text = 'x') => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
    return path.join(root, rel);
  };
  f('.gitignore', '# build output\nbuild/\n*.log\n!keep.log\n/secret.txt\ndocs/**/draft-*.md\nnode_modules\n');
  f('sub/.gitignore', 'local.txt\n!important.log\n');
  const rules = new GitignoreRules(root);
  const cases: Array<[string, boolean]> = [
    ['build/out.js', true], // a folder rule hides what is inside
    ['src/build/x.ts', true], // unanchored: at any depth
    ['build.txt', false], // "build/" is a folder rule
    ['app.log', true],
    ['sub/deep/app.log', true],
    ['keep.log', false], // negated
    ['secret.txt', true],
    ['sub/secret.txt', false], // anchored to the root
    ['docs/a/b/draft-1.md', true],
    ['docs/final.md', false],
    ['node_modules/pkg/index.js', true],
    ['sub/local.txt', true], // the nested .gitignore
    ['local.txt', false],
    ['sub/important.log', false], // re-included below
    ['.git/config', true],
    ['README.md', false],
  ];
  for (const [rel, ignored] of cases) assert.equal(rules.ignored(path.join(root, ...rel.split('/'))), ignored, rel);
  fs.rmSync(root, { recursive: true });
});

test('readWorkspaceCorpus skips ignored, large, binary and unreadable files and counts each', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-corpus-'));
  const w = (rel: string, data: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
    return path.join(root, rel);
  };
  const files = [
    w('.gitignore', 'ignored/\n'),
    w('a.txt', 'The cat sat.\nThe dog ran fast.\n'),
    w('code.ts', 'const wordCount = countWords(text);\n'),
    w('ignored/x.txt', 'zzsecret word here\n'),
    w('big.txt', 'big words '.repeat(200_000)),
    w('image.bin', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256))),
    path.join(root, 'gone.txt'),
  ];
  const c = await readWorkspaceCorpus([root], files, { maxFileBytes: 1024 * 1024 });
  assert.equal(c.files, 3, '.gitignore, a.txt, code.ts');
  assert.deepEqual(c.skipped, { ignored: 1, binary: 1, large: 1, unreadable: 1 });
  const words = new Set(c.sentences.flat());
  for (const wd of ['cat', 'dog', 'word', 'count', 'words', 'text']) assert.ok(words.has(wd), wd);
  assert.ok(!words.has('zzsecret'));
  fs.rmSync(root, { recursive: true });
});

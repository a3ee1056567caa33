/**
 * The extension in Korean and English: every string that package.json shows has an English and
 * a Korean entry, every vscode.l10n.t string of the extension has a Korean translation with the
 * same {n} placeholders, and the walkthrough's steps, commands and markdown (both languages) agree.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { STATE_NAMES } from '../../src/protocol/trace';
import { ROOT } from './helpers';

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json'));
const en = JSON.parse(read('package.nls.json')) as Record<string, string>;
const ko = JSON.parse(read('package.nls.ko.json')) as Record<string, string>;
const bundleKo = JSON.parse(read('l10n/bundle.l10n.ko.json')) as Record<string, string>;
const hangul = /[\uac00-\ud7a3]/;

function* strings(o: unknown): Generator<string> {
  if (typeof o === 'string') yield o;
  else if (Array.isArray(o)) for (const x of o) yield* strings(x);
  else if (o && typeof o === 'object') for (const v of Object.values(o)) yield* strings(v);
}

test('every %key% of package.json is in package.nls.json and package.nls.ko.json, and nothing shown is left unkeyed', () => {
  const keys = [...strings(pkg)].map((s) => /^%(.+)%$/.exec(s)?.[1]).filter((k): k is string => Boolean(k));
  assert.ok(keys.length > 80, `${keys.length} keys`);
  for (const k of keys) {
    assert.ok(en[k], `package.nls.json has no "${k}"`);
    assert.ok(ko[k], `package.nls.ko.json has no "${k}"`);
    if (en[k] !== 'SeqLens') assert.match(ko[k], hangul, `"${k}" in Korean: ${ko[k]}`);
  }
  assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort(), 'the same keys in both languages');
  const c = pkg.contributes;
  for (const x of c.commands) assert.match(x.title, /^%.+%$/, `${x.command}'s title is not localised`);
  for (const [name, p] of Object.entries<{ description?: string }>(c.configuration.properties)) if (p.description) assert.match(p.description, /^%.+%$/, `${name}'s description`);
  for (const w of c.viewsWelcome) assert.match(w.contents, /^%.+%$/, `${w.view}'s welcome`);
  // Command links survive translation: the same commands in both languages.
  const links = (s: string) => [...s.matchAll(/\(command:([^)?]+)/g)].map((m) => m[1]).sort();
  for (const k of Object.keys(en)) assert.deepEqual(links(ko[k]), links(en[k]), `the command links of "${k}"`);
});

test('every vscode.l10n.t string of the extension and every l10n() string of its webviews has a Korean translation with the same placeholders', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (f.endsWith('.ts')) files.push(f);
    }
  };
  walk('src/extension');
  const used = new Set<string>();
  for (const f of files) {
    for (const m of read(f).matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) used.add(m[1].replace(/\\'/g, "'"));
  }
  // The webviews' strings: every literal of l10n(…)'s first argument (a string, or a choice of strings).
  const pages: string[] = [];
  const walkPages = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walkPages(f);
      else if (f.endsWith('.ts') && !f.endsWith('l10n.ts')) pages.push(f);
    }
  };
  walkPages('webview');
  let pageStrings = 0;
  for (const f of pages) {
    for (const m of read(f).matchAll(/\bl10n\(((?:'(?:[^'\\]|\\.)*'|[^,()'])*)/g)) {
      for (const lit of m[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
        used.add(lit[1].replace(/\\'/g, "'"));
        pageStrings++;
      }
    }
  }
  assert.ok(pageStrings >= 30, `${pageStrings} strings in the webviews`);
  // Names the engine sends that a page shows through l10n(): the states' labels and the readouts' names.
  for (const states of Object.values(STATE_NAMES)) for (const x of states) used.add(x.label);
  for (const label of ['tag', 'class if it ended here']) used.add(label);
  assert.ok(used.size >= 20, `${used.size} strings`);
  const placeholders = (s: string) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
  for (const s of used) {
    assert.ok(bundleKo[s], `l10n/bundle.l10n.ko.json has no Korean for "${s}"`);
    assert.match(bundleKo[s], hangul, `"${s}" in Korean: ${bundleKo[s]}`);
    assert.deepEqual(placeholders(bundleKo[s]), placeholders(s), `the placeholders of "${s}"`);
  }
  for (const s of Object.keys(bundleKo)) assert.ok(used.has(s), `l10n/bundle.l10n.ko.json has "${s}", which the extension no longer uses`);
});

test('the walkthrough: eleven steps in the course order, each with its command, its completion on that command, and its markdown in both languages', () => {
  const [w] = pkg.contributes.walkthroughs;
  const ids = w.steps.map((s: { id: string }) => s.id);
  assert.deepEqual(ids, ['rnn', 'activations', 'heads', 'lstm', 'context', 'attention', 'teacherForcing', 'positions', 'selfAttention', 'endToEnd', 'word2vec']);
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const course = read('src/extension/course/index.ts');
  for (const s of w.steps) {
    assert.ok(commands.has(`seqlens.course.${s.id}`), `no command seqlens.course.${s.id}`);
    assert.match(course, new RegExp(`id: '${s.id}'`), `the course feature has no step ${s.id}`);
    assert.ok(s.completionEvents.includes(`onCommand:seqlens.course.${s.id}`), `${s.id} completes on its command`);
    const md = s.media.markdown as string;
    assert.ok(fs.existsSync(path.join(ROOT, md)), md);
    const koMd = md.replace(/\.md$/, '.nls.ko.md');
    assert.match(read(koMd), hangul, koMd);
    // The step's description links its own command, and an experiment where it has one.
    assert.match(en[s.description.slice(1, -1)], new RegExp(`command:seqlens\\.course\\.${s.id}\\b`));
  }
  // Each experiment of the course is linked from its step ("Run the experiment"), in both languages.
  const experiments = [...course.matchAll(/\{ id: '(\w+)'[^}]*experiment: '([a-z-]+)'/g)].map((m) => ({ step: m[1], experiment: m[2] }));
  assert.deepEqual(experiments.map((e) => e.experiment).sort(), ['context-vector', 'divide-and-train', 'long-range', 'teacher-forcing', 'vanishing-gradients']);
  for (const { step, experiment } of experiments) {
    for (const nls of [en, ko]) assert.ok(nls[`walkthrough.${step}.description`].includes(`command:seqlens.runExperiment?%22${experiment}%22`), `${step} links ${experiment}`);
  }
  const shipped = read('.vscodeignore');
  for (const f of ['!package.nls.ko.json', '!l10n/**', '!media/walkthrough/**', '!demo/*.txt']) assert.ok(shipped.includes(f), `.vscodeignore ships ${f}`);
});

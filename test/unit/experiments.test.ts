/**
 * The course's experiments: their runs differ in the one idea each is about, a run that needs
 * another's output names its folder, the long-range corpus keeps the country and its language
 * apart by the gap it says, and the final-metrics comparison reads each run's own numbers.
 */
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { builtinText } from '../../src/core/data/builtinCorpora';
import { generateLongRange, ORIGINS } from '../../src/core/data/longRange';
import { parseClassified } from '../../src/core/data/labeled';
import { analyzeTask } from '../../src/core/experimentAnalysis';
import { EXPERIMENTS, experimentRunConfig } from '../../src/core/runs/experiments';
import { createRun, writeRunStatus } from '../../src/core/runs/runs';
import { argsOf } from '../../src/core/taskArgs';

const hooks = { progress: () => undefined, wasmDir: '', modelsDir: '' };

test('each experiment’s runs differ in its one idea (and the seed and data are shared)', () => {
  const differing = (id: string) => {
    const def = EXPERIMENTS.find((e) => e.id === id)!;
    const runs = def.runs.filter((r) => r.compared !== false).map((r) => r.config);
    assert.equal(new Set(runs.map((r) => r.seed)).size, 1, `${id}: one seed`);
    assert.equal(new Set(runs.map((r) => r.data)).size, 1, `${id}: one data set`);
    const keys = new Set(runs.flatMap((r) => ['model', ...Object.keys(r.options)]));
    return [...keys].filter((k) => new Set(runs.map((r) => String(k === 'model' ? r.model : r.options[k]))).size > 1).sort();
  };
  assert.deepEqual(differing('vanishing-gradients'), ['activation']);
  assert.deepEqual(differing('long-range'), ['activation', 'model']); // the RNN's tanh; an LSTM has gates
  assert.deepEqual(differing('context-vector'), ['attention', 'model']);
  assert.deepEqual(differing('teacher-forcing'), ['teacher-forcing', 'teacher-forcing-decay']);
  assert.deepEqual(differing('divide-and-train'), ['embedding', 'embeddings', 'freeze-embeddings']);
  for (const e of EXPERIMENTS) assert.ok(e.minutes <= 3, `${e.id}: ≤ 3 minutes`);
});

test('a run that needs another’s output gets its folder, and is refused before it exists', () => {
  const def = EXPERIMENTS.find((e) => e.id === 'divide-and-train')!;
  const frozen = def.runs.find((r) => r.key === 'frozen')!;
  assert.throws(() => experimentRunConfig(def, frozen, 'x', {}), /run "frozen" needs run "vectors" first/);
  const c = experimentRunConfig(def, frozen, 'exp-1', { vectors: '/w/.seqlens/runs/v' });
  assert.deepEqual([c.options.embeddings, c.options['freeze-embeddings'], c.experiment], ['/w/.seqlens/runs/v', true, { id: 'exp-1', key: 'frozen' }]);
});

test('the long-range sentences name a country, keep the gap they say, and end on its language', () => {
  const sentences = generateLongRange(300, 5);
  const languageOf = new Map(ORIGINS);
  for (const s of sentences) {
    const country = s.words[4];
    assert.equal(country, s.country);
    assert.equal(languageOf.get(country), s.language);
    const cue = s.words.lastIndexOf('so');
    assert.equal(cue - 5, s.gap, 'words between the country and "so i speak fluent"');
    assert.ok(!ORIGINS.some(([c, l]) => s.words.slice(5, -1).includes(c) || s.words.slice(5, -2).includes(l)), 'the filler names no country or language');
  }
  assert.ok(Math.max(...sentences.map((s) => s.gap)) >= 24 && sentences.some((s) => s.gap === 0), 'gaps from 0 to 24 and more');
  const items = parseClassified(builtinText('builtin:long-range')!, 'builtin:long-range');
  assert.equal(items.length, 6000);
  assert.ok(items.every((it) => it.words[it.words.length - 1] === 'fluent'), 'the text stops at the cue; the label is the language');
});

test('the final-metrics comparison reads each run’s held-out numbers and names the best', async () => {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-exp-')), '.seqlens', 'runs');
  const def = EXPERIMENTS.find((e) => e.id === 'teacher-forcing')!;
  const dirs: Record<string, string> = {};
  const bleu = { 'tf-1': 20.5, 'tf-0.5': 18.25, 'tf-decay': 22 };
  for (const spec of def.runs) {
    dirs[spec.key] = createRun(root, experimentRunConfig(def, spec, 'e', dirs), spec.key);
    writeRunStatus(dirs[spec.key], { state: 'done', metrics: { testBleu: bleu[spec.key as keyof typeof bleu], validationLoss: 1, steps: 300, seconds: 40 } });
  }
  const r = await analyzeTask(argsOf('analyze', { experiment: 'teacher-forcing', runs: JSON.stringify(dirs) }), hooks);
  const out = r.json as { table: { columns: string[]; rows: unknown[][] }; conclusion: string };
  assert.deepEqual(out.table.columns.slice(0, 2), ['run', 'test BLEU']);
  assert.deepEqual(out.table.rows.map((row) => row[1]), [20.5, 18.25, 22]);
  assert.match(out.conclusion, /best: scheduled decay/);
  await assert.rejects(analyzeTask(argsOf('analyze', { experiment: 'nope', runs: '{}' }), hooks), /no experiment "nope"/);
  await assert.rejects(analyzeTask(argsOf('analyze', { experiment: 'teacher-forcing', runs: '{"tf-1":' }), hooks), /--runs must be a JSON object/);
});

/**
 * Runs (DESIGN.md contract): the run folder's files, how a damaged or abandoned run reads,
 * training a run with metrics and probes, stopping it with its best checkpoint kept, and
 * resuming it where its metrics end. The CLI's train --run-dir / runs / eval / translate --file.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { builtinText, BUILTIN_CORPORA } from '../../src/core/data/builtinCorpora';
import { parseClassified, parseTagged } from '../../src/core/data/labeled';
import { parsePairs } from '../../src/core/data/pairs';
import { corpusBleu } from '../../src/core/metrics/bleu';
import { createRun, HEARTBEAT_TIMEOUT_MS, listRuns, readJsonl, readMetrics, readProbes, readRunStatus, RunConfig, runsRoot, validateRunConfig, writeRunStatus } from '../../src/core/runs/runs';
import { resolveRunData, trainRun, workspaceOfRun } from '../../src/core/runs/trainRun';
import { ROOT, useWasm } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-runs-'));
const CLI = path.join(ROOT, 'dist', 'cli.js');
const seqlens = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });

const PAIRS = (() => {
  const words = ['red', 'green', 'blue', 'cat', 'dog', 'big', 'small'];
  const fr: Record<string, string> = { red: 'rouge', green: 'vert', blue: 'bleu', cat: 'chat', dog: 'chien', big: 'grand', small: 'petit' };
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const s = [words[i % 7], words[(i * 3) % 7], words[(i * 5 + 1) % 7]];
    lines.push(`${s.join(' ')}\t${s.map((w) => fr[w]).join(' ')}`);
  }
  return lines.join('\n') + '\n';
})();

function config(over: Partial<RunConfig> = {}): RunConfig {
  return { version: 1, name: 'test run', task: 'translate', model: 'attention', data: 'pairs.tsv', seed: 3, options: { units: 16, embedding: 8, epochs: 8, 'eval-every': 3 }, probes: ['red cat'], ...over };
}

before(async () => {
  await useWasm();
  fs.writeFileSync(path.join(tmp, 'pairs.tsv'), PAIRS);
});

test('a run folder: config and state written, listed newest first; a damaged config.json is listed with its problem', () => {
  const root = runsRoot(path.join(tmp, 'ws-list'));
  const a = createRun(root, config({ name: 'first' }), 'a');
  writeRunStatus(a, { state: 'done', startedAt: 1000, metrics: { testBleu: 12.5 } });
  const b = createRun(root, config({ name: 'second', task: 'lm', model: 'gru' }), 'b');
  writeRunStatus(b, { state: 'stopped', startedAt: 2000 });
  const c = createRun(root, config(), 'c');
  fs.writeFileSync(path.join(c, 'config.json'), '{ "task": "translate", ');
  const runs = listRuns(root);
  assert.deepEqual(runs.map((r) => r.id), ['b', 'a', 'c']);
  assert.equal(runs[1].metrics.testBleu, 12.5);
  assert.equal(runs[0].task, 'lm');
  assert.equal(runs[2].state, 'failed');
  assert.match(runs[2].problem ?? '', /config\.json: not valid JSON/);
  assert.deepEqual(listRuns(path.join(tmp, 'no-such-folder')), []);
});

test('a run marked training whose writer is gone, or silent past the heartbeat timeout, reads as interrupted', () => {
  const dir = createRun(path.join(tmp, 'ws-hb', '.seqlens', 'runs'), config(), 'hb');
  writeRunStatus(dir, { state: 'training', pid: process.pid, heartbeat: Date.now() });
  assert.equal(readRunStatus(dir).state, 'training');
  writeRunStatus(dir, { state: 'training', pid: process.pid, heartbeat: Date.now() - HEARTBEAT_TIMEOUT_MS - 1000 });
  assert.equal(readRunStatus(dir).state, 'interrupted');
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeRunStatus(dir, { state: 'training', pid: Number(child.stdout.trim()), heartbeat: Date.now() });
  assert.equal(readRunStatus(dir).state, 'interrupted', 'the process that wrote it has exited');
  fs.writeFileSync(path.join(dir, 'state.json'), '{"state": "asleep"}');
  assert.throws(() => readRunStatus(dir), /"state" must be one of queued, training, done, stopped, interrupted, failed/);
});

test('metrics.jsonl: a last line cut short by a crash is left out; any other bad line is named', () => {
  const file = path.join(tmp, 'm.jsonl');
  fs.writeFileSync(file, '{"step":1,"time":0.1,"split":"train","loss":2}\n[1,2]\n{"step":2,"time":0.2,"split":"train","loss":1.5}\n{"step":3,"ti');
  const r = readJsonl<{ step: number }>(file);
  assert.deepEqual(r.rows.map((x) => x.step), [1, 2]);
  assert.deepEqual(r.errors, ['m.jsonl:2: not a JSON object']);
  assert.deepEqual(readJsonl(path.join(tmp, 'absent.jsonl')), { rows: [], errors: [] });
});

test('config.json edited by hand is checked with messages that say what to fix', () => {
  assert.throws(() => validateRunConfig({ task: 'dance', model: 'x', data: 'y' }), /"task" must be one of translate, lm, tag, classify, word2vec \(got "dance"\)/);
  assert.throws(() => validateRunConfig({ task: 'lm', data: 'y' }), /"model" must be a string/);
  assert.throws(() => validateRunConfig({ task: 'lm', model: 'lstm', data: 'y', options: { units: [1] } }), /option "units" must be a string, number or boolean/);
  assert.throws(() => validateRunConfig([]), /expected a JSON object/);
  const c = validateRunConfig({ task: 'lm', model: 'lstm', data: 'y' });
  assert.equal(c.seed, 1);
  assert.equal(c.name, 'lm lstm');
});

test('relative data paths resolve from the workspace that holds .seqlens/runs', () => {
  const dir = path.join(tmp, 'ws', '.seqlens', 'runs', 'x');
  assert.equal(workspaceOfRun(dir), path.join(tmp, 'ws'));
  assert.equal(resolveRunData(dir, config({ data: 'data/p.tsv' })), path.join(tmp, 'ws', 'data', 'p.tsv'));
  assert.equal(resolveRunData(dir, config({ data: 'builtin:en-ko' })), 'builtin:en-ko');
});

test('the built-in corpora parse as their task’s format and are the same every time', () => {
  for (const c of BUILTIN_CORPORA) {
    const text = builtinText(`builtin:${c.id}`)!;
    assert.equal(text, c.make(), `${c.id} is deterministic`);
    if (c.task === 'translate') assert.ok(parsePairs(text).length >= 1000);
    if (c.task === 'tag') assert.ok(parseTagged(text).every((s) => s.tags.every((t) => t !== 'X')), 'every grammar word has a tag');
    if (c.task === 'classify') {
      // Each label about as often as the others (singular/plural; the eight languages of long-range).
      const items = parseClassified(text);
      const counts = new Map<string, number>();
      for (const x of items) counts.set(x.label, (counts.get(x.label) ?? 0) + 1);
      assert.ok(counts.size >= 2, `${c.id}: labels ${[...counts.keys()]}`);
      for (const [label, n] of counts) assert.ok(n > (items.length / counts.size) * 0.6 && n < (items.length / counts.size) * 1.4, `${c.id}: balanced labels (${n} of ${items.length} ${label})`);
      // The label is the subject's number: "the dogs …" is plural, "a dog …" singular.
      assert.ok(items.filter((x) => x.words[0] === 'two').every((x) => x.label === 'plural'));
      assert.ok(items.filter((x) => x.words[0] === 'a').every((x) => x.label === 'singular'));
    }
  }
  assert.equal(builtinText('builtin:nope'), undefined);
});

test('trainRun: metrics and probes stream to the files; Stop keeps the best checkpoint; Resume continues the steps and the clock', async () => {
  const ws = path.join(tmp, 'ws-train');
  fs.mkdirSync(ws, { recursive: true });
  fs.copyFileSync(path.join(tmp, 'pairs.tsv'), path.join(ws, 'pairs.tsv'));
  const dir = createRun(runsRoot(ws), config());
  const hooks = { progress: () => undefined, wasmDir: path.join(ROOT, 'dist', 'wasm'), modelsDir: path.join(ROOT, 'media', 'models') };
  let validations = 0;
  const events: string[] = [];
  const first = await trainRun(dir, {
    ...hooks,
    shouldStop: () => validations >= 5,
    onEvent: (e) => {
      events.push(e.type);
      if (e.type === 'metric' && e.row.split === 'validation') validations++;
    },
  });
  assert.equal(first.status.state, 'stopped');
  assert.ok(fs.existsSync(path.join(dir, 'checkpoint', 'seqlens.json')), 'the best checkpoint is kept');
  const m1 = readMetrics(dir).rows;
  assert.ok(m1.some((r) => r.split === 'train' && typeof r.loss === 'number' && typeof r.learningRate === 'number' && typeof r.tokensPerSecond === 'number'));
  assert.equal(m1.filter((r) => r.split === 'validation').length, 5);
  const p1 = readProbes(dir).rows;
  assert.equal(p1.length, 5, 'the probe is decoded at each evaluation');
  assert.equal(p1[0].outputs[0].input, 'red cat');
  assert.ok(events.includes('state') && events.includes('probes'));
  const lastStep = m1.at(-1)!.step;
  const lastTime = m1.at(-1)!.time;
  const resumed = await trainRun(dir, { ...hooks }, { resume: true });
  assert.equal(resumed.status.state, 'done');
  const m2 = readMetrics(dir).rows.slice(m1.length);
  assert.ok(m2.length > 0);
  assert.ok(m2[0].step > lastStep - 6 && m2.every((r) => r.time >= lastTime), `steps and time continue (${m2[0].step} after ${lastStep})`);
  for (let i = 1; i < m2.length; i++) assert.ok(m2[i].step >= m2[i - 1].step, 'steps never go back');
  assert.ok(readProbes(dir).rows.length > 2);
  assert.ok(Number.isFinite(Number(resumed.status.metrics?.testBleu)));
  await assert.rejects(trainRun(dir, hooks, { resume: true }), /has finished/);
  await assert.rejects(trainRun(dir, hooks), /has already run \(done\)/);
});

test('a run stopped at once still resumes; one killed before its first checkpoint is refused, saying what to do', async () => {
  const ws = path.join(tmp, 'ws-early');
  const dir = createRun(runsRoot(ws), config({ data: path.join(tmp, 'pairs.tsv') }));
  const hooks = { progress: () => undefined, wasmDir: path.join(ROOT, 'dist', 'wasm'), modelsDir: path.join(ROOT, 'media', 'models') };
  const r = await trainRun(dir, { ...hooks, shouldStop: () => true });
  assert.equal(r.status.state, 'stopped');
  fs.rmSync(path.join(dir, 'checkpoint'), { recursive: true });
  await assert.rejects(trainRun(dir, hooks, { resume: true }), /no checkpoint to resume from yet/);
});

test('a run whose data has a bad line fails with file:line, and its state says so', async () => {
  const bad = path.join(tmp, 'bad.tsv');
  fs.writeFileSync(bad, 'a\tb\nno tab here\n');
  const dir = createRun(runsRoot(path.join(tmp, 'ws-bad')), config({ data: bad }));
  await assert.rejects(trainRun(dir, { progress: () => undefined, wasmDir: path.join(ROOT, 'dist', 'wasm'), modelsDir: '' }), /bad\.tsv:2: expected source<TAB>target/);
  const s = readRunStatus(dir);
  assert.equal(s.state, 'failed');
  assert.match(s.error ?? '', /bad\.tsv:2/);
});

test('the disk filling mid-run: the run fails saying so, its metrics whole to the last line and its best checkpoint intact', { skip: !fs.existsSync('/dev/full') && 'no /dev/full on this system' }, async () => {
  const dir = createRun(runsRoot(path.join(tmp, 'ws-full')), config({ data: path.join(tmp, 'pairs.tsv') }));
  const checkpoint = path.join(dir, 'checkpoint', 'seqlens.json');
  let filled = false;
  const hooks = {
    // Once the first evaluation is checkpointed, the next write of probes.jsonl meets a full disk
    // (/dev/full: every write fails with ENOSPC, as on a full file system).
    progress: () => {
      if (filled || !fs.existsSync(checkpoint)) return;
      fs.rmSync(path.join(dir, 'probes.jsonl'));
      fs.symlinkSync('/dev/full', path.join(dir, 'probes.jsonl'));
      filled = true;
    },
    wasmDir: path.join(ROOT, 'dist', 'wasm'),
    modelsDir: path.join(ROOT, 'media', 'models'),
  };
  await assert.rejects(trainRun(dir, hooks), /could not write .*probes\.jsonl: the disk is full/);
  assert.ok(filled);
  const s = readRunStatus(dir);
  assert.equal(s.state, 'failed');
  assert.match(s.error ?? '', /the disk is full/);
  const lines = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n');
  assert.equal(lines.at(-1), '', 'metrics.jsonl ends with a whole line');
  assert.ok(lines.slice(0, -1).length > 0 && lines.slice(0, -1).every((l) => typeof JSON.parse(l).step === 'number'), 'every line of metrics.jsonl is whole');
  assert.deepEqual(readMetrics(dir).errors, []);
  // The best checkpoint so far still opens and translates.
  const t = seqlens('translate', '--model', path.join(dir, 'checkpoint'), '--text', 'red cat', '--json');
  assert.equal(t.status, 0, t.stderr);
  assert.ok(JSON.parse(t.stdout).text.length > 0);
});

test('seqlens train --run-dir, runs --json, eval --json and translate --file', () => {
  const ws = path.join(tmp, 'ws-cli');
  fs.mkdirSync(ws, { recursive: true });
  const data = path.join(tmp, 'pairs.tsv');
  const runDir = path.join(ws, '.seqlens', 'runs', 'cli-run');
  const r = seqlens('train', '--task', 'translate', '--model', 'attention', '--data', data, '--run-dir', runDir, '--epochs', '3', '--units', '16', '--embedding', '8', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.state, 'done');
  assert.deepEqual(fs.readdirSync(runDir).sort(), ['checkpoint', 'config.json', 'metrics.jsonl', 'probes.jsonl', 'state.json']);
  const cfg = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
  assert.equal(cfg.data, data);
  assert.deepEqual(cfg.options, { epochs: 3, units: 16, embedding: 8 });
  const again = seqlens('train', '--task', 'translate', '--data', data, '--run-dir', runDir);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds a run; --resume it, or give another folder/);
  const runs = JSON.parse(seqlens('runs', '--dir', ws, '--json').stdout);
  assert.equal(runs.runs.length, 1);
  assert.deepEqual(Object.keys(runs.runs[0]).sort(), ['id', 'metrics', 'model', 'state', 'task']);
  assert.equal(runs.runs[0].id, 'cli-run');
  assert.equal(runs.runs[0].state, 'done');
  assert.ok(Number.isFinite(runs.runs[0].metrics.testBleu));

  // eval: BLEU of the checkpoint on the pairs, computed by the engine, equals BLEU of `translate --file`'s lines scored on their own.
  const ckpt = path.join(runDir, 'checkpoint');
  const ev = JSON.parse(seqlens('eval', '--model', ckpt, '--data', data, '--json').stdout);
  assert.ok(ev.bleu >= 0 && ev.bleu <= 100);
  const sources = path.join(tmp, 'sources.txt');
  const lines = PAIRS.trim().split('\n');
  fs.writeFileSync(sources, lines.map((l) => l.split('\t')[0]).join('\n') + '\n');
  const tf = JSON.parse(seqlens('translate', '--model', ckpt, '--file', sources, '--json').stdout);
  assert.equal(tf.translations.length, lines.length);
  const single = JSON.parse(seqlens('translate', '--model', ckpt, '--text', lines[7].split('\t')[0], '--json').stdout);
  assert.equal(tf.translations[7], single.text, 'the same output as a single translate call');
  // eval's BLEU is sacreBLEU's corpus BLEU (bleu.test.ts checks it by hand) of exactly these translations.
  assert.ok(Math.abs(ev.bleu - corpusBleu(tf.translations, lines.map((l) => l.split('\t')[1])).score) < 1e-9);

  // eval on a tagger (accuracy) and a language model (perplexity).
  const tagRun = path.join(ws, '.seqlens', 'runs', 'tags');
  assert.equal(seqlens('train', '--task', 'tag', '--model', 'gru', '--data', 'builtin:grammar-tags', '--run-dir', tagRun, '--epochs', '1', '--units', '16').status, 0);
  const tagsFile = path.join(tmp, 'tags.tsv');
  fs.writeFileSync(tagsFile, 'the\tDET\ndog\tNOUN\nsleeps\tVERB\n.\tPUNCT\n');
  const acc = JSON.parse(seqlens('eval', '--model', path.join(tagRun, 'checkpoint'), '--data', tagsFile, '--json').stdout);
  assert.ok([0, 0.25, 0.5, 0.75, 1].includes(acc.accuracy), `accuracy over 4 words (${acc.accuracy})`);
  const lmRun = path.join(ws, '.seqlens', 'runs', 'lm');
  assert.equal(seqlens('train', '--task', 'lm', '--model', 'rnn', '--activation', 'sigmoid', '--data', 'builtin:grammar', '--run-dir', lmRun, '--epochs', '1', '--units', '8').status, 0);
  const text = path.join(tmp, 'text.txt');
  fs.writeFileSync(text, 'the dog sleeps .\nthe cats are happy .\n');
  const ppl = JSON.parse(seqlens('eval', '--model', path.join(lmRun, 'checkpoint'), '--data', text, '--json').stdout);
  assert.ok(ppl.perplexity > 1 && ppl.perplexity < 1000, `perplexity ${ppl.perplexity}`);
  assert.equal(JSON.parse(fs.readFileSync(path.join(lmRun, 'checkpoint', 'seqlens.json'), 'utf8')).config.activation, 'sigmoid');
  assert.equal(JSON.parse(seqlens('runs', '--dir', ws, '--json').stdout).runs.length, 3);
});

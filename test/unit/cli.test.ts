/**
 * The `seqlens` command (dist/cli.js, built by npm run build) as a script would
 * use it: --json documents on stdout, and errors as exit status 2 with one line
 * `seqlens: <what>: <why>` on stderr, never a stack trace.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { generateCorpus, detokenize } from '../../src/core/data/grammar';
import { ROOT } from './helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-cli-'));

function seqlens(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertCleanError(r: ReturnType<typeof seqlens>, pattern: RegExp): void {
  assert.equal(r.status, 2, `exit status (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0], /^seqlens: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('trace --json follows the contract: tokens, ids, layers with h, c and gates per step', () => {
  const r = seqlens('trace', '--model', 'lstm', '--text', 'The keys are here, zebra.', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.tokens, ['the', 'keys', 'are', 'here', ',', 'zebra', '.']);
  assert.equal(doc.ids.length, 7);
  assert.equal(doc.ids[5], 1, 'zebra is <unk>');
  const layer = doc.layers[0];
  assert.equal(layer.kind, 'lstm');
  assert.equal(layer.steps.length, 7);
  assert.deepEqual(Object.keys(layer.steps[0]).sort(), ['c', 'gates', 'h']);
  assert.deepEqual(Object.keys(layer.steps[0].gates).sort(), ['f', 'g', 'i', 'o']);
  assert.equal(layer.steps[0].h.length, 32);
  const gru = JSON.parse(seqlens('trace', '--model', 'gru', '--text', 'the dog', '--json').stdout).layers[0];
  assert.deepEqual(Object.keys(gru.steps[0].gates).sort(), ['n', 'r', 'z']);
});

test('errors: exit 2 and one line', () => {
  assertCleanError(seqlens('frobnicate'), /unknown command "frobnicate"/);
  assertCleanError(seqlens('trace', '--text', '   '), /^seqlens: trace: The text has no words/);
  assertCleanError(seqlens('trace'), /^seqlens: trace: --text is required$/);
  assertCleanError(seqlens('trace', '--model', '/no/such/dir', '--text', 'a'), /no such checkpoint folder/);
  assertCleanError(seqlens('train', '--task', 'translate', '--data', '/no/such.tsv', '--out', path.join(tmp, 'x')), /\/no\/such\.tsv: no such file/);
  const bad = path.join(tmp, 'bad.tsv');
  fs.writeFileSync(bad, 'Go.\tVa !\nno tab on this line\n');
  assertCleanError(seqlens('train', '--task', 'translate', '--data', bad, '--out', path.join(tmp, 'y')), /bad\.tsv:2: expected source<TAB>target/);
  assertCleanError(seqlens('translate', '--model', path.join(tmp, 'nothing'), '--text', 'hi'), /no such checkpoint folder/);
  assertCleanError(seqlens('train', '--task', 'lm', '--data', bad, '--out', path.join(tmp, 'z'), '--epochs', 'many'), /--epochs must be a valid number/);
  const good = path.join(tmp, 'good.tsv');
  fs.writeFileSync(good, 'Go.\tVa !\n');
  assertCleanError(seqlens('train', '--task', 'translate', '--data', good, '--out', path.join(tmp, 'w'), '--lr-schedule', 'cosine'), /--lr-schedule must be constant or linear \(got "cosine"\)/);
});

test('train --task lm writes a checkpoint that trace reads', () => {
  const data = path.join(tmp, 'lm.txt');
  fs.writeFileSync(data, generateCorpus(300, 3).map(detokenize).join('\n'));
  const out = path.join(tmp, 'lm');
  const r = seqlens('train', '--task', 'lm', '--model', 'gru', '--data', data, '--out', out, '--epochs', '1', '--units', '8', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.out, out);
  assert.ok(doc.metrics.loss > 0);
  assert.deepEqual(fs.readdirSync(out).sort(), ['model.json', 'seqlens.json', 'weights.bin']);
  const t = JSON.parse(seqlens('trace', '--model', out, '--text', 'the dog sleeps', '--json').stdout);
  assert.equal(t.layers[0].kind, 'gru');
  assert.equal(t.layers[0].steps[0].h.length, 8);
});

test('train --task translate, then translate --json with the attention matrix (greedy and beam)', () => {
  const data = path.join(tmp, 'pairs.tsv');
  const words = ['red', 'green', 'blue', 'cat', 'dog', 'big', 'small'];
  const fr: Record<string, string> = { red: 'rouge', green: 'vert', blue: 'bleu', cat: 'chat', dog: 'chien', big: 'grand', small: 'petit' };
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const s = [words[i % 7], words[(i * 3) % 7], words[(i * 5 + 1) % 7]];
    lines.push(`${s.join(' ')}\t${s.map((w) => fr[w]).join(' ')}`);
  }
  fs.writeFileSync(data, lines.join('\n'));
  const out = path.join(tmp, 'mt');
  const r = seqlens('train', '--task', 'translate', '--model', 'attention', '--data', data, '--out', out, '--epochs', '2', '--units', '16', '--embedding', '8', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.ok(Number.isFinite(doc.metrics.testBleu));
  const outT = path.join(tmp, 'mt-transformer');
  const rt = seqlens('train', '--task', 'translate', '--model', 'transformer', '--data', data, '--out', outT, '--epochs', '1', '--units', '16', '--json');
  assert.equal(rt.status, 0, rt.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(outT, 'seqlens.json'), 'utf8')).kind, 'transformer');
  for (const [model, beam] of [[out, '1'], [out, '3'], [outT, '1']]) {
    const t = JSON.parse(seqlens('translate', '--model', model, '--text', 'red cat', '--beam', beam, '--json').stdout);
    assert.deepEqual(t.source, ['red', 'cat']);
    assert.equal(t.text.replace(/\s+/g, ''), t.output.join(''), 'the text is the tokens, spaced as the language writes them');
    assert.ok(!/ [.,!?]/.test(t.text), `no space before punctuation: ${t.text}`);
    assert.equal(t.attention.length, t.output.length);
    for (const row of t.attention) {
      assert.equal(row.length, 2);
      assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-4);
    }
  }
  assertCleanError(seqlens('translate', '--model', outT, '--text', 'red cat', '--beam', '2'), /Transformer decodes greedily/);
  assertCleanError(seqlens('train', '--task', 'translate', '--model', 'transformer', '--data', data, '--out', outT, '--teacher-forcing', '0.5'), /teacher-forcing 1 only/);
});

test('train --task word2vec, then neighbors and analogy --json (checkpoint folder and word2vec text)', () => {
  const rngWords = (g: string, i: number) => `${g}${(i * 7 + 3) % 6}`;
  const lines = Array.from({ length: 1500 }, (_, i) => Array.from({ length: 8 }, (_, j) => rngWords(i % 2 ? 'a' : 'b', i + j * 5)).join(' '));
  const data = path.join(tmp, 'w2v.txt');
  fs.writeFileSync(data, lines.join('\n'));
  const out = path.join(tmp, 'w2v');
  const r = seqlens('train', '--task', 'word2vec', '--model', 'skipgram', '--data', data, '--out', out, '--dim', '12', '--min-count', '1', '--epochs', '2', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).metrics.words, 12);
  const n = JSON.parse(seqlens('neighbors', '--vectors', out, '--word', 'a1', '-k', '3', '--json').stdout);
  assert.equal(n.word, 'a1');
  assert.equal(n.neighbors.length, 3);
  assert.ok(n.neighbors.every((x: { word: string }) => x.word !== 'a1'));
  const an = JSON.parse(seqlens('analogy', '--vectors', out, '--a', 'a1', '--b', 'a2', '--c', 'b1', '-k', '2', '--json').stdout);
  assert.equal(an.neighbors.length, 2);
  assert.ok(an.neighbors.every((x: { word: string }) => !['a1', 'a2', 'b1'].includes(x.word)));
  assertCleanError(seqlens('neighbors', '--vectors', out, '--word', 'zebra'), /^seqlens: neighbors: "zebra" is not in the vocabulary$/);
  // word2vec text format, and its refusals with file:line.
  const txt = path.join(tmp, 'v.txt');
  fs.writeFileSync(txt, '3 2\nx 1 0\ny 0.9 0.1\nz 0 1\n');
  assert.deepEqual(JSON.parse(seqlens('neighbors', '--vectors', txt, '--word', 'x', '-k', '1', '--json').stdout).neighbors[0].word, 'y');
  fs.writeFileSync(txt, '3 2\nx 1 0\ny 0.9\nz 0 1\n');
  assertCleanError(seqlens('neighbors', '--vectors', txt, '--word', 'x'), /^seqlens: neighbors: .*v\.txt:3: expected 2 numbers after "y", found 1$/);
  fs.writeFileSync(txt, '2 2\nx 1 NaN\ny 1 1\n');
  assertCleanError(seqlens('neighbors', '--vectors', txt, '--word', 'x'), /v\.txt:2: "NaN" is not a number/);
  fs.writeFileSync(txt, '5 2\nx 1 0\n');
  assertCleanError(seqlens('neighbors', '--vectors', txt, '--word', 'x'), /v\.txt:1: the header claims 5 vectors of 2 dimensions, more than the file's 10 bytes could hold/);
});

test('train --task tag and --task classify; trace shows the encoder steps with tags or the class', () => {
  const tagged = path.join(tmp, 'tags.tsv');
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) lines.push(`the\tDET\n${i % 2 ? 'dog' : 'cat'}\tNOUN\n${i % 3 ? 'runs' : 'sleeps'}\tVERB\n.\tPUNCT\n`);
  fs.writeFileSync(tagged, lines.join('\n'));
  const outTag = path.join(tmp, 'tagger');
  const r = seqlens('train', '--task', 'tag', '--model', 'gru', '--data', tagged, '--out', outTag, '--epochs', '15', '--units', '16', '--json');
  assert.equal(r.status, 0, r.stderr);
  const t = JSON.parse(seqlens('trace', '--model', outTag, '--text', 'the cat runs .', '--json').stdout);
  assert.deepEqual(t.tags, ['DET', 'NOUN', 'VERB', 'PUNCT']);
  assert.equal(t.layers[0].kind, 'gru');
  assert.deepEqual(Object.keys(t.layers[0].steps[0].gates).sort(), ['n', 'r', 'z']);
  const classified = path.join(tmp, 'classes.tsv');
  fs.writeFileSync(classified, Array.from({ length: 200 }, (_, i) => (i % 2 ? 'pos\tgood great nice day' : 'neg\tbad awful sad day')).join('\n'));
  const outCls = path.join(tmp, 'classifier');
  assert.equal(seqlens('train', '--task', 'classify', '--model', 'lstm', '--data', classified, '--out', outCls, '--epochs', '10', '--units', '16').status, 0);
  const c = JSON.parse(seqlens('trace', '--model', outCls, '--text', 'great nice day', '--json').stdout);
  assert.equal(c.class.label, 'pos');
  assert.deepEqual(Object.keys(c.layers[0].steps[0]).sort(), ['c', 'gates', 'h']);
  fs.writeFileSync(classified, 'pos\tgood\nno tab\n');
  assertCleanError(seqlens('train', '--task', 'classify', '--data', classified, '--out', outCls), /classes\.tsv:2: expected label<TAB>text/);
  fs.writeFileSync(classified, 'pos\tgood\npos\tfine\n');
  assertCleanError(seqlens('train', '--task', 'classify', '--data', classified, '--out', outCls), /at least two labels/);
});

test('trace reads a TensorFlow.js LayersModel folder (model.json, weights, vocab.json): every recurrent layer, or a clean refusal', () => {
  const dir = path.join(tmp, 'tfjs-model');
  fs.mkdirSync(dir, { recursive: true });
  const V = 6, E = 3, H = 2;
  const rnd = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const weights: Array<[string, number[]]> = [['emb/embeddings', [V, E]], ['enc/kernel', [E, 4 * H]], ['enc/recurrent_kernel', [H, 4 * H]], ['enc/bias', [4 * H]]];
  const topology = { class_name: 'Sequential', config: { name: 'tiny', layers: [
    { class_name: 'Embedding', config: { name: 'emb', input_dim: V, output_dim: E } },
    { class_name: 'LSTM', config: { name: 'enc', units: H, return_sequences: true } },
  ] } };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }] }));
  fs.writeFileSync(path.join(dir, 'w.bin'), Buffer.from(Float32Array.from(weights.flatMap(([, shape]) => rnd(shape.reduce((a, b) => a * b, 1)))).buffer));
  fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(['<pad>', '<unk>', 'the', 'cat', 'sat', 'down']));
  const r = seqlens('trace', '--model', dir, '--text', 'The cat sat up', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.tokens, ['The', 'cat', 'sat', 'up']);
  assert.deepEqual(doc.ids, [2, 3, 4, 1]);
  assert.equal(doc.layers.length, 1);
  assert.equal(doc.layers[0].kind, 'lstm');
  assert.deepEqual(Object.keys(doc.layers[0].steps[0].gates).sort(), ['f', 'g', 'i', 'o']);
  fs.truncateSync(path.join(dir, 'w.bin'), 8);
  assertCleanError(seqlens('trace', '--model', path.join(dir, 'model.json'), '--text', 'the cat'), /model\.json: the weight files hold 8 bytes, the manifest describes 264/);
});

test('train --estimate times the run it would do (every task), writes nothing, and counts the steps the real run takes', () => {
  const data = path.join(tmp, 'estimate-lm.txt');
  fs.writeFileSync(data, generateCorpus(700, 5).map(detokenize).join('\n'));
  const out = path.join(tmp, 'estimate-never-written');
  const e = seqlens('train', '--task', 'lm', '--model', 'lstm', '--data', data, '--out', out, '--epochs', '2', '--units', '8', '--batch', '16', '--estimate', '--json');
  assert.equal(e.status, 0, e.stderr);
  const { estimate } = JSON.parse(e.stdout);
  assert.equal(fs.existsSync(out), false, 'an estimate writes no checkpoint');
  assert.equal(estimate.epochs, 2);
  assert.ok(estimate.secondsPerStep > 0 && estimate.validationSeconds > 0 && estimate.validationsPerEpoch === 1, JSON.stringify(estimate));
  const parts = estimate.setupSeconds + estimate.epochs * (estimate.stepsPerEpoch * estimate.secondsPerStep + estimate.validationSeconds);
  assert.ok(Math.abs(estimate.seconds - parts) < 1e-9, 'the total is its parts');
  // The real run's steps: its progress lines say step k/N with N = epochs × steps an epoch.
  const r = seqlens('train', '--task', 'lm', '--model', 'lstm', '--data', data, '--out', out, '--epochs', '2', '--units', '8', '--batch', '16');
  assert.equal(r.status, 0, r.stderr);
  const total = Number(/step \d+\/(\d+)/.exec(r.stderr)![1]);
  assert.equal(estimate.stepsPerEpoch * estimate.epochs, total);
  // A time limit caps the estimate; every task answers; --out is not needed.
  const capped = JSON.parse(seqlens('train', '--task', 'lm', '--model', 'lstm', '--data', data, '--epochs', '50', '--units', '8', '--time-limit', '2', '--estimate', '--json').stdout).estimate;
  assert.ok(capped.seconds <= capped.setupSeconds + 2 + capped.validationSeconds + 1e-9, JSON.stringify(capped));
  for (const args of [
    ['--task', 'translate', '--model', 'attention', '--data', 'builtin:en-ko', '--units', '16', '--embedding', '16'],
    ['--task', 'tag', '--model', 'gru', '--data', 'builtin:grammar-tags', '--units', '8'],
    ['--task', 'word2vec', '--model', 'skipgram', '--data', 'builtin:grammar-words', '--dim', '16'],
  ]) {
    const x = seqlens('train', ...args, '--estimate', '--json');
    assert.equal(x.status, 0, `${args[1]}: ${x.stderr}`);
    const est = JSON.parse(x.stdout).estimate;
    assert.ok(est.seconds > 0 && Number.isFinite(est.seconds), `${args[1]}: ${JSON.stringify(est)}`);
  }
  const text = seqlens('train', '--task', 'tag', '--model', 'gru', '--data', 'builtin:grammar-tags', '--units', '8', '--estimate');
  assert.match(text.stdout, /^about .+ on this machine: 5 epochs of \d+ steps at \d+ ms a step/);
});

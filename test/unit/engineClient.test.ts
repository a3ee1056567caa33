/**
 * The engine protocol end to end: the extension's EngineClient driving the
 * real bundled worker (dist/worker.js, built by `npm run build`).
 */
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as path from 'path';
import { EngineClient, EngineRequestError } from '../../src/worker/client';
import { ROOT } from './helpers';

const workerPath = path.join(ROOT, 'dist', 'worker.js');
const logs: string[] = [];
const crashes: string[] = [];

function client(boot?: Partial<{ wasmDir: string; modelsDir: string }>): EngineClient {
  return new EngineClient({
    workerPath,
    boot: { wasmDir: path.join(ROOT, 'dist', 'wasm'), modelsDir: path.join(ROOT, 'media', 'models'), ...boot },
    log: (level, message) => logs.push(`${level}: ${message}`),
    onCrash: (m) => crashes.push(m),
  });
}

const engine = client();
after(() => engine.dispose());

function token() {
  const listeners: Array<() => void> = [];
  return {
    isCancellationRequested: false,
    onCancellationRequested(l: () => void) {
      listeners.push(l);
      return { dispose() {} };
    },
    cancel() {
      this.isCancellationRequested = true;
      for (const l of listeners) l();
    },
  };
}

test('the worker bundle exists (run npm run build first)', () => {
  assert.ok(fs.existsSync(workerPath), `${workerPath} missing`);
});

test('the worker starts on first request, on the wasm backend, and lists the default models', async () => {
  assert.equal(engine.running, false, 'no worker before the first request');
  const info = await engine.request('engine/info', {});
  assert.equal(info.backend, 'wasm');
  assert.equal(engine.startCount, 1);
  assert.deepEqual(
    info.models.map((m) => `${m.id}:${m.kind}:${m.units}`),
    ['lstm:lstm:32', 'gru:gru:32', 'rnn-tanh:rnn:32', 'rnn-sigmoid:rnn:32'],
  );
});

test('trace/run returns typed arrays with shapes', async () => {
  const t = await engine.request('trace/run', { modelId: 'lstm', text: 'The cat sleeps.', maxTokens: 100 });
  assert.deepEqual(t.tokens.map((x) => x.text), ['the', 'cat', 'sleeps', '.']);
  assert.ok(t.layers[0].states.c.data instanceof Float32Array);
  assert.deepEqual(t.layers[0].states.c.shape, [4, 32]);
});

test('progress events stream and cancellation stops a request early', async () => {
  const progress: number[] = [];
  const tok = token();
  const p = engine.request('engine/sleep', { ms: 5000 }, { token: tok, onProgress: (x) => progress.push(x.fraction ?? 0) });
  setTimeout(() => tok.cancel(), 200);
  const t0 = Date.now();
  const r = await p;
  assert.equal(r.cancelled, true);
  assert.ok(Date.now() - t0 < 1500, 'stopped within a second of the cancel');
  assert.ok(progress.length > 3, 'progress events arrived');
});

test('bad input is an error with a readable message; the engine keeps working', async () => {
  await assert.rejects(engine.request('trace/run', { modelId: 'lstm', text: '   ', maxTokens: 10 }), (e: EngineRequestError) => e.code === 'bad-input' && /no words/.test(e.message));
  await assert.rejects(engine.request('trace/run', { modelId: 'nope', text: 'a', maxTokens: 10 }), (e: EngineRequestError) => /unknown model "nope"/.test(e.message));
  await assert.rejects(engine.request('trace/run', { modelId: 'lstm', text: 'x'.repeat(1_000_001), maxTokens: 10 }), /at most 1,000,000/);
  const t = await engine.request('trace/run', { modelId: 'gru', text: 'ok', maxTokens: 10 });
  assert.equal(t.tokens.length, 1);
});

test('a restart while the worker is starting fails ready() instead of leaving it pending', async () => {
  const c = client();
  try {
    const ready = c.ready();
    await c.restart();
    await assert.rejects(ready, /restarted/);
    const info = await c.ready();
    assert.equal(info.backend, 'wasm');
  } finally {
    c.dispose();
  }
  await assert.rejects(c.ready(), /shut down/);
});

test('a crashed worker fails the request in flight clearly, and the next request restarts it', async () => {
  const inFlight = engine.request('engine/sleep', { ms: 3000 });
  await new Promise((r) => setTimeout(r, 100));
  await engine.simulateCrash();
  await assert.rejects(inFlight, (e: EngineRequestError) => e.code === 'worker-died' && /stopped unexpectedly/.test(e.message) && /engine\/sleep/.test(e.message));
  assert.equal(crashes.length, 1);
  assert.equal(engine.running, false);
  const t = await engine.request('trace/run', { modelId: 'rnn-sigmoid', text: 'the dog runs', maxTokens: 10 });
  assert.equal(t.tokens.length, 3);
  assert.equal(engine.startCount, 2);
});

test('missing wasm binaries: the engine says so instead of silently running 100x slower', async () => {
  const warnings: string[] = [];
  const c = new EngineClient({
    workerPath,
    boot: { wasmDir: path.join(ROOT, 'no-such-dir'), modelsDir: path.join(ROOT, 'media', 'models') },
    log: () => undefined,
    onBackendWarning: (w) => warnings.push(w),
  });
  try {
    const info = await c.ready();
    assert.equal(info.backend, 'cpu');
    assert.match(info.backendWarning ?? '', /WebAssembly backend .* could not start/);
    assert.equal(warnings.length, 1);
  } finally {
    c.dispose();
  }
});

test('tasks run in the worker: training streams progress, a cancel stops it within a second, and the checkpoint serves a trace', async () => {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'seqlens-engine-'));
  const data = path.join(dir, 'text.txt');
  fs.writeFileSync(data, Array.from({ length: 4000 }, (_, i) => `the ${['dog', 'cat', 'bird'][i % 3]} ${['runs', 'sleeps'][i % 2]} near the ${['river', 'house'][i % 2]} .`).join('\n'));
  const messages: string[] = [];
  const tok = token();
  const t0 = Date.now();
  let cancelledAt = 0;
  const out = path.join(dir, 'lm');
  const pending = engine.request('task/run', { verb: 'train', options: { task: 'lm', model: 'lstm', data, out, epochs: 50, units: 16 } }, {
    token: tok,
    onProgress: (p) => {
      messages.push(String(p.message));
      if (messages.length === 3) {
        cancelledAt = Date.now();
        tok.cancel();
      }
    },
  });
  const r = await pending;
  assert.ok(messages.length >= 3 && /loss/.test(messages[0]), messages.join('\n'));
  assert.ok(Date.now() - cancelledAt < 1000, `stopped ${Date.now() - cancelledAt} ms after the cancel`);
  assert.ok(Date.now() - t0 < 60_000);
  assert.equal((r.json as { out: string }).out, out);
  const t = await engine.request('task/run', { verb: 'trace', options: { model: out, text: 'the dog runs' } });
  assert.deepEqual((t.json as { tokens: string[] }).tokens, ['the', 'dog', 'runs']);
  await assert.rejects(engine.request('task/run', { verb: 'trace', options: { model: path.join(dir, 'none'), text: 'x' } }), (e: EngineRequestError) => e.code === 'bad-input' && /no such checkpoint/.test(e.message));
});

test('workspace vectors in the worker: trained from files (.gitignore respected), served as neighbours, and a cancel stops training within a second', async () => {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'seqlens-wsv-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    return path.join(dir, rel);
  };
  const files = [
    write('.gitignore', 'private/\n'),
    write('story.txt', Array.from({ length: 3000 }, (_, i) => `the ${['dog', 'cat'][i % 2]} chased the ${['ball', 'mouse'][i % 2]} in the garden .`).join('\n')),
    write('code.ts', Array.from({ length: 500 }, () => 'const wordCount = countWords(sentenceText);').join('\n')),
    write('private/keys.txt', 'zzhidden zzhidden zzhidden zzhidden\n'.repeat(50)),
  ];
  const out = path.join(dir, 'out', 'vectors.bin');
  const r = await engine.request('vectors/train-workspace', { roots: [dir], files, out, epochs: 3 });
  assert.equal(r.files, 3);
  assert.equal(r.skipped.ignored, 1);
  assert.ok(fs.existsSync(out));
  const cat = await engine.request('vectors/neighbors', { vectors: out, word: 'Cat', k: 3 });
  assert.equal(cat.known, true);
  assert.equal(cat.neighbors.length, 3);
  assert.equal((await engine.request('vectors/neighbors', { vectors: out, word: 'count' })).known, true, 'identifiers were split');
  assert.equal((await engine.request('vectors/neighbors', { vectors: out, word: 'zzhidden' })).known, false);
  // Cancel mid-training: the request ends as cancelled, quickly, and the file on disk is the previous one.
  const before = fs.statSync(out).mtimeMs;
  const tok = token();
  let cancelledAt = 0;
  const pending = engine.request('vectors/train-workspace', { roots: [dir], files, out, epochs: 400 }, {
    token: tok,
    onProgress: (p) => {
      if (!cancelledAt && (p.fraction ?? 0) > 0.01) {
        cancelledAt = Date.now();
        tok.cancel();
      }
    },
  });
  await assert.rejects(pending, (e: EngineRequestError) => e.code === 'cancelled');
  assert.ok(cancelledAt > 0 && Date.now() - cancelledAt < 1000, `stopped ${Date.now() - cancelledAt} ms after the cancel`);
  assert.equal(fs.statSync(out).mtimeMs, before, 'a cancelled run writes nothing');
  await assert.rejects(engine.request('vectors/neighbors', { vectors: path.join(dir, 'story.txt'), word: 'x' }), (e: EngineRequestError) => e.code === 'bad-input' && /story\.txt:1:/.test(e.message));
});

/**
 * Opening models from disk in a real VS Code: a TensorFlow.js LayersModel (a
 * Bidirectional GRU, so two recurrent layers) through "SeqLens: Open Model…",
 * stepped through in the timestep panel with its layer chooser; a broken model
 * refused with a message that names the file, the trace on show kept.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { harness, waitFor } from './harness';
import { makeZip } from '../unit/zipWriter';

const PANEL = '#app[data-entry="timesteps"]';
const panel = <T>(expression: string) => harness.evaluate<T>(PANEL, expression);
let api: SeqLensApi;

/** A Bidirectional(GRU) model.json written as tfjs writes it (Keras topology, weights manifest, one .bin). */
function writeBidirectionalGru(dir: string, words: string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const V = words.length, E = 4, H = 3;
  const weights: Array<[string, number[]]> = [
    ['emb/embeddings', [V, E]],
    ['bidi/forward_gru/kernel', [E, 3 * H]],
    ['bidi/forward_gru/recurrent_kernel', [H, 3 * H]],
    ['bidi/forward_gru/bias', [3 * H]],
    ['bidi/backward_gru/kernel', [E, 3 * H]],
    ['bidi/backward_gru/recurrent_kernel', [H, 3 * H]],
    ['bidi/backward_gru/bias', [3 * H]],
  ];
  const gru = { class_name: 'GRU', config: { name: 'gru', units: H, activation: 'tanh', recurrent_activation: 'hard_sigmoid', return_sequences: true } };
  const topology = { class_name: 'Sequential', config: { name: 'bidi_demo', layers: [{ class_name: 'Embedding', config: { name: 'emb', input_dim: V, output_dim: E } }, { class_name: 'Bidirectional', config: { name: 'bidi', layer: gru, merge_mode: 'concat' } }] } };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }] }));
  const n = weights.reduce((s, [, shape]) => s + shape.reduce((a, b) => a * b, 1), 0);
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.from(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 0.6).buffer));
  fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(words));
}

describe('SeqLens: models opened from disk', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-e2e-models-'));

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
  });

  it('a language model on byte-pair pieces steps through a word it never saw, piece by piece, each piece lit at its own characters', async function () {
    this.timeout(120_000);
    const dir = path.join(tmp, 'lm-subword');
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js'); // the checkout's command (a .vsix has no CLI)
    const { spawnSync } = await import('child_process');
    const t = spawnSync(process.execPath, [cli, 'train', '--task', 'lm', '--model', 'gru', '--data', 'builtin:grammar', '--out', dir, '--epochs', '1', '--units', '16', '--subword', '80'], { encoding: 'utf8', timeout: 100_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.strictEqual(t.status, 0, t.stderr);
    const opened = (await vscode.commands.executeCommand('seqlens.openModel', vscode.Uri.file(dir))) as { id: string } | undefined;
    assert.ok(opened, `the model opened (${api.lastNotice})`);
    const text = 'the unhappiest cabinets are here .';
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    const before = api.timesteps.currentTrace;
    await vscode.commands.executeCommand('seqlens.stepThrough');
    await waitFor('the subword trace', () => api.timesteps.currentTrace !== before && api.timesteps.currentTrace?.modelId === opened.id);
    const trace = api.timesteps.currentTrace!;
    assert.ok(trace.tokens.some((x) => x.text.endsWith('@@')), `pieces: ${trace.tokens.map((x) => x.text).join(' ')}`);
    assert.ok(trace.tokens.every((x) => !x.unknown), 'no piece is <unk>');
    for (const x of trace.tokens) assert.strictEqual(text.slice(x.start, x.end), x.text.replace(/@@$/, ''), `"${x.text}" at its own characters`);
    if (!harness.available) this.skip();
    await waitFor('the panel on the subword trace', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.model === ${JSON.stringify(opened.id)} && document.querySelectorAll('#tokens .token.cont').length > 0`), 30_000);
    assert.ok(await panel<boolean>(`[...document.querySelectorAll('#tokens .token .word')].every(w => !w.textContent.includes('@@'))`), 'pieces shown without the mark');
    await harness.screenshot('timesteps-subword-dark');
  });

  it('opens a TensorFlow.js Bidirectional GRU and steps through both directions in the panel', async function () {
    const dir = path.join(tmp, 'bidi');
    writeBidirectionalGru(dir, ['<pad>', '<unk>', 'the', 'keys', 'to', 'cabinet', 'are', 'on', 'table', '.']);
    const opened = (await vscode.commands.executeCommand('seqlens.openModel', vscode.Uri.file(dir))) as { id: string; label: string; layers: string[] } | undefined;
    assert.ok(opened, `the model opened (${api.lastNotice})`);
    assert.strictEqual(opened.label, 'bidi_demo (TensorFlow.js)');
    assert.deepStrictEqual(opened.layers, ['bidi (forward)', 'bidi (backward)']);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'agreement.txt')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const before = api.timesteps.currentTrace;
    await vscode.commands.executeCommand('seqlens.stepThrough');
    await waitFor('the imported model\'s trace', () => api.timesteps.currentTrace !== before && api.timesteps.currentTrace?.modelId === opened.id);
    const trace = api.timesteps.currentTrace!;
    assert.deepStrictEqual(trace.layers.map((l) => [l.name, l.kind, l.units]), [['bidi (forward)', 'gru', 3], ['bidi (backward)', 'gru', 3]]);
    const unknown = trace.tokens.filter((t) => t.unknown).map((t) => t.text);
    assert.deepStrictEqual(unknown, ['old'], 'words outside the model\'s vocab.json are <unk>');
    if (!harness.available) this.skip();
    await waitFor('the panel on the imported trace', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.model === ${JSON.stringify(opened.id)} && document.querySelector('${PANEL}').dataset.state === 'trace'`));
    assert.strictEqual(await panel<boolean>(`document.getElementById('layer').hidden`), false, 'a layer chooser for two layers');
    assert.deepStrictEqual(await panel<string[]>(`[...document.querySelectorAll('#layer vscode-option')].map(o => o.textContent)`), ['bidi (forward) (GRU)', 'bidi (backward) (GRU)']);
    assert.ok((await panel<string[]>(`[...document.querySelectorAll('#model vscode-option')].map(o => o.textContent)`))?.includes('bidi_demo (TensorFlow.js)'), 'the model is in the chooser');
    await vscode.commands.executeCommand('notifications.clearAll');
    await harness.click('#layer');
    await harness.click('#layer vscode-option[value="1"]');
    await waitFor('the backward layer on show', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.layer === '1'`));
    // The backward GRU's state at the first token has read the whole sentence: its row equals the trace's.
    const h = trace.layers[1].states.h!;
    const cell = await panel<string>(`document.querySelector('td[data-state="h"][data-unit="0"]').textContent`);
    assert.strictEqual(cell, h.data[api.timesteps.currentStep * h.shape[1]].toFixed(3));
    await harness.screenshot('timesteps-imported-bidirectional');
  });

  it('refuses a model with truncated weights, naming the file, and keeps the trace on show', async () => {
    const dir = path.join(tmp, 'broken');
    writeBidirectionalGru(dir, ['<pad>', '<unk>', 'the']);
    fs.truncateSync(path.join(dir, 'group1-shard1of1.bin'), 16);
    const shown = api.timesteps.currentTrace;
    const opened = await vscode.commands.executeCommand('seqlens.openModel', vscode.Uri.file(dir));
    assert.strictEqual(opened, undefined);
    assert.match(api.lastNotice ?? '', /broken[/\\]model\.json: the weight files hold 16 bytes, the manifest describes/);
    assert.strictEqual(api.timesteps.currentTrace, shown, 'the trace on show is kept');
  });
});

describe('SeqLens: word vectors', function () {
  this.timeout(180_000);

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
  });

  it('answers Nearest Words from the embedded WordNet vectors on first use', async () => {
    const r = (await vscode.commands.executeCommand('seqlens.nearestWords', 'dog')) as { known: boolean; neighbors: Array<{ word: string; similarity: number }>; vectors: string } | undefined;
    assert.ok(r, `an answer (${api.lastNotice})`);
    assert.strictEqual(r.vectors, 'default');
    assert.strictEqual(r.known, true);
    assert.strictEqual(r.neighbors.length, 10);
    assert.ok(r.neighbors.every((n, i) => i === 0 || n.similarity <= r.neighbors[i - 1].similarity), 'most similar first');
  });

  it('trains vectors on the workspace (files.exclude and .gitignore respected, identifiers split) and then answers from them', async () => {
    const r = (await vscode.commands.executeCommand('seqlens.trainWorkspaceVectors')) as { files: number; skipped: { ignored: number }; vocabulary: number; out: string } | undefined;
    assert.ok(r, `trained (${api.lastNotice})`);
    assert.ok(r.files >= 6, `${r.files} files read`);
    assert.ok(r.skipped.ignored >= 1, 'drafts/notes.txt is skipped by .gitignore');
    assert.ok(fs.existsSync(r.out), 'the vectors file is written');
    assert.match(api.lastNotice ?? '', /trained [\d,]+ word vectors \(64 dimensions\) on [\d,]+ words in \d+ files/);
    const word = (await vscode.commands.executeCommand('seqlens.nearestWords', 'count')) as { known: boolean; vectors: string };
    assert.strictEqual(word.vectors, r.out, 'the workspace vectors are now in use');
    assert.strictEqual(word.known, true, '"count" comes from splitting wordCount / countWords');
    const ignored = (await vscode.commands.executeCommand('seqlens.nearestWords', 'zzdraftword')) as { known: boolean };
    assert.strictEqual(ignored.known, false, 'nothing from the .gitignore\'d folder was read');
    if (fs.existsSync(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.seqlens', 'runs'))) {
      const runFiles = (await vscode.commands.executeCommand('seqlens.nearestWords', 'heartbeat')) as { known: boolean };
      assert.strictEqual(runFiles.known, false, 'the runs in .seqlens/ (state.json: "heartbeat") are not prose');
    }
  });

  it('loads a vector file, and refuses a malformed one with its name and line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-e2e-vectors-'));
    const good = path.join(dir, 'tiny.txt');
    fs.writeFileSync(good, '3 2\nthe 1 0\ncat 0.9 0.1\ndog 0.8 0.3\n');
    const loaded = (await vscode.commands.executeCommand('seqlens.loadWordVectors', vscode.Uri.file(good))) as { vectors: string } | undefined;
    assert.ok(loaded, `loaded (${api.lastNotice})`);
    const near = (await vscode.commands.executeCommand('seqlens.nearestWords', 'cat')) as { neighbors: Array<{ word: string; similarity: number }> };
    // By hand: cos(cat, the) = 0.9 / |(0.9, 0.1)| = 0.994; cos(cat, dog) = 0.75 / (0.906 · 0.854) = 0.969.
    assert.deepStrictEqual(near.neighbors.map((n) => n.word), ['the', 'dog']);
    assert.ok(Math.abs(near.neighbors[0].similarity - 0.99388) < 1e-4 && Math.abs(near.neighbors[1].similarity - 0.96937) < 1e-4, JSON.stringify(near.neighbors));
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, '2 3\nthe 1 0 0\ncat 1 NaN 0\n');
    const refused = await vscode.commands.executeCommand('seqlens.loadWordVectors', vscode.Uri.file(bad));
    assert.strictEqual(refused, undefined);
    assert.match(api.lastNotice ?? '', /bad\.txt:3: "NaN" is not a number/);
    const still = (await vscode.commands.executeCommand('seqlens.nearestWords', 'cat')) as { vectors: string };
    assert.strictEqual(still.vectors, good, 'the loaded vectors stay in use after a refusal');
  });

  it('exports the vectors in use as word2vec text and binary and projector TSV, and each loads back the same', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-e2e-export-'));
    const src = path.join(dir, 'src.txt');
    fs.writeFileSync(src, '4 3\nthe 1 0 0.5\ncat 0.9 0.1 -0.25\ndog 0.8 0.3 0\nécole -1 2 3.5\n');
    assert.ok(await vscode.commands.executeCommand('seqlens.loadWordVectors', vscode.Uri.file(src)));
    const before = (await vscode.commands.executeCommand('seqlens.nearestWords', 'cat')) as { neighbors: Array<{ word: string; similarity: number }> };
    for (const [format, name] of [['word2vec-text', 'out.txt'], ['word2vec-binary', 'out.bin'], ['projector-tsv', 'out.tsv']] as const) {
      await vscode.commands.executeCommand('seqlens.loadWordVectors', vscode.Uri.file(src));
      const out = path.join(dir, name);
      const r = (await vscode.commands.executeCommand('seqlens.exportWordVectors', { format, file: out })) as { files: string[]; words: number } | undefined;
      assert.ok(r, `${format} exported (${api.lastNotice})`);
      assert.strictEqual(r.words, 4);
      if (format === 'projector-tsv') {
        assert.deepStrictEqual(r.files, [out, path.join(dir, 'out-metadata.tsv')]);
        assert.strictEqual(fs.readFileSync(r.files[1], 'utf8'), 'the\ncat\ndog\nécole\n');
      }
      assert.ok(await vscode.commands.executeCommand('seqlens.loadWordVectors', vscode.Uri.file(out)), `${format} loads back (the TSV with its -metadata.tsv)`);
      const after = (await vscode.commands.executeCommand('seqlens.nearestWords', 'cat')) as { neighbors: Array<{ word: string; similarity: number }>; vectors: string };
      assert.strictEqual(after.vectors, out);
      assert.deepStrictEqual(after.neighbors.map((n) => n.word), before.neighbors.map((n) => n.word), format);
      after.neighbors.forEach((n, i) => assert.ok(Math.abs(n.similarity - before.neighbors[i].similarity) < 1e-6, `${format}: ${n.word}`));
    }
  });
});

describe('SeqLens: word similarity on hover', function () {
  this.timeout(60_000);

  it('shows the nearest words and the embedding of the word under the pointer, in prose only, and can be turned off', async () => {
    // The vectors in use are the small file the export test loaded last: the, cat, dog, école.
    const src = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-e2e-hover-')), 'v.txt');
    fs.writeFileSync(src, '4 3\nthe 1 0 0.5\ncat 0.9 0.1 -0.25\ndog 0.8 0.3 0\nécole -1 2 3.5\n');
    assert.ok(await vscode.commands.executeCommand('seqlens.loadWordVectors', vscode.Uri.file(src)));
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'the cat sat on the mat\n' });
    const hoverText = async (d: vscode.TextDocument, pos: vscode.Position) => {
      const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', d.uri, pos)) as vscode.Hover[];
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    };
    const text = await hoverText(doc, new vscode.Position(0, 5));
    assert.match(text, /\*\*cat\*\* — nearest in v\\\.txt \(cosine\)/);
    // By hand: |cat| = 0.9394; cos(cat, dog) = 0.75 / (0.9394 · 0.8544) = 0.934,
    // cos(cat, the) = 0.775 / (0.9394 · 1.1180) = 0.738, cos(cat, école) = −1.575 / (0.9394 · 4.1533) = −0.404.
    assert.match(text, /dog 0\.93 · the 0\.74 · école -0\.40/);
    // |cat| = (0.9, 0.1, 0.25) scaled to the largest: 8/8, 0.89/8, 2.2/8 of a block.
    assert.match(text, /embedding, 3 dimensions[\s\S]*█▁▂/);
    assert.strictEqual(await hoverText(doc, new vscode.Position(0, 9)), '', '"sat" is not in these vectors: no hover');
    const code = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'const cat = 1;\n' });
    assert.doesNotMatch(await hoverText(code, new vscode.Position(0, 7)), /nearest in/, 'no similarity hover in code');
    await vscode.workspace.getConfiguration('seqlens.hover').update('enabled', false, vscode.ConfigurationTarget.Global);
    try {
      assert.doesNotMatch(await hoverText(doc, new vscode.Position(0, 5)), /nearest in/);
    } finally {
      await vscode.workspace.getConfiguration('seqlens.hover').update('enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

describe('SeqLens: Download Sentence Pairs', function () {
  this.timeout(60_000);
  let server: http.Server;
  let base = '';
  const tsv = Array.from({ length: 300 }, (_, i) => `Sentence ${i}.\tPhrase ${i}.\tCC-BY 2.0 (France) Attribution: tatoeba.org #${i} (a) & #${i + 1} (b)`).join('\n') + '\n';

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
    const zip = makeZip([{ name: '_about.txt', data: Buffer.from('about') }, { name: 'fra.txt', data: Buffer.from(tsv), deflate: true }]);
    server = http.createServer((req, res) => {
      if (req.url === '/anki/fra-eng.zip') {
        res.writeHead(200, { 'content-length': zip.length });
        res.end(zip);
      } else if (req.url === '/anki/deu-eng.zip') {
        res.writeHead(200, { 'content-length': 3 * 1048576 });
        res.end();
      } else {
        res.writeHead(404, 'Not Found');
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/anki/`;
    await vscode.workspace.getConfiguration('seqlens.corpora').update('tatoebaUrl', base, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('seqlens.corpora').update('maxDownloadMB', 1, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    server.close();
    await vscode.workspace.getConfiguration('seqlens.corpora').update('tatoebaUrl', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('seqlens.corpora').update('maxDownloadMB', undefined, vscode.ConfigurationTarget.Global);
  });

  it('downloads, unpacks and saves Tatoeba pairs over HTTP, and says the licence', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-e2e-corpus-'));
    const r = (await vscode.commands.executeCommand('seqlens.downloadCorpus', { language: 'fra', folder, acceptLicence: true })) as { file: string; pairs: number } | undefined;
    assert.ok(r, `downloaded (${api.lastNotice})`);
    assert.strictEqual(r.pairs, 300);
    assert.strictEqual(r.file, path.join(folder, 'fra-eng.tsv'));
    assert.strictEqual(fs.readFileSync(r.file, 'utf8'), tsv);
    assert.match(api.lastNotice ?? '', /saved 300 English ↔ French sentence pairs .* Licence: CC-BY 2\.0 FR \(Tatoeba\)/);
  });

  it('refuses a download over the size limit and a missing archive, saving nothing', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-e2e-corpus-'));
    assert.strictEqual(await vscode.commands.executeCommand('seqlens.downloadCorpus', { language: 'deu', folder, acceptLicence: true }), undefined);
    assert.match(api.lastNotice ?? '', /deu-eng\.zip is 3\.0 MB, over the 1\.0 MB limit/);
    assert.strictEqual(await vscode.commands.executeCommand('seqlens.downloadCorpus', { language: 'spa', folder, acceptLicence: true }), undefined);
    assert.match(api.lastNotice ?? '', /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/anki\/spa-eng\.zip/);
    assert.deepStrictEqual(fs.readdirSync(folder), []);
  });
});

/**
 * SeqLens: Show Embedding Projector in a real VS Code: the embedded 20,000 WordNet vectors,
 * projected by PCA in the engine and drawn with WebGL. The canvas draws (its pixels change when a
 * word is selected), search and the neighbour list are in the DOM, and the word under the editor's
 * caret is lit on the map; UMAP and t-SNE from the panel's controls (their layouts drawn as they
 * form, Stop keeping the one so far), 3D with orbit, analogies as arrows, the editor's sentence as a
 * path, TSV / JSON / PNG export into the workspace, and the hover's "Show in projector"; screenshots.
 */
import * as fs from 'fs';
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { harness, waitFor } from './harness';

const setField = (id: string, value: string) => harness.evaluate(PANEL_SEL, `(() => { const e = document.getElementById('${id}'); e.value = '${value}'; e.dispatchEvent(new Event('change')); e.dispatchEvent(new Event('input')); return true; })()`);
const PANEL_SEL = '#app[data-entry="projector"]';

const PANEL = '#app[data-entry="projector"]';
const panel = <T>(expression: string) => harness.evaluate<T>(PANEL, expression);
/** A checksum of the canvas's pixels, and how many distinct colours it has (sampled). */
const PIXELS = `(() => { const c = document.getElementById('proj-canvas'); const t = document.createElement('canvas'); t.width = c.width; t.height = c.height; const g = t.getContext('2d'); g.drawImage(c, 0, 0); const d = g.getImageData(0, 0, t.width, t.height).data; let sum = 0; const colours = new Set(); for (let i = 0; i < d.length; i += 4 * 7) { sum = (sum * 31 + d[i] * 7 + d[i + 1] * 13 + d[i + 2]) % 1000000007; colours.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]); } return [sum, colours.size]; })()`;

describe('SeqLens: Show Embedding Projector', function () {
  this.timeout(120_000);
  let api: SeqLensApi;

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
  });

  it('maps every embedded vector by PCA, searches, lists a clicked word\'s neighbours and lights the editor\'s word', async function () {
    // A text in the editor first, so that the projector opens beside it.
    const doc = await vscode.workspace.openTextDocument({ content: 'the boat went down the river', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const p = (await vscode.commands.executeCommand('seqlens.showProjector')) as { words: string[]; coords: number[]; explained: number[] } | undefined;
    assert.ok(p, `projected (${api.lastNotice})`);
    assert.strictEqual(p.words.length, 20_000, 'every embedded vector, no sampling');
    assert.strictEqual(p.coords.length, 40_000);
    assert.ok(p.explained[0] >= p.explained[1] && p.explained[1] > 0);
    if (!harness.available) this.skip();
    await waitFor('the map', () => panel<boolean>(`document.querySelector('${PANEL}')?.dataset.state === 'shown' && !!document.getElementById('proj-canvas')`), 30_000);
    const [before, colours] = (await panel<[number, number]>(PIXELS))!;
    assert.ok(colours >= 2, `the canvas draws points (${colours} colours)`);
    assert.ok((await panel<number>(`document.querySelectorAll('#proj-labels .label').length`))! > 0, 'labels within the budget');
    // Search by substring, then by regex.
    await panel(`(() => { const i = document.getElementById('proj-search'); i.value = 'river'; i.dispatchEvent(new Event('input')); return true; })()`);
    await waitFor('matches for "river"', () => panel<boolean>(`/\\d+ match/.test(document.getElementById('proj-search-info').textContent)`));
    assert.ok(await panel<boolean>(`[...document.querySelectorAll('#proj-matches li')].some(li => li.dataset.word === 'river')`));
    await panel(`(() => { const i = document.getElementById('proj-search'); i.value = '/^riv(er|ers)$/'; i.dispatchEvent(new Event('input')); return true; })()`);
    await waitFor('the regex matches', () => panel<boolean>(`[...document.querySelectorAll('#proj-matches li')].map(li => li.dataset.word).sort().join() === 'river,rivers'`));
    // Click a word: its nearest neighbours (cosine, original space) listed, and the map redrawn with them lit.
    await harness.click('#proj-matches li[data-word="river"]');
    await waitFor('the neighbours of "river"', () => api.projector.lastNeighbours?.word === 'river' && panel<boolean>(`document.querySelectorAll('#proj-neighbour-list li').length === 10`));
    const listed = await panel<string[]>(`[...document.querySelectorAll('#proj-neighbour-list li')].map(li => li.dataset.word)`);
    assert.deepStrictEqual(listed, api.projector.lastNeighbours!.neighbours.map((n) => n.word));
    // One-hot vs embedding for "river" and its seven nearest: the identity beside the cosines.
    await waitFor('the cosine matrices', () => api.projector.lastSimilarity?.words[0] === 'river' && panel<boolean>(`!!document.getElementById('proj-onehot') && !!document.getElementById('proj-embedding')`));
    const oneHot = await panel<number[][]>(`[...document.querySelectorAll('#proj-onehot tr')].slice(1).map(tr => [...tr.querySelectorAll('td')].map(td => Number(td.dataset.c)))`);
    assert.deepStrictEqual(oneHot, oneHot!.map((row, i) => row.map((_, j) => (i === j ? 1 : 0))), 'one-hot cosines are the identity');
    const emb = (await panel<number[][]>(`[...document.querySelectorAll('#proj-embedding tr')].slice(1).map(tr => [...tr.querySelectorAll('td')].map(td => Number(td.dataset.c)))`))!;
    assert.strictEqual(emb.length, 8);
    emb.forEach((row, i) => row.forEach((c, j) => assert.ok(Math.abs(c - emb[j][i]) < 1e-4, 'symmetric')));
    api.projector.lastNeighbours!.neighbours.slice(0, 7).forEach((n, k) => assert.ok(Math.abs(emb[0][k + 1] - n.similarity) < 1e-3, `cos(river, ${n.word}) is the neighbour list's ${n.similarity}`));
    const [after] = (await panel<[number, number]>(PIXELS))!;
    assert.notStrictEqual(after, before, 'the pixels change when a word and its neighbours are lit');
    await harness.screenshot('projector-dark');
    // The word under the editor's caret is lit on the map.
    editor.selection = new vscode.Selection(0, 24, 0, 24);
    await waitFor('the caret word on the map', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.lit === '1'`));
  });

  it('runs UMAP from the panel, its layout drawn as it forms; t-SNE stopped keeps the layout so far', async function () {
    if (!harness.available) this.skip();
    await waitFor('the map', () => panel<boolean>(`document.querySelector('${PANEL}')?.dataset.state === 'shown'`), 30_000);
    const [pcaPixels] = (await panel<[number, number]>(PIXELS))!;
    const seen = api.projector.layoutsSeen;
    await setField('proj-method', 'umap');
    await setField('proj-limit', '3000');
    assert.ok(await panel<boolean>(`getComputedStyle(document.getElementById('proj-neighbors').parentElement).display !== 'none' && getComputedStyle(document.getElementById('proj-perplexity').parentElement).display === 'none'`), 'UMAP shows its own parameters only');
    await harness.click('#proj-run');
    await waitFor('the UMAP map', () => api.projector.current?.method === 'umap' && panel<boolean>(`document.querySelector('${PANEL}').dataset.state === 'shown' && document.querySelector('${PANEL}').dataset.method === 'umap'`), 90_000);
    const u = api.projector.current!;
    assert.strictEqual(u.words.length, 3000);
    assert.ok(api.projector.layoutsSeen > seen, 'layouts streamed while it formed');
    assert.ok(u.trustworthiness && u.trustworthiness.map > u.trustworthiness.pca, `UMAP keeps neighbours better than PCA (${JSON.stringify(u.trustworthiness)})`);
    assert.match((await panel<string>(`document.getElementById('proj-header').textContent`))!, /UMAP .*trustworthiness at 10: 0\.\d+ \(PCA 0\.\d+\)/);
    const [umapPixels] = (await panel<[number, number]>(PIXELS))!;
    assert.notStrictEqual(umapPixels, pcaPixels, 'the UMAP map draws other pixels');
    await harness.screenshot('projector-umap');
    // t-SNE, stopped while it forms: the layout so far stays as the map.
    await setField('proj-method', 'tsne');
    await setField('proj-limit', '3000');
    await setField('proj-iterations', '5000');
    const before = api.projector.layoutsSeen;
    await harness.click('#proj-run');
    await waitFor('a t-SNE layout forming', () => api.projector.layoutsSeen > before && panel<boolean>(`document.querySelector('${PANEL}').dataset.state === 'forming' && !document.getElementById('proj-stop').hasAttribute('hidden')`), 90_000);
    await harness.click('#proj-stop');
    await waitFor('the stopped layout kept', () => api.projector.current?.method === 'tsne' && api.projector.current.stoppedAt !== undefined, 30_000);
    assert.ok(api.projector.current!.stoppedAt!.done < 5000);
    await waitFor('the header says where it stopped', () => panel<boolean>(`/stopped at \\d+ of 5000/.test(document.getElementById('proj-header').textContent)`));
    assert.ok(await panel<boolean>(`document.getElementById('proj-stop').hasAttribute('hidden')`), 'Stop hides when nothing runs');
  });

  it('draws 3D and orbits by keyboard; solves an analogy as arrows; draws the editor\'s sentence as a path; exports TSV, JSON and PNG', async function () {
    if (!harness.available) this.skip();
    const p3 = (await vscode.commands.executeCommand('seqlens.showProjector', { method: 'pca', dims: 3 })) as { dims: number; coords: number[]; words: string[] } | undefined;
    assert.ok(p3 && p3.dims === 3 && p3.coords.length === 3 * p3.words.length, '3D coordinates');
    await waitFor('the 3D map', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.state === 'shown' && document.querySelector('${PANEL}').dataset.dims === '3'`), 30_000);
    const [a, colours] = (await panel<[number, number]>(PIXELS))!;
    assert.ok(colours >= 2);
    await panel(`(() => { const s = document.getElementById('proj-stage'); for (let i = 0; i < 5; i++) s.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true })); return true; })()`);
    const [b] = (await panel<[number, number]>(PIXELS))!;
    assert.notStrictEqual(a, b, 'orbiting redraws the points from another side');
    await harness.screenshot('projector-3d');
    // Back to 2D PCA for the analogy and the path.
    await vscode.commands.executeCommand('seqlens.showProjector', { method: 'pca', dims: 2 });
    await waitFor('the 2D map', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.state === 'shown' && document.querySelector('${PANEL}').dataset.dims === '2'`), 30_000);
    await setField('proj-an-a', 'man');
    await setField('proj-an-b', 'king');
    await setField('proj-an-c', 'woman');
    await harness.click('#proj-an-go');
    await waitFor('the analogy', () => api.projector.lastAnalogy?.c === 'woman' && panel<boolean>(`document.querySelectorAll('#proj-analogy-list li').length > 0`));
    const answers = api.projector.lastAnalogy!.answers.map((x) => x.word);
    assert.ok(!answers.includes('man') && !answers.includes('king') && !answers.includes('woman'), 'the three words are left out');
    assert.strictEqual(await panel<string>(`document.querySelector('${PANEL}').dataset.arrows`), '2', 'a → b and c → the answer drawn');
    await harness.screenshot('projector-analogy');
    // By keyboard: Enter on a listed answer selects it and lists its neighbours.
    await panel(`(() => { const li = document.querySelector('#proj-analogy-list li'); li.focus(); li.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })); return true; })()`);
    await waitFor('the answer selected by keyboard', () => api.projector.lastNeighbours?.word === answers[0]);
    await setField('proj-an-a', 'qqqzzz');
    await harness.click('#proj-an-go');
    await waitFor('a clear message for an unknown word', () => panel<boolean>(`/qqqzzz/.test(document.getElementById('proj-analogy-error')?.textContent ?? '')`));
    // The editor's sentence as a path over the map.
    const doc = await vscode.workspace.openTextDocument({ content: 'the boat went down the river', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 28);
    await waitFor('the sentence path', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.path === '1' && Number(document.querySelector('${PANEL}').dataset.lit) >= 5`));
    // Export into the workspace.
    for (const format of ['tsv', 'json', 'png'] as const) {
      const last = api.projector.lastExport;
      await harness.click(`#proj-export-${format}`);
      const file = await waitFor(`the ${format} export`, () => (api.projector.lastExport && api.projector.lastExport !== last && api.projector.lastExport.endsWith(format) ? api.projector.lastExport : undefined));
      const bytes = fs.readFileSync(file);
      if (format === 'tsv') {
        const lines = bytes.toString('utf8').trim().split('\n');
        assert.strictEqual(lines[0], 'word\tx\ty\tselected');
        assert.strictEqual(lines.length, 20_001);
        assert.ok(lines.some((l) => l.startsWith('river\t') && l.endsWith('\t1')), 'the lit words marked selected');
      } else if (format === 'json') {
        const j = JSON.parse(bytes.toString('utf8')) as { method: string; words: string[]; coords: number[][] };
        assert.strictEqual(j.method, 'pca');
        assert.strictEqual(j.coords.length, j.words.length);
      } else assert.deepStrictEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
    }
  });

  it('the hover links to the projector, which opens with the word selected', async function () {
    const doc = await vscode.workspace.openTextDocument({ content: 'a boat on the river', language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    const hovers = await waitFor('the hover', async () => {
      const h = (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 3))) as vscode.Hover[];
      return h.find((x) => x.contents.some((c) => (c as vscode.MarkdownString).value?.includes('command:seqlens.showProjector')));
    }, 30_000);
    const md = hovers.contents.map((c) => (c as vscode.MarkdownString).value).join('\n');
    const link = /command:seqlens\.showProjector\?([^ )]+)/.exec(md)!;
    const args = JSON.parse(decodeURIComponent(link[1])) as Array<{ word: string }>;
    assert.strictEqual(args[0].word, 'boat');
    await vscode.commands.executeCommand('seqlens.showProjector', args[0]);
    await waitFor('the word selected on the map', () => api.projector.lastNeighbours?.word === 'boat');
  });

  it('a word-vector run in the Runs view opens in the projector with its own vectors', async function () {
    this.timeout(240_000);
    const r = (await vscode.commands.executeCommand('seqlens.trainModel', { task: 'word2vec', model: 'skipgram', data: 'builtin:grammar', preset: 'small', timeLimit: 0, options: { epochs: 1 }, name: 'vectors for the projector' })) as { dir: string; id: string } | undefined;
    assert.ok(r, `started (${api.lastNotice})`);
    try {
      await waitFor('the run to finish', () => api.training.service.list().find((x) => x.dir === r.dir && x.state === 'done' && x.hasCheckpoint), 180_000);
      const p = (await vscode.commands.executeCommand('seqlens.showRunInProjector', { dir: r.dir })) as { vectorsLabel: string; words: string[] } | undefined;
      assert.ok(p, `projected (${api.lastNotice})`);
      assert.strictEqual(p.vectorsLabel, r.id, 'the map is labelled with the run');
      assert.ok(p.words.length > 20 && p.words.length < 20_000, `the run's own vocabulary (${p.words.length} words)`);
      if (harness.available) await waitFor('the run\'s map', () => panel<boolean>(`(document.getElementById('proj-header')?.textContent ?? '').includes('${r.id}')`), 30_000);
    } finally {
      await api.vectors.use(undefined); // the embedded vectors again, for the suites after this one
    }
  });
});

/**
 * SeqLens: Show Embedding Projector in a real VS Code: the embedded 20,000 WordNet vectors,
 * projected by PCA in the engine and drawn with WebGL. The canvas draws (its pixels change when a
 * word is selected), search and the neighbour list are in the DOM, and the word under the editor's
 * caret is lit on the map; screenshots.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { harness, waitFor } from './harness';

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
});

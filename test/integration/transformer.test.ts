/**
 * The Transformer lens in a real VS Code: Show Transformer Attention on a line of
 * demo/translate.txt with the embedded English → Korean Transformer. The panel's real DOM has a
 * thumbnail per layer × head (+ the mean) × kind, the head view's rows sum to 1 and causal rows
 * are zero above the diagonal, the drill-down reproduces the forward pass, and the editor's
 * shading follows the caret; screenshots in dark, light and high-contrast themes.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { harness, setTheme, waitFor } from './harness';

const PANEL = '#app[data-entry="transformer"]';
const panel = <T>(expression: string) => harness.evaluate<T>(PANEL, expression);

describe('SeqLens: Show Transformer Attention', function () {
  this.timeout(180_000);
  let api: SeqLensApi;

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
  });

  it('shows every layer, head and kind, the head view and the drill-down, and shades the editor from the caret', async function () {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'translate.txt')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const v = (await vscode.commands.executeCommand('seqlens.showTransformerAttention')) as { source: Array<{ text: string }>; output: string[]; heads: number; encoderLayers: number } | undefined;
    assert.ok(v, `shown (${api.lastNotice})`);
    assert.strictEqual(v.output.join(' '), '어제 작은 고양이가 공원에서 빵을 먹었다 .');
    const p = api.transformer.panel;
    // The caret at the line's start: the first word's attention is shaded in the editor.
    await waitFor('the editor shading from the caret', () => (p.link?.shaded().length ?? 0) > 0);
    assert.strictEqual(p.caretToken, 0);
    // Move the caret onto "cat" (token 2): the shading follows it.
    const cat = doc.lineAt(0).text.indexOf('cat');
    editor.selection = new vscode.Selection(0, cat + 1, 0, cat + 1);
    await waitFor('the caret on “cat”', () => p.caretToken === 2);
    const step = p.link!.stepRange()!;
    assert.strictEqual(doc.getText(step), 'cat');
    const shaded = p.link!.shaded();
    const total = shaded.reduce((a, s) => a + s.weight, 0);
    assert.ok(total > 0.5 && total <= 1 + 1e-5, `shaded weights are a row of attention (${total})`);
    if (!harness.available) this.skip();
    await waitFor('the panel to show the view', () => panel<boolean>(`document.querySelector('${PANEL}')?.dataset.state === 'shown'`));
    // Model view: layers × (heads + mean) per kind.
    const thumbs = await panel<number>(`document.querySelectorAll('.thumb:not(.mean)').length`);
    assert.strictEqual(thumbs, (2 + 2 + 2) * v.heads, 'encoder 2 layers, decoder self 2, cross 2, each × heads');
    assert.strictEqual(await panel<number>(`document.querySelectorAll('.kind').length`), 3);
    // Head view: rows sum to 1.
    const sums = await panel<number[]>(`[...document.querySelectorAll('#head-matrix tr[data-i]')].map(tr => [...tr.querySelectorAll('td')].reduce((a, td) => a + Number(td.dataset.w), 0))`);
    assert.strictEqual(sums?.length, v.source.length);
    for (const s of sums!) assert.ok(Math.abs(s - 1) < 1e-4, `row sums to ${s}`);
    // Causal self-attention, layer 1, head 2: nothing above the diagonal.
    await harness.click('.thumb[data-kind="decoder-self"][data-layer="0"][data-head="1"]');
    await waitFor('the decoder head in the head view', () => panel<boolean>(`/causal/.test(document.getElementById('head-title').textContent)`));
    const above = await panel<number>(`[...document.querySelectorAll('#head-matrix td')].filter(td => Number(td.dataset.j) > Number(td.dataset.i)).reduce((a, td) => a + Number(td.dataset.w), 0)`);
    assert.strictEqual(above, 0, 'causal rows are zero above the diagonal');
    await waitFor('the host to hear the head choice', () => p.head.kind === 'decoder-self' && p.head.head === 1);
    // Cross-attention, layer 2: hover the query 먹었다 → the drill-down, checked against the forward pass.
    await harness.click('.thumb[data-kind="cross"][data-layer="1"][data-head="0"]');
    await harness.hover('#head-matrix th.query[data-i="5"]');
    await waitFor('the drill-down of 먹었다', () => panel<boolean>(`/먹었다/.test(document.querySelector('#drill h3').textContent)`));
    const err = await panel<number>(`Number(document.getElementById('drill-check').dataset.error)`);
    assert.ok(err !== undefined && err < 1e-5, `drill-down reproduces the forward pass (${err})`);
    const drillSum = await panel<number>(`[...document.querySelectorAll('#drill-table td[data-w]')].reduce((a, td) => a + Number(td.dataset.w), 0)`);
    assert.ok(Math.abs(drillSum! - 1) < 1e-4);
    // An encoder head, hovering a source token: it is highlighted in the editor.
    await harness.click('.thumb[data-kind="encoder-self"][data-layer="0"][data-head="-1"]');
    await harness.hover('#head-matrix th.query[data-i="5"]');
    await waitFor('the hovered token in the editor', () => p.link?.hoverRange() && doc.getText(p.link.hoverRange()) === 'bread');
    await harness.screenshot('transformer-dark');
    // Lines, several heads overlaid: cross-attention layer 2, heads 1 and 3, each in its colour.
    await harness.click('.thumb[data-kind="cross"][data-layer="1"][data-head="0"]');
    await panel(`(() => { const s = document.getElementById('mode'); s.value = 'lines'; s.dispatchEvent(new Event('change')); return true; })()`);
    await waitFor('the lines view with head chips', () => panel<boolean>(`!!document.getElementById('head-lines') && document.querySelectorAll('#head-chips .chip').length === ${v.heads}`));
    await harness.click('#head-chips .chip[data-head="2"]');
    await waitFor('heads 1 and 3 overlaid', () => panel<boolean>(`/heads 1, 3 overlaid/.test(document.getElementById('head-title').textContent)`));
    const drawn = await panel<Array<[string, string]>>(`[...new Set([...document.querySelectorAll('#head-lines line')].map(l => l.dataset.head + ' ' + l.getAttribute('stroke')))].map(x => x.split(' '))`);
    assert.deepStrictEqual([...new Set(drawn!.map((d) => d[0]))].sort(), ['0', '2'], 'lines of heads 1 and 3');
    assert.strictEqual(new Set(drawn!.map((d) => d[1])).size, 2, 'each head in its own colour');
    // Each overlaid head's lines from a query carry that head's row (summing to at most 1).
    const perHead = await panel<number[]>(`['0', '2'].map(h => [...document.querySelectorAll('#head-lines line[data-i="0"][data-head="' + h + '"]')].reduce((a, l) => a + Number(l.dataset.w), 0))`);
    for (const w of perHead!) assert.ok(w > 0.5 && w <= 1 + 1e-5, `a head's row from query 1 sums to ${w}`);
    await harness.screenshot('transformer-lines-overlay-dark');
    await panel(`(() => { const s = document.getElementById('mode'); s.value = 'matrix'; s.dispatchEvent(new Event('change')); return true; })()`);
    await harness.click('.thumb[data-kind="encoder-self"][data-layer="0"][data-head="-1"]');
    await setTheme(PANEL, 'Default Light Modern', 'vscode-light');
    await harness.screenshot('transformer-light');
    await setTheme(PANEL, 'Default High Contrast', 'vscode-high-contrast');
    await harness.screenshot('transformer-high-contrast');
    // The positional encoding tab.
    await harness.click('#tab-positions');
    await waitFor('the PE matrix', () => panel<boolean>(`!!document.getElementById('pe-matrix')`));
    await setTheme(PANEL, 'Default Light Modern', 'vscode-light');
    await harness.screenshot('transformer-positions-light');
    await harness.click('#tab-attention');
    await setTheme(PANEL, 'Default Dark Modern', 'vscode-dark');
  });

  it('a long selection is cut at the documented limit with a notice; unknown words get a notice, not an error', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'the cat saw the dog . '.repeat(400) + '\nzebras juggle quantum spaceships\n' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const v = (await vscode.commands.executeCommand('seqlens.showTransformerAttention')) as { source: unknown[]; truncatedTokens: number } | undefined;
    assert.ok(v, `shown (${api.lastNotice})`);
    assert.strictEqual(v.source.length, 128);
    assert.match(api.lastNotice ?? '', /longer than 128 words/);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const u = (await vscode.commands.executeCommand('seqlens.showTransformerAttention')) as { source: Array<{ unknown: boolean }> } | undefined;
    assert.ok(u?.source.every((t) => t.unknown));
    assert.match(api.lastNotice ?? '', /None of these words is in the model's vocabulary/);
  });
});

/**
 * Translate Selection in a real VS Code: the embedded English → Korean model
 * translates a line of demo/translate.txt, and the panel's real DOM shows the
 * translation and the attention map (rows sum to 1, the strongest cells where
 * Korean word order puts them); screenshots in light and dark themes.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { harness, waitFor } from './harness';

const PANEL = '#app[data-entry="translate"]';
const panel = <T>(expression: string) => harness.evaluate<T>(PANEL, expression);

describe('SeqLens: Translate Selection', function () {
  this.timeout(120_000);
  let api: SeqLensApi;

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
  });

  it('translates the caret line and shows the attention map in the panel', async function () {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'translate.txt')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    const r = (await vscode.commands.executeCommand('seqlens.translateSelection')) as { source: string[]; output: string[]; attention: number[][]; text: string } | undefined;
    assert.ok(r, `translated (${api.lastNotice})`);
    assert.deepStrictEqual(r.source, ['the', 'small', 'cat', 'ate', 'the', 'bread', 'in', 'the', 'park', 'yesterday', '.']);
    assert.strictEqual(r.text, '어제 작은 고양이가 공원에서 빵을 먹었다 .');
    assert.strictEqual(r.attention.length, r.output.length);
    for (const row of r.attention) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'each row sums to 1');
    // Crossing attention: 어제 (first) looks at "yesterday" (9), 먹었다 (second to last) at "ate" (3).
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    assert.strictEqual(argmax(r.attention[0]), 9);
    assert.strictEqual(argmax(r.attention[5]), 3);
    if (!harness.available) this.skip();
    await waitFor('the panel to show the translation', () => panel<boolean>(`document.querySelector('${PANEL}')?.dataset.state === 'shown'`));
    assert.strictEqual(await panel<string>(`document.getElementById('output').textContent`), r.text);
    assert.deepStrictEqual(await panel<string[]>(`[...document.querySelectorAll('th.src')].map(e => e.textContent)`), r.source);
    assert.deepStrictEqual(await panel<string[]>(`[...document.querySelectorAll('th.out')].map(e => e.textContent)`), r.output);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('table.attention td').length`), r.output.length * r.source.length);
    const best = await panel<Array<[string, string]>>(`[...document.querySelectorAll('td.best')].map(td => [td.dataset.t, td.dataset.s])`);
    assert.deepStrictEqual(best, r.attention.map((row, t) => [String(t), String(argmax(row))]), 'the outlined cell of each row is its strongest');
    await vscode.commands.executeCommand('notifications.clearAll');
    await harness.hover('table.attention td[data-t="5"][data-s="3"]');
    await waitFor('the hovered weight in the status line', () => panel<boolean>(`/먹었다.*ate/.test(document.getElementById('status').textContent)`));
    await waitFor('the host to hear the hover', () => api.translate.hovered.target === 5 && api.translate.hovered.source === 3);
    await harness.screenshot('translate-dark');
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Light Modern', vscode.ConfigurationTarget.Global);
    await waitFor('the panel in the light theme', async () => (await panel<string>('document.body.className'))?.split(' ').includes('vscode-light'));
    await new Promise((res) => setTimeout(res, 400));
    await harness.screenshot('translate-light');
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    // The model chooser: the embedded Transformer, with its cross-attention per layer and head.
    await panel(`(() => { const s = document.getElementById('model'); s.value = 'en-ko-transformer'; s.dispatchEvent(new Event('change')); return true; })()`);
    await waitFor('the Transformer translation', () => panel<boolean>(`/Transformer/.test(document.getElementById('header').textContent) && document.querySelectorAll('#cross-head option').length > 0`), 30_000);
    assert.strictEqual(await panel<string>(`document.getElementById('output').textContent`), r.text);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('#cross-head option').length`), 2 * (4 + 1), 'two cross-attention layers, four heads and their mean each');
    await panel(`(() => { const s = document.getElementById('cross-head'); s.value = '0:2'; s.dispatchEvent(new Event('change')); return true; })()`);
    const sums = await panel<number[]>(`[...document.querySelectorAll('table.attention tr[data-t]')].map(tr => [...tr.querySelectorAll('td')].reduce((a, td) => a + Number(td.dataset.w), 0))`);
    assert.strictEqual(sums?.length, r.output.length);
    for (const s of sums!) assert.ok(Math.abs(s - 1) < 1e-3, `a row of layer 1, head 3 sums to ${s}`);
    await harness.screenshot('translate-transformer-dark');
    // The chooser offers every embedded model; the one without attention says why it has no map.
    assert.deepStrictEqual(await panel<string[]>(`[...document.querySelectorAll('#model option')].map(o => o.value)`), ['en-ko', 'en-ko-additive', 'en-ko-no-attention', 'en-ko-transformer']);
    await panel(`(() => { const s = document.getElementById('model'); s.value = 'en-ko-no-attention'; s.dispatchEvent(new Event('change')); return true; })()`);
    await waitFor('the context-vector model', () => panel<boolean>(`/no attention/.test(document.getElementById('header').textContent) && /one context vector/.test(document.body.textContent)`), 30_000);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('table.attention').length`), 0, 'no attention map for a model without attention');
    assert.ok((await panel<string>(`document.getElementById('output').textContent`))?.length, 'it still translates');
    // Back to the default model for the tests that follow.
    await panel(`(() => { const s = document.getElementById('model'); s.value = 'en-ko'; s.dispatchEvent(new Event('change')); return true; })()`);
    await waitFor('the GRU translation again', () => panel<boolean>(`document.getElementById('cross-head').hidden && !/Transformer/.test(document.getElementById('header').textContent)`), 30_000);
  });

  it('answers an empty line with a message, and a long selection is cut at 60 words with a notice', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: '\n' + 'the cat saw the dog . '.repeat(200) });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    assert.strictEqual(await vscode.commands.executeCommand('seqlens.translateSelection'), undefined);
    assert.match(api.lastNotice ?? '', /nothing to translate here/);
    editor.selection = new vscode.Selection(1, 0, 1, doc.lineAt(1).text.length);
    const r = (await vscode.commands.executeCommand('seqlens.translateSelection')) as { source: string[] } | undefined;
    assert.ok(r, `translated (${api.lastNotice})`);
    assert.strictEqual(r.source.length, 60, 'the first 60 words');
    assert.match(api.lastNotice ?? '', /longer than 60 words; translating its first 60/);
  });
});

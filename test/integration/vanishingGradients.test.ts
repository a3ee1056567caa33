/**
 * (Named so that it runs after timesteps.test.ts, whose first test checks that activation starts no engine.)
 * Compare Cells on Selection in a real VS Code: the four embedded recurrent language models and the
 * Transformer LM on a line of demo/agreement.txt. The panel's real DOM has one gradient chart with five series, the
 * factor chart, and the next-word table (four rows, a column per word); the caret picks the step
 * and a token hovered in the panel lights up in the editor; screenshots in dark and light themes.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { harness, setTheme, waitFor } from './harness';

const PANEL = '#app[data-entry="cells"]';
const panel = <T>(expression: string) => harness.evaluate<T>(PANEL, expression);

describe('SeqLens: Compare Cells on Selection', function () {
  this.timeout(120_000);
  let api: SeqLensApi;

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
  });

  it('reads one line with RNN-sigmoid, RNN-tanh, LSTM and GRU: gradients on one log chart, next words in one table', async function () {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'agreement.txt')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(1, 0, 1, 0); // "The key to the old cabinets is on the table."
    const v = (await vscode.commands.executeCommand('seqlens.compareCells')) as { tokens: string[]; models: Array<{ model: string; norms: number[]; nextP: Array<number | null> }> } | undefined;
    assert.ok(v, `compared (${api.lastNotice})`);
    assert.deepStrictEqual(v.tokens, ['the', 'key', 'to', 'the', 'old', 'cabinets', 'is', 'on', 'the', 'table', '.']);
    assert.deepStrictEqual(v.models.map((m) => m.model), ['rnn-sigmoid', 'rnn-tanh', 'lstm', 'gru', 'transformer-lm']);
    const by = Object.fromEntries(v.models.map((m) => [m.model, m]));
    // The attractor: after "cabinets" the sigmoid RNN gives the singular "is" less than any other cell.
    const pIs = (id: string) => by[id].nextP[5]!;
    assert.ok(['rnn-tanh', 'lstm', 'gru', 'transformer-lm'].every((id) => pIs('rnn-sigmoid') < pIs(id)), `p(is): sigmoid ${pIs('rnn-sigmoid')}, tanh ${pIs('rnn-tanh')}, LSTM ${pIs('lstm')}, GRU ${pIs('gru')}, Transformer ${pIs('transformer-lm')}`);
    assert.ok(by['rnn-sigmoid'].norms[0] < by['lstm'].norms[0], 'the sigmoid RNN\'s gradient at the first word is below the LSTM\'s');
    // No recurrence: the Transformer's dependence on the first word has not vanished.
    assert.ok(by['transformer-lm'].norms[0] > 10 * by['rnn-tanh'].norms[0], `Transformer ${by['transformer-lm'].norms[0]} vs RNN-tanh ${by['rnn-tanh'].norms[0]} at the first word`);
    // The caret on "cabinets" (token 5): the step follows.
    const at = doc.lineAt(1).text.indexOf('cabinets');
    editor.selection = new vscode.Selection(1, at + 2, 1, at + 2);
    await waitFor('the step of "cabinets"', () => api.cells.step === 5);
    assert.strictEqual(doc.getText(api.cells.stepRange()!), 'cabinets');
    if (!harness.available) this.skip();
    await waitFor('the panel', () => panel<boolean>(`document.querySelector('${PANEL}')?.dataset.state === 'shown'`), 30_000);
    await waitFor('the panel at step 6', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.step === '5'`));
    // One gradient chart with a series per model (uPlot's legend: x and five), and the factor chart of the four cells.
    assert.strictEqual(await panel<number>(`document.querySelectorAll('#gradients .u-legend .u-series').length`), 6);
    assert.deepStrictEqual(await panel<string[]>(`[...document.querySelectorAll('#gradients .u-legend .u-series .u-label')].slice(1).map(e => e.textContent)`), ['RNN (sigmoid)', 'RNN (tanh)', 'LSTM', 'GRU', 'Transformer LM (∂r_T/∂x_t)']);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('#factors .u-legend .u-series').length`), 5);
    // The table: a row per model, a column per word, the step's column marked; "is" after "cabinets" per model.
    assert.strictEqual(await panel<number>(`document.querySelectorAll('table.next tr[data-model]').length`), 5);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('table.next tr[data-model="lstm"] td').length`), v.tokens.length);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('table.next td.current').length`), 5);
    const shownP = await panel<number[]>(`[...document.querySelectorAll('table.next td[data-s="5"]')].map(td => Number(td.dataset.next))`);
    v.models.forEach((m, i) => assert.ok(Math.abs(shownP![i] - m.nextP[5]!) < 1e-4, `${m.model}: the table shows p(is) = ${shownP![i]}`));
    // A token hovered in the panel lights up in the editor.
    await harness.hover('#cells-tokens .ctoken[data-index="1"]');
    await waitFor('the hovered word in the editor', () => api.cells.hovered === 1 && doc.getText(api.cells.hoverRange()!) === 'key');
    await harness.screenshot('cells-dark');
    await setTheme(PANEL, 'Default Light Modern', 'vscode-light', 1500);
    await harness.screenshot('cells-light');
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  });

  it('answers an empty line with a message', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: '\n', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    assert.strictEqual(await vscode.commands.executeCommand('seqlens.compareCells'), undefined);
    assert.match(api.lastNotice ?? '', /nothing to read here/);
  });
});

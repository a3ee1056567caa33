/**
 * The timestep view in a real VS Code: the command on a selection, the panel's
 * real DOM, the caret and the panel following each other, a crashed worker,
 * bad input, hiding and showing, and screenshots in light, dark and
 * high-contrast themes (saved under the artifacts folder; look at them).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { spoken } from '../../webview/timesteps/summary';
import { harness, setTheme as setThemeOf, waitFor, displayText } from './harness';

const EXTENSION_ID = 'seqlens.seqlens';
const PANEL = '#app[data-entry="timesteps"]';
let api: SeqLensApi;

const workspaceFile = (name: string) => vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, name));
const panel = <T>(expression: string) => harness.evaluate<T>(PANEL, expression);
const needsBrowser = (ctx: Mocha.Context) => {
  if (!harness.available) ctx.skip();
};

async function openAndSelect(name: string, line: number, fromCol = 0, toCol?: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const end = toCol ?? doc.lineAt(line).text.length;
  editor.selection = new vscode.Selection(line, fromCol, line, end);
  return editor;
}

async function stepThrough(): Promise<void> {
  const before = api.timesteps.currentTrace;
  await vscode.commands.executeCommand('seqlens.stepThrough');
  await waitFor('a new trace', () => api.timesteps.currentTrace !== before && api.timesteps.currentTrace);
}

/**
 * Puts the caret inside token `index` of the current trace (as a user would) and waits for the
 * step to follow. `line` is where the traced text starts (every trace here starts a line).
 */
async function moveCaretToToken(editor: vscode.TextEditor, index: number, line = 0): Promise<void> {
  const tok = api.timesteps.currentTrace!.tokens[index];
  const base = editor.document.offsetAt(new vscode.Position(line, 0));
  let pos = editor.document.positionAt(base + tok.start + 1);
  // Setting the caret where it already is fires no event: pick another offset inside the token.
  if (editor.selection.isEmpty && editor.selection.active.isEqual(pos)) pos = editor.document.positionAt(base + tok.start);
  editor.selection = new vscode.Selection(pos, pos);
  await waitFor(`step ${index}`, () => api.timesteps.currentStep === index);
}

const setTheme = (theme: string, bodyClass: string) => setThemeOf(PANEL, theme, bodyClass);

describe('SeqLens: Step Through Timesteps', function () {
  this.timeout(120_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<SeqLensApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await ext.activate();
  });

  it('runs with the browser harness under the code-server runner (so no DOM check is skipped)', function () {
    if (process.env.E2E_RUNNER !== 'code-server') this.skip();
    assert.ok(harness.available, 'E2E_HARNESS_URL reached the extension host');
  });

  it('tests the extension it should: the checkout, or (--vsix) the package installed into VS Code', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const checkout = path.resolve(__dirname, '..', '..', '..');
    if (process.env.E2E_VSIX) {
      assert.notStrictEqual(path.resolve(ext.extensionPath), checkout, 'not the checkout');
      assert.ok(fs.existsSync(path.join(ext.extensionPath, 'dist', 'extension.js')) && !fs.existsSync(path.join(ext.extensionPath, 'src')), `an installed package: ${ext.extensionPath}`);
      assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'dist', 'extension.js.map')), 'the production build');
    } else assert.strictEqual(path.resolve(ext.extensionPath), checkout);
  });

  it('activates without starting the engine or loading tfjs', () => {
    assert.strictEqual(api.engine.running, false, 'the worker starts on first use, not at activation');
    const tfjsLoaded = Object.keys(require.cache).filter((k) => k.includes('@tensorflow'));
    assert.deepStrictEqual(tfjsLoaded, [], 'tfjs is never loaded in the extension host');
  });

  it('traces the selected sentence and shows its tokens, steps and values in the panel', async function () {
    await openAndSelect('agreement.txt', 0);
    await stepThrough();
    const trace = api.timesteps.currentTrace!;
    assert.deepStrictEqual(
      trace.tokens.map((t) => t.text),
      ['the', 'keys', 'to', 'the', 'old', 'cabinet', 'are', 'on', 'the', 'table', '.'],
    );
    assert.strictEqual(trace.layers[0].kind, 'lstm');
    assert.ok(api.engine.running, 'the worker started for the command');
    needsBrowser(this);
    await waitFor('the panel to show the trace', () => panel<boolean>(`document.querySelector('${PANEL}')?.dataset.state === 'trace'`));
    const labels = await panel<string[]>(`[...document.querySelectorAll('.token .word')].map(e => e.textContent)`);
    assert.deepStrictEqual(labels, trace.tokens.map((t) => t.text));
    assert.strictEqual(await panel<string>(`document.querySelector('${PANEL}').dataset.steps`), '11');
    assert.strictEqual(await panel<string>(`document.getElementById('slider').max`), '10');
    assert.strictEqual(await panel<number>(`document.querySelectorAll('figure.map:not(.gradients)').length`), 6, 'h, c, i, f, g, o');
    assert.strictEqual(await panel<number>(`document.querySelectorAll('figure.gradients canvas').length`), 1, 'the vanishing-gradient bars');
    assert.strictEqual(trace.layers[0].gradientNorms?.length, 11);
    // A value in the table equals the probe's number for that state, unit and step.
    const step = api.timesteps.currentStep;
    const c = trace.layers[0].states.c;
    const cell = await panel<string>(`document.querySelector('td[data-state="c"][data-unit="5"]').textContent`);
    assert.strictEqual(cell, c.data[step * c.shape[1] + 5].toFixed(3));
    // For a screen reader, the cell state's map says this step's extremes: the probe's numbers, found here independently.
    const column = Array.from(c.data.slice(step * c.shape[1], (step + 1) * c.shape[1]));
    const maxUnit = column.indexOf(Math.max(...column));
    const minUnit = column.indexOf(Math.min(...column));
    const mean = column.reduce((a, v) => a + Math.abs(v), 0) / column.length;
    const label = (await panel<string>(`document.querySelector('figure[data-state="c"] canvas').getAttribute('aria-label')`))!;
    const said = displayText('Step {0}: largest {1} (unit {2}), smallest {3} (unit {4}), mean magnitude {5}.', step + 1, spoken(column[maxUnit]), maxUnit, spoken(column[minUnit]), minUnit, spoken(mean));
    assert.ok(label.endsWith(said), `${label} — expected ${said}`);
    const bars = (await panel<string>(`document.querySelector('figure.gradients canvas').getAttribute('aria-label')`))!;
    assert.match(bars, /11/, bars);
  });

  it('moves the step when the caret moves over the traced text', async function () {
    const editor = vscode.window.activeTextEditor!;
    const trace = api.timesteps.currentTrace!;
    const are = trace.tokens[6];
    editor.selection = new vscode.Selection(0, are.start + 1, 0, are.start + 1);
    await waitFor('step 6 ("are")', () => api.timesteps.currentStep === 6);
    const range = api.timesteps.decoratedStepRange()!;
    assert.strictEqual(editor.document.getText(range), 'are');
    needsBrowser(this);
    await waitFor('the panel at step 6', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.step === '6'`));
    assert.strictEqual(await panel<string>(`document.getElementById('stepLabel').textContent`), displayText('step {0} / {1} · “{2}”', 7, 11, 'are'));
    assert.strictEqual(await panel<string>(`document.querySelector('.token.current .word').textContent`), 'are');
  });

  it('moves the editor highlight when the step moves in the panel (click, keyboard)', async function () {
    needsBrowser(this);
    const editor = vscode.window.activeTextEditor!;
    await harness.click('#next');
    await waitFor('step 7 after Next', () => api.timesteps.currentStep === 7);
    assert.strictEqual(editor.document.getText(api.timesteps.decoratedStepRange()!), 'on');
    await harness.click('.token[data-index="1"]');
    await waitFor('step 1 after clicking "keys"', () => api.timesteps.currentStep === 1);
    assert.strictEqual(editor.document.getText(api.timesteps.decoratedStepRange()!), 'keys');
    await harness.press('#slider', 'End');
    await waitFor('the last step after End', () => api.timesteps.currentStep === 10);
    await harness.press('#slider', 'ArrowLeft', 'ArrowLeft');
    await waitFor('step 8 after two ArrowLeft', () => api.timesteps.currentStep === 8);
    await harness.press('.token.current', 'Home');
    await waitFor('step 0 after Home', () => api.timesteps.currentStep === 0);
  });

  it('highlights a token in the editor when the pointer is over it in the panel', async function () {
    needsBrowser(this);
    const editor = vscode.window.activeTextEditor!;
    await harness.hover('.token[data-index="5"]');
    await waitFor('token 5 hovered', () => api.timesteps.hoveredToken === 5);
    assert.strictEqual(editor.document.getText(api.timesteps.decoratedHoverRange()!), 'cabinet');
    await harness.hover('#stepLabel');
    await waitFor('no token hovered', () => api.timesteps.hoveredToken === null);
    assert.strictEqual(api.timesteps.decoratedHoverRange(), undefined, 'the editor highlight is gone');
  });

  it('switches the model from the panel, keeps the step, and shows that model\'s gates', async function () {
    needsBrowser(this);
    await moveCaretToToken(vscode.window.activeTextEditor!, 6);
    await vscode.commands.executeCommand('notifications.clearAll');
    await harness.click('#model');
    await harness.click('vscode-option[value="gru"]');
    await waitFor('the GRU trace', () => api.timesteps.currentTrace?.modelId === 'gru');
    await waitFor('four GRU heatmaps', () => panel<boolean>(`document.querySelectorAll('figure.map:not(.gradients)').length === 4 && document.querySelector('${PANEL}').dataset.model === 'gru'`));
    const states = await panel<string[]>(`[...document.querySelectorAll('figure.map')].map(f => f.dataset.state)`);
    assert.deepStrictEqual(states, ['gradients', 'h', 'z', 'r', 'n']);
    assert.strictEqual(api.timesteps.currentStep, 6, 'the step is kept across the switch');
    assert.strictEqual(await panel<string>(`document.querySelector('${PANEL}').dataset.step`), '6');
    await waitFor('the choice saved in settings', () => vscode.workspace.getConfiguration('seqlens').get('timesteps.model') === 'gru');
    await vscode.workspace.getConfiguration('seqlens').update('timesteps.model', 'lstm', vscode.ConfigurationTarget.Global);
  });

  it('reads one encoder two ways: a tagger + sentiment model tags every word in the editor and gives the class at every prefix', async function () {
    needsBrowser(this);
    const editor = await openAndSelect('sentiment.txt', 0);
    await stepThrough();
    await harness.click('#model');
    await harness.click('vscode-option[value$="heads-lstm"]');
    await waitFor('the tagger + classifier trace', () => api.timesteps.currentTrace?.readouts?.tags);
    const trace = api.timesteps.currentTrace!;
    assert.deepStrictEqual(trace.readouts!.tags, ['DET', 'NOUN', 'PRON', 'PRON', 'VERB', 'AUX', 'ADJ', 'PUNCT']);
    const classes = trace.readouts!.classByStep!;
    assert.strictEqual(classes[classes.length - 1].label, 'positive', 'the last state: the main clause decides');
    assert.strictEqual(classes[4].label, 'negative', 'after "hate" the prefix reads negative');
    // The editor: each word's tag after it, the class after the last word.
    await waitFor('the inline tags', () => api.timesteps.annotations().length === 8);
    const notes = api.timesteps.annotations();
    assert.strictEqual(editor.document.getText(notes[1].range), 'song');
    assert.strictEqual(notes[1].text, '/NOUN');
    assert.match(notes[7].text, /^\/PUNCT ⇒ positive \d+%$/);
    // The panel: a tag and a class under every token, the last state's class marked.
    await waitFor('the readouts in the panel', () => panel<boolean>(`document.querySelectorAll('.token .tag').length === 8 && document.querySelectorAll('.token .cls').length === 8`));
    assert.strictEqual(await panel<number>(`document.querySelectorAll('.token .cls.last').length`), 1);
    assert.strictEqual(await panel<string>(`document.querySelectorAll('.token .tag')[4].textContent`), 'VERB');
    await harness.press('#slider', 'End');
    await waitFor('the last step', () => api.timesteps.currentStep === 7);
    await waitFor('the classifier line', () => panel<boolean>(`document.getElementById('predictions').textContent.includes(${JSON.stringify(`${displayText('the last state, what the classifier reads')}: positive`)})`));
    await harness.screenshot('timesteps-heads-dark');
    await harness.click('#model');
    await harness.click('vscode-option[value="lstm"]');
    await waitFor('the language model again', () => api.timesteps.currentTrace?.modelId === 'lstm');
    assert.strictEqual(api.timesteps.annotations().length, 0, 'a language model draws no tags');
  });

  it('saves screenshots of the panel in dark, light and high-contrast themes', async function () {
    needsBrowser(this);
    const editor = await openAndSelect('agreement.txt', 0);
    await stepThrough();
    await moveCaretToToken(editor, 6);
    await waitFor('the panel at step 6', () => panel<boolean>(`document.querySelector('${PANEL}').dataset.step === '6'`));
    await harness.mouseMove(5, 5);
    await setTheme('Default Light Modern', 'vscode-light');
    // The heatmaps are redrawn from the light theme's colours: a cell of a closed gate shows the light background.
    await waitFor('a light heatmap background', async () => {
      const pixel = await panel<number[]>(`(() => { const c = document.querySelector('figure.map[data-state="i"] canvas'); const g = c.getContext('2d'); const d = g.getImageData(3, c.height - 3, 1, 1).data; return [d[0], d[1], d[2]]; })()`);
      if (!pixel || !pixel.some((v) => v > 100)) throw new Error(`heatmap pixel ${pixel}`);
      return true;
    });
    await harness.screenshot('timesteps-light');
    await setTheme('Default High Contrast', 'vscode-high-contrast');
    await harness.screenshot('timesteps-high-contrast');
    await setTheme('Default Dark Modern', 'vscode-dark');
    await harness.screenshot('timesteps-dark');
  });

  it('marks unknown words as <unk> in the panel', async function () {
    await openAndSelect('unknown-words.txt', 0);
    await stepThrough();
    const unknown = api.timesteps.currentTrace!.tokens.filter((t) => t.unknown).map((t) => t.text);
    assert.deepStrictEqual(unknown, ['zebra', 'quantum', 'spaceship']);
    needsBrowser(this);
    await waitFor('unknown chips', () => panel<boolean>(`document.querySelectorAll('.token.unknown').length === 3`));
    assert.strictEqual(await panel<string>(`document.querySelector('.token.unknown .unk').textContent`), '<unk>');
  });

  it('traces the caret line when nothing is selected, and Korean text', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('korean.txt'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 3, 1, 3);
    await stepThrough();
    assert.deepStrictEqual(
      api.timesteps.currentTrace!.tokens.map((t) => t.text),
      ['학생은', '도서관에서', '책을', '읽는다', '.'],
    );
  });

  it('keeps working after the engine worker dies: the next command restarts it', async () => {
    const starts = api.engine.startCount;
    await api.engine.simulateCrash();
    await waitFor('the worker to be gone', () => !api.engine.running);
    await openAndSelect('english.txt', 0);
    await stepThrough();
    assert.strictEqual(api.engine.startCount, starts + 1);
    assert.strictEqual(api.timesteps.currentTrace!.tokens[1].text, 'dog');
  });

  it('answers an empty line and a whitespace selection with a message, and keeps the trace on show', async function () {
    const doc = await vscode.workspace.openTextDocument({ content: 'the cat sleeps\n\n   \t  \n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const trace = api.timesteps.currentTrace;
    await vscode.commands.executeCommand('seqlens.stepThrough');
    assert.strictEqual(api.timesteps.currentTrace, trace, 'no new trace');
    assert.match(api.lastNotice ?? '', /The current line is empty/);
    editor.selection = new vscode.Selection(2, 0, 2, 5);
    await vscode.commands.executeCommand('seqlens.stepThrough');
    assert.match(api.lastNotice ?? '', /only whitespace/);
    needsBrowser(this);
    assert.strictEqual(await panel<string>(`document.querySelector('${PANEL}').dataset.state`), 'trace', 'the previous trace stays on show');
  });

  it('refuses binary text with a clear message', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'PK\u0003\u0004\u0000\u0000\u0008\u0000 binary \u0000\u0001\u0002 data' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const trace = api.timesteps.currentTrace;
    await vscode.commands.executeCommand('seqlens.stepThrough');
    assert.match(api.lastNotice ?? '', /looks like a binary file/);
    assert.strictEqual(api.timesteps.currentTrace, trace);
  });

  it('marks the trace outdated when its text is edited, and reads it again from the panel', async function () {
    const doc = await vscode.workspace.openTextDocument({ content: 'the dog sleeps near the river .\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    await stepThrough();
    // An edit before nothing (the text starts the file) but inside the traced words: "dog" → "cat".
    await editor.edit((e) => e.replace(new vscode.Range(0, 4, 0, 7), 'cat'));
    assert.strictEqual(api.timesteps.decoratedStepRange(), undefined, 'no highlight on text that no longer matches');
    needsBrowser(this);
    await waitFor('the outdated note', () => panel<boolean>(`document.getElementById('banner').textContent.includes('text changed')`));
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const before = api.timesteps.currentTrace;
    await vscode.commands.executeCommand('notifications.clearAll'); // a toast over the panel would take the click
    await harness.click('#rerun');
    await waitFor('the re-read trace', () => api.timesteps.currentTrace !== before && api.timesteps.currentTrace?.tokens[1].text === 'cat');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('truncates a 1 MB selection to the token limit and says so', async function () {
    const line = 'the dog runs near the old house . ';
    const doc = await vscode.workspace.openTextDocument({ content: line.repeat(Math.ceil(1_048_576 / line.length)) });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length);
    await stepThrough();
    assert.strictEqual(api.timesteps.currentTrace!.tokens.length, 200);
    needsBrowser(this);
    await waitFor('the truncation note', () => panel<boolean>(`document.getElementById('source').textContent.includes('first 200 tokens')`));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('survives its editor being closed, and the panel being hidden and shown again', async function () {
    const editor = await openAndSelect('english.txt', 2);
    await stepThrough();
    await moveCaretToToken(editor, 3, 2);
    const trace = api.timesteps.currentTrace!;
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    needsBrowser(this);
    await waitFor('the closed-editor note', () => panel<boolean>(`document.getElementById('banner').textContent.includes('closed')`));
    await panel(`document.body.dataset.e2eMark = 'old page'`);
    const readyAgain = new Promise<void>((resolve) => {
      const sub = api.timesteps.onDidBecomeReady(() => {
        sub.dispose();
        resolve();
      });
    });
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('seqlens.timesteps.focus');
    await readyAgain;
    await waitFor('a new page with the same trace', () =>
      panel<boolean>(`!document.body.dataset.e2eMark && document.querySelector('${PANEL}')?.dataset.state === 'trace' && document.querySelector('${PANEL}').dataset.step === '3'`),
    );
    assert.strictEqual(api.timesteps.currentTrace, trace);
    const labels = await panel<string[]>(`[...document.querySelectorAll('.token .word')].map(e => e.textContent)`);
    assert.deepStrictEqual(labels, trace.tokens.map((t) => t.text));
    console.log(`repaint times reported by the panel (ms): median ${median(api.timesteps.repaintMs).toFixed(2)} over ${api.timesteps.repaintMs.length}`);
  });

  it('fails this run when E2E_FORCE_FAIL is set (checks that a failing assertion fails the run)', function () {
    if (!process.env.E2E_FORCE_FAIL) this.skip();
    assert.strictEqual(1, 2, 'deliberate failure');
  });
});

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

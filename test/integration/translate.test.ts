/**
 * Translate Selection in a real VS Code: the embedded English → Korean model
 * translates a line of demo/translate.txt, and the panel's real DOM shows the
 * translation and the attention map (rows sum to 1, the strongest cells where
 * Korean word order puts them); screenshots in light and dark themes.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
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
    assert.strictEqual(r.text, '어제 작은 고양이가 공원에서 빵을 먹었다.', 'written as Korean writes it (no space before the full stop)');
    assert.strictEqual(r.output.join(' '), '어제 작은 고양이가 공원에서 빵을 먹었다 .');
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
    const offered = (await panel<string[]>(`[...document.querySelectorAll('#model option')].map(o => o.value)`))!;
    assert.deepStrictEqual(offered.slice(0, 4), ['en-ko', 'en-ko-additive', 'en-ko-no-attention', 'en-ko-transformer'], 'the embedded models first (then the workspace\'s translation runs)');
    assert.strictEqual(offered[offered.length - 1], 'seqlens:open-checkpoint', 'and last, Open a checkpoint folder…');
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

  it('steps through the decoder: top-k, context vector, the map row and the editor shading follow the step, and the caret picks the step', async function () {
    if (!harness.available) this.skip();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'translate.txt')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const r = (await vscode.commands.executeCommand('seqlens.translateSelection', { model: 'en-ko' })) as { source: string[]; output: string[]; attention: number[][]; steps: Array<{ word: string; topk: Array<{ word: string; p: number }>; context: number[] }> } | undefined;
    assert.ok(r, `translated (${api.lastNotice})`);
    assert.strictEqual(r.steps.length, r.output.length + 1, 'a step per word and the </s> step');
    await waitFor('the stepper', () => panel<boolean>(`document.getElementById('app').dataset.state === 'shown' && document.getElementById('decoder-slider').max === '${r.steps.length - 1}'`));
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    const before = api.translate.paintMs.length;
    await harness.press('#decoder-slider', 'Home', 'ArrowRight', 'ArrowRight', 'ArrowRight');
    await waitFor('step 4', () => api.translate.step === 3);
    assert.match((await panel<string>(`document.getElementById('step-label').textContent`)) ?? '', /^step 4 of 8: “공원에서”/);
    assert.strictEqual(await panel<string>(`document.querySelector('#output .current').textContent`), '공원에서');
    assert.strictEqual(await panel<string>(`document.querySelector('table.attention tr.current').dataset.t`), '3');
    const topk = await panel<Array<[string, string]>>(`[...document.querySelectorAll('#topk .topk-item')].map(e => [e.querySelector('.topk-word').textContent, e.querySelector('.topk-p').textContent])`);
    assert.deepStrictEqual(topk?.map((x) => x[0]), r.steps[3].topk.map((c) => c.word), 'the panel lists the step\'s five likeliest words');
    assert.match((await panel<string>(`document.querySelector('#context figcaption').textContent`)) ?? '', /Context vector c4 \(64 units\)/);
    assert.strictEqual(await panel<number>(`document.getElementById('context-strip').width`), 64 * 6);
    // The editor shades what step 4 looks at: its strongest word is the row's strongest.
    await waitFor('the editor shading of step 4', () => api.translate.shaded().length > 0);
    const shaded = api.translate.shaded();
    const strongest = shaded.reduce((a, b) => (b.weight > a.weight ? b : a));
    assert.strictEqual(strongest.index, argmax(r.attention[3]), `the darkest word is "${r.source[argmax(r.attention[3])]}"`);
    assert.ok(api.translate.paintMs.length - before >= 4, 'each move reports its repaint');
    await harness.screenshot('translate-stepper-dark');
    // The caret on "yesterday" (source word 9): the step that looked at it most, 어제 (step 1).
    const yesterday = api.translate.sourceRange(9)!;
    assert.strictEqual(doc.getText(yesterday), 'yesterday');
    editor.selection = new vscode.Selection(yesterday.start.translate(0, 2), yesterday.start.translate(0, 2));
    await waitFor('the step of 어제', () => api.translate.step === 0);
    await waitFor('the panel at step 1', () => panel<boolean>(`/^step 1 of 8: “어제”/.test(document.getElementById('step-label').textContent)`));
    // Hovering a source column lights its word in the editor.
    await harness.hover('table.attention th.src[data-s="5"]');
    await waitFor('the hovered source word', () => api.translate.hovered.source === 5);
  });

  it('puts the single context vector beside attention, shows the beam as a tree, and forces attention in a what-if', async function () {
    if (!harness.available) this.skip();
    const text = 'the small cat ate the bread in the park yesterday .';
    await vscode.commands.executeCommand('seqlens.translateSelection', { text, sourceLabel: 'test', compare: true, model: 'en-ko' });
    await waitFor('the comparison', () => panel<boolean>(`!document.getElementById('comparison').hidden && document.querySelectorAll('#comparison .side').length === 2`), 30_000);
    assert.match((await panel<string>(`document.querySelector('#comparison .side-bottleneck h4').textContent`)) ?? '', /no attention/);
    assert.ok(((await panel<number>(`document.querySelector('#comparison .bottleneck-strip').width`)) ?? 0) > 0, 'the context vector is drawn');
    assert.match((await panel<string>(`document.querySelector('#comparison .side-bottleneck .note').textContent`)) ?? '', /all 11 words into this one vector of 64 numbers/);
    await panel(`(document.getElementById('comparison').scrollIntoView(), true)`);
    await harness.screenshot('translate-compare-dark');
    await panel(`(() => { const c = document.getElementById('compare'); c.checked = false; c.dispatchEvent(new Event('change')); return true; })()`);
    await waitFor('the comparison hidden', () => panel<boolean>(`document.getElementById('comparison').hidden`), 30_000);
    // Beam search, K = 3: a tree whose best path is the translation.
    await panel(`(() => { const s = document.getElementById('beam'); s.value = '3'; s.dispatchEvent(new Event('change')); return true; })()`);
    await waitFor('the beam tree', () => panel<boolean>(`!document.getElementById('beam-section').hidden && document.querySelectorAll('.beam-tree .node').length > 8`), 30_000);
    const best = await panel<string[]>(`[...document.querySelectorAll('.beam-tree .node.best text')].map(t => t.textContent.split(' ')[0])`);
    assert.deepStrictEqual(best, [...'어제 작은 고양이가 공원에서 빵을 먹었다 .'.split(' '), '</s>'], 'the highlighted path spells the translation');
    await panel(`(document.getElementById('beam-section').scrollIntoView(), true)`);
    await harness.screenshot('translate-beam-dark');
    await panel(`(() => { const s = document.getElementById('beam'); s.value = '1'; s.dispatchEvent(new Event('change')); return true; })()`);
    await waitFor('greedy again', () => panel<boolean>(`document.getElementById('beam-section').hidden`), 30_000);
    // What-if: at step 4 (공원에서), all attention on "bread" (source word 5).
    await harness.click('table.attention td[data-t="3"][data-s="5"]');
    await waitFor('the what-if', () => panel<boolean>(`!document.getElementById('whatif').hidden`), 30_000);
    assert.match((await panel<string>(`document.getElementById('whatif').textContent`)) ?? '', /at step 4, all attention on “bread”.*Without it: 어제 작은 고양이가 공원에서 빵을 먹었다 \./);
    const forcedRow = await panel<number[]>(`[...document.querySelectorAll('table.attention tr[data-t="3"] td')].map(td => Number(td.dataset.w))`);
    assert.deepStrictEqual(forcedRow, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], 'the forced row');
    assert.notStrictEqual(await panel<string>(`document.querySelector('#output [data-t="3"]').textContent`), '공원에서', 'looking at "bread" it writes something else');
    await harness.screenshot('translate-whatif-dark');
    await harness.click('#whatif-reset');
    await waitFor('the model\'s own attention again', () => panel<boolean>(`document.getElementById('whatif').hidden && document.getElementById('output').textContent === '어제 작은 고양이가 공원에서 빵을 먹었다.'`), 30_000);
  });

  it('feeds a reference from a source<TAB>target line: teacher-forced beside free-running, and marks unknown words with an offer to train', async function () {
    if (!harness.available) this.skip();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'pairs.tsv')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const r = (await vscode.commands.executeCommand('seqlens.translateSelection', { model: 'en-ko' })) as { source: string[]; forced?: { reference: string[]; referenceLogProb: number[]; freeReferenceP: Array<number | null>; firstDivergence: number | null } } | undefined;
    assert.ok(r?.forced, `a reference from the tab (${api.lastNotice})`);
    assert.deepStrictEqual(r.source, ['the', 'dog', 'saw', 'the', 'bird', '.'], 'the source is the text before the tab');
    assert.deepStrictEqual(r.forced.reference, ['어제', '강아지가', '새를', '보았다', '.']);
    assert.strictEqual(r.forced.firstDivergence, 0);
    // Fed the reference, the model follows it after its first word; free-running, one word behind, it does not.
    for (let t = 1; t < 5; t++) {
      assert.ok(Math.exp(r.forced.referenceLogProb[t]) > 0.5, `teacher-forced p(${r.forced.reference[t]}) = ${Math.exp(r.forced.referenceLogProb[t])}`);
      assert.ok((r.forced.freeReferenceP[t] ?? 0) < 0.05, `free-running p(${r.forced.reference[t]}) = ${r.forced.freeReferenceP[t]}`);
    }
    await waitFor('the forced table', () => panel<boolean>(`document.querySelectorAll('table.forced tr[data-step]').length === 6`), 30_000);
    assert.strictEqual(await panel<string>(`document.getElementById('reference').value`), '어제 강아지가 새를 보았다 .');
    assert.strictEqual(await panel<string>(`document.querySelector('table.forced tr.diverges').dataset.step`), '0');
    assert.match((await panel<string>(`document.getElementById('forced-summary').textContent`)) ?? '', /leaves the reference at step 1/);
    await panel(`(document.getElementById('reference-section').scrollIntoView(), true)`);
    await harness.screenshot('translate-forced-dark');
    // A reference typed in the panel replaces it.
    await panel(`(() => { const i = document.getElementById('reference'); i.value = '강아지가 새를 보았다 .'; return true; })()`);
    await harness.click('#reference-go');
    await waitFor('the typed reference', () => panel<boolean>(`/writes the reference itself/.test(document.getElementById('forced-summary').textContent)`), 30_000);
    // Unknown words: marked, and with a third or more unknown, the offer to train or download.
    const unk = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'unknown-words.txt')));
    const e2 = await vscode.window.showTextDocument(unk, { preview: false, viewColumn: vscode.ViewColumn.One });
    e2.selection = new vscode.Selection(0, 0, 0, 0);
    const u = (await vscode.commands.executeCommand('seqlens.translateSelection')) as { unknown: number[]; source: string[] } | undefined;
    assert.deepStrictEqual(u?.unknown.map((i) => u.source[i]), ['zebra', 'a', 'quantum', 'near', 'spaceship']);
    await waitFor('the unknown-words banner', () => panel<boolean>(`!document.getElementById('unknown').hidden`), 30_000);
    assert.match((await panel<string>(`document.getElementById('unknown').textContent`)) ?? '', /knows 58 words; 5 of the 10 here are not among them/);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('#source .word.unk').length`), 5);
    assert.ok(await panel<boolean>(`Boolean(document.getElementById('unknown-train')) && Boolean(document.getElementById('unknown-download'))`));
    await panel(`(window.scrollTo(0, 0), true)`);
    await harness.screenshot('translate-unknown-dark');
  });

  it('a subword model: pieces grouped into their words in the sentence and over the map, no <unk> for a new word, the output joined', async function () {
    this.timeout(180_000);
    // A small English → French model on byte-pair pieces, trained by the CLI into the workspace.
    const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const dir = path.join(ws, '.seqlens', 'subword-test');
    fs.mkdirSync(dir, { recursive: true });
    const nouns = ['cat', 'dog', 'bird', 'horse', 'teacher', 'farmer', 'student', 'doctor'];
    const fr = ['chat', 'chien', 'oiseau', 'cheval', 'professeur', 'fermier', 'étudiant', 'médecin'];
    const rows: string[] = [];
    for (let i = 0; i < 400; i++) {
      const a = i % 8;
      const b = (i * 3 + 1) % 8;
      rows.push(`the ${nouns[a]} sees the ${nouns[b]} .\tle ${fr[a]} voit le ${fr[b]} .`, `the ${nouns[a]}s see the ${nouns[b]}s .\tles ${fr[a]}s voient les ${fr[b]}s .`);
    }
    fs.writeFileSync(path.join(dir, 'pairs.tsv'), rows.join('\n') + '\n');
    const model = path.join(dir, 'model');
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js'); // the checkout's command (a .vsix has no CLI)
    const t = spawnSync(process.execPath, [cli, 'train', '--task', 'translate', '--model', 'attention', '--data', path.join(dir, 'pairs.tsv'), '--out', model, '--epochs', '3', '--units', '32', '--subword', '60'], { encoding: 'utf8', timeout: 150_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.strictEqual(t.status, 0, t.stderr);
    const doc = await vscode.workspace.openTextDocument({ content: 'the cathorse sees the doctors .', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const r = (await vscode.commands.executeCommand('seqlens.translateSelection', { model })) as { source: string[]; output: string[]; text: string; unknown: number[] } | undefined;
    assert.ok(r, `translated (${api.lastNotice})`);
    assert.deepStrictEqual(r.unknown, [], 'no piece of the new word is unknown');
    assert.ok(r.source.some((p) => p.endsWith('@@')), `the new word in pieces: ${r.source.join(' ')}`);
    assert.ok(!r.text.includes('@@'), r.text);
    if (!harness.available) this.skip();
    await waitFor('the subword map', () => panel<boolean>(`document.querySelectorAll('tr.word-groups th.word-group').length > 0`), 30_000);
    const groups = await panel<string[]>(`[...document.querySelectorAll('tr.word-groups th.word-group')].map(e => e.textContent)`);
    assert.deepStrictEqual(groups, ['the', 'cathorse', 'sees', 'the', 'doctors', '.'], 'the words over their pieces');
    const spans = await panel<number[]>(`[...document.querySelectorAll('tr.word-groups th.word-group')].map(e => Number(e.getAttribute('colspan')))`);
    assert.strictEqual(spans!.reduce((a, b) => a + b, 0), r.source.length, 'every piece under its word');
    assert.strictEqual(await panel<string>(`document.getElementById('source').textContent.replace(/·/g, '')`), 'the cathorse sees the doctors .', 'the sentence line writes the words whole');
    assert.strictEqual((await panel<string>(`document.getElementById('output').textContent.replace(/·/g, '')`))!.replace(/\s+/g, ' '), r.text.replace(/\s+/g, ' '));
    // The editor is linked piece by piece: each piece of "cathorse" at its own characters.
    let at = 4;
    for (let i = 1; r.source[i - 1] === 'the' || r.source[i - 1].endsWith('@@'); i++) {
      const range = api.translate.sourceRange(i);
      const len = r.source[i].replace(/@@$/, '').length;
      assert.ok(range && range.start.character === at && range.end.character === at + len, `piece ${r.source[i]} at ${at}: ${range?.start.character}–${range?.end.character}`);
      at += len;
      if (!r.source[i].endsWith('@@')) break;
    }
    assert.strictEqual(at, 12, 'the pieces cover "cathorse" exactly');
    await harness.screenshot('translate-subword-dark');
  });
});

/**
 * SeqLens in a workspace VS Code does not trust (Restricted Mode; run with --suite=untrusted):
 * the shipped models work as usual, while training on the workspace's files and opening a model
 * or word vectors from its folders ask first: not agreed, nothing is created or loaded; once the
 * workspace is trusted, they go ahead.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { listRuns, runsRoot } from '../../src/core/runs/runs';
import type { SeqLensApi } from '../../src/extension/extension';
import { harness, waitFor } from './harness';

const workbench = <T>(expression: string) => harness.workbench<T>(expression);

describe('SeqLens in an untrusted workspace', function () {
  this.timeout(180_000);
  let api: SeqLensApi;
  let workspace: string;
  before(async function () {
    if (!harness.available) this.skip();
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
    workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  });

  it('runs in Restricted Mode, and the shipped models work without asking', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the workspace is not trusted');
    const doc = await vscode.workspace.openTextDocument(path.join(workspace, 'english.txt'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const trace = await api.timesteps.stepThrough(editor, 'lstm');
    assert.ok(trace && trace.tokens.length > 3, `traced (${api.lastNotice})`);
    assert.doesNotMatch(api.lastNotice ?? '', /not trusted/, 'nothing asked');
  });

  // VS Code's test host refuses modal dialogs (its DialogService: "refused to show dialog in tests")
  // and rejects them, so here every question SeqLens asks is read from that refusal, and counts as
  // declined: nothing may be created or loaded. Agreeing is checked by trusting the workspace
  // through VS Code's own Workspace Trust editor, after which nothing is asked.
  const asked = (what: RegExp) => assert.match(api.lastNotice ?? '', what, `asked (${api.lastNotice})`);

  it('asks before training on a workspace file; not agreed, no run is made', async () => {
    const data = path.join(workspace, 'pairs.tsv');
    const before = listRuns(runsRoot(workspace)).length;
    const r = await vscode.commands.executeCommand('seqlens.trainModel', { task: 'translate', model: 'seq2seq', data, preset: 'tiny', timeLimit: 0, options: { epochs: 1 }, wait: true });
    assert.strictEqual(r, undefined);
    asked(/this workspace is not trusted\. Load the training data pairs\.tsv from it\?/);
    assert.strictEqual(listRuns(runsRoot(workspace)).length, before, 'no run folder made');
    // The built-in corpora are the extension's own: they train without asking.
    const builtin = (await vscode.commands.executeCommand('seqlens.trainModel', { task: 'lm', model: 'gru', data: 'builtin:grammar', preset: 'tiny', timeLimit: 0, options: { epochs: 1 }, wait: true })) as { state: string } | undefined;
    assert.strictEqual(builtin?.state, 'done', `trained (${api.lastNotice})`);
  });

  it('asks before opening a model or word vectors from the workspace; not agreed, nothing is loaded', async () => {
    const model = path.join(workspace, 'a-model');
    const shipped = path.join(vscode.extensions.getExtension('seqlens.seqlens')!.extensionPath, 'media', 'models');
    const folder = fs.readdirSync(shipped).find((d) => fs.existsSync(path.join(shipped, d, 'seqlens.json')));
    assert.ok(folder, 'a shipped checkpoint to copy');
    fs.cpSync(path.join(shipped, folder), model, { recursive: true });
    const vectors = path.join(workspace, 'vectors.txt');
    fs.writeFileSync(vectors, '2 3\ncat 1 0 0\ndog 0.9 0.1 0\n');
    try {
      assert.strictEqual(await vscode.commands.executeCommand('seqlens.openModel', vscode.Uri.file(model)), undefined, 'not opened');
      asked(/not trusted\. Load the model a-model from it\?/);
      assert.strictEqual(await vscode.commands.executeCommand('seqlens.loadWordVectors', vscode.Uri.file(vectors)), undefined, 'not loaded');
      asked(/not trusted\. Load the word vectors vectors\.txt from it\?/);
    } finally {
      fs.rmSync(vectors, { force: true });
    }
  });

  it('once the workspace is trusted (the Workspace Trust editor\'s button), trains on its file and opens its model without asking', async () => {
    await vscode.commands.executeCommand('workbench.trust.manage');
    await harness.screenshot('untrusted-trust-editor');
    const clicked = await waitFor('the Trust button', () =>
      workbench<boolean>(`(() => { const b = [...document.querySelectorAll('.monaco-button')].find((e) => e.textContent.trim() === 'Trust' && e.getClientRects().length); if (!b) return false; b.click(); return true; })()`),
    );
    assert.ok(clicked);
    await waitFor('the workspace trusted', () => vscode.workspace.isTrusted);
    const r = (await vscode.commands.executeCommand('seqlens.trainModel', { task: 'translate', model: 'seq2seq', data: path.join(workspace, 'pairs.tsv'), preset: 'tiny', timeLimit: 0, options: { epochs: 1 }, wait: true })) as { dir: string; state: string } | undefined;
    assert.ok(r, `trained (${api.lastNotice})`);
    assert.strictEqual(r.state, 'done');
    // The model folder refused before (a copy of a shipped GRU language model) now opens in the timestep panel.
    const opened = (await vscode.commands.executeCommand('seqlens.openModel', vscode.Uri.file(path.join(workspace, 'a-model')))) as { id: string; layers: string[] } | undefined;
    assert.ok(opened, `opened (${api.lastNotice})`);
    assert.deepStrictEqual(opened.layers, ['gru']);
  });
});

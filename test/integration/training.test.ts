/**
 * Train in the editor, in a real VS Code: Train Model… on the project's own English → Korean
 * pairs, the dashboard's real DOM updating while the worker trains (curves, ETA, status bar,
 * Watch it learn under the chart's cursor), a second run queued behind it, Stop keeping the
 * best checkpoint and Resume continuing its steps and clock, Compare with the settings that
 * differ, and the trained models used by Translate Selection and the timestep panel. Bad data
 * lines go to the Problems panel; a worker killed mid-run leaves an interrupted run to resume.
 * Screenshots in dark and light themes.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readMetrics, readProbes, readRunConfig, readRunStatus } from '../../src/core/runs/runs';
import { readExperiment, writeExperiment } from '../../src/core/runs/experiments';
import type { ExperimentRecord } from '../../src/protocol/runs';
import { STATE_NAMES } from '../../src/protocol/trace';
import type { SeqLensApi } from '../../src/extension/extension';
import { displayText, harness, setTheme, waitFor } from './harness';

const PANEL = '#app[data-entry="training"]';
const panel = <T>(expression: string) => harness.evaluate<T>(PANEL, expression);
const runCard = (id: string) => `.run[data-id="${id}"]`;
const workbench = <T>(expression: string) => harness.workbench<T>(expression);

/** The dashboard in the dark and the light theme, notifications cleared: NAME-dark.png, NAME-light.png. */
async function screenshotsInBothThemes(name: string): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
  await setTheme(PANEL, 'Default Dark Modern', 'vscode-dark');
  await harness.screenshot(`${name}-dark`);
  await setTheme(PANEL, 'Default Light Modern', 'vscode-light');
  await harness.screenshot(`${name}-light`);
}

describe('SeqLens: Train in the editor', function () {
  this.timeout(300_000);
  let api: SeqLensApi;
  let workspace: string;
  /** The translation run (attention, tiny), and the two language-model runs (tanh, sigmoid). */
  let translateRun: { dir: string; id: string };
  let tanhRun: { dir: string; id: string; finished?: Thenable<unknown> };

  before(async () => {
    api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
    workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('seqlens.translate').update('model', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  });

  it('trains a translation model from Train Model…, and the dashboard follows it live', async function () {
    const r = (await vscode.commands.executeCommand('seqlens.trainModel', {
      task: 'translate',
      model: 'attention',
      data: 'builtin:en-ko',
      preset: 'tiny',
      timeLimit: 0,
      options: { epochs: 12, attention: 'dot', 'eval-every': 25 },
      name: 'attention · tiny',
    })) as { dir: string; id: string } | undefined;
    assert.ok(r, `started (${api.lastNotice})`);
    translateRun = r;
    assert.strictEqual(path.dirname(r.dir), path.join(workspace, '.seqlens', 'runs'), 'runs are kept in the workspace');
    const config = readRunConfig(r.dir);
    assert.strictEqual(config.task, 'translate');
    assert.strictEqual(config.model, 'attention');
    assert.strictEqual(config.preset, 'tiny');
    assert.deepStrictEqual({ units: config.options.units, epochs: config.options.epochs, attention: config.options.attention }, { units: 32, epochs: 12, attention: 'dot' }, 'the preset, with the options given over it');
    await waitFor('the run to train', () => api.training.service.isActive(r.dir), 60_000);
    await waitFor('the status bar item with an ETA', () => /ETA/.test(api.training.statusText ?? ''), 60_000);
    assert.match(api.training.statusText!, new RegExp(r.id));

    // A second request queues, and says so.
    const second = (await vscode.commands.executeCommand('seqlens.trainModel', {
      task: 'lm',
      model: 'rnn',
      data: 'builtin:grammar',
      preset: 'tiny',
      timeLimit: 0,
      options: { activation: 'tanh', epochs: 3 },
      name: 'rnn · tanh',
    })) as { dir: string; id: string } | undefined;
    assert.ok(second, `queued (${api.lastNotice})`);
    tanhRun = second;
    assert.match(api.lastNotice ?? '', /is queued: 1 run ahead of it/);
    assert.strictEqual(api.training.service.queuePosition(second.dir), 1);
    if (harness.available) {
      await waitFor('the queued run on the dashboard', () => panel<string>(`document.querySelector('${runCard(second.id)}')?.dataset.state`).then((s) => s === 'queued'));
      assert.match((await panel<string>(`document.querySelector('${runCard(second.id)} .progress').textContent`)) ?? '', new RegExp(displayText('queued: {0} ahead', 1)));
    }

    await vscode.commands.executeCommand('seqlens.openDashboard', r.dir);
    if (!harness.available) return;
    await waitFor('the dashboard of the training run', () => panel<string>(`document.querySelector('${runCard(r.id)}')?.dataset.state`).then((s) => s === 'training'));
    const points = () => panel<number>(`Number(document.querySelector('.chart[data-name="loss"]')?.dataset.points ?? 0)`).then((n) => n ?? 0);
    const first = await waitFor('loss points on the chart', async () => ((await points()) > 0 ? points() : 0), 60_000);
    await waitFor('more loss points as it trains', async () => (await points()) > first, 60_000);
    assert.match((await panel<string>(`document.querySelector('${runCard(r.id)} .progress').textContent`)) ?? '', new RegExp([displayText('step {0}', '\\d+'), displayText('epoch {0}', '\\d+'), displayText('{0} trained', '\\d+:\\d\\d'), displayText('ETA {0}', '\\d+:\\d\\d')].join(' · ')));
    // Watch it learn: the probes at every evaluation, and at the one under the chart's cursor.
    await waitFor('two evaluations of the probe sentences', () => readProbes(r.dir).rows.length >= 2, 60_000);
    await waitFor('probe rows in the page', () => panel<number>(`document.querySelectorAll('.probe-row').length`).then((n) => (n ?? 0) >= 3));
    const charts = await panel<string[]>(`[...document.querySelectorAll('.chart')].map(c => c.dataset.name)`);
    assert.deepStrictEqual(charts, ['loss', 'bleu', 'speed', 'learningRate', 'teacherForcing']);
    await harness.hover('.chart[data-name="loss"] .u-over');
    await waitFor('the evaluation under the cursor', () => api.training.dashboard.cursorEvaluation?.id === r.id && api.training.dashboard.cursorEvaluation.step !== null);
    // The page and the host agree on it (new rows stream in under the still pointer, so read until they settle together).
    const step = await waitFor('the page showing the evaluation under the cursor', async () => {
      const s = api.training.dashboard.cursorEvaluation?.step;
      return s !== null && s !== undefined && (await panel<string>(`document.querySelector('.probe-run').dataset.step`)) === String(s) ? s : null;
    });
    assert.ok(readProbes(r.dir).rows.some((p) => p.step === step), 'a real evaluation');
    // By keyboard: the pointer away from the charts, Home on the evaluation slider shows the first one.
    await harness.mouseMove(5, 5);
    await harness.press('#evaluation', 'Home');
    const firstStep = readProbes(r.dir).rows[0].step;
    await waitFor('the first evaluation, picked by keyboard', () => api.training.dashboard.cursorEvaluation?.step === firstStep);
    assert.strictEqual(await panel<string>(`document.querySelector('.probe-run').dataset.step`), String(firstStep));
    await harness.press('#evaluation', 'End');
    await waitFor('back to the latest', () => api.training.dashboard.cursorEvaluation?.step === null);
    await screenshotsInBothThemes('training');
  });

  it('stops with the best checkpoint kept, and resumes where it stopped', async function () {
    const r = translateRun;
    assert.ok(r, 'the previous test started a run');
    if (harness.available) await harness.click(`${runCard(r.id)} .stop`);
    else await vscode.commands.executeCommand('seqlens.stopRun', r.dir);
    await waitFor('the run to stop', () => readRunStatus(r.dir).state === 'stopped', 60_000);
    assert.ok(fs.existsSync(path.join(r.dir, 'checkpoint', 'seqlens.json')), 'the best checkpoint is kept');
    assert.match(api.lastNotice ?? '', /stopped \(its best checkpoint is kept\)/);
    const before = readMetrics(r.dir).rows;
    const lastStep = Math.max(...before.map((m) => m.step));
    const lastTime = Math.max(...before.map((m) => m.time));
    if (harness.available) {
      await waitFor('the stopped state on the dashboard', () => panel<string>(`document.querySelector('${runCard(r.id)}')?.dataset.state`).then((s) => s === 'stopped'));
      await harness.click(`${runCard(r.id)} .resume`);
    } else await vscode.commands.executeCommand('seqlens.resumeRun', r.dir);
    // The language-model run queued behind it trains first, then this one continues.
    await waitFor('the resumed run to finish', () => readRunStatus(r.dir).state === 'done' && !api.training.service.isActive(r.dir), 240_000);
    const after = readMetrics(r.dir).rows.slice(before.length);
    assert.ok(after.length > 0, 'it trained again');
    assert.ok(after[0].step > lastStep, `steps continue (${after[0].step} after ${lastStep})`);
    assert.ok(after[0].time >= lastTime, 'the clock continues');
    const status = readRunStatus(r.dir);
    assert.strictEqual(typeof status.metrics?.testBleu, 'number');
    assert.strictEqual(readRunStatus(tanhRun.dir).state, 'done', 'the queued run trained in between');
    if (harness.available) {
      await waitFor('the done state on the dashboard', () => panel<string>(`document.querySelector('${runCard(r.id)}')?.dataset.state`).then((s) => s === 'done'));
      assert.match((await panel<string>(`document.querySelector('${runCard(r.id)} .progress').textContent`)) ?? '', /BLEU \d/);
    }
  });

  it('asks for what the argument does not say in five quick picks, each first choice working offline', async function () {
    if (!harness.available) this.skip();
    const quickInput = () =>
      harness.workbench<{ title: string; items: string[] } | null>(`(() => {
        const w = document.querySelector('.quick-input-widget');
        if (!w || w.style.display === 'none') return null;
        return { title: w.querySelector('.quick-input-title')?.textContent ?? '', items: [...w.querySelectorAll('.monaco-list-row')].map(r => r.textContent) };
      })()`);
    const started = vscode.commands.executeCommand('seqlens.trainModel');
    const seen: Array<{ title: string; items: string[] }> = [];
    for (let i = 1; i <= 5; i++) {
      // The size pick (4/5) fills in each size's measured estimate: wait for the first one's.
      const q = await waitFor(`quick pick ${i}/5`, async () => {
        const v = await quickInput();
        return v && v.title.includes(`(${i}/5)`) && v.items.length > 0 && (i !== 4 || /≈/.test(v.items[0])) ? v : null;
      }, 60_000);
      if (i === 4) await harness.screenshot('training-size-estimates');
      seen.push(q);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    assert.match(seen[0].items[0], /Translation/);
    assert.match(seen[1].items[0], /English → Korean|built-in|grammar/i, 'the built-in pairs first');
    assert.match(seen[2].items[0], /dot attention/);
    assert.match(seen[3].items[0], /Tiny.*≈ \d+ (s|min).* on this machine/, 'the tiny size, timed here');
    // The earlier tiny attention run set 12 epochs over the preset's 6: not the same run, so its time is not offered as this size's.
    assert.doesNotMatch(seen[3].items[0], /took .* here last time/);
    assert.match(seen[4].items[0], /1 minute/);
    const r = (await started) as { dir: string; id: string } | undefined;
    assert.ok(r, `started (${api.lastNotice})`);
    const config = readRunConfig(r.dir);
    assert.deepStrictEqual([config.task, config.model, config.data, config.preset, config.options.attention, config.options['time-limit']], ['translate', 'attention', 'builtin:en-ko', 'tiny', 'dot', 60]);
    await waitFor('it to start', () => api.training.service.isActive(r.dir), 60_000);
    assert.strictEqual(await vscode.commands.executeCommand('seqlens.stopRun', r.dir), true);
    await waitFor('it to stop', () => !api.training.service.isActive(r.dir), 60_000);
  });

  it('compares two runs: curves overlaid and the settings that differ', async function () {
    const sigmoid = (await vscode.commands.executeCommand('seqlens.trainModel', {
      task: 'lm',
      model: 'rnn',
      data: 'builtin:grammar',
      preset: 'tiny',
      timeLimit: 0,
      options: { activation: 'sigmoid', epochs: 3 },
      name: 'rnn · sigmoid',
      wait: true,
    })) as { dir: string; id: string; state: string } | undefined;
    assert.ok(sigmoid, `trained (${api.lastNotice})`);
    assert.strictEqual(sigmoid.state, 'done');
    const shown = (await vscode.commands.executeCommand('seqlens.compareRuns', [tanhRun.dir, sigmoid.dir])) as string[] | undefined;
    assert.deepStrictEqual(shown, [tanhRun.dir, sigmoid.dir]);
    assert.deepStrictEqual(
      api.training.dashboard.lastShown.map((v) => v.id),
      [tanhRun.id, sigmoid.id],
    );
    if (!harness.available) return;
    await waitFor('both runs on the dashboard', () => panel<number>(`document.querySelectorAll('.run').length`).then((n) => n === 2));
    const differing = await panel<Array<[string, string[]]>>(`[...document.querySelectorAll('table.differences tr[data-setting]')].map(tr => [tr.dataset.setting, [...tr.querySelectorAll('td')].map(td => td.textContent)])`);
    assert.deepStrictEqual(differing, [['activation', ['tanh', 'sigmoid']]], 'only the activation differs');
    const series = await panel<string>(`document.querySelector('.chart[data-name="loss"]').dataset.series`);
    assert.deepStrictEqual(series?.split('|'), ['rnn · tanh', 'rnn · sigmoid'].flatMap((run) => [`${run}: ${displayText('train loss')}`, `${run}: ${displayText('validation loss')}`]));
    const rows = readMetrics(tanhRun.dir).rows.filter((m) => typeof m.loss === 'number').length + readMetrics(sigmoid.dir).rows.filter((m) => typeof m.loss === 'number').length;
    assert.strictEqual(await panel<number>(`Number(document.querySelector('.chart[data-name="loss"]').dataset.points)`), rows, 'every loss row of both runs is drawn');
    assert.ok((await panel<number>(`document.querySelectorAll('.chart[data-name="perplexity"]').length`)) === 1, 'a perplexity chart');
    await screenshotsInBothThemes('training-compare');

    // Export: the curves as JSON and the charts as a PNG, each through VS Code's own save dialog (its path accepted with Enter).
    const saveThrough = async (button: string, file: string) => {
      fs.rmSync(file, { force: true });
      await harness.click(button);
      const INPUT = '.quick-input-widget input.input';
      await waitFor(`the save dialog for ${path.basename(file)}`, () => workbench<boolean>(`(() => { const i = document.querySelector(${JSON.stringify(INPUT)}); return !!i && !!i.offsetParent && i.value.endsWith(${JSON.stringify(path.basename(file))}); })()`));
      await harness.workbenchPress(INPUT, 'Enter');
      await waitFor(`${path.basename(file)} written`, () => fs.existsSync(file) && fs.statSync(file).size > 0);
      return fs.readFileSync(file);
    };
    const exported = JSON.parse((await saveThrough('#export-json', path.join(tanhRun.dir, 'compare.json'))).toString('utf8')) as { runs: Array<{ id: string; rows: unknown[] }>; differences: Array<{ setting: string; values: string[] }> };
    assert.deepStrictEqual(exported.runs.map((r) => r.id), [tanhRun.id, sigmoid.id]);
    assert.deepStrictEqual(exported.runs.map((r) => r.rows.length), [readMetrics(tanhRun.dir).rows.length, readMetrics(sigmoid.dir).rows.length], 'every metric row of each run');
    assert.deepStrictEqual(exported.differences, [{ setting: 'activation', values: ['tanh', 'sigmoid'] }]);
    const png = await saveThrough('#export-png', path.join(tanhRun.dir, 'compare.png'));
    if (process.env.E2E_ARTIFACTS_DIR) fs.writeFileSync(path.join(process.env.E2E_ARTIFACTS_DIR, 'training-compare-exported.png'), png); // to look at
    assert.strictEqual(png.subarray(1, 4).toString('latin1'), 'PNG', 'a PNG file');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const charts = (await panel<number>(`document.querySelectorAll('.chart').length`)) ?? 0;
    assert.ok(width >= 300 && height >= charts * 100, `the charts stacked in one image (${width}×${height}, ${charts} charts)`);
  });

  it('runs a variant that changes one setting, with the same seed and data, overlaid on its parent', async function () {
    const r = (await vscode.commands.executeCommand('seqlens.runVariant', { dir: tanhRun.dir, setting: 'cell', value: 'lstm', wait: true })) as { dir: string; id: string; state: string } | undefined;
    assert.ok(r, `ran (${api.lastNotice})`);
    assert.strictEqual(r.state, 'done');
    const parent = readRunConfig(tanhRun.dir);
    const child = readRunConfig(r.dir);
    assert.deepStrictEqual(child.parent, { id: tanhRun.id, setting: 'cell', from: 'rnn', to: 'lstm' });
    assert.deepStrictEqual([child.model, child.seed, child.data, child.options.units, child.options.epochs], ['lstm', parent.seed, parent.data, parent.options.units, parent.options.epochs]);
    assert.strictEqual(child.name, 'rnn · tanh · LSTM');
    assert.deepStrictEqual(api.training.dashboard.shownIds, [tanhRun.id, r.id], 'overlaid on its parent');
    if (!harness.available) return;
    await waitFor('parent and variant on the dashboard', () => panel<string>(`document.getElementById('app').dataset.runs`).then((ids) => ids === `${tanhRun.id} ${r.id}`));
    assert.match((await panel<string>(`document.querySelector('${runCard(r.id)} .run-info').textContent`)) ?? '', new RegExp(displayText('variant of {0}', tanhRun.id)));
    const differing = await panel<string[]>(`[...document.querySelectorAll('table.differences tr[data-setting]')].map(tr => tr.dataset.setting)`);
    assert.deepStrictEqual(differing, ['activation', 'model'], 'the cell (and the activation only an RNN has)');
  });

  it('runs an experiment of the course in one click and ends in a comparison a learner can read', async function () {
    const rec = (await vscode.commands.executeCommand('seqlens.runExperiment', { id: 'vanishing-gradients', wait: true })) as ExperimentRecord | undefined;
    assert.ok(rec, `ran (${api.lastNotice})`);
    assert.strictEqual(rec.state, 'done', rec.error);
    assert.deepStrictEqual(rec.runs.map((r) => r.key), ['tanh', 'sigmoid']);
    const dirs = rec.runs.map((r) => path.join(workspace, '.seqlens', 'runs', r.id));
    assert.deepStrictEqual(dirs.map((d) => readRunConfig(d).options.activation), ['tanh', 'sigmoid']);
    assert.ok(fs.existsSync(path.join(workspace, '.seqlens', 'experiments', rec.id, 'experiment.json')), 'kept in the workspace');
    // The measured comparison: the gradient ten steps back is far smaller with sigmoid.
    const chart = rec.result!.chart!;
    const [tanh, sigmoid] = chart.series.map((x) => x.values[10]!);
    assert.ok(tanh > 100 * sigmoid, `‖∂h_T/∂h_t‖ ten steps back: tanh ${tanh}, sigmoid ${sigmoid}`);
    assert.match(rec.result!.conclusion, /Ten steps back, the RNN tanh still passes/);
    assert.deepStrictEqual(api.training.dashboard.shownIds, rec.runs.map((r) => r.id));
    if (!harness.available) return;
    await waitFor('the comparison on the dashboard', () => panel<string>(`document.getElementById('experiment')?.dataset.state`).then((st) => st === 'done'));
    assert.strictEqual(await panel<string>(`document.querySelector('#experiment .conclusion').textContent`), rec.result!.conclusion);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('#experiment table.experiment-table tr').length`), rec.result!.table.rows.length + 1);
    assert.strictEqual(await panel<number>(`document.querySelectorAll('#experiment .chart[data-name="experiment"] canvas').length`), 1);
    // VS Code closed after the runs but before the comparison: the dashboard offers to measure it.
    const expDir = path.join(workspace, '.seqlens', 'experiments', rec.id);
    writeExperiment(expDir, { ...rec, state: 'training', result: undefined });
    await vscode.commands.executeCommand('seqlens.compareRuns', dirs);
    await waitFor('Measure the Comparison', () => panel<boolean>(`!!document.querySelector('#experiment .analyze')`));
    await harness.click('#experiment .analyze');
    await waitFor('the comparison measured again', () => readExperiment(expDir).state === 'done', 60_000);
    await waitFor('and shown', () => panel<string>(`document.getElementById('experiment')?.dataset.state`).then((st) => st === 'done'));
    assert.deepStrictEqual(readExperiment(expDir).result!.chart!.series.map((x) => x.values[10]), [tanh, sigmoid], 'the same numbers from the same checkpoints');
    await screenshotsInBothThemes('training-experiment');
  });

  it('uses the trained models in Translate Selection and the timestep panel', async () => {
    const checkpoint = (await vscode.commands.executeCommand('seqlens.useRun', { dir: translateRun.dir, action: 'Use for Translate Selection' })) as string | undefined;
    assert.strictEqual(checkpoint, path.join(translateRun.dir, 'checkpoint'));
    assert.strictEqual(vscode.workspace.getConfiguration('seqlens.translate').get('model'), checkpoint);
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'the cat ate the bread .' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const t = (await vscode.commands.executeCommand('seqlens.translateSelection')) as { source: string[]; output: string[]; attention: number[][]; modelLabel: string } | undefined;
    assert.ok(t, `translated (${api.lastNotice})`);
    assert.strictEqual(t.modelLabel, `attention · tiny (run ${translateRun.id})`);
    assert.deepStrictEqual(t.source, ['the', 'cat', 'ate', 'the', 'bread', '.']);
    assert.ok(t.output.length > 0 && t.attention.length === t.output.length, 'the trained attention model translates, with its attention map');

    const opened = (await vscode.commands.executeCommand('seqlens.useRun', { dir: tanhRun.dir, action: 'Step Through with It' })) as { id: string; label: string; layers: string[] } | undefined;
    assert.ok(opened, `opened (${api.lastNotice})`);
    assert.strictEqual(opened.label, `rnn · tanh (run ${tanhRun.id}) (RNN)`);
    const lm = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'the tables are on the cabinet .' });
    const lmEditor = await vscode.window.showTextDocument(lm, { preview: false, viewColumn: vscode.ViewColumn.One });
    lmEditor.selection = new vscode.Selection(0, 0, 0, lm.lineAt(0).text.length);
    await vscode.commands.executeCommand('seqlens.stepThrough');
    await waitFor('a trace with the trained model', () => api.timesteps.currentTrace?.modelId === opened.id);
    assert.deepStrictEqual(api.timesteps.currentTrace!.tokens.map((tok) => tok.text), ['the', 'tables', 'are', 'on', 'the', 'cabinet', '.']);
  });

  it('lists runs made by the command in the workspace, and steps through a classifier run in the timestep panel', async () => {
    const dir = path.join(workspace, '.seqlens', 'runs', 'from-the-cli');
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js'); // the checkout's command (a .vsix has no CLI)
    const p = spawnSync(process.execPath, [cli, 'train', '--task', 'classify', '--model', 'gru', '--data', 'builtin:grammar-number', '--units', '8', '--embedding', '8', '--epochs', '1', '--run-dir', dir], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.strictEqual(p.status, 0, p.stderr);
    const listed = api.training.service.list().find((x) => x.id === 'from-the-cli');
    assert.ok(listed, 'listed');
    assert.strictEqual(listed.state, 'done');
    assert.strictEqual(typeof listed.metrics.accuracy, 'number');
    // A classifier steps through the text too: its states at each word, and the class it would give there.
    const opened = (await vscode.commands.executeCommand('seqlens.useRun', { dir, action: 'Step Through with It' })) as { id: string; label: string } | undefined;
    assert.ok(opened, `opened (${api.lastNotice})`);
    assert.match(opened.label, /\(GRU classifier\)$/);
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'the keys to the cabinet are on the table .' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    await vscode.commands.executeCommand('seqlens.stepThrough');
    await waitFor('a trace with the classifier', () => api.timesteps.currentTrace?.modelId === opened.id);
    const trace = api.timesteps.currentTrace!;
    assert.strictEqual(trace.predictionLabel, 'class if it ended here');
    assert.strictEqual(trace.predictions.length, 10);
    for (const row of trace.predictions) {
      assert.deepStrictEqual(row.map((x) => x.word).sort(), ['plural', 'singular']);
      assert.ok(Math.abs(row[0].p + row[1].p - 1) < 1e-4, 'the two classes sum to 1');
    }
    assert.deepStrictEqual(Object.keys(trace.layers[0].states).sort(), STATE_NAMES.gru.map((x) => x.key).sort(), 'the GRU’s state and gates');
    assert.strictEqual(trace.layers[0].gradientNorms?.length, 10);
    if (harness.available) {
      await waitFor('the class in the panel', () => harness.evaluate<string>('#app[data-entry="timesteps"]', `document.getElementById('predictions')?.textContent ?? ''`).then((t) => new RegExp(`^${displayText('class if it ended here')}: (plural|singular) \\d+%`).test(t ?? '')));
    }
  });

  it('refuses data with bad lines, each one a Problem at its file:line', async () => {
    const file = path.join(workspace, 'bad-pairs.tsv');
    fs.writeFileSync(file, 'the cat .\t고양이 .\nno tab on this line\nthe dog .\t개 .\nnor on this one\n');
    try {
      const r = await vscode.commands.executeCommand('seqlens.trainModel', { task: 'translate', model: 'seq2seq', data: file, preset: 'tiny', timeLimit: 0, wait: true });
      assert.strictEqual((r as { state?: string } | undefined)?.state, 'failed');
      await waitFor('a Problem on each bad line', () => vscode.languages.getDiagnostics(vscode.Uri.file(file)).length > 0);
      const problems = vscode.languages.getDiagnostics(vscode.Uri.file(file));
      assert.deepStrictEqual(problems.map((p) => p.range.start.line), [1, 3], 'lines 2 and 4 of the file');
      for (const p of problems) assert.match(p.message, /expected source<TAB>target, found no tab/);
      assert.match(api.lastNotice ?? '', /2 bad lines: each is in the Problems panel/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('lists a run whose config.json was edited into invalid JSON with what is wrong, and refuses to run it again, losing nothing', async function () {
    const dir = path.join(workspace, '.seqlens', 'runs', 'edited-by-hand');
    fs.cpSync(tanhRun.dir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), '{ "version": 1, "task": "lm", ');
    const listed = api.training.service.list().find((r) => r.id === 'edited-by-hand');
    assert.ok(listed, 'still listed');
    assert.match(listed.problem ?? '', /config\.json: not valid JSON/);
    const before = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8');
    assert.strictEqual(await vscode.commands.executeCommand('seqlens.runAgain', dir), undefined);
    assert.match(api.lastNotice ?? '', /config\.json: not valid JSON/);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8'), before, 'its metrics are untouched');
    assert.ok(fs.existsSync(path.join(dir, 'checkpoint', 'seqlens.json')), 'and its checkpoint');
    await vscode.commands.executeCommand('seqlens.openDashboard', dir);
    if (harness.available) {
      await waitFor('the problem on the dashboard', () => panel<string>(`document.querySelector('.run[data-id="edited-by-hand"] .problems')?.textContent ?? ''`).then((t) => /not valid JSON/.test(t ?? '')));
      assert.ok(((await panel<number>(`Number(document.querySelector('.chart[data-name="loss"]')?.dataset.points ?? 0)`)) ?? 0) > 0, 'its curves still drawn from metrics.jsonl');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves an interrupted run when the worker dies mid-run, and resumes it from its checkpoint', async () => {
    const r = (await vscode.commands.executeCommand('seqlens.trainModel', {
      task: 'lm',
      model: 'lstm',
      data: 'builtin:grammar',
      preset: 'tiny',
      timeLimit: 0,
      options: { epochs: 12 },
      name: 'lstm · crash',
    })) as { dir: string; id: string } | undefined;
    assert.ok(r, `started (${api.lastNotice})`);
    await waitFor('a checkpoint', () => fs.existsSync(path.join(r.dir, 'checkpoint', 'seqlens.json')), 90_000);
    await api.engine.simulateCrash();
    await waitFor('the run marked interrupted', () => readRunStatus(r.dir).state === 'interrupted' && !api.training.service.isActive(r.dir), 30_000);
    const rows = readMetrics(r.dir);
    assert.deepStrictEqual(rows.errors, [], 'metrics.jsonl is whole up to its last line');
    const resumed = (await vscode.commands.executeCommand('seqlens.resumeRun', { dir: r.dir, wait: true })) as string | undefined;
    assert.strictEqual(resumed, 'done');
    const after = readMetrics(r.dir).rows;
    assert.ok(after.length > rows.rows.length, 'it trained on from the checkpoint');
  });
});

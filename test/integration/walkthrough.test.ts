/**
 * The course in a real VS Code: the walkthrough page (its steps in the display language, a step
 * completed by clicking its button), every step's command opening its view on its demo file,
 * the empty Timesteps panel's welcome, and the engine's status bar item and menu. Run with
 * `--locale=ko` (E2E_LOCALE=ko) it checks the Korean strings instead of the English ones.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';
import { displayText, harness, setTheme, waitFor } from './harness';

const EXTENSION_ID = 'seqlens.seqlens';
const KOREAN = process.env.E2E_LOCALE === 'ko';
const ROOT = path.resolve(__dirname, '..', '..', '..');
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, KOREAN ? 'package.nls.ko.json' : 'package.nls.json'), 'utf8')) as Record<string, string>;
/** A string of the extension as the display language shows it. */
const t = (s: string) => displayText(s);
let api: SeqLensApi;
const needsBrowser = (ctx: Mocha.Context) => {
  if (!harness.available) ctx.skip();
};
const workbench = <T>(expression: string) => harness.workbench<T>(expression);

describe('SeqLens: the course and the engine status', function () {
  before(async () => {
    const ext = vscode.extensions.getExtension<SeqLensApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
  });

  it('VS Code reads the extension in the display language: command titles and the walkthrough', async () => {
    assert.strictEqual(vscode.env.language.slice(0, 2), KOREAN ? 'ko' : 'en');
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    // A localised command title reads { value, original } in the manifest VS Code hands the extension.
    const title = (id: string) => {
      const t = pkg.contributes.commands.find((c: { command: string }) => c.command === id).title as string | { value: string; original: string };
      return typeof t === 'string' ? t : t.value;
    };
    assert.strictEqual(title('seqlens.translateSelection'), nls['command.translateSelection.title']);
    assert.strictEqual(pkg.contributes.walkthroughs[0].title, nls['walkthrough.title']);
    if (KOREAN) assert.strictEqual(title('seqlens.stepThrough'), '타임스텝 한 단계씩 보기');
  });

  it('the engine status bar item: not running, idle once started, an error after a crash, and its menu restarts it', async function () {
    this.timeout(120_000);
    const status = () => api.engine.status;
    await api.engine.ready();
    await waitFor('the idle engine', () => /\$\((pass|warning)\) SeqLens/.test(status().text) && status().tooltip.includes(t('SeqLens engine: idle')));
    assert.match(status().tooltip, /tfjs 4\.22\.0/);
    if (harness.available) {
      const label = await waitFor('the status bar entry', () => workbench<string | null>(`document.querySelector('.statusbar-item[id$="seqlens.engine"]')?.querySelector('a')?.getAttribute('aria-label') ?? null`));
      assert.ok(label.includes(t('SeqLens engine: idle')), `aria-label: ${label}`);
    }
    await vscode.commands.executeCommand('seqlens.restartEngine');
    await waitFor('idle after the restart', () => api.engine.state.phase === 'idle');
    await api.engine.simulateCrash();
    await waitFor('the crashed state', () => status().error && status().text.includes('$(error)'));
    assert.ok(status().tooltip.includes(t('SeqLens engine: crashed')), status().tooltip);
    if (harness.available) {
      await waitFor('the error background', () => workbench<boolean>(`(() => { const e = document.querySelector('.statusbar-item[id$="seqlens.engine"]'); return !!e && (e.classList.contains('error-kind') || getComputedStyle(e).backgroundColor !== 'rgba(0, 0, 0, 0)'); })()`));
      await harness.screenshot(`course-engine-crashed${KOREAN ? '-ko' : ''}`);
      // The menu, from the status bar item: its entries in the display language; Restart Engine restarts.
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await workbench(`document.querySelector('.statusbar-item[id$="seqlens.engine"] a').click()`);
      // The rows of the quick pick on show (the widget keeps an earlier pick's rows while hidden).
      const rowsShown = `[...document.querySelectorAll('.quick-input-widget .monaco-list-row')].filter((r) => r.offsetParent && r.closest('.quick-input-widget').style.display !== 'none')`;
      const items = await waitFor('the engine menu', () => workbench<string[] | null>(`(() => { const rows = ${rowsShown}.map((r) => r.textContent); return rows.some((r) => r.includes(${JSON.stringify(t('Restart Engine'))})) ? rows : null; })()`));
      assert.ok(items.some((i) => i.includes(t('Restart Engine'))), `menu: ${items.join(' | ')}`);
      assert.ok(items.some((i) => i.includes(t('Show Log'))));
      await harness.screenshot(`course-engine-menu${KOREAN ? '-ko' : ''}`);
      await workbench(`${rowsShown}.find((r) => r.textContent.includes(${JSON.stringify(t('Restart Engine'))})).click()`);
    } else await vscode.commands.executeCommand('seqlens.restartEngine');
    await waitFor('idle after the restart from the menu', () => api.engine.state.phase === 'idle' && !status().error, 60_000);
    await vscode.commands.executeCommand('notifications.clearAll'); // the crash's notifications, out of the later screenshots
  });

  it('Clear empties the Timesteps panel, which welcomes with buttons, and its demo button opens the first step', async function () {
    needsBrowser(this);
    this.timeout(120_000);
    // A trace on show (the course's first step), then the panel's Clear action in its title bar.
    await vscode.commands.executeCommand('seqlens.course.rnn');
    await waitFor('a trace', () => api.timesteps.currentTrace !== undefined && api.timesteps.decoratedStepRange() !== undefined, 60_000);
    await vscode.commands.executeCommand('seqlens.timesteps.focus');
    const PANEL = '#app[data-entry="timesteps"]';
    await waitFor('the trace in the panel', () => harness.evaluate<boolean>(PANEL, `document.getElementById('app').dataset.state === 'trace'`));
    const clearTitle = nls['command.clearTimesteps.title'];
    const clicked = await waitFor('the Clear action', () => workbench<boolean>(`(() => { const a = [...document.querySelectorAll('.action-label')].find((e) => e.offsetParent && (e.getAttribute('aria-label') ?? '').startsWith(${JSON.stringify(clearTitle)})); if (!a) return false; a.click(); return true; })()`));
    assert.ok(clicked);
    await waitFor('the trace cleared', () => api.timesteps.currentTrace === undefined);
    assert.strictEqual(api.timesteps.decoratedStepRange(), undefined, 'the highlights in the editor go with it');
    const welcome = await waitFor('the welcome buttons', () => harness.evaluate<string[]>(PANEL, `[...document.querySelectorAll('.welcome-actions vscode-button')].map((b) => b.textContent)`).then((v) => (v && v.length ? v : null)));
    assert.deepStrictEqual(welcome, [t('Step Through the Selection'), t('Open the Course'), t('Open a Demo Sentence')]);
    await setTheme(PANEL, 'Default Light Modern', 'vscode-light');
    await harness.screenshot(`course-timesteps-welcome-light${KOREAN ? '-ko' : ''}`);
    await setTheme(PANEL, 'Default Dark Modern', 'vscode-dark');
    await harness.screenshot(`course-timesteps-welcome-dark${KOREAN ? '-ko' : ''}`);
    await setTheme(PANEL, 'Default High Contrast', 'vscode-high-contrast');
    await harness.screenshot(`course-timesteps-welcome-hc${KOREAN ? '-ko' : ''}`);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    // By keyboard: the first button takes the focus and Enter runs it (here: nothing selected, so it says what to do).
    assert.ok(await harness.evaluate<boolean>(PANEL, `(() => { const b = document.getElementById('welcome-0'); b.focus(); return document.activeElement === b; })()`), 'the welcome button takes the keyboard focus');
    await harness.click('#welcome-2');
    await waitFor('the demo sentence traced', () => api.timesteps.currentTrace?.tokens.map((x) => x.text).join(' ').toLowerCase().startsWith('the dog sleeps'), 60_000);
    assert.strictEqual(api.course.lastOpened?.step, 'rnn');
    assert.strictEqual(api.timesteps.currentTrace?.modelId, 'rnn-tanh');
    // The panel's own strings come from the extension in the display language.
    const shown = `[document.getElementById('play').textContent, document.querySelector('figure[data-state="h"] figcaption').firstChild.textContent, document.getElementById('stepLabel').textContent, document.documentElement.lang].join('|')`;
    const [play, caption, stepLabel, lang] = (await waitFor('the trace in the panel', () => harness.evaluate<string>(PANEL, `document.querySelector('figure[data-state="h"]') ? ${shown} : null`))).split('|');
    assert.deepStrictEqual([play, caption, lang], [t('Play'), t('hidden state h'), KOREAN ? 'ko' : 'en']);
    assert.ok(stepLabel.startsWith(t('step {0} / {1} · “{2}”').split('{0}')[0]), stepLabel);
    if (KOREAN) await harness.screenshot('course-timesteps-trace-ko');
  });

  it('every step of the course opens its view on its demo file', async function () {
    this.timeout(300_000);
    const open = async (step: string) => {
      const r = await vscode.commands.executeCommand(`seqlens.course.${step}`);
      assert.strictEqual(api.course.lastOpened?.step, step);
      return r as never;
    };
    const trace = async (step: string, model: RegExp) => {
      await open(step);
      await waitFor(`${step}: the trace`, () => api.timesteps.currentTrace && model.test(api.timesteps.currentTrace.modelId), 60_000);
      return api.timesteps.currentTrace!;
    };
    const activeFile = () => path.basename(vscode.window.activeTextEditor?.document.fileName ?? '');

    const rnn = await trace('rnn', /^rnn-tanh$/);
    assert.strictEqual(rnn.tokens[0].text.toLowerCase(), 'the');
    const cells = (await open('activations')) as { tokens: string[]; models: Array<{ model: string }> } | undefined;
    assert.ok(cells, `compared (${api.lastNotice})`);
    assert.deepStrictEqual(cells.tokens.slice(0, 6), ['the', 'key', 'to', 'the', 'old', 'cabinets']);
    assert.ok(cells.models.some((m) => m.model === 'rnn-sigmoid') && cells.models.some((m) => m.model === 'rnn-tanh'));
    const heads = await trace('heads', /heads-lstm/);
    assert.strictEqual(heads.readouts?.tags?.length, heads.tokens.length, 'a tag at every step');
    await waitFor('the tags after the words', () => api.timesteps.annotations().length >= heads.tokens.length);
    const lstm = await trace('lstm', /^lstm$/);
    assert.strictEqual(activeFile(), 'agreement.txt');
    assert.ok('c' in lstm.layers[0].states, 'the cell state');
    const context = (await open('context')) as { modelId?: string; source: string[]; attention: number[][] } | undefined;
    assert.ok(context, `translated (${api.lastNotice})`);
    assert.strictEqual(context.source[0], 'the');
    const attention = (await open('attention')) as { source: string[]; attention: number[][]; text: string } | undefined;
    assert.ok(attention && attention.attention.length > 0 && attention.attention[0].length === attention.source.length, 'an attention row per output word');
    const forced = (await open('teacherForcing')) as { reference?: unknown; forced?: unknown } | undefined;
    assert.ok(forced, `translated the pair (${api.lastNotice})`);
    assert.strictEqual(activeFile(), 'pairs.tsv');
    const positions = await open('positions');
    assert.ok(positions, `the Transformer lens (${api.lastNotice})`);
    if (harness.available) {
      await waitFor('the Positions tab', () => harness.evaluate<boolean>('#tab-positions', `document.getElementById('tab-positions').getAttribute('aria-selected') === 'true' && !document.getElementById('positions').hidden`));
      await harness.screenshot(`course-positions${KOREAN ? '-ko' : ''}`);
    }
    await open('selfAttention');
    if (harness.available) await waitFor('the attention tab', () => harness.evaluate<boolean>('#tab-attention', `document.getElementById('tab-attention').getAttribute('aria-selected') === 'true'`));
    await open('endToEnd');
    if (harness.available) await waitFor('the Runs view', () => workbench<boolean>(`!!document.querySelector('[id="workbench.view.extension.seqlens-runs"]') || [...document.querySelectorAll('.pane-header')].some((h) => h.textContent.includes(${JSON.stringify(nls['view.runs.name'])}))`));
    const projected = (await open('word2vec')) as { words: string[] } | undefined;
    assert.ok(projected && projected.words.length === 20_000, `projected (${api.lastNotice})`);
  });

  it('the walkthrough page: eleven steps in the display language, and clicking a step\'s button completes it', async function () {
    needsBrowser(this);
    this.timeout(120_000);
    // The walkthrough alone in the window, so its page (the step's markdown) is shown beside the steps.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('seqlens.openCourse');
    const titles = await waitFor('the walkthrough', () => workbench<string[] | null>(`(() => { const t = [...document.querySelectorAll('.getting-started-step .step-title')].map((e) => e.textContent.trim()); return t.length ? t : null; })()`), 30_000);
    const ids = ['rnn', 'activations', 'heads', 'lstm', 'context', 'attention', 'teacherForcing', 'positions', 'selfAttention', 'endToEnd', 'word2vec'];
    assert.deepStrictEqual(titles, ids.map((id) => nls[`walkthrough.${id}.title`]));
    await harness.screenshot(`course-walkthrough${KOREAN ? '-ko' : ''}`);
    // The second step: expand it, click its first button ("Compare the cells"), and it is ticked.
    const STEP = `document.querySelector('button.getting-started-step[data-step-id$="activations"]')`;
    await workbench(`${STEP}.click()`);
    await waitFor('the step expanded', () => workbench<boolean>(`${STEP}.getAttribute('aria-expanded') === 'true' || ${STEP}.classList.contains('expanded')`));
    const media = await waitFor('the step\'s markdown', () => workbench<string | null>(`(() => { const f = document.querySelector('.getting-started-media iframe, .getting-started-media webview'); return f ? 'shown' : null; })()`), 30_000);
    assert.strictEqual(media, 'shown');
    await new Promise((r) => setTimeout(r, 1500)); // the page's webview paints
    await harness.screenshot(`course-walkthrough-step2-light${KOREAN ? '-ko' : ''}`);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    await new Promise((r) => setTimeout(r, 1500));
    await harness.screenshot(`course-walkthrough-step2-dark${KOREAN ? '-ko' : ''}`);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    // The button's label is the link text of the step's description, in the display language.
    const label = /\[([^\]]+)\]\(command:seqlens\.course\.activations\)/.exec(nls['walkthrough.activations.description'])![1];
    const clicked = await workbench<boolean>(`(() => { const b = [...document.querySelectorAll('button, a')].find((e) => e.offsetParent && e.textContent.trim() === ${JSON.stringify(label)}); if (!b) return false; b.click(); return true; })()`);
    assert.ok(clicked, `the step has a button "${label}"`);
    await waitFor('the cells compared', () => api.course.lastOpened?.step === 'activations' && api.cells.current, 60_000);
    // The step's view opened in the editor area; back on the walkthrough, the step is ticked.
    await vscode.commands.executeCommand('seqlens.openCourse');
    await waitFor('the step ticked', () => workbench<boolean>(`!!${STEP} && (${STEP}.getAttribute('aria-checked') === 'true' || ${STEP}.classList.contains('complete'))`), 30_000);
    await harness.screenshot(`course-walkthrough-ticked${KOREAN ? '-ko' : ''}`);
    await vscode.commands.executeCommand('workbench.view.explorer'); // the side bar back, for the suites after
  });
});

/**
 * Compare Cells: RNN-sigmoid, RNN-tanh, LSTM and GRU on one text. One log-scale chart of the
 * vanishing gradient ‖∂h_T/∂h_t‖ (a series per cell), one of the derivative factor that explains
 * it at each step, and a table of each model's next-word prediction after every word, shaded by
 * the probability it gave the word that does come next. The step (caret in the editor, hover on
 * the charts, a click on a token) is marked everywhere at once.
 */
import type { CellsFromWebview, CellsToWebview, CellsView } from '../../src/protocol/cells';
import { LineChart } from '../shared/charts';
import { readPalette, type Palette } from '../shared/colors';
import { el, registerToolkit, UI } from '../shared/toolkit';
import { l10n } from '../shared/l10n';
import { Host } from '../shared/vscodeApi';
import '../shared/base.css';
import './main.css';

registerToolkit();
const host = new Host<CellsFromWebview, Record<string, never>>();
const app = document.getElementById('app')!;
const toolbar = el('div', { class: 'toolbar' });
const exportPng = el(UI.button, { id: 'export-png', appearance: 'secondary', title: l10n('The gradient chart as a PNG image') }, 'PNG');
const exportJson = el(UI.button, { id: 'export-json', appearance: 'secondary', title: l10n('Every number of the view as JSON (as seqlens gradients --json)') }, 'JSON');
const exports = el('span', { class: 'exports' }, `${l10n('Export')} `);
exports.append(exportPng, exportJson);
const header = el('div', { id: 'header', class: 'header' });
toolbar.append(header, exports);
const tokenStrip = el('div', { id: 'cells-tokens', class: 'tokens', role: 'listbox', 'aria-label': l10n('The words, one per step') });
const status = el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
const gradientBox = el('div', { id: 'gradients', class: 'chart' });
const factorBox = el('div', { id: 'factors', class: 'chart' });
const gradientNote = el(
  'p',
  { class: 'note' },
  l10n('How much the last state still depends on each step, ‖∂h_T/∂h_t‖ (log scale): going back in time the gradient is multiplied at every step by the cell’s derivative. σ′(a) ≤ 0.25, so through the sigmoid RNN it vanishes fastest; tanh′(a) ≤ 1 (and centred on zero) loses less; the LSTM’s cell carries it through the forget gate f, the GRU’s state through its update gate z. The Transformer has no recurrence: its last position reads every earlier word through attention in one step, so its ‖∂r_T/∂x_t‖ (residual stream against each word’s input) does not fall with distance.'),
);
const tableBox = el('div', { id: 'cells-next', class: 'predictions' });
const tableNote = el('p', { class: 'note' }, l10n('After each word, each model’s likeliest next word, and (shading) the probability it gave the word that does come next. After an attractor ("the key to the old cabinets …") the verb must agree with the subject, not with the nearest noun.'));
const busy = el('div', { id: 'busy', class: 'busy', hidden: '' });
app.append(toolbar, tokenStrip, status, el('h3', {}, l10n('Vanishing gradients, side by side')), gradientBox, gradientNote, el('h3', {}, l10n('The factor the gradient meets at each step')), factorBox, el('h3', {}, l10n('The next word, by each cell')), tableBox, tableNote, busy);

let palette: Palette = readPalette();
let shown: { id: number; view: CellsView; sourceLabel: string } | undefined;
let step = 0;
let charts: LineChart[] = [];

const COLOURS: Record<string, string> = { 'rnn-sigmoid': '--vscode-charts-red', 'rnn-tanh': '--vscode-charts-orange', lstm: '--vscode-charts-blue', gru: '--vscode-charts-green', 'transformer-lm': '--vscode-charts-purple' };
const DASHES: Record<string, number[] | undefined> = { 'rnn-sigmoid': undefined, 'rnn-tanh': [6, 3], lstm: undefined, gru: [2, 2], 'transformer-lm': [8, 3, 2, 3] };
const cssVar = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
const colourOf = (model: string) => cssVar(COLOURS[model] ?? '--vscode-foreground', palette.foreground);
const pct = (p: number) => (p >= 0.995 ? '100%' : p >= 0.1 ? `${(p * 100).toFixed(0)}%` : p >= 0.001 ? `${(p * 100).toFixed(1)}%` : '<0.1%');

function chartWidth(): number {
  return Math.max(260, Math.min(720, app.clientWidth - 24));
}

function render(): void {
  if (!shown) return;
  const v = shown.view;
  busy.hidden = true;
  app.dataset.state = 'shown';
  header.textContent = l10n('{0} (the embedded language models) · {1} · {2} words', v.models.map((m) => m.label).join(', '), shown.sourceLabel, v.tokens.length);
  tokenStrip.replaceChildren(...v.tokens.map((w, i) => el('button', { class: 'ctoken', role: 'option', 'data-index': String(i), 'aria-selected': 'false', tabindex: '-1', title: l10n('step {0}: “{1}”', i + 1, w) }, w)));
  for (const c of charts) c.destroy();
  charts = [];
  gradientBox.replaceChildren();
  factorBox.replaceChildren();
  const xs = v.tokens.map((_, i) => i + 1);
  const series = v.models.map((m) => ({ label: m.factors.length ? m.label : `${m.label} (∂r_T/∂x_t)`, color: colourOf(m.model), dash: DASHES[m.model], width: 2, points: true }));
  const recurrent = v.models.map((m, i) => ({ m, i })).filter(({ m }) => m.factors.length > 0);
  const common = { width: chartWidth(), height: 220, xKind: 'step' as const, xLabel: l10n('step (word)'), axisColor: cssVar('--vscode-descriptionForeground', '#999'), gridColor: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'), syncKey: 'seqlens-cells', onCursor: (x: number | null) => x !== null && setStep(Math.round(x) - 1, true) };
  charts.push(new LineChart(gradientBox, { ...common, title: l10n('‖∂h_T/∂h_t‖ (log scale)'), series, log: true }, [xs, ...v.models.map((m) => m.norms.map((n) => Math.max(n, 1e-30)))]));
  // The factors of the recurrent cells (a Transformer has no chain of them: its row says so in the legend above).
  charts.push(new LineChart(factorBox, { ...common, height: 180, title: l10n('mean derivative factor per step'), series: recurrent.map(({ m, i }) => ({ ...series[i], label: `${m.label}: ${m.factorLabel}` })) }, [xs, ...recurrent.map(({ m }) => m.factors)]));
  gradientBox.dataset.series = String(v.models.length);
  renderTable(v);
  setStep(Math.min(step, v.tokens.length - 1), false);
}

function renderTable(v: CellsView): void {
  const table = el('table', { class: 'next', 'aria-label': l10n('Next-word prediction after each word, by model') });
  const head = el('tr');
  head.append(el('th', { class: 'corner' }, l10n('after')));
  v.tokens.forEach((w, i) => head.append(el('th', { class: 'tok', scope: 'col', 'data-s': String(i) }, w)));
  table.append(head);
  const [r, g, b] = palette.kind === 'light' ? palette.negative : palette.gate;
  for (const m of v.models) {
    const tr = el('tr', { 'data-model': m.model });
    const name = el('th', { scope: 'row', class: 'model' }, m.label);
    name.style.borderLeftColor = colourOf(m.model);
    tr.append(name);
    m.top.forEach((row, i) => {
      const best = row[0];
      const next = m.nextP[i];
      const actual = v.tokens[i + 1];
      const td = el('td', { 'data-s': String(i), 'data-next': next === null ? '' : next.toFixed(4), title: `${l10n('{0} after “{1}”: {2}', m.label, v.tokens[i], row.map((x) => `${x.word} ${pct(x.p)}`).join(', '))}${actual !== undefined && next !== null ? l10n('; “{0}” (the next word) {1}', actual, pct(next)) : ''}` });
      td.append(el('span', { class: 'best' }, best ? best.word : ''), el('span', { class: 'p' }, best ? pct(best.p) : ''));
      if (next !== null) {
        td.append(el('span', { class: 'nextp' }, `${actual}: ${pct(next)}`));
        td.style.backgroundColor = `rgba(${r | 0}, ${g | 0}, ${b | 0}, ${(0.08 + 0.6 * Math.min(1, next)).toFixed(3)})`;
        if (best && best.word === actual) td.classList.add('right');
      }
      tr.append(td);
    });
    table.append(tr);
  }
  tableBox.replaceChildren(table);
}

function setStep(s: number, fromUser: boolean): void {
  if (!shown) return;
  const T = shown.view.tokens.length;
  s = Math.max(0, Math.min(T - 1, s));
  if (s === step && !fromUser && app.dataset.step === String(s)) return;
  step = s;
  app.dataset.step = String(s);
  for (const t of tokenStrip.querySelectorAll('.ctoken')) {
    const on = Number((t as HTMLElement).dataset.index) === s;
    t.classList.toggle('current', on);
    t.setAttribute('aria-selected', String(on));
  }
  for (const c of tableBox.querySelectorAll('.current')) c.classList.remove('current');
  for (const c of tableBox.querySelectorAll(`[data-s="${s}"]`)) c.classList.add('current');
  const v = shown.view;
  status.textContent = l10n('step {0}, “{1}”: {2}', s + 1, v.tokens[s], v.models.map((m) => `${m.label} ‖∂h_T/∂h_t‖ = ${m.norms[s].toExponential(1)}`).join(' · '));
  if (fromUser) host.post({ type: 'step/select', id: shown.id, step: s });
}

tokenStrip.addEventListener('click', (e) => {
  const t = (e.target as HTMLElement).closest('.ctoken') as HTMLElement | null;
  if (t) setStep(Number(t.dataset.index), true);
});
for (const box of [tokenStrip, tableBox]) {
  box.addEventListener('mouseover', (e) => {
    const t = (e.target as HTMLElement).closest('[data-index], [data-s]') as HTMLElement | null;
    const i = t ? Number(t.dataset.index ?? t.dataset.s) : null;
    if (shown) host.post({ type: 'token/hover', id: shown.id, index: i });
  });
  box.addEventListener('mouseleave', () => shown && host.post({ type: 'token/hover', id: shown.id, index: null }));
}
tokenStrip.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    setStep(step + (e.key === 'ArrowRight' ? 1 : -1), true);
    (tokenStrip.querySelector('.ctoken.current') as HTMLElement | null)?.focus();
    e.preventDefault();
  }
});

exportPng.addEventListener('click', () => shown && charts[0] && host.post({ type: 'export', format: 'png', dataUrl: charts[0].canvas.toDataURL('image/png'), name: 'vanishing-gradients' }));
exportJson.addEventListener('click', () => shown && host.post({ type: 'export', format: 'json', name: 'cells-side-by-side' }));

window.addEventListener('message', (event: MessageEvent<CellsToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'cells/show':
      shown = { id: m.id, view: m.view, sourceLabel: m.sourceLabel };
      step = m.step;
      status.className = 'status';
      render();
      return;
    case 'step/show':
      if (shown && m.id === shown.id) setStep(m.step, false);
      return;
    case 'cells/loading':
      busy.replaceChildren(el(UI.progress, { 'aria-label': l10n('Reading') }), el('span', {}, m.message));
      busy.hidden = false;
      app.dataset.state = shown ? 'shown' : 'loading';
      return;
    case 'cells/error':
      busy.hidden = true;
      status.textContent = m.message;
      status.className = 'status error';
      app.dataset.state = shown ? 'shown' : 'error';
      return;
  }
});

new MutationObserver(() => {
  palette = readPalette();
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => charts.forEach((c) => c.resize(chartWidth())), 100);
});

app.dataset.state = 'empty';
host.post({ type: 'ready' });

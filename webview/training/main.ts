/**
 * The training dashboard: one run's live curves, or several runs overlaid (Compare) with the
 * settings that differ; EMA smoothing, log scale, x by step or time, a hover readout, ETA;
 * Stop and Resume; and "Watch it learn": the probe sentences as the model decoded them at the
 * evaluation under the chart's cursor. Colours come from the theme.
 */
import { headline } from '../../src/core/runs/headline';
import type { ExperimentRecord, MetricRow, RunState, RunView, TrainingFromWebview, TrainingToWebview } from '../../src/protocol/training';
import { LineChart, type SeriesSpec } from '../shared/charts';
import { parseColor } from '../shared/colors';
import { el, registerToolkit, UI } from '../shared/toolkit';
import { l10n } from '../shared/l10n';
import { Host } from '../shared/vscodeApi';
import { align, chartsFor, emaExtend, formatDuration, matchingWords, probeAt, RunSeries, thin, type ChartDef, type EmaCache, type Points, type XKind } from './series';
import '../shared/base.css';
import './main.css';

registerToolkit();

interface ViewState {
  smoothing: number;
  log: boolean;
  xKind: XKind;
}
const host = new Host<TrainingFromWebview, ViewState>();
let settings = host.state({ smoothing: 0.6, log: false, xKind: 'step' });

const app = document.getElementById('app')!;
const header = el('div', { class: 'header', id: 'header' });
const experimentBox = el('section', { class: 'experiment', id: 'experiment', 'aria-label': l10n('Experiment') });
const runsBox = el('div', { class: 'runs', id: 'runs' });
const controls = el('div', { class: 'controls', id: 'controls', role: 'toolbar', 'aria-label': l10n('Chart settings') });
const differencesBox = el('div', { class: 'differences-box', id: 'differences' });
// What it learns (loss and its quality metric) above Watch it learn; how it trains below.
const chartsBox = el('div', { class: 'charts', id: 'charts' });
const probesBox = el('section', { class: 'probes', id: 'probes', 'aria-label': l10n('Watch it learn') });
// The evaluation shown, by keyboard too: a slider over the evaluations (the chart's pointer, when
// it is over a chart, takes precedence). Built once, so that it keeps the focus as rows arrive.
const evaluationSlider = el('input', { type: 'range', id: 'evaluation', min: '0', max: '0', step: '1', 'aria-label': l10n('Evaluation shown in Watch it learn') });
const evaluationLabel = el('label', { for: 'evaluation', class: 'control' }, `${l10n('Evaluation')} `);
const probesControls = el('div', { class: 'probe-controls' });
probesControls.append(evaluationLabel, evaluationSlider);
const probesBody = el('div', { class: 'probe-body' });
probesBox.append(el('h3', {}, l10n('Watch it learn')), probesControls, probesBody);
/** The evaluation picked with the slider (index into the first run's evaluations); null: the latest. */
let pickedEvaluation: number | null = null;
evaluationSlider.addEventListener('input', () => {
  const first = runs.find((r) => r.probes.length > 0);
  const i = Number(evaluationSlider.value);
  pickedEvaluation = first && i < first.probes.length - 1 ? i : null;
  renderProbes();
});
const dynamicsBox = el('div', { class: 'charts', id: 'dynamics' });
const status = el('div', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite' });
app.append(header, experimentBox, runsBox, differencesBox, controls, chartsBox, probesBox, dynamicsBox, status);
const PRIMARY = new Set(['loss', 'bleu', 'accuracy', 'perplexity']);
app.dataset.state = 'waiting';

let runs: RunView[] = [];
let differences: Array<{ setting: string; values: string[] }> = [];
let experiment: ExperimentRecord | undefined;
let experimentChart: LineChart | undefined;
const charts = new Map<string, { chart: LineChart; def: ChartDef; box: HTMLElement }>();
let cursorX: number | null = null;
const shownEvaluation = new Map<string, number | null>();

// ---- colours -------------------------------------------------------------------------------

const RUN_COLOURS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const FALLBACK: Array<[number, number, number]> = [[55, 148, 255], [209, 134, 22], [137, 209, 133], [179, 128, 255], [241, 76, 76], [204, 167, 0]];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** Read from the theme once per theme (reading styles on every redraw costs a style recalc each). */
const colourCache = new Map<number, [number, number, number]>();
function runColour(i: number, alpha = 1): string {
  const k = i % RUN_COLOURS.length;
  let rgb = colourCache.get(k);
  if (!rgb) colourCache.set(k, (rgb = parseColor(cssVar(RUN_COLOURS[k], ''), FALLBACK[k % FALLBACK.length])));
  const [r, g, b] = rgb;
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

// ---- controls ------------------------------------------------------------------------------

const smoothing = el('input', { type: 'range', id: 'smoothing', min: '0', max: '0.99', step: '0.01', 'aria-label': l10n('Smoothing (exponential moving average weight)') });
smoothing.value = String(settings.smoothing);
const smoothingValue = el('span', { class: 'value', id: 'smoothing-value' }, settings.smoothing.toFixed(2));
const logBox = el('input', { type: 'checkbox', id: 'log' });
logBox.checked = settings.log;
const xStep = el(UI.button, { id: 'x-step', appearance: settings.xKind === 'step' ? 'primary' : 'secondary', title: l10n('x axis: training steps') }, l10n('step'));
const xTime = el(UI.button, { id: 'x-time', appearance: settings.xKind === 'time' ? 'primary' : 'secondary', title: l10n('x axis: time trained (m:ss)') }, l10n('time'));
const exportPng = el(UI.button, { id: 'export-png', appearance: 'secondary', title: l10n('Save the charts as a PNG image') }, l10n('Export PNG'));
const exportJson = el(UI.button, { id: 'export-json', appearance: 'secondary', title: l10n('Save the curves as JSON') }, l10n('Export data'));
controls.append(
  el('label', { for: 'smoothing', class: 'control' }, `${l10n('Smoothing')} `),
  smoothing,
  smoothingValue,
  el('span', { class: 'sep' }),
  logBox,
  el('label', { for: 'log', class: 'control' }, l10n('log scale')),
  el('span', { class: 'sep' }),
  el('span', { class: 'control' }, `${l10n('x axis')} `),
  xStep,
  xTime,
  el('span', { class: 'spacer' }),
  exportPng,
  exportJson,
);

function saveSettings(): void {
  host.saveState(settings);
}

smoothing.addEventListener('input', () => {
  settings = { ...settings, smoothing: Number(smoothing.value) };
  smoothingValue.textContent = settings.smoothing.toFixed(2);
  saveSettings();
  scheduleRedraw();
});
logBox.addEventListener('change', () => {
  settings = { ...settings, log: logBox.checked };
  saveSettings();
  rebuildCharts();
});
function setX(kind: XKind): void {
  if (settings.xKind === kind) return;
  settings = { ...settings, xKind: kind };
  xStep.setAttribute('appearance', kind === 'step' ? 'primary' : 'secondary');
  xTime.setAttribute('appearance', kind === 'time' ? 'primary' : 'secondary');
  cursorX = null;
  saveSettings();
  rebuildCharts();
}
xStep.addEventListener('click', () => setX('step'));
xTime.addEventListener('click', () => setX('time'));

exportJson.addEventListener('click', () => {
  const json = JSON.stringify({ runs: runs.map((r) => ({ id: r.id, name: r.name, task: r.task, model: r.model, state: r.state, config: r.config, metrics: r.metrics, rows: r.rows, probes: r.probes })), differences }, null, 1);
  host.post({ type: 'export/data', json });
});
exportPng.addEventListener('click', () => {
  const list = [...charts.values()];
  if (list.length === 0) return;
  // Each chart as drawn (its canvas), under its title, with a legend of its series: which run is which colour.
  const ratio = window.devicePixelRatio || 1;
  const gap = 8 * ratio;
  const font = 13 * ratio;
  const line = 18 * ratio;
  const width = Math.max(...list.map((c) => c.chart.canvas.width)) + 2 * gap;
  const probe = document.createElement('canvas').getContext('2d')!;
  probe.font = `${font}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  // The legend's entries, wrapped into rows that fit the width.
  const legendRows = list.map((c) => {
    const rows: Array<Array<{ label: string; color: string; dash?: number[] }>> = [[]];
    let x = gap;
    for (const s of c.chart.series) {
      const w = 28 * ratio + probe.measureText(s.label).width + 16 * ratio;
      if (x + w > width - gap && rows[rows.length - 1].length) {
        rows.push([]);
        x = gap;
      }
      rows[rows.length - 1].push(s);
      x += w;
    }
    return rows;
  });
  const height = list.reduce((h, c, i) => h + line + c.chart.canvas.height + legendRows[i].length * line + gap / 2 + gap * 3, gap);
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width);
  canvas.height = Math.ceil(height);
  const g = canvas.getContext('2d')!;
  g.fillStyle = cssVar('--vscode-editor-background', '#1e1e1e');
  g.fillRect(0, 0, canvas.width, canvas.height);
  const fg = cssVar('--vscode-foreground', '#cccccc');
  g.font = probe.font;
  g.textBaseline = 'middle';
  let y = gap;
  list.forEach((c, i) => {
    g.fillStyle = fg;
    g.fillText(c.def.title, gap, y + line / 2);
    y += line;
    g.drawImage(c.chart.canvas, gap, y);
    y += c.chart.canvas.height + gap / 2;
    for (const row of legendRows[i]) {
      let x = gap;
      for (const s of row) {
        g.strokeStyle = s.color;
        g.lineWidth = 2 * ratio;
        g.setLineDash((s.dash ?? []).map((d) => d * ratio));
        g.beginPath();
        g.moveTo(x, y + line / 2);
        g.lineTo(x + 22 * ratio, y + line / 2);
        g.stroke();
        g.setLineDash([]);
        g.fillStyle = fg;
        g.fillText(s.label, x + 28 * ratio, y + line / 2);
        x += 28 * ratio + g.measureText(s.label).width + 16 * ratio;
      }
      y += line;
    }
    y += gap * 3;
  });
  host.post({ type: 'export/png', dataUrl: canvas.toDataURL('image/png') });
});

// ---- runs ----------------------------------------------------------------------------------

const STATE_TEXT: Record<RunState, string> = {
  queued: l10n('queued'),
  training: l10n('training'),
  done: l10n('done'),
  stopped: l10n('stopped'),
  interrupted: l10n('interrupted'),
  failed: l10n('failed'),
};

function lastRow(r: RunView, split: MetricRow['split'], key?: string): MetricRow | undefined {
  for (let i = r.rows.length - 1; i >= 0; i--) {
    const row = r.rows[i];
    if (row.split === split && (key === undefined || typeof row[key] === 'number')) return row;
  }
  return undefined;
}

/** The run's progress line: where it is, how long it has trained, and how long it has left. */
function progressText(r: RunView): string {
  const train = lastRow(r, 'train');
  const parts: string[] = [];
  if (r.state === 'queued') parts.push(r.queuePosition && r.queuePosition > 0 ? l10n('queued: {0} ahead', r.queuePosition) : l10n('queued'));
  if (train) {
    parts.push(l10n('step {0}', train.step));
    if (typeof train.epoch === 'number') parts.push(l10n('epoch {0}', train.epoch + 1));
    parts.push(l10n('{0} trained', formatDuration(train.time)));
    if (r.state === 'training' && typeof train.etaSeconds === 'number') parts.push(l10n('ETA {0}', formatDuration(train.etaSeconds)));
  } else if (r.state === 'training') parts.push(l10n('starting…'));
  const h = headline(r.metrics) || liveHeadline(r);
  if (h) parts.push(h);
  return parts.join(' · ');
}

/** While training: the latest validation number. */
function liveHeadline(r: RunView): string {
  const v = lastRow(r, 'validation');
  if (!v) return '';
  if (typeof v.bleu === 'number') return l10n('validation BLEU {0}', v.bleu.toFixed(1));
  if (typeof v.accuracy === 'number') return l10n('validation acc {0}%', (v.accuracy * 100).toFixed(1));
  if (typeof v.perplexity === 'number') return l10n('validation ppl {0}', v.perplexity.toFixed(2));
  if (typeof v.loss === 'number') return l10n('validation loss {0}', v.loss.toFixed(3));
  return '';
}

/** Cards built once per run and state: a live run only changes its progress line, so a click on Stop is never lost to a redraw. */
const cards = new Map<string, { card: HTMLElement; progress: HTMLElement; key: string }>();

function runCard(r: RunView, i: number): { card: HTMLElement; progress: HTMLElement; key: string } {
  const card = el('div', { class: 'run', 'data-id': r.id, 'data-state': r.state });
  const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  swatch.style.backgroundColor = runColour(i); // CSSOM, allowed by the page's CSP
  const title = el('div', { class: 'run-title' });
  title.append(swatch, el('span', { class: 'name' }, r.name), el('span', { class: `badge state-${r.state}` }, STATE_TEXT[r.state]));
  const what = [r.task, r.model, r.config?.preset ? l10n('preset {0}', r.config.preset) : '', r.parent ? l10n('variant of {0}', r.parent) : ''].filter(Boolean).join(' · ');
  const info = el('div', { class: 'run-info' }, what);
  const progress = el('div', { class: 'progress' }, progressText(r));
  const actions = el('div', { class: 'actions' });
  const button = (cls: string, label: string, title: string, appearance: string, message: TrainingFromWebview) => {
    const b = el(UI.button, { class: cls, appearance, title }, label);
    b.addEventListener('click', () => {
      b.setAttribute('disabled', '');
      host.post(message);
    });
    actions.append(b);
  };
  if (r.state === 'training' || r.state === 'queued') button('stop', l10n('Stop'), l10n('Stop: keeps the best checkpoint so far'), 'secondary', { type: 'run/stop', id: r.id });
  if (r.state === 'stopped' || r.state === 'interrupted') button('resume', l10n('Resume'), l10n('Resume from the checkpoint'), 'primary', { type: 'run/resume', id: r.id });
  card.append(title, info, progress, actions);
  const problems = r.problems.filter(Boolean);
  if (problems.length) {
    const list = el('ul', { class: 'problems' });
    for (const p of problems) list.append(el('li', {}, p));
    card.append(list);
  }
  return { card, progress, key: cardKey(r, i) };
}

function cardKey(r: RunView, i: number): string {
  return JSON.stringify([i, r.name, r.state, r.problems, runColour(i)]);
}

function renderRuns(): void {
  header.textContent = runs.length === 1 ? l10n('Training: {0}', runs[0].name) : l10n('Compare {0} runs', runs.length);
  const next = runs.map((r, i) => {
    let c = cards.get(r.id);
    if (!c || c.key !== cardKey(r, i)) {
      c = runCard(r, i);
      cards.set(r.id, c);
    } else c.progress.textContent = progressText(r);
    return c.card;
  });
  for (const id of [...cards.keys()]) if (!runs.some((r) => r.id === id)) cards.delete(id);
  if (next.length !== runsBox.children.length || next.some((c, i) => runsBox.children[i] !== c)) runsBox.replaceChildren(...next);
}

function renderDifferences(): void {
  if (runs.length < 2) {
    differencesBox.replaceChildren();
    return;
  }
  if (differences.length === 0) {
    differencesBox.replaceChildren(el('p', { class: 'note' }, l10n('These runs have the same settings (only their seeds of randomness in training order may differ).')));
    return;
  }
  const table = el('table', { class: 'differences', 'aria-label': l10n('Settings that differ between the runs') });
  const head = el('tr');
  head.append(el('th', { scope: 'col' }, l10n('setting')));
  runs.forEach((r, i) => {
    const th = el('th', { scope: 'col' });
    const sw = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    sw.style.backgroundColor = runColour(i);
    th.append(sw, document.createTextNode(r.name));
    head.append(th);
  });
  table.append(head);
  for (const d of differences) {
    const tr = el('tr', { 'data-setting': d.setting });
    tr.append(el('th', { scope: 'row' }, d.setting), ...d.values.map((v) => el('td', {}, v)));
    table.append(tr);
  }
  differencesBox.replaceChildren(el('h3', {}, l10n('Settings that differ')), table);
}

// ---- charts --------------------------------------------------------------------------------

/** Each run's metrics as columns (grown on run/append), and the smoothed curves made from them. */
const columns = new Map<string, RunSeries>();
const smoothed = new Map<string, EmaCache>();
const columnsOf = (r: RunView) => columns.get(r.id) ?? new RunSeries();

/** The charts some run has data for, in CHARTS order. */
function chartDefs(): ChartDef[] {
  return chartsFor(runs.map(columnsOf));
}

/** The series a chart draws for the runs: spec and points, in the same order (points only when asked). */
function seriesOf(def: ChartDef, withPoints = true): { specs: SeriesSpec[]; points: Points[] } {
  const specs: SeriesSpec[] = [];
  const points: Points[] = [];
  const many = runs.length > 1;
  runs.forEach((r, i) => {
    const cols = columnsOf(r);
    for (const m of def.metrics) {
      if (!cols.has(m)) continue;
      const p = withPoints ? cols.points(m, settings.xKind) : { x: [], y: [] };
      const label = many ? `${r.name}: ${m.label}` : m.label;
      if (m.smooth && settings.smoothing > 0) {
        if (!many) {
          specs.push({ label: `${label} (raw)`, color: runColour(i, 0.25), width: 1 });
          points.push(p);
        }
        specs.push({ label, color: runColour(i), width: 1.75 });
        if (withPoints) {
          const key = `${r.id}/${m.split}/${m.key}/${settings.xKind}`;
          const cache = emaExtend(p.y, settings.smoothing, smoothed.get(key));
          smoothed.set(key, cache);
          points.push({ x: p.x, y: cache.out });
        }
      } else {
        const validation = m.split === 'validation';
        specs.push({ label, color: runColour(i), width: validation ? 1.5 : 1.75, dash: validation ? [6, 3] : undefined, points: validation });
        points.push(p);
      }
    }
  });
  // Smoothing reads every point; drawing, at most MAX_DRAWN_POINTS of each series.
  return { specs, points: points.map((p) => thin(p)) };
}

/** Two charts a row on a wide panel, one on a narrow one. */
function chartWidth(): number {
  const width = Math.floor(chartsBox.clientWidth || document.body.clientWidth - 24);
  return width >= 860 ? Math.floor((width - 12) / 2) : Math.max(280, width);
}

function onCursor(x: number | null): void {
  cursorX = x;
  renderProbes();
}

/** Every chart made anew (x kind, log scale, theme or the set of series changed). */
function rebuildCharts(): void {
  for (const c of charts.values()) c.chart.destroy();
  charts.clear();
  chartsBox.replaceChildren();
  dynamicsBox.replaceChildren();
  const defs = chartDefs();
  if (defs.length === 0) {
    const live = runs.some((r) => r.state === 'training' || r.state === 'queued');
    chartsBox.append(el('p', { class: 'empty' }, l10n(live ? 'The first numbers appear after a few steps…' : 'This run wrote no metrics.')));
    app.dataset.series = '';
    return;
  }
  const axisColor = cssVar('--vscode-descriptionForeground', '#999');
  const gridColor = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
  const width = chartWidth();
  for (const def of defs) {
    const { specs, points } = seriesOf(def);
    const box = el('div', { class: 'chart', 'data-name': def.name });
    (PRIMARY.has(def.name) ? chartsBox : dynamicsBox).append(box);
    const chart = new LineChart(box, { title: def.title, width, height: 190, series: specs, xKind: settings.xKind, log: settings.log && def.loggable, onCursor, axisColor, gridColor, syncKey: 'seqlens-training' }, align(points, xExtent()));
    box.dataset.points = String(chart.pointCount);
    box.dataset.series = specs.map((s) => s.label).join('|');
    charts.set(def.name, { chart, def, box });
  }
  app.dataset.series = seriesSignature();
  measureRepaint(performance.now());
}

/** The first and last x of any point of any run: every chart shows the same stretch of training. */
function xExtent(): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of runs) {
    const e = columnsOf(r).extent(settings.xKind);
    if (e) [lo, hi] = [Math.min(lo, e[0]), Math.max(hi, e[1])];
  }
  return lo <= hi ? [lo, hi] : [];
}

/** Which series the charts hold: new series (a first validation point…) rebuild them. */
function seriesSignature(): string {
  return chartDefs()
    .map((d) => `${d.name}:${seriesOf(d, false).specs.map((s) => s.label).join(',')}`)
    .join(';');
}

let redrawPending = false;
function scheduleRedraw(): void {
  if (redrawPending) return;
  redrawPending = true;
  requestAnimationFrame(() => {
    redrawPending = false;
    redraw();
  });
}

/** New data into the charts as they are (rebuilt when the series changed). */
function redraw(): void {
  const t0 = performance.now();
  if (seriesSignature() !== app.dataset.series) {
    rebuildCharts();
    return;
  }
  const extent = xExtent();
  for (const c of charts.values()) {
    const { points } = seriesOf(c.def);
    c.chart.setData(align(points, extent));
    c.box.dataset.points = String(c.chart.pointCount);
  }
  measureRepaint(t0);
}

/** Time from new data to drawn charts (uPlot draws in a microtask after setData). */
function measureRepaint(t0: number): void {
  queueMicrotask(() =>
    queueMicrotask(() => {
      const ms = performance.now() - t0;
      app.dataset.repaintMs = ms.toFixed(2);
      host.post({ type: 'repaint', ms });
    }),
  );
}

new ResizeObserver(() => {
  const w = chartWidth();
  for (const c of charts.values()) c.chart.resize(w);
}).observe(chartsBox);

// ---- Watch it learn ------------------------------------------------------------------------

function renderProbes(): void {
  const withProbes = runs.filter((r) => r.probes.length > 0);
  probesControls.hidden = withProbes.length === 0;
  if (withProbes.length === 0) {
    const live = runs.some((r) => r.state === 'training' || r.state === 'queued');
    probesBody.replaceChildren(el('p', { class: 'note' }, l10n(live ? 'The probe sentences are decoded at every evaluation; the first one comes soon.' : 'No probe sentences were decoded in this run.')));
    return;
  }
  // Where in training to look: the chart's pointer, else the evaluation picked on the slider, else the latest.
  const first = withProbes[0];
  const picked = pickedEvaluation !== null ? first.probes[Math.min(pickedEvaluation, first.probes.length - 1)] : undefined;
  const x = cursorX ?? (picked ? (settings.xKind === 'step' ? picked.step : picked.time) : null);
  const parts: HTMLElement[] = [];
  parts.push(
    el(
      'p',
      { class: 'note' },
      cursorX != null
        ? l10n('At the evaluation under the pointer ({0}).', settings.xKind === 'step' ? l10n('step {0}', Math.round(cursorX)) : formatDuration(cursorX))
        : x != null
          ? l10n('The evaluation picked on the slider (arrow keys move it; the end follows the latest).')
          : l10n('The latest evaluation. Move the pointer over a chart, or the slider, to see what the model said at that point of training.'),
    ),
  );
  const side = el('div', { class: 'probe-runs' }); // compared runs side by side
  parts.push(side);
  for (const r of withProbes) {
    const p = probeAt(r.probes, x, settings.xKind)!;
    if (shownEvaluation.get(r.id) !== (x == null ? null : p.step)) {
      shownEvaluation.set(r.id, x == null ? null : p.step);
      host.post({ type: 'cursor/evaluation', id: r.id, step: x == null ? null : p.step });
    }
    const index = r.probes.indexOf(p);
    if (r === first) {
      evaluationSlider.max = String(first.probes.length - 1);
      evaluationSlider.value = String(index);
      evaluationSlider.setAttribute('aria-valuetext', l10n('evaluation {0} of {1}, step {2}', index + 1, first.probes.length, p.step));
    }
    const section = el('div', { class: 'probe-run', 'data-id': r.id, 'data-step': String(p.step) });
    section.append(el('div', { class: 'probe-head' }, `${runs.length > 1 ? `${r.name} · ` : ''}${l10n('evaluation {0} of {1} · step {2} · epoch {3} · {4}', index + 1, r.probes.length, p.step, p.epoch + 1, formatDuration(p.time))}`));
    const table = el('table', { class: 'probe-table' });
    const hasReference = p.outputs.some((o) => o.reference);
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, l10n('input')), el('th', { scope: 'col' }, l10n('model output')));
    if (hasReference) head.append(el('th', { scope: 'col' }, l10n('reference')));
    table.append(head);
    p.outputs.forEach((o, k) => {
      const tr = el('tr', { class: 'probe-row', 'data-k': String(k) });
      const out = el('td', { class: 'output' });
      const match = matchingWords(o.output, o.reference);
      o.output.split(/\s+/).filter(Boolean).forEach((w, j) => {
        if (j > 0) out.append(document.createTextNode(' '));
        out.append(el('span', { class: match[j] ? 'word match' : 'word' }, w));
      });
      if (!o.output.trim()) out.append(el('span', { class: 'empty' }, '(nothing)'));
      tr.append(el('td', { class: 'input' }, o.input), out);
      if (hasReference) tr.append(el('td', { class: 'reference' }, o.reference ?? ''));
      table.append(tr);
    });
    section.append(table);
    side.append(section);
  }
  if (withProbes.some((r) => r.probes.some((p) => p.outputs.some((o) => o.reference)))) parts.push(el('p', { class: 'note' }, l10n('Underlined words stand where the reference has the same word.')));
  probesBody.replaceChildren(...parts);
}

// ---- experiment ----------------------------------------------------------------------------

const EXPERIMENT_STATE: Record<ExperimentRecord['state'], string> = {
  training: l10n('training its runs'),
  analysing: l10n('measuring the comparison'),
  done: l10n('done'),
  failed: l10n('failed'),
  stopped: l10n('stopped'),
};

/** One of the course's experiments: the question, then (when its runs are done) what they show. */
function renderExperiment(): void {
  experimentChart?.destroy();
  experimentChart = undefined;
  if (!experiment) {
    experimentBox.replaceChildren();
    experimentBox.hidden = true;
    return;
  }
  const e = experiment;
  experimentBox.hidden = false;
  experimentBox.dataset.state = e.state;
  experimentBox.dataset.experiment = e.experiment;
  const parts: HTMLElement[] = [];
  const title = el('h3', {}, l10n('Experiment: {0}', e.title));
  title.append(el('span', { class: `badge state-${e.state === 'done' ? 'done' : e.state === 'failed' ? 'failed' : 'training'}` }, EXPERIMENT_STATE[e.state]));
  parts.push(title, el('p', { class: 'question' }, e.question));
  if (e.error) parts.push(el('p', { class: 'problems' }, e.error));
  const r = e.result;
  if (r) {
    parts.push(el('p', { class: 'conclusion' }, r.conclusion));
    const body = el('div', { class: 'experiment-body' });
    if (r.chart) {
      const box = el('div', { class: 'chart experiment-chart', 'data-name': 'experiment' });
      body.append(box);
      experimentChart = new LineChart(
        box,
        {
          title: r.chart.title,
          width: Math.min(560, chartWidth()),
          height: 200,
          series: r.chart.series.map((sr, i) => ({ label: sr.label, color: runColour(i), width: 2, points: true })),
          xKind: 'step',
          xLabel: r.chart.x,
          log: r.chart.log,
          onCursor: () => undefined,
          axisColor: cssVar('--vscode-descriptionForeground', '#999'),
          gridColor: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
        },
        [r.chart.xs, ...r.chart.series.map((sr) => sr.values)],
      );
    }
    const table = el('table', { class: 'experiment-table' });
    const head = el('tr');
    for (const c of r.table.columns) head.append(el('th', { scope: 'col' }, c));
    table.append(head);
    for (const row of r.table.rows) {
      const tr = el('tr');
      row.forEach((v, i) => tr.append(el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}, String(v))));
      table.append(tr);
    }
    body.append(table);
    parts.push(body);
  }
  // Every run done but no comparison (VS Code closed before it was measured, or it failed): measure it.
  if (!r && e.state !== 'analysing' && runs.length > 0 && runs.every((x) => x.state === 'done')) {
    const b = el(UI.button, { class: 'analyze', appearance: 'primary' }, l10n('Measure the Comparison'));
    b.addEventListener('click', () => {
      b.setAttribute('disabled', '');
      host.post({ type: 'experiment/analyze', id: e.id });
    });
    parts.push(b);
  } else if (!r && (e.state === 'training' || e.state === 'analysing')) {
    parts.push(el('p', { class: 'note' }, l10n(e.state === 'training' ? 'The runs train one after the other; their curves are below. The comparison is measured when the last one is done.' : 'All runs are done: measuring the comparison on their checkpoints…')));
  }
  experimentBox.replaceChildren(...parts);
}

// ---- messages ------------------------------------------------------------------------------

function renderAll(): void {
  app.dataset.state = 'shown';
  app.dataset.runs = runs.map((r) => r.id).join(' ');
  renderExperiment();
  renderRuns();
  renderDifferences();
  rebuildCharts();
  renderProbes();
}

window.addEventListener('message', (e: MessageEvent<TrainingToWebview>) => {
  const m = e.data;
  switch (m.type) {
    case 'runs/show':
      runs = m.runs;
      columns.clear();
      smoothed.clear();
      for (const r of runs) columns.set(r.id, new RunSeries(r.rows));
      differences = m.differences;
      experiment = m.experiment;
      cursorX = null;
      pickedEvaluation = null;
      shownEvaluation.clear();
      renderAll();
      return;
    case 'run/append': {
      const r = runs.find((x) => x.id === m.id);
      if (!r) return;
      r.rows.push(...m.rows);
      columns.get(r.id)?.append(m.rows);
      r.probes.push(...m.probes);
      renderRuns();
      if (m.probes.length) renderProbes();
      if (m.rows.length) scheduleRedraw();
      return;
    }
    case 'run/state': {
      const r = runs.find((x) => x.id === m.id);
      if (!r) return;
      r.state = m.state;
      r.metrics = m.metrics;
      r.queuePosition = m.queuePosition;
      if (m.error && !r.problems.includes(m.error)) r.problems.push(m.error);
      renderRuns();
      if (m.state !== 'training' && m.state !== 'queued') status.textContent = `${r.name}: ${STATE_TEXT[m.state]}${m.error ? ` (${m.error})` : ''}`;
      if (charts.size === 0) rebuildCharts();
      return;
    }
  }
});

// The theme changed: colours are read again and the charts redrawn.
new MutationObserver(() => {
  colourCache.clear();
  if (runs.length) {
    renderExperiment();
    renderRuns();
    renderDifferences();
    rebuildCharts();
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

host.post({ type: 'ready' });

/**
 * The timestep panel: a recurrent network reading the selected text, one token
 * per step. The page keeps only view state (step, model); the trace comes from
 * the extension, which re-sends it whenever this page says `ready`.
 */
import '../shared/base.css';
import './main.css';
import { reviveMatrix } from '../../src/protocol/matrix';
import type { ModelChoice, TimestepsFromWebview, TimestepsToWebview, WelcomeAction } from '../../src/protocol/timesteps';
import { STATE_NAMES, TraceResult } from '../../src/protocol/trace';
import { Palette, readPalette } from '../shared/colors';
import { el, registerToolkit, UI } from '../shared/toolkit';
import { l10n } from '../shared/l10n';
import { Host } from '../shared/vscodeApi';
import { GradientBars } from './gradientBars';
import { Heatmap } from './heatmap';
import { spoken, summarizeGradients, summarizeStep } from './summary';

registerToolkit();

interface ViewState {
  step: number;
  modelId: string;
}

const host = new Host<TimestepsFromWebview, ViewState>();
const viewState = host.state({ step: 0, modelId: 'lstm' });

let trace: TraceResult | undefined;
/** Traces whose matrices were already revived from the message's plain objects. */
const revived = new WeakSet<TraceResult>();
/** The extension's number for the trace on show, echoed in messages about it. */
let traceId = 0;
let step = 0;
let maps: Heatmap[] = [];
let gradientBars: GradientBars | undefined;
let palette: Palette = readPalette();
let playTimer: number | undefined;
/** Per unit (table row), the text node of each state's value. */
let valueRows: Array<Array<{ text: Text; map: Heatmap }>> = [];
/** Rows on screen: only these are rewritten when the step moves; others when they scroll in. */
const visibleRows = new Set<number>();
let rowObserver: IntersectionObserver | undefined;

function updateValueRows(rows: Iterable<number>): void {
  // Only text changes (one text node per cell): no style work, so a step costs no
  // style recalculation over the table.
  for (const u of rows) for (const { text, map } of valueRows[u] ?? []) text.nodeValue = map.value(step, u).toFixed(3);
}

// ---- static skeleton ----------------------------------------------------------------------
const app = document.getElementById('app')!;
const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': l10n('Timestep controls') });
const modelSelect = el(UI.dropdown, { id: 'model', 'aria-label': l10n('Model') });
const prevButton = el(UI.button, { id: 'prev', appearance: 'icon', 'aria-label': l10n('Previous step'), title: l10n('Previous step (←)') }, '‹');
const playButton = el(UI.button, { id: 'play', appearance: 'secondary', 'aria-label': l10n('Play'), title: l10n('Play / pause (Space)') }, l10n('Play'));
const nextButton = el(UI.button, { id: 'next', appearance: 'icon', 'aria-label': l10n('Next step'), title: l10n('Next step (→)') }, '›');
const slider = el('input', { id: 'slider', type: 'range', min: '0', max: '0', value: '0', 'aria-label': l10n('Timestep') });
const stepLabel = el('span', { id: 'stepLabel', class: 'step-label', 'aria-live': 'polite' });
/** For models with several recurrent layers (stacked, or both directions of a Bidirectional). */
const layerSelect = el(UI.dropdown, { id: 'layer', 'aria-label': l10n('Layer'), hidden: '' });
toolbar.append(modelSelect, layerSelect, prevButton, playButton, nextButton, slider, stepLabel);
let layerIndex = 0;
let shownSource = '';
const sourceLine = el('div', { id: 'source', class: 'source' });
const banner = el('div', { id: 'banner', class: 'banner', role: 'status', hidden: '' });
const tokenStrip = el('div', { id: 'tokens', class: 'tokens', role: 'listbox', 'aria-label': l10n('Tokens, one per timestep') });
const body = el('div', { class: 'body' });
const mapsBox = el('div', { id: 'maps', class: 'maps' });
const side = el('aside', { id: 'values', class: 'values', 'aria-label': l10n('Values at the current step'), tabindex: '0' });
body.append(mapsBox, side);
const emptyBox = el('div', { id: 'empty', class: 'empty' });
const tooltip = el('div', { class: 'tooltip', role: 'tooltip', hidden: '' });
app.append(toolbar, sourceLine, banner, tokenStrip, body, emptyBox, tooltip);

/** True while the page itself sets the dropdown: the toolkit fires `change` for that too. */
let settingModel = false;

function setModels(models: ModelChoice[], selected: string): void {
  settingModel = true;
  try {
    const ids = models.map((m) => m.id).join('\n');
    if (modelSelect.dataset.ids !== ids) {
      modelSelect.dataset.ids = ids;
      modelSelect.replaceChildren(...models.map((m) => el(UI.option, { value: m.id }, m.label)));
    }
    (modelSelect as unknown as { value: string }).value = selected;
  } finally {
    settingModel = false;
  }
  viewState.modelId = selected;
}

function showBanner(text: string, kind: 'info' | 'warning' | 'error'): void {
  banner.textContent = text;
  banner.className = `banner ${kind}`;
  banner.hidden = !text;
}

function setBusy(message: string): void {
  emptyBox.replaceChildren(el(UI.progress, { 'aria-label': l10n('Loading') }), el('span', {}, message));
  emptyBox.hidden = false;
  app.dataset.state = 'loading';
}

function showEmpty(message: string, actions: WelcomeAction[] = []): void {
  stop();
  trace = undefined;
  const buttons = actions.map((a, i) => {
    const b = el(UI.button, { id: `welcome-${i}`, 'data-command': a.command, ...(i > 0 ? { appearance: 'secondary' } : {}) }, a.label);
    b.addEventListener('click', () => host.post({ type: 'command/run', command: a.command }));
    return b;
  });
  const group = el('div', { class: 'welcome-actions', role: 'group', 'aria-label': message });
  group.append(...buttons);
  emptyBox.replaceChildren(el('p', {}, message), ...(buttons.length ? [group] : []));
  emptyBox.hidden = false;
  body.hidden = true;
  tokenStrip.replaceChildren();
  sourceLine.textContent = '';
  stepLabel.textContent = '';
  app.dataset.state = 'empty';
  delete app.dataset.stale;
  showBanner('', 'info');
}

// ---- a new trace ----------------------------------------------------------------------------
function showTrace(t: TraceResult, initialStep: number, source: string): void {
  stop();
  trace = t;
  if (t !== trace || !revived.has(t)) {
    for (const layer of t.layers) for (const k of Object.keys(layer.states)) layer.states[k] = reviveMatrix(layer.states[k]);
    revived.add(t);
  }
  shownSource = source;
  if (layerIndex >= t.layers.length) layerIndex = 0;
  layerSelect.hidden = t.layers.length < 2;
  if (t.layers.length > 1) {
    settingModel = true;
    try {
      layerSelect.replaceChildren(...t.layers.map((l, i) => el(UI.option, { value: String(i) }, `${l.name} (${l.kind.toUpperCase()})`)));
      (layerSelect as unknown as { value: string }).value = String(layerIndex);
    } finally {
      settingModel = false;
    }
  }
  const layer = t.layers[layerIndex];
  app.dataset.layer = String(layerIndex);
  const T = t.tokens.length;
  emptyBox.hidden = true;
  body.hidden = false;
  app.dataset.state = 'trace';
  delete app.dataset.stale;
  app.dataset.steps = String(T);
  app.dataset.model = t.modelId;
  sourceLine.textContent = l10n(T === 1 ? '{0} · {1} units · 1 token · {2} · probe {3} ms' : '{0} · {1} units · {4} tokens · {2} · probe {3} ms', t.modelLabel, layer.units, source, t.probeMs.toFixed(1), T);
  const output = t.output ? l10n('Model output after the last word: [{0}].', t.output.map((v) => v.toFixed(3)).join(', ')) : '';
  showBanner([t.truncatedTokens > 0 ? l10n('Showing the first {0} of {1} tokens.', T, T + t.truncatedTokens) : '', output].filter(Boolean).join(' '), 'info');
  slider.max = String(T - 1);

  tokenStrip.replaceChildren(
    ...t.tokens.map((tok, i) => {
      // A byte-pair piece that continues its word ("believ@@") sits against the next, without the mark.
      const cont = tok.text.length > 2 && tok.text.endsWith('@@');
      const b = el('button', { class: `token${tok.unknown ? ' unknown' : ''}${cont ? ' cont' : ''}`, role: 'option', 'data-index': String(i), 'aria-selected': 'false', tabindex: '-1' });
      b.append(el('span', { class: 'word' }, cont ? tok.text.slice(0, -2) : tok.text));
      if (tok.unknown) b.append(el('span', { class: 'unk', title: l10n('“{0}” is not in the model\'s vocabulary; the model reads it as <unk>', tok.text) }, '<unk>'));
      // Two readouts of the same states: the tagger's at every step, the classifier's as if the text ended here.
      const tag = t.readouts?.tags?.[i];
      if (tag) b.append(el('span', { class: 'tag', title: l10n('the tagging head reads step {0} as {1}', i + 1, tag) }, tag));
      const cls = t.readouts?.classByStep?.[i];
      if (cls) {
        const last = i === t.tokens.length - 1;
        const c = el('span', { class: `cls cls-${cls.label}${last ? ' last' : ''}`, title: l10n(last ? 'the last state: what a classifier reads — {0} {1}%' : 'if the text ended here: {0} {1}%', cls.label, (cls.p * 100).toFixed(0)) }, `${cls.label === 'positive' ? '+' : cls.label === 'negative' ? '−' : `${cls.label} `}${(cls.p * 100).toFixed(0)}`);
        c.style.opacity = String(0.45 + 0.55 * cls.p);
        b.append(c);
      }
      b.title = tok.unknown ? l10n('{0}: “{1}” → <unk> (unknown word)', i, tok.text) : `${i}: “${tok.text}”`;
      return b;
    }),
  );

  maps = STATE_NAMES[layer.kind]
    .filter((s) => layer.states[s.key])
    .map((s) => new Heatmap({ label: l10n(s.label), data: layer.states[s.key].data, steps: T, units: layer.units, range: s.range }));
  const layerGradients = layer.gradientNorms ? reviveFloats(layer.gradientNorms, T) : undefined;
  gradientBars = layerGradients ? new GradientBars(layerGradients) : undefined;
  const gradientFigure: HTMLElement[] = [];
  if (gradientBars) {
    const fig = el('figure', { class: 'map gradients', 'data-state': 'gradients' });
    const caption = el('figcaption', { title: l10n('How strongly the last state depends on each step: the norm of the gradient of Σ h_T with respect to h_t. Bars falling away to the left are vanishing gradients.') }, l10n('‖∂h_T/∂h_t‖ (log scale)'));
    caption.append(el('span', { class: 'legend' }, `10^${gradientBars.logMin.toFixed(1)} … 10^${gradientBars.logMax.toFixed(1)}`));
    gradientBars.canvas.setAttribute('role', 'img');
    const g = summarizeGradients(layerGradients!);
    gradientBars.canvas.setAttribute(
      'aria-label',
      `${l10n('Gradient norm at each of {0} steps, log scale', T)}. ${T > 1 ? l10n('{0} at the first step, {1} at the last: the first step passes {2} of the last one\'s gradient.', spoken(g.first), spoken(g.last), spoken(1 / g.times)) : ''}`,
    );
    fig.append(caption, gradientBars.canvas);
    gradientFigure.push(fig);
  }
  mapsBox.replaceChildren(
    ...gradientFigure,
    ...maps.map((m, k) => {
      const key = STATE_NAMES[layer.kind][k].key;
      const fig = el('figure', { class: 'map', 'data-state': key });
      const caption = el('figcaption', {}, m.spec.label);
      caption.append(el('span', { class: 'legend' }, m.spec.range === 'unit' ? '0 … 1' : `−${fmt(m.scale)} … +${fmt(m.scale)}`));
      fig.append(caption, m.canvas);
      m.canvas.setAttribute('role', 'img');
      m.canvas.setAttribute('aria-label', l10n('{0}: {1} units by {2} steps', m.spec.label, layer.units, T)); // and the step's numbers, in paint()
      return fig;
    }),
  );

  // Values table: one row per unit, one column per state.
  const keys = STATE_NAMES[layer.kind].filter((s) => layer.states[s.key]).map((s) => s.key);
  const table = el('table', { id: 'valueTable', class: 'value-table' });
  const head = el('tr');
  head.append(el('th', { scope: 'col' }, l10n('unit')), ...keys.map((k) => el('th', { scope: 'col' }, k)));
  table.append(el('thead'), el('tbody'));
  table.tHead!.append(head);
  rowObserver?.disconnect();
  visibleRows.clear();
  rowObserver = new IntersectionObserver(
    (entries) => {
      const shown: number[] = [];
      for (const e of entries) {
        const u = Number((e.target as HTMLElement).dataset.unit);
        if (e.isIntersecting) {
          visibleRows.add(u);
          shown.push(u);
        } else visibleRows.delete(u);
      }
      if (trace) updateValueRows(shown);
    },
    { root: side },
  );
  valueRows = [];
  for (let u = 0; u < layer.units; u++) {
    const tr = el('tr', { 'data-unit': String(u) });
    tr.append(el('th', { scope: 'row' }, String(u)));
    const cells = keys.map((k, j) => {
      const td = el('td', { 'data-state': k, 'data-unit': String(u) });
      const text = document.createTextNode('');
      td.append(text);
      tr.append(td);
      return { text, map: maps[j] };
    });
    valueRows.push(cells);
    table.tBodies[0].append(tr);
    rowObserver.observe(tr);
  }
  side.replaceChildren(el('h3', { id: 'stepTitle' }), el('div', { id: 'predictions', class: 'predictions' }), table);
  layoutMaps();
  setStep(initialStep, false);
  updateValueRows(valueRows.keys()); // every row once; after this, rows are rewritten as they are seen
}

function layoutMaps(): void {
  if (!trace) return;
  const width = Math.max(120, mapsBox.clientWidth - 16);
  const columns = width > 900 ? 3 : width > 520 ? 2 : 1;
  const each = Math.floor(width / columns) - 16;
  mapsBox.style.setProperty('--columns', String(columns));
  for (const m of maps) m.layout(each, palette);
  gradientBars?.layout(maps[0]?.columnWidth ?? 8);
  paint();
}

// ---- moving the step ------------------------------------------------------------------------
function setStep(next: number, fromUser: boolean): void {
  if (!trace) return;
  step = Math.max(0, Math.min(trace.tokens.length - 1, next));
  const t0 = performance.now();
  paint();
  // Reading layout forces the style and layout work of this change now, so the time
  // reported covers it (the browser would do the same work before the next frame anyway).
  void app.offsetHeight;
  const ms = performance.now() - t0;
  viewState.step = step;
  host.saveState(viewState);
  if (fromUser) host.post({ type: 'step/changed', traceId, step });
  host.post({ type: 'perf/repaint', ms });
}

function paint(): void {
  if (!trace) return;
  const T = trace.tokens.length;
  const tok = trace.tokens[step];
  if (!tok) return;
  app.dataset.step = String(step);
  slider.value = String(step);
  stepLabel.textContent = l10n('step {0} / {1} · “{2}”', step + 1, T, tok.text);
  tokenStrip.querySelectorAll('.token.current').forEach((b) => {
    b.classList.remove('current');
    b.setAttribute('aria-selected', 'false');
    b.setAttribute('tabindex', '-1');
  });
  const current = tokenStrip.children[step] as HTMLElement | undefined;
  if (current) {
    current.classList.add('current');
    current.setAttribute('aria-selected', 'true');
    current.setAttribute('tabindex', '0');
    current.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
  for (const m of maps) {
    m.paint(step, palette);
    // For a screen reader: what the map shows at this step, in numbers.
    const x = summarizeStep(m.spec.data, m.spec.units, step);
    m.canvas.setAttribute(
      'aria-label',
      `${l10n('{0}: {1} units by {2} steps', m.spec.label, m.spec.units, T)}. ${l10n('Step {0}: largest {1} (unit {2}), smallest {3} (unit {4}), mean magnitude {5}.', step + 1, spoken(x.max), x.maxUnit, spoken(x.min), x.minUnit, spoken(x.meanAbs))}`,
    );
  }
  gradientBars?.paint(step, palette);
  updateValueRows(visibleRows);
  const title = document.getElementById('stepTitle');
  if (title) title.textContent = l10n(tok.unknown ? 'Step {0}: “{1}” (read as <unk>)' : 'Step {0}: “{1}”', step + 1, tok.text);
  const preds = document.getElementById('predictions');
  if (preds) {
    const p = trace.predictions[step] ?? [];
    const cls = trace.readouts?.classByStep?.[step];
    const last = step === trace.tokens.length - 1;
    preds.textContent =
      (p.length ? `${l10n(trace.predictionLabel ?? 'next word')}: ${p.map((x) => `${x.word} ${(x.p * 100).toFixed(0)}%`).join(' · ')}` : '') +
      // A classifier alone already lists its classes as the predictions: add only what the last state means.
      (cls && (trace.readouts?.tags || last) ? `${p.length ? ' — ' : ''}${l10n(last ? 'the last state, what the classifier reads' : 'class if the text ended here')}: ${cls.label} ${(cls.p * 100).toFixed(0)}%` : '');
  }
}

function stop(): void {
  if (playTimer !== undefined) window.clearInterval(playTimer);
  playTimer = undefined;
  playButton.textContent = l10n('Play');
  playButton.setAttribute('aria-label', l10n('Play'));
  playButton.setAttribute('aria-pressed', 'false');
  stepLabel.setAttribute('aria-live', 'polite');
}

function togglePlay(): void {
  if (!trace) return;
  if (playTimer !== undefined) return stop();
  if (step >= trace.tokens.length - 1) setStep(0, true);
  playButton.textContent = l10n('Pause');
  playButton.setAttribute('aria-label', l10n('Pause'));
  playButton.setAttribute('aria-pressed', 'true');
  stepLabel.setAttribute('aria-live', 'off'); // no announcement every 600 ms while playing
  playTimer = window.setInterval(() => {
    if (!trace || step >= trace.tokens.length - 1) return stop();
    setStep(step + 1, true);
  }, 600);
}

// ---- events -----------------------------------------------------------------------------------
prevButton.addEventListener('click', () => setStep(step - 1, true));
nextButton.addEventListener('click', () => setStep(step + 1, true));
playButton.addEventListener('click', togglePlay);
slider.addEventListener('input', () => setStep(Number(slider.value), true));
modelSelect.addEventListener('change', () => {
  if (settingModel) return;
  const id = (modelSelect as unknown as { value: string }).value;
  if (id && id !== viewState.modelId) {
    viewState.modelId = id;
    host.saveState(viewState);
    host.post({ type: 'model/select', modelId: id });
  }
});
layerSelect.addEventListener('change', () => {
  if (settingModel || !trace) return;
  const i = Number((layerSelect as unknown as { value: string }).value);
  if (Number.isInteger(i) && i !== layerIndex && i >= 0 && i < trace.layers.length) {
    layerIndex = i;
    showTrace(trace, step, shownSource);
  }
});
tokenStrip.addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest('.token') as HTMLElement | null;
  if (b) setStep(Number(b.dataset.index), true);
});
let hovered: number | null = null;
const hover = (index: number | null) => {
  if (index === hovered) return;
  hovered = index;
  host.post({ type: 'token/hover', traceId, index });
};
tokenStrip.addEventListener('mouseover', (e) => {
  const b = (e.target as HTMLElement).closest('.token') as HTMLElement | null;
  hover(b ? Number(b.dataset.index) : null);
});
tokenStrip.addEventListener('mouseleave', () => hover(null));
tokenStrip.addEventListener('focusin', (e) => {
  const b = (e.target as HTMLElement).closest('.token') as HTMLElement | null;
  if (b) hover(Number(b.dataset.index));
});
tokenStrip.addEventListener('focusout', () => hover(null));
mapsBox.addEventListener('mousemove', (e) => {
  const canvas = e.target as HTMLElement;
  if (gradientBars && canvas === gradientBars.canvas && trace) {
    const t = gradientBars.stepAt(e.offsetX);
    if (t === undefined) return;
    tooltip.textContent = l10n('step {0} “{1}”: ‖∂h_T/∂h_t‖ = {2}', t + 1, trace.tokens[t].text, gradientBars.norms[t].toExponential(2));
    tooltip.hidden = false;
    tooltip.style.left = `${Math.min(e.clientX + 12, window.innerWidth - 260)}px`;
    tooltip.style.top = `${e.clientY + 14}px`;
    return;
  }
  const map = maps.find((m) => m.canvas === canvas);
  const cell = map?.cellAt(e.offsetX, e.offsetY);
  if (!map || !cell || !trace) {
    tooltip.hidden = true;
    return;
  }
  tooltip.textContent = l10n('{0} · unit {1} · step {2} “{3}”: {4}', map.spec.label, cell.unit, cell.step + 1, trace.tokens[cell.step].text, map.value(cell.step, cell.unit).toFixed(4));
  tooltip.hidden = false;
  tooltip.style.left = `${Math.min(e.clientX + 12, window.innerWidth - 260)}px`;
  tooltip.style.top = `${e.clientY + 14}px`;
});
mapsBox.addEventListener('mouseleave', () => (tooltip.hidden = true));
mapsBox.addEventListener('click', (e) => {
  if (gradientBars && e.target === gradientBars.canvas) {
    const t = gradientBars.stepAt(e.offsetX);
    if (t !== undefined) setStep(t, true);
    return;
  }
  const map = maps.find((m) => m.canvas === e.target);
  const cell = map?.cellAt(e.offsetX, e.offsetY);
  if (cell) setStep(cell.step, true);
});
document.addEventListener('keydown', (e) => {
  if (!trace) return;
  const target = e.target as HTMLElement;
  // The dropdown, the values table (scrolls with the arrows) and buttons keep their own keys.
  if (target.closest(UI.dropdown) || target.closest('#values') || target.id === 'rerun') return;
  const isSlider = target === slider;
  switch (e.key) {
    case 'ArrowLeft':
    case 'ArrowUp':
      if (isSlider) return;
      setStep(step - 1, true);
      break;
    case 'ArrowRight':
    case 'ArrowDown':
      if (isSlider) return;
      setStep(step + 1, true);
      break;
    case 'Home':
      setStep(0, true);
      break;
    case 'End':
      setStep(trace.tokens.length - 1, true);
      break;
    case ' ':
      if (target.closest(UI.button) || target.tagName === 'BUTTON') return;
      togglePlay();
      break;
    default:
      return;
  }
  e.preventDefault();
  if (target.classList.contains('token')) (tokenStrip.children[step] as HTMLElement | undefined)?.focus();
});
new ResizeObserver(() => layoutMaps()).observe(mapsBox);
// Theme changes swap the body's class: re-read the colours and redraw.
new MutationObserver(() => {
  palette = readPalette();
  layoutMaps();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });

window.addEventListener('message', (event: MessageEvent<TimestepsToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'trace/show':
      setModels(m.models, m.trace.modelId);
      traceId = m.traceId;
      hovered = null;
      showTrace(m.trace, m.step, m.source);
      return;
    case 'trace/loading':
      setModels(m.models, m.modelId);
      stop();
      setBusy(m.message);
      return;
    case 'trace/empty':
      setModels(m.models, m.modelId);
      showEmpty(m.message, m.actions);
      return;
    case 'trace/error':
      showBanner(m.message, 'error');
      emptyBox.hidden = trace !== undefined;
      if (!trace) emptyBox.replaceChildren(el('p', {}, l10n('No trace to show.')));
      app.dataset.state = trace ? 'trace' : 'error';
      return;
    case 'trace/stale':
      showBanner(m.message, 'warning');
      if (m.canRerun) {
        const again = el(UI.button, { id: 'rerun', appearance: 'secondary' }, l10n('Read again'));
        again.addEventListener('click', () => host.post({ type: 'trace/rerun' }));
        banner.append(' ', again);
      }
      app.dataset.stale = 'true';
      return;
    case 'trace/note':
      if (app.dataset.stale !== 'true') showBanner(m.message, 'info');
      return;
    case 'step/set':
      setStep(m.step, false);
      return;
  }
});

/** A Float32Array that may have crossed the webview boundary as a plain object or array. */
function reviveFloats(v: unknown, length: number): Float32Array {
  return reviveMatrix({ data: v, shape: [length] }).data;
}

function fmt(v: number): string {
  return v >= 10 ? v.toFixed(0) : v.toFixed(1);
}

showEmpty(l10n('Select a sentence in an editor and run “SeqLens: Step Through Timesteps”.'));
host.post({ type: 'ready' });

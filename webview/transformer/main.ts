/**
 * The Transformer lens page. Two tabs:
 *  - Attention: the model view (a thumbnail per layer × head for encoder self-attention, decoder
 *    causal self-attention and cross-attention, flagged when a head is focused on one position
 *    or near uniform), the head view of the chosen head (a query → key matrix, or lines between
 *    the tokens, pruned by cumulative attention mass), and the Q/K/V drill-down of the query under
 *    the pointer: q, every key's scaled dot product, the mask, the softmax, the weighted sum of
 *    the values, the concatenated heads and W_o, recomputed here and checked against the forward pass.
 *  - Positional encoding: the sin/cos matrix (positions × dimensions) with the selection's
 *    positions and the longest training sentence marked, chosen dimensions as curves, and the
 *    PE(i)·PE(j) similarity matrix.
 * Colours come from the theme; canvases are redrawn when it changes.
 */
import { OPEN_CHECKPOINT_CHOICE, OPEN_CHECKPOINT_LABEL } from '../../src/protocol/models';
import { drillDown, FOCUSED_PEAK, headFlags, keysByMass, meanOverHeads, UNIFORM_ENTROPY, type HeadFlag } from '../../src/core/attentionMath';
import { reviveMatrix, type Matrix } from '../../src/protocol/matrix';
import { ATTENTION_KIND_LABELS, ATTENTION_KINDS, type AttentionSublayer, type HeadChoice, type TransformerChoice, type TransformerFromWebview, type TransformerToWebview, type TransformerView } from '../../src/protocol/transformer';
import { readPalette, signedColor, type Palette, type Rgb } from '../shared/colors';
import { el, registerToolkit, UI } from '../shared/toolkit';
import { Host } from '../shared/vscodeApi';
import { matrixPng } from '../shared/matrixPng';
import '../shared/base.css';
import './main.css';

registerToolkit();
interface State {
  tab: 'attention' | 'positions';
  mode: 'matrix' | 'lines';
  mass: number;
  dims: string;
}
const host = new Host<TransformerFromWebview, State>();
const state = host.state({ tab: 'attention', mode: 'matrix', mass: 1, dims: '0, 1, 8, 9, 30' });

const app = document.getElementById('app')!;
const toolbar = el('div', { class: 'toolbar' });
const modelSelect = el('select', { id: 'model', 'aria-label': 'Transformer model' });
const tabAttention = el('button', { id: 'tab-attention', class: 'tab', role: 'tab' }, 'Attention');
const tabPositions = el('button', { id: 'tab-positions', class: 'tab', role: 'tab' }, 'Positional encoding');
const exportPng = el(UI.button, { id: 'export-png', appearance: 'secondary' }, 'Export PNG');
const exportJson = el(UI.button, { id: 'export-json', appearance: 'secondary' }, 'Export JSON');
toolbar.append(el('label', { for: 'model' }, 'Model '), modelSelect, el('span', { class: 'tabs', role: 'tablist' }), exportPng, exportJson);
toolbar.querySelector('.tabs')!.append(tabAttention, tabPositions);
const header = el('div', { id: 'header', class: 'header' });
const sentences = el('div', { class: 'sentences' });
const notice = el('div', { id: 'notice', class: 'notice', role: 'status' });
const busy = el('div', { id: 'busy', class: 'busy', hidden: '' });
const attentionTab = el('div', { id: 'attention', class: 'tabpage' });
const positionsTab = el('div', { id: 'positions', class: 'tabpage' });
app.append(toolbar, header, sentences, notice, busy, attentionTab, positionsTab);

const grid = el('div', { id: 'grid', class: 'grid' });
const headControls = el('div', { class: 'controls' });
const headTitle = el('h3', { id: 'head-title' });
const modeSelect = el('select', { id: 'mode', 'aria-label': 'Head view' });
modeSelect.append(el('option', { value: 'matrix' }, 'Matrix'), el('option', { value: 'lines' }, 'Lines'));
const massSlider = el('input', { id: 'mass', type: 'range', min: '0.3', max: '1', step: '0.05', 'aria-label': 'Show the keys that hold this much of each row’s attention' });
const massLabel = el('span', { id: 'mass-label' });
const headChips = el('span', { id: 'head-chips', class: 'head-chips', role: 'group', 'aria-label': 'Heads drawn as lines' });
headControls.append(el('label', { for: 'mode' }, 'View '), modeSelect, el('label', { for: 'mass' }, ' Keep the keys holding '), massSlider, massLabel, headChips);
const headView = el('div', { id: 'head-view', class: 'head-view' });
const drill = el('div', { id: 'drill', class: 'drill' });
attentionTab.append(el('h3', {}, 'Model view: every layer and head'), el('p', { class: 'note' }, `Click a thumbnail to see that head. ● focused: on average one position gets ≥ ${FOCUSED_PEAK * 100}% of the weight; ≈ near uniform: entropy ≥ ${UNIFORM_ENTROPY * 100}% of an even spread.`), grid, headTitle, headControls, headView, drill);

let palette: Palette = readPalette();
let shown: { id: number; view: TransformerView } | undefined;
let choice: HeadChoice = { kind: 'encoder-self', layer: 0, head: -1 };
let flags = new Map<string, HeadFlag[]>();
let focus: { side: 'query' | 'key'; index: number } | undefined;
/** Lines mode: the heads drawn together, each in its colour (empty: the chosen head, or the mean). */
let overlay: number[] = [];
const HEAD_COLOURS = ['--vscode-charts-blue', '--vscode-charts-red', '--vscode-charts-green', '--vscode-charts-orange', '--vscode-charts-purple', '--vscode-charts-yellow', '--vscode-charts-foreground', '--vscode-charts-lines'];
const headColour = (h: number) => getComputedStyle(document.body).getPropertyValue(HEAD_COLOURS[h % HEAD_COLOURS.length]).trim() || palette.foreground;

function revive(v: TransformerView): TransformerView {
  const m = (x: Matrix) => reviveMatrix(x);
  return { ...v, positionalEncoding: m(v.positionalEncoding), sublayers: v.sublayers.map((s) => ({ ...s, weights: m(s.weights), scores: m(s.scores), mask: m(s.mask), q: m(s.q), k: m(s.k), v: m(s.v), headOutputs: m(s.headOutputs), outputKernel: m(s.outputKernel), outputBias: m(s.outputBias), output: m(s.output) })) };
}

const sub = (c: HeadChoice) => shown!.view.sublayers.find((s) => s.kind === c.kind && s.layer === c.layer)!;
const queryTokens = (s: AttentionSublayer) => (s.kind === 'encoder-self' ? shown!.view.source.map((t) => t.text) : s.kind === 'cross' ? [...shown!.view.output, '</s>'] : shown!.view.decoderInput);
const keyTokens = (s: AttentionSublayer) => (s.kind === 'decoder-self' ? shown!.view.decoderInput : shown!.view.source.map((t) => t.text));
/** The weights of the chosen head, or every head averaged (head -1): [queries, keys]. */
const headWeights = (s: AttentionSublayer, head: number) => (head < 0 ? meanOverHeads(s) : s.weights.data.subarray(head * s.queries * s.keys, (head + 1) * s.queries * s.keys));

function heat(w: number): Rgb {
  const [br, bg, bb] = palette.background;
  const [r, g, b] = palette.kind === 'light' ? palette.negative : palette.gate;
  const t = Math.max(0, Math.min(1, w));
  return [br + (r - br) * t, bg + (g - bg) * t, bb + (b - bb) * t];
}

function drawMatrix(canvas: HTMLCanvasElement, data: ArrayLike<number>, rows: number, cols: number, colour: (v: number) => Rgb): void {
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = colour(data[i]);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function renderGrid(): void {
  const t0 = performance.now();
  const v = shown!.view;
  grid.replaceChildren();
  flags = new Map();
  for (const kind of ATTENTION_KINDS) {
    const layers = v.sublayers.filter((s) => s.kind === kind);
    const section = el('section', { class: 'kind', 'data-kind': kind });
    section.append(el('h4', {}, ATTENTION_KIND_LABELS[kind]));
    const table = el('table', { class: 'thumbs' });
    const head = el('tr');
    head.append(el('th'));
    for (let h = 0; h < v.heads; h++) head.append(el('th', { scope: 'col' }, `head ${h + 1}`));
    head.append(el('th', { scope: 'col' }, 'mean'));
    table.append(head);
    for (const s of layers) {
      const f = headFlags(s);
      flags.set(`${kind}:${s.layer}`, f);
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, `layer ${s.layer + 1}`));
      for (let h = -1 + 1; h <= v.heads; h++) {
        const headIndex = h === v.heads ? -1 : h;
        const flag = headIndex >= 0 ? f[headIndex] : undefined;
        const selected = choice.kind === kind && choice.layer === s.layer && choice.head === headIndex;
        const label = `${ATTENTION_KIND_LABELS[kind]}, layer ${s.layer + 1}, ${headIndex < 0 ? 'heads averaged' : `head ${headIndex + 1}`}${flag ? `: entropy ${(flag.entropy * 100).toFixed(0)}%, peak ${(flag.peak * 100).toFixed(0)}%${flag.flag ? ` (${flag.flag}${flag.pattern ? `, on the ${flag.pattern} position` : ''})` : ''}` : ''}`;
        const btn = el('button', { class: `thumb${headIndex < 0 ? ' mean' : ''}${selected ? ' selected' : ''}`, 'data-kind': kind, 'data-layer': String(s.layer), 'data-head': String(headIndex), 'aria-pressed': String(selected), title: label, 'aria-label': label });
        const c = el('canvas', { class: 'thumb-canvas' });
        drawMatrix(c, headWeights(s, headIndex), s.queries, s.keys, heat);
        btn.append(c);
        if (flag?.flag) btn.append(el('span', { class: `flag ${flag.flag}` }, flag.flag === 'focused' ? '●' : '≈'));
        btn.addEventListener('click', () => selectHead({ kind, layer: s.layer, head: headIndex }));
        const td = el('td');
        td.append(btn);
        tr.append(td);
      }
      table.append(tr);
    }
    section.append(table);
    grid.append(section);
  }
  host.post({ type: 'perf/paint', what: 'grid', ms: performance.now() - t0 });
}

function selectHead(c: HeadChoice): void {
  choice = c;
  focus = undefined;
  overlay = c.head >= 0 ? [c.head] : [];
  for (const b of grid.querySelectorAll<HTMLElement>('.thumb')) {
    const on = b.dataset.kind === c.kind && Number(b.dataset.layer) === c.layer && Number(b.dataset.head) === c.head;
    b.classList.toggle('selected', on);
    b.setAttribute('aria-pressed', String(on));
  }
  if (shown) host.post({ type: 'head/select', id: shown.id, head: c });
  renderHead();
}

function renderHead(): void {
  const t0 = performance.now();
  const s = sub(choice);
  const W = headWeights(s, choice.head);
  const qs = queryTokens(s);
  const ks = keyTokens(s);
  const f = choice.head >= 0 ? flags.get(`${choice.kind}:${choice.layer}`)?.[choice.head] : undefined;
  const overlaid = state.mode === 'lines' && overlay.length > 1;
  headTitle.textContent = `Head view: ${ATTENTION_KIND_LABELS[choice.kind]}, layer ${choice.layer + 1}, ${overlaid ? `heads ${overlay.map((h) => h + 1).join(', ')} overlaid` : choice.head < 0 ? 'heads averaged' : `head ${choice.head + 1}`}${!overlaid && f ? ` — entropy ${(f.entropy * 100).toFixed(0)}%${f.flag ? `, ${f.flag}${f.pattern ? ` on the ${f.pattern} position` : ''}` : ''}` : ''}`;
  massLabel.textContent = `${Math.round(state.mass * 100)}% of each row’s weight`;
  const kept = Array.from({ length: s.queries }, (_, i) => new Set(keysByMass(W.subarray(i * s.keys, (i + 1) * s.keys), state.mass)));
  if (state.mode === 'matrix') {
    const table = el('table', { class: 'attention', id: 'head-matrix', 'aria-label': `Attention weights: rows are queries, columns keys (query → key)` });
    const top = el('tr');
    top.append(el('th', { class: 'corner' }, 'query → key'));
    ks.forEach((w, j) => top.append(el('th', { class: 'key', scope: 'col', 'data-j': String(j), tabindex: '0' }, w)));
    table.append(top);
    for (let i = 0; i < s.queries; i++) {
      const tr = el('tr', { 'data-i': String(i) });
      tr.append(el('th', { class: 'query', scope: 'row', 'data-i': String(i), tabindex: '0' }, qs[i]));
      for (let j = 0; j < s.keys; j++) {
        const w = W[i * s.keys + j];
        const masked = s.mask.data[i * s.keys + j] > 0;
        const td = el('td', { 'data-i': String(i), 'data-j': String(j), 'data-w': w.toFixed(6), title: `${qs[i]} → ${ks[j]}: ${w.toFixed(3)}${masked ? ' (masked)' : ''}` });
        const [r, g, b] = heat(w);
        td.style.backgroundColor = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
        if (masked) td.classList.add('masked');
        else if (!kept[i].has(j)) td.classList.add('pruned');
        if (w > 0.55) td.classList.add('strong');
        if (w >= 0.005 && s.keys <= 40) td.textContent = w >= 0.995 ? '1' : w.toFixed(2).replace(/^0/, '');
        tr.append(td);
      }
      table.append(tr);
    }
    headView.replaceChildren(table);
    table.addEventListener('mouseover', (e) => {
      const cell = (e.target as HTMLElement).closest('td, th.query, th.key') as HTMLElement | null;
      if (!cell) return;
      if (cell.matches('th.key')) setFocus({ side: 'key', index: Number(cell.dataset.j) });
      else setFocus({ side: 'query', index: Number(cell.dataset.i) });
    });
    table.addEventListener('focusin', (e) => {
      const cell = e.target as HTMLElement;
      if (cell.matches('th.key')) setFocus({ side: 'key', index: Number(cell.dataset.j) });
      else if (cell.matches('th.query')) setFocus({ side: 'query', index: Number(cell.dataset.i) });
    });
  } else {
    // One head (or the mean) in the theme's line colour; several heads each in its own colour.
    const [r, g, b] = palette.kind === 'light' ? palette.negative : palette.gate;
    const layers = overlaid
      ? overlay.map((h) => {
          const Wh = headWeights(s, h);
          return { head: h, W: Wh, kept: Array.from({ length: s.queries }, (_, i) => new Set(keysByMass(Wh.subarray(i * s.keys, (i + 1) * s.keys), state.mass))), colour: headColour(h) };
        })
      : [{ head: choice.head, W, kept, colour: `rgb(${r | 0}, ${g | 0}, ${b | 0})` }];
    headView.replaceChildren(linesView(s, layers, qs, ks));
  }
  renderChips(s);
  applyFocus();
  host.post({ type: 'perf/paint', what: 'head', ms: performance.now() - t0 });
}

/** Lines from each query (left) to the keys it attends to (right), thickness and opacity by weight. */
/** Lines mode: a chip per head of the sub-layer; pressed chips are drawn together. */
function renderChips(s: AttentionSublayer): void {
  headChips.hidden = state.mode !== 'lines';
  if (headChips.hidden) return;
  headChips.replaceChildren(
    el('span', { class: 'chips-label' }, ' Heads '),
    ...Array.from({ length: s.heads }, (_, h) => {
      const on = overlay.includes(h) || (overlay.length === 0 && choice.head === h);
      const chip = el('button', { class: 'chip', 'data-head': String(h), 'aria-pressed': String(on), title: `Draw head ${h + 1}'s lines (press several to overlay them)` }, String(h + 1));
      chip.style.borderColor = headColour(h);
      if (on) chip.style.backgroundColor = headColour(h);
      chip.addEventListener('click', () => {
        const base = overlay.length ? overlay : choice.head >= 0 ? [choice.head] : [];
        overlay = base.includes(h) ? base.filter((x) => x !== h) : [...base, h].sort((a, b) => a - b);
        renderHead();
      });
      return chip;
    }),
  );
}

function linesView(s: AttentionSublayer, layers: Array<{ head: number; W: Float32Array; kept: Array<Set<number>>; colour: string }>, qs: string[], ks: string[]): HTMLElement {
  const NS = 'http://www.w3.org/2000/svg';
  const rowH = 20;
  const n = Math.max(qs.length, ks.length);
  const width = 420;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('id', 'head-lines');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(n * rowH + 24));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Attention as lines: queries on the left, keys on the right');
  const text = (x: number, y: number, label: string, anchor: string, cls: string, idx: number) => {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', String(x));
    t.setAttribute('y', String(y));
    t.setAttribute('text-anchor', anchor);
    t.setAttribute('class', cls);
    t.setAttribute('data-index', String(idx));
    t.setAttribute('tabindex', '0');
    t.textContent = label;
    svg.append(t);
  };
  const head = (x: number, label: string, anchor: string) => {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', String(x));
    t.setAttribute('y', '12');
    t.setAttribute('text-anchor', anchor);
    t.setAttribute('class', 'axis');
    t.textContent = label;
    svg.append(t);
  };
  head(120, 'query', 'end');
  head(300, 'key', 'start');
  for (const { head: h, W, kept, colour } of layers) {
    for (let i = 0; i < s.queries; i++) {
      for (let j = 0; j < s.keys; j++) {
        const w = W[i * s.keys + j];
        if (w < 0.01 || !kept[i].has(j)) continue;
        const line = document.createElementNS(NS, 'line');
        line.setAttribute('x1', '126');
        line.setAttribute('y1', String(24 + i * rowH - 5));
        line.setAttribute('x2', '294');
        line.setAttribute('y2', String(24 + j * rowH - 5));
        line.setAttribute('stroke', colour);
        line.setAttribute('data-head', String(h));
        line.setAttribute('stroke-opacity', w.toFixed(3));
        line.setAttribute('stroke-width', (1 + 3 * w).toFixed(2));
        line.setAttribute('data-i', String(i));
        line.setAttribute('data-j', String(j));
        line.setAttribute('data-w', w.toFixed(6));
        svg.append(line);
      }
    }
  }
  qs.forEach((q, i) => text(120, 24 + i * rowH, q, 'end', 'query', i));
  ks.forEach((k, j) => text(300, 24 + j * rowH, k, 'start', 'key', j));
  svg.addEventListener('mouseover', (e) => {
    const t = e.target as Element;
    if (t.classList.contains('query')) setFocus({ side: 'query', index: Number(t.getAttribute('data-index')) });
    else if (t.classList.contains('key')) setFocus({ side: 'key', index: Number(t.getAttribute('data-index')) });
  });
  svg.addEventListener('focusin', (e) => {
    const t = e.target as Element;
    if (t.classList.contains('query')) setFocus({ side: 'query', index: Number(t.getAttribute('data-index')) });
    else if (t.classList.contains('key')) setFocus({ side: 'key', index: Number(t.getAttribute('data-index')) });
  });
  const box = el('div', { class: 'lines' });
  box.append(svg);
  return box;
}

function setFocus(f: { side: 'query' | 'key'; index: number } | undefined): void {
  if (focus?.side === f?.side && focus?.index === f?.index) return;
  focus = f;
  applyFocus();
  if (!shown) return;
  const s = sub(choice);
  // A token on the source side is highlighted in the editor.
  const sourceSide = f && (f.side === 'query' ? s.kind === 'encoder-self' : s.kind !== 'decoder-self');
  host.post({ type: 'token/hover', id: shown.id, side: f ? (sourceSide ? 'source' : 'decoder') : null, index: f ? f.index : null });
}

/** Hover a query: what it attends to (its row); hover a key: what attends to it (its column). */
function applyFocus(): void {
  for (const x of headView.querySelectorAll('.hot, .dim')) x.classList.remove('hot', 'dim');
  if (focus) {
    const attr = focus.side === 'query' ? 'data-i' : 'data-j';
    for (const x of headView.querySelectorAll(`td, line`)) x.classList.add(x.getAttribute(attr) === String(focus.index) ? 'hot' : 'dim');
    headView.querySelector(focus.side === 'query' ? `th.query[data-i="${focus.index}"], text.query[data-index="${focus.index}"]` : `th.key[data-j="${focus.index}"], text.key[data-index="${focus.index}"]`)?.classList.add('hot');
  }
  renderDrill();
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(3) : x.toExponential(1));
const vec = (a: ArrayLike<number>, cls = '') => el('span', { class: `vec ${cls}` }, `[${Array.from(a, fmt).join(', ')}]`);

function renderDrill(): void {
  const t0 = performance.now();
  if (!shown) return;
  const s = sub(choice);
  const query = focus?.side === 'query' ? focus.index : 0;
  const head = Math.max(0, choice.head);
  const d = drillDown(s, head, query);
  const qs = queryTokens(s);
  const ks = keyTokens(s);
  drill.replaceChildren();
  drill.append(el('h3', {}, `Q/K/V drill-down: query “${qs[query]}” (position ${query + 1}), head ${head + 1}${choice.head < 0 ? ' (the mean view shows all heads; the arithmetic is per head)' : ''}`));
  const qline = el('p');
  qline.append(el('b', {}, `q (d_k = ${d.dk}) `), vec(d.q));
  drill.append(qline);
  const table = el('table', { class: 'drill-table', id: 'drill-table' });
  const hr = el('tr');
  for (const h of ['key', 'k_j', 'q·k_j / √d_k', 'mask', 'softmax', 'v_j']) hr.append(el('th', { scope: 'col' }, h));
  table.append(hr);
  const K = s.keys;
  for (let j = 0; j < K; j++) {
    const tr = el('tr', { 'data-j': String(j) });
    tr.append(el('th', { scope: 'row' }, ks[j]));
    const kj = s.k.data.subarray((head * K + j) * d.dk, (head * K + j + 1) * d.dk);
    const vj = s.v.data.subarray((head * K + j) * d.dk, (head * K + j + 1) * d.dk);
    const tdK = el('td');
    tdK.append(vec(kj, 'small'));
    const tdV = el('td');
    tdV.append(vec(vj, 'small'));
    tr.append(tdK, el('td', { class: 'num' }, d.masked[j] ? `${fmt(d.scores[j])} → −∞` : fmt(d.scores[j])), el('td', { class: 'num' }, d.masked[j] ? 'masked' : ''), el('td', { class: 'num', 'data-w': d.weights[j].toFixed(6) }, d.weights[j].toFixed(4)), tdV);
    table.append(tr);
  }
  drill.append(table);
  const out = el('div', { class: 'drill-out' });
  const p1 = el('p');
  p1.append(el('b', {}, `head ${head + 1} output = Σ_j softmax_j · v_j `), vec(d.headOutput));
  const p2 = el('p');
  p2.append(el('b', {}, `concat(head 1 … head ${s.heads}) (d = ${d.concat.length}) `), vec(d.concat, 'small'));
  const wo = el('canvas', { class: 'wo', title: `W_o: ${d.concat.length} × ${d.concat.length}` });
  let maxAbs = 0;
  for (const x of s.outputKernel.data) maxAbs = Math.max(maxAbs, Math.abs(x));
  drawMatrix(wo, s.outputKernel.data, d.concat.length, d.concat.length, (x) => signedColor(palette, x / (maxAbs || 1)));
  const p3 = el('p');
  p3.append(el('b', {}, '× W_o '), wo, el('b', {}, ' + b_o = output '), vec(d.output, 'small'));
  const worst = Math.max(...Object.values(d.error));
  const check = el('p', { id: 'drill-check', class: worst < 1e-5 ? 'ok' : 'bad', 'data-error': String(worst) }, `Recomputed here from q, k, v, the mask and W_o: largest difference from the forward pass ${worst.toExponential(1)} (scores ${d.error.scores.toExponential(1)}, softmax ${d.error.weights.toExponential(1)}, head output ${d.error.headOutput.toExponential(1)}, output ${d.error.output.toExponential(1)}).`);
  out.append(p1, p2, p3, check);
  drill.append(out);
  host.post({ type: 'perf/paint', what: 'drill', ms: performance.now() - t0 });
}

// ---- positional encoding ----------------------------------------------------------------------
function pe(length: number, dim: number): Float32Array {
  const out = new Float32Array(length * dim);
  for (let pos = 0; pos < length; pos++) {
    for (let i = 0; i < dim; i += 2) {
      const angle = pos / Math.pow(10000, i / dim);
      out[pos * dim + i] = Math.sin(angle);
      if (i + 1 < dim) out[pos * dim + i + 1] = Math.cos(angle);
    }
  }
  return out;
}

function renderPositions(): void {
  const t0 = performance.now();
  const v = shown!.view;
  const d = v.dModel;
  const trained = v.trainedLength ?? 0;
  const L = Math.max(64, v.source.length + 8, 2 * trained);
  const P = pe(L, d);
  positionsTab.replaceChildren();
  positionsTab.append(
    el('p', { class: 'note' }, `PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)), d = ${d}. Each pair of dimensions turns at its own frequency, so every position gets its own pattern, a fixed offset is the same rotation everywhere, and the values stay in [−1, 1] at any length — ${trained ? `past the longest training sentence (${trained} words, the dashed line) ` : ''}as well. The selection's ${v.source.length} positions are marked.`),
  );
  const mat = el('canvas', { id: 'pe-matrix', class: 'pe', 'aria-label': `Positional encoding: ${L} positions × ${d} dimensions` });
  drawMatrix(mat, P, L, d, (x) => signedColor(palette, x));
  const matBox = el('div', { class: 'pe-box' });
  const marks = el('div', { class: 'pe-marks' });
  marks.style.height = `${L * 4}px`;
  const sel = el('div', { class: 'mark selection', title: `the selection: positions 1–${v.source.length}` });
  sel.style.top = '0px';
  sel.style.height = `${v.source.length * 4}px`;
  marks.append(sel);
  if (trained) {
    const tl = el('div', { class: 'mark trained', title: `longest training sentence: ${trained} words` });
    tl.style.top = `${trained * 4}px`;
    marks.append(tl);
  }
  matBox.append(el('div', { class: 'axis-label' }, 'position ↓ · dimension →'), marks, mat);
  mat.style.height = `${L * 4}px`;
  mat.style.width = `${d * 4}px`;
  // Dimensions as curves.
  const dimsInput = el('input', { id: 'pe-dims', type: 'text', value: state.dims, 'aria-label': 'Dimensions to draw, separated by commas' });
  const curves = el('canvas', { id: 'pe-curves', width: '480', height: '160' });
  const drawCurves = () => {
    const dims = dimsInput.value.split(/[,\s]+/).map(Number).filter((x) => Number.isInteger(x) && x >= 0 && x < d).slice(0, 8);
    state.dims = dimsInput.value;
    host.saveState(state);
    const ctx = curves.getContext('2d')!;
    ctx.clearRect(0, 0, curves.width, curves.height);
    ctx.strokeStyle = palette.foreground;
    ctx.globalAlpha = 0.3;
    ctx.beginPath();
    ctx.moveTo(0, 80);
    ctx.lineTo(480, 80);
    ctx.stroke();
    if (trained) {
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo((trained / L) * 480, 0);
      ctx.lineTo((trained / L) * 480, 160);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.globalAlpha = 1;
    const colours = ['--vscode-charts-blue', '--vscode-charts-red', '--vscode-charts-green', '--vscode-charts-orange', '--vscode-charts-purple', '--vscode-charts-yellow', '--vscode-charts-foreground', '--vscode-charts-lines'];
    const legend = el('span', { class: 'legend' });
    dims.forEach((dim, n) => {
      const c = getComputedStyle(document.body).getPropertyValue(colours[n]).trim() || palette.foreground;
      ctx.strokeStyle = c;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (let pos = 0; pos < L; pos++) {
        const x = (pos / (L - 1)) * 480;
        const y = 80 - P[pos * d + dim] * 75;
        if (pos === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
      const sw = el('span', { class: 'swatch' }, `dim ${dim} (${dim % 2 ? 'cos' : 'sin'})`);
      sw.style.color = c;
      legend.append(sw);
    });
    legendBox.replaceChildren(legend);
  };
  const legendBox = el('div');
  dimsInput.addEventListener('change', drawCurves);
  // The similarity of positions: PE(i)·PE(j), highest on the diagonal, falling off with distance.
  const sim = new Float32Array(L * L);
  for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) {
    let s = 0;
    for (let x = 0; x < d; x++) s += P[i * d + x] * P[j * d + x];
    sim[i * L + j] = s / (d / 2);
  }
  const simCanvas = el('canvas', { id: 'pe-similarity', class: 'pe', 'aria-label': 'PE(i)·PE(j) for every pair of positions' });
  drawMatrix(simCanvas, sim, L, L, (x) => signedColor(palette, x));
  simCanvas.style.width = `${Math.min(320, L * 4)}px`;
  const row1 = el('div', { class: 'pe-row' });
  const col2 = el('div');
  col2.append(el('h4', {}, 'Chosen dimensions across positions'), el('label', { for: 'pe-dims' }, 'Dimensions '), dimsInput, curves, legendBox, el('h4', {}, 'PE(i) · PE(j) / (d/2): nearby positions look alike'), simCanvas);
  row1.append(matBox, col2);
  positionsTab.append(row1);
  drawCurves();
  host.post({ type: 'perf/paint', what: 'pe', ms: performance.now() - t0 });
}

// ---- page ------------------------------------------------------------------------------------
function showTab(tab: 'attention' | 'positions'): void {
  state.tab = tab;
  host.saveState(state);
  attentionTab.hidden = tab !== 'attention';
  positionsTab.hidden = tab !== 'positions';
  tabAttention.setAttribute('aria-selected', String(tab === 'attention'));
  tabPositions.setAttribute('aria-selected', String(tab === 'positions'));
  if (shown && tab === 'positions' && !positionsTab.firstChild) renderPositions();
}

function setModels(models: TransformerChoice[], current: string): void {
  modelSelect.replaceChildren(...models.map((m) => el('option', { value: m.id, ...(m.id === current ? { selected: '' } : {}) }, m.label)), el('option', { value: OPEN_CHECKPOINT_CHOICE }, OPEN_CHECKPOINT_LABEL));
}

function render(): void {
  if (!shown) return;
  const v = shown.view;
  busy.hidden = true;
  app.dataset.state = 'shown';
  sentences.replaceChildren();
  const src = el('div', { id: 'source', class: 'sentence' });
  v.source.forEach((t, i) => {
    src.append(el('span', { class: `tok${t.unknown ? ' unk' : ''}`, 'data-i': String(i), title: t.unknown ? `“${t.text}” is not in the model's vocabulary: read as <unk>` : '' }, t.text), ' ');
  });
  sentences.append(src, el('div', { id: 'output', class: 'sentence output' }, v.output.join(' ') || '(no words)'));
  renderGrid();
  renderHead();
  positionsTab.replaceChildren();
  if (state.tab === 'positions') renderPositions();
}

modelSelect.addEventListener('change', () => host.post({ type: 'model/select', modelId: modelSelect.value }));
tabAttention.addEventListener('click', () => showTab('attention'));
tabPositions.addEventListener('click', () => showTab('positions'));
modeSelect.value = state.mode;
modeSelect.addEventListener('change', () => {
  state.mode = modeSelect.value as State['mode'];
  host.saveState(state);
  if (shown) renderHead();
});
massSlider.value = String(state.mass);
massSlider.addEventListener('input', () => {
  state.mass = Number(massSlider.value);
  host.saveState(state);
  if (shown) renderHead();
});
headView.addEventListener('mouseleave', () => setFocus(undefined));

/** A PNG of the current view: the head's matrix (or the positional encoding) drawn with its labels. */
function snapshot(): { dataUrl: string; name: string } {
  if (state.tab === 'positions') {
    const c = document.getElementById('pe-matrix') as HTMLCanvasElement;
    return { dataUrl: c.toDataURL('image/png'), name: 'positional-encoding' };
  }
  const s = sub(choice);
  const W = headWeights(s, choice.head);
  const ks = keyTokens(s);
  const dataUrl = matrixPng(palette, { rows: queryTokens(s), cols: ks, value: (i, j) => W[i * ks.length + j], colour: heat });
  return { dataUrl, name: `${choice.kind}-layer${choice.layer + 1}-${choice.head < 0 ? 'mean' : `head${choice.head + 1}`}` };
}
exportPng.addEventListener('click', () => {
  if (!shown) return;
  const snap = snapshot();
  host.post({ type: 'export', format: 'png', dataUrl: snap.dataUrl, name: snap.name });
});
exportJson.addEventListener('click', () => shown && host.post({ type: 'export', format: 'json', name: 'transformer-attention' }));

window.addEventListener('message', (event: MessageEvent<TransformerToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'view/show':
      shown = { id: m.id, view: revive(m.view) };
      choice = m.head;
      setModels(m.models, m.view.modelId);
      header.textContent = `${m.view.modelLabel} · ${m.view.encoderLayers} + ${m.view.decoderLayers} layers, ${m.view.heads} heads, d = ${m.view.dModel} · ${m.sourceLabel} · decoding ${m.view.decodeMs.toFixed(0)} ms, attention ${m.view.forwardMs.toFixed(0)} ms`;
      notice.textContent = m.notice ?? '';
      render();
      return;
    case 'view/loading':
      setModels(m.models, m.modelId);
      busy.replaceChildren(el(UI.progress, { 'aria-label': 'Reading' }), el('span', {}, m.message));
      busy.hidden = false;
      app.dataset.state = shown ? 'shown' : 'loading';
      return;
    case 'view/error':
      setModels(m.models, m.modelId);
      busy.hidden = true;
      notice.textContent = m.message;
      notice.className = 'notice error';
      app.dataset.state = shown ? 'shown' : 'error';
      return;
    case 'view/stale':
      notice.textContent = m.message;
      return;
    case 'token/caret': {
      if (!shown) return;
      for (const t of sentences.querySelectorAll('.tok.caret')) t.classList.remove('caret');
      sentences.querySelector(`.tok[data-i="${m.index}"]`)?.classList.add('caret');
      if (choice.kind === 'encoder-self') {
        focus = { side: 'query', index: m.index };
        applyFocus();
      }
      return;
    }
    case 'tab/show':
      showTab(m.tab);
      return;
  }
});

new MutationObserver(() => {
  palette = readPalette();
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });

showTab(state.tab);
app.dataset.state = 'empty';
host.post({ type: 'ready' });

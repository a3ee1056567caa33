/**
 * The translation panel: the source and its translation, and the attention map
 * (one row per output word, one column per source word). Hovering a cell or a
 * row shows the weights; the strongest source word of each row is marked.
 * Colours come from the theme.
 */
import type { TranslateFromWebview, TranslateToWebview, TranslationShown } from '../../src/protocol/translate';
import { readPalette, type Palette } from '../shared/colors';
import { el, registerToolkit, UI } from '../shared/toolkit';
import { Host } from '../shared/vscodeApi';
import '../shared/base.css';
import './main.css';

registerToolkit();
const host = new Host<TranslateFromWebview, Record<string, never>>();
const app = document.getElementById('app')!;
const header = el('div', { id: 'header', class: 'header' });
const chooser = el('div', { class: 'chooser' });
const modelSelect = el('select', { id: 'model', 'aria-label': 'Translation model' });
const headSelect = el('select', { id: 'cross-head', 'aria-label': 'Cross-attention layer and head', hidden: '' });
chooser.append(el('label', { for: 'model' }, 'Model '), modelSelect, ' ', headSelect);
modelSelect.addEventListener('change', () => host.post({ type: 'model/select', modelId: modelSelect.value }));
headSelect.addEventListener('change', () => render());
const sourceLine = el('div', { id: 'source', class: 'sentence', lang: 'und' });
const outputLine = el('div', { id: 'output', class: 'sentence output' });
const status = el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
const mapBox = el('div', { id: 'map', class: 'map' });
const note = el('p', { class: 'note' }, 'Each row is one word of the translation: how much the decoder looked at each source word (its attention weights, which sum to 1) when it wrote that word. The outlined cell is where it looked most.');
const busy = el('div', { id: 'busy', class: 'busy', hidden: '' });
app.append(chooser, header, sourceLine, outputLine, status, mapBox, note, busy);

let palette: Palette = readPalette();
let shown: { id: number; result: TranslationShown } | undefined;

function cellColour(w: number): string {
  const [r, g, b] = palette.kind === 'light' ? palette.negative : palette.gate;
  return `rgba(${r | 0}, ${g | 0}, ${b | 0}, ${Math.max(0, Math.min(1, w)).toFixed(3)})`;
}

function render(): void {
  if (!shown) return;
  const { result: shownResult, id } = shown;
  busy.hidden = true;
  modelSelect.replaceChildren(...shownResult.models.map((m) => el('option', { value: m.id, ...(m.id === shownResult.modelId ? { selected: '' } : {}) }, m.label)));
  // A Transformer: its cross-attention by layer and head (default: the last layer, heads averaged, as the decoder's summary).
  const cross = shownResult.crossAttention;
  if (cross?.length) {
    const previous = headSelect.value;
    const options = cross.flatMap((c) => [el('option', { value: `${c.layer}:-1` }, `cross-attention, layer ${c.layer + 1}, heads averaged`), ...c.heads.map((_, h) => el('option', { value: `${c.layer}:${h}` }, `cross-attention, layer ${c.layer + 1}, head ${h + 1}`))]);
    headSelect.replaceChildren(...options);
    headSelect.value = options.some((o) => o.getAttribute('value') === previous) ? previous : `${cross[cross.length - 1].layer}:-1`;
    headSelect.hidden = false;
  } else headSelect.hidden = true;
  let t = shownResult;
  if (cross?.length) {
    const [layer, head] = headSelect.value.split(':').map(Number);
    const c = cross.find((x) => x.layer === layer) ?? cross[cross.length - 1];
    const rows = head >= 0 ? c.heads[head] : c.heads[0].map((row, i) => row.map((_, j) => c.heads.reduce((a, hh) => a + hh[i][j], 0) / c.heads.length));
    t = { ...shownResult, attention: rows };
  }
  app.dataset.state = 'shown';
  header.textContent = `${t.modelLabel} · ${t.beam > 1 ? `beam search, K = ${t.beam}` : 'greedy decoding'} · ${t.sourceLabel} · ${t.ms} ms`;
  sourceLine.textContent = t.source.join(' ');
  outputLine.textContent = t.output.join(' ');
  status.textContent = '';
  const hasAttention = t.attention.length > 0 && t.attention.every((r) => r.length === t.source.length) && t.source.length > 0;
  note.hidden = !hasAttention;
  if (!hasAttention) {
    mapBox.replaceChildren(el('p', { class: 'empty' }, t.output.length ? 'This model has no attention: the decoder reads one context vector, the encoder\'s last state, for every word.' : 'The model produced no words.'));
    return;
  }
  const table = el('table', { class: 'attention', 'aria-label': 'Attention weights: rows are output words, columns source words' });
  const head = el('tr');
  head.append(el('th', { class: 'corner' }));
  t.source.forEach((w, s) => head.append(el('th', { class: 'src', scope: 'col', 'data-s': String(s) }, w)));
  table.append(head);
  t.attention.forEach((row, o) => {
    const tr = el('tr', { 'data-t': String(o) });
    tr.append(el('th', { class: 'out', scope: 'row' }, t.output[o] ?? '</s>'));
    const best = row.indexOf(Math.max(...row));
    row.forEach((w, s) => {
      const td = el('td', { 'data-t': String(o), 'data-s': String(s), 'data-w': w.toFixed(4), title: `${t.output[o]} ← ${t.source[s]}: ${w.toFixed(3)}` });
      td.style.backgroundColor = cellColour(w); // CSSOM, allowed by the page's CSP
      if (s === best) td.classList.add('best');
      if (w > 0.5) td.classList.add('strong'); // text in the background's colour, readable on a strong cell
      if (w >= 0.005) td.textContent = w >= 0.995 ? '1' : w.toFixed(2).replace(/^0/, '');
      tr.append(td);
    });
    table.append(tr);
  });
  mapBox.replaceChildren(table);
  table.addEventListener('mouseover', (e) => {
    const cell = (e.target as HTMLElement).closest('td, th.out, th.src') as HTMLElement | null;
    const o = cell?.closest('tr')?.dataset.t;
    const s = cell?.dataset.s;
    const target = o === undefined ? null : Number(o);
    const source = s === undefined ? null : Number(s);
    for (const x of table.querySelectorAll('.hot')) x.classList.remove('hot');
    if (target !== null) table.querySelector(`tr[data-t="${target}"]`)?.classList.add('hot');
    if (source !== null) table.querySelector(`th.src[data-s="${source}"]`)?.classList.add('hot');
    if (target !== null && source !== null) status.textContent = `“${t.output[target]}” ← “${t.source[source]}”: ${t.attention[target][source].toFixed(3)}`;
    else if (target !== null) status.textContent = `“${t.output[target]}” looked most at “${t.source[t.attention[target].indexOf(Math.max(...t.attention[target]))]}”`;
    host.post({ type: 'cell/hover', id, target, source });
  });
  table.addEventListener('mouseleave', () => {
    for (const x of table.querySelectorAll('.hot')) x.classList.remove('hot');
    status.textContent = '';
    host.post({ type: 'cell/hover', id, target: null, source: null });
  });
}

window.addEventListener('message', (event: MessageEvent<TranslateToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'translation/show':
      shown = { id: m.id, result: m.result };
      render();
      return;
    case 'translation/loading':
      busy.replaceChildren(el(UI.progress, { 'aria-label': 'Translating' }), el('span', {}, m.message));
      busy.hidden = false;
      app.dataset.state = shown ? 'shown' : 'loading';
      return;
    case 'translation/error':
      busy.hidden = true;
      status.textContent = m.message;
      status.className = 'status error';
      app.dataset.state = shown ? 'shown' : 'error';
      return;
  }
});

// Theme changes: re-read the colours and redraw.
new MutationObserver(() => {
  palette = readPalette();
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });

app.dataset.state = 'empty';
host.post({ type: 'ready' });

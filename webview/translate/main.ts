/**
 * The translation panel (Translate Selection and the seq2seq lens): the source and its
 * translation, the attention map (one row per output word, one column per source word), and the
 * decoder step by step: a stepper over output steps with each step's likeliest words, its
 * attention row (shaded in the editor by the host) and its context vector; the single context
 * vector beside attention; the decoder fed a reference (teacher forcing) beside the decoder fed
 * its own words; the beam as a tree; and a what-if (click a cell: all attention there at that
 * step, and the decoding goes on from it). Colours come from the theme.
 */
import { CONTINUATION, joinPieces } from '../../src/core/subword';
import { OPEN_CHECKPOINT_CHOICE, OPEN_CHECKPOINT_LABEL } from '../../src/protocol/models';
import type { BeamViewNode, TranslateFromWebview, TranslateToWebview, TranslationShown } from '../../src/protocol/translate';
import { readPalette, signedColor, type Palette } from '../shared/colors';
import { el, registerToolkit, UI } from '../shared/toolkit';
import { Host } from '../shared/vscodeApi';
import { matrixPng } from '../shared/matrixPng';
import '../shared/base.css';
import './main.css';

registerToolkit();
const host = new Host<TranslateFromWebview, Record<string, never>>();
const app = document.getElementById('app')!;

// ---- toolbar --------------------------------------------------------------------------------
const chooser = el('div', { class: 'chooser' });
const modelSelect = el('select', { id: 'model', 'aria-label': 'Translation model' });
const headSelect = el('select', { id: 'cross-head', 'aria-label': 'Cross-attention layer and head', hidden: '' });
const beamSelect = el('select', { id: 'beam', 'aria-label': 'Beam width' });
for (const k of [1, 2, 3, 4, 5, 6, 8]) beamSelect.append(el('option', { value: String(k) }, k === 1 ? 'greedy' : `beam ${k}`));
const beamLabel = el('label', { for: 'beam', class: 'beam-label' }, 'Decoding ');
const compareBox = el('input', { id: 'compare', type: 'checkbox' });
const compareLabel = el('label', { for: 'compare', class: 'compare-label' });
compareLabel.append(compareBox, ' Beside the single context vector');
const exportPng = el(UI.button, { id: 'export-png', appearance: 'secondary', title: 'The attention map as a PNG image' }, 'PNG');
const exportJson = el(UI.button, { id: 'export-json', appearance: 'secondary', title: 'Every decoder step as JSON (as seqlens translate --json)' }, 'JSON');
const exports = el('span', { class: 'exports' }, 'Export ');
exports.append(exportPng, exportJson);
chooser.append(el('label', { for: 'model' }, 'Model '), modelSelect, headSelect, beamLabel, beamSelect, compareLabel, exports);
modelSelect.addEventListener('change', () => host.post({ type: 'model/select', modelId: modelSelect.value }));
headSelect.addEventListener('change', () => render());
beamSelect.addEventListener('change', () => host.post({ type: 'beam/set', width: Number(beamSelect.value) }));
compareBox.addEventListener('change', () => host.post({ type: 'compare/set', on: compareBox.checked }));

const header = el('div', { id: 'header', class: 'header' });
const unknownBanner = el('div', { id: 'unknown', class: 'banner', role: 'note', hidden: '' });
const staleBanner = el('div', { id: 'stale', class: 'banner', role: 'note', hidden: '' });
const sourceLine = el('div', { id: 'source', class: 'sentence', lang: 'und' });
const outputLine = el('div', { id: 'output', class: 'sentence output' });
const whatIfBanner = el('div', { id: 'whatif', class: 'banner whatif', role: 'note', hidden: '' });

// ---- stepper --------------------------------------------------------------------------------
const stepper = el('div', { id: 'stepper', class: 'stepper' });
const prevButton = el(UI.button, { id: 'step-prev', appearance: 'icon', 'aria-label': 'Previous step' }, '◀');
const slider = el('input', { id: 'decoder-slider', type: 'range', min: '0', max: '0', value: '0', 'aria-label': 'Decoder step' });
const nextButton = el(UI.button, { id: 'step-next', appearance: 'icon', 'aria-label': 'Next step' }, '▶');
const stepLabel = el('span', { id: 'step-label', class: 'step-label', 'aria-live': 'polite' });
stepper.append(prevButton, slider, nextButton, stepLabel);
const stepDetail = el('div', { id: 'step-detail', class: 'step-detail' });
const topkBox = el('div', { id: 'topk', class: 'topk', role: 'list', 'aria-label': 'The likeliest next words' });
const contextBox = el('figure', { id: 'context', class: 'context' });
const contextCaption = el('figcaption', {});
const contextCanvas = el('canvas', { id: 'context-strip', role: 'img', height: '18' });
contextBox.append(contextCaption, contextCanvas);
stepDetail.append(topkBox, contextBox);

const status = el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
const mapBox = el('div', { id: 'map', class: 'map' });
const note = el('p', { class: 'note' }, 'Each row is one word of the translation: how much the decoder looked at each source word (its attention weights, which sum to 1) when it wrote that word. The outlined cell is where it looked most. Click a cell for a what-if: all attention on that word at that step, and the decoding goes on from there.');

// ---- comparison, reference, beam -------------------------------------------------------------
const compareSection = el('section', { id: 'comparison', class: 'comparison', hidden: '' });
const referenceSection = el('section', { id: 'reference-section', class: 'reference' });
const referenceInput = el('input', { id: 'reference', type: 'text', placeholder: 'A reference translation: see the decoder fed it (teacher forcing) beside the decoder fed its own words', 'aria-label': 'Reference translation' });
const referenceButton = el(UI.button, { id: 'reference-go', appearance: 'secondary' }, 'Teacher-force');
const referenceRow = el('div', { class: 'reference-row' });
referenceRow.append(referenceInput, referenceButton);
const referenceTable = el('div', { id: 'forced' });
referenceSection.append(el('h3', {}, 'Teacher-forced vs free-running'), referenceRow, referenceTable);
referenceButton.addEventListener('click', () => host.post({ type: 'reference/set', text: referenceInput.value }));
referenceInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') host.post({ type: 'reference/set', text: referenceInput.value });
});
const beamSection = el('section', { id: 'beam-section', class: 'beam', hidden: '' });

const busy = el('div', { id: 'busy', class: 'busy', hidden: '' });
app.append(chooser, header, staleBanner, unknownBanner, sourceLine, outputLine, whatIfBanner, stepper, stepDetail, status, mapBox, note, compareSection, beamSection, referenceSection, busy);

let palette: Palette = readPalette();
let shown: { id: number; result: TranslationShown } | undefined;
/** The attention rows on show (for a Transformer, the chosen layer and head). */
let rows: number[][] = [];
let step = 0;
/** The translation the step belongs to (a redraw of the same one keeps the step). */
let stepOf = -1;

function cellColour(w: number): string {
  const [r, g, b] = palette.kind === 'light' ? palette.negative : palette.gate;
  return `rgba(${r | 0}, ${g | 0}, ${b | 0}, ${Math.max(0, Math.min(1, w)).toFixed(3)})`;
}

const pct = (p: number) => (p >= 0.995 ? '100%' : p >= 0.1 ? `${(p * 100).toFixed(0)}%` : p >= 0.001 ? `${(p * 100).toFixed(1)}%` : p > 0 ? '<0.1%' : '0%');

function hasAttentionRows(t: TranslationShown, r: number[][]): boolean {
  return r.length > 0 && r.every((row) => row.length === t.source.length) && t.source.length > 0;
}

function render(): void {
  if (!shown) return;
  const { result: t, id } = shown;
  busy.hidden = true;
  staleBanner.hidden = true;
  modelSelect.replaceChildren(...t.models.map((m) => el('option', { value: m.id, ...(m.id === t.modelId ? { selected: '' } : {}) }, m.label)), el('option', { value: OPEN_CHECKPOINT_CHOICE }, OPEN_CHECKPOINT_LABEL));
  const recurrent = t.kind === 'seq2seq';
  beamSelect.value = String(t.beamRequested);
  beamSelect.disabled = !recurrent;
  beamSelect.title = recurrent ? 'Greedy decoding, or beam search with K hypotheses' : 'The Transformer decodes greedily';
  compareBox.checked = t.compare;
  // A Transformer: its cross-attention by layer and head (default: the last layer, heads averaged, as the decoder's summary).
  const cross = t.crossAttention;
  if (cross?.length) {
    const previous = headSelect.value;
    const options = cross.flatMap((c) => [el('option', { value: `${c.layer}:-1` }, `cross-attention, layer ${c.layer + 1}, heads averaged`), ...c.heads.map((_, h) => el('option', { value: `${c.layer}:${h}` }, `cross-attention, layer ${c.layer + 1}, head ${h + 1}`))]);
    headSelect.replaceChildren(...options);
    headSelect.value = options.some((o) => o.getAttribute('value') === previous) ? previous : `${cross[cross.length - 1].layer}:-1`;
    headSelect.hidden = false;
    const [layer, head] = headSelect.value.split(':').map(Number);
    const c = cross.find((x) => x.layer === layer) ?? cross[cross.length - 1];
    rows = head >= 0 ? c.heads[head] : c.heads[0].map((row, i) => row.map((_, j) => c.heads.reduce((a, hh) => a + hh[i][j], 0) / c.heads.length));
  } else {
    headSelect.hidden = true;
    rows = t.attention;
  }
  app.dataset.state = 'shown';
  header.textContent = `${t.modelLabel} · ${t.beamWidth > 1 ? `beam search, K = ${t.beamWidth}` : 'greedy decoding'} · ${t.sourceLabel} · ${t.ms} ms`;
  renderSource(t);
  renderUnknown(t);
  renderWhatIf(t);
  status.textContent = '';
  status.className = 'status';
  const attention = hasAttentionRows(t, rows);
  note.hidden = !attention;
  if (!attention) {
    mapBox.replaceChildren(
      el(
        'p',
        { class: 'empty' },
        t.output.length ? (t.attentionKind === 'none' ? 'This model has no attention: the decoder reads one context vector, the encoder\'s last state, for every word (the strip above).' : 'This model returned no attention weights.') : 'The model produced no words.',
      ),
    );
  } else mapBox.replaceChildren(attentionTable(t, id));
  renderComparison(t);
  renderBeam(t);
  renderForced(t);
  slider.max = String(Math.max(0, t.steps.length - 1));
  stepper.hidden = t.steps.length === 0;
  stepDetail.hidden = t.steps.length === 0;
  showStep(stepOf === id ? step : t.step, false);
  stepOf = id;
}

function renderSource(t: TranslationShown): void {
  const unknown = new Set(t.unknown);
  const folded = new Set(t.caseFolded);
  sourceLine.replaceChildren(
    ...t.source.flatMap((w, i) => {
      // Byte-pair pieces of one word sit together ("un·believ·able"): no space after a continued piece.
      const span = el('span', { class: `word${unknown.has(i) ? ' unk' : ''}${folded.has(i) ? ' folded' : ''}${isContinued(w) ? ' cont' : ''}`, 'data-s': String(i) }, pieceText(w));
      if (unknown.has(i)) {
        span.title = `“${w}” is not in the model's vocabulary: it reads <unk>`;
        span.append(el('sup', {}, '<unk>'));
      } else if (folded.has(i)) span.title = `read as “${w.toLowerCase()}” (the model knows only the lowercased word)`;
      return i && !isContinued(t.source[i - 1]) ? [document.createTextNode(' '), span] : [span];
    }),
  );
  // Spaced as the target language writes the text (no space before "." in English or Korean, one
  // before "?" in French), each token still its own span for the map and the stepper.
  const offsets = t.outputOffsets;
  outputLine.replaceChildren(
    ...t.output.flatMap((w, i) => {
      const span = el('span', { class: `word${isContinued(w) ? ' cont' : ''}`, 'data-t': String(i), tabindex: '-1' }, pieceText(w));
      const spaced = offsets && offsets.length === t.output.length ? i > 0 && offsets[i][0] > offsets[i - 1][1] : i > 0;
      return spaced ? [document.createTextNode(' '), span] : [span];
    }),
  );
}

function renderUnknown(t: TranslationShown): void {
  const n = t.unknown.length;
  if (!n || n / t.source.length < 1 / 3) {
    unknownBanner.hidden = true;
    return;
  }
  const train = el(UI.button, { id: 'unknown-train', appearance: 'secondary' }, 'Train Model…');
  const download = el(UI.button, { id: 'unknown-download', appearance: 'secondary' }, 'Download Sentence Pairs…');
  train.addEventListener('click', () => host.post({ type: 'command', command: 'train' }));
  download.addEventListener('click', () => host.post({ type: 'command', command: 'download' }));
  unknownBanner.replaceChildren(
    el('span', {}, `This model knows ${t.knownWords} words; ${n} of the ${t.source.length} here are not among them (marked <unk>), so its translation is a guess. Train one on your own sentence pairs, or download some. `),
    train,
    download,
  );
  unknownBanner.hidden = false;
}

function renderWhatIf(t: TranslationShown): void {
  const f = t.forcedAttention;
  if (!f) {
    whatIfBanner.hidden = true;
    return;
  }
  const reset = el(UI.button, { id: 'whatif-reset', appearance: 'secondary' }, "Back to the model's attention");
  reset.addEventListener('click', () => host.post({ type: 'whatif/reset' }));
  whatIfBanner.replaceChildren(
    el('span', {}, `What-if: at step ${f.step + 1}, all attention on “${t.source[f.position]}”; the decoding goes on from there. Without it: `),
    el('span', { class: 'unforced' }, (t.unforcedOutput ?? []).join(' ')),
    ' ',
    reset,
  );
  whatIfBanner.hidden = false;
}

/** A byte-pair piece that continues into the next ("believ@@"), and how it is shown (without the mark). */
const isContinued = (w: string) => w.length > CONTINUATION.length && w.endsWith(CONTINUATION);
const pieceText = (w: string) => (isContinued(w) ? w.slice(0, -CONTINUATION.length) : w);

function attentionTable(t: TranslationShown, id: number): HTMLTableElement {
  const table = el('table', { class: 'attention', 'aria-label': 'Attention weights: rows are output words, columns source words' });
  const head = el('tr');
  head.append(el('th', { class: 'corner' }));
  const unknown = new Set(t.unknown);
  // A subword model: the words over their pieces, one header spanning each word's columns.
  if (t.source.some(isContinued)) {
    const words = el('tr', { class: 'word-groups' });
    words.append(el('th', { class: 'corner' }));
    const { words: joined, groups } = joinPieces(t.source);
    joined.forEach((w, k) => words.append(el('th', { class: 'word-group', colspan: String(groups[k].length), scope: 'colgroup' }, w)));
    table.append(words);
  }
  t.source.forEach((w, s) => head.append(el('th', { class: `src${unknown.has(s) ? ' unk' : ''}${isContinued(w) ? ' cont' : ''}`, scope: 'col', 'data-s': String(s), title: w }, pieceText(w))));
  table.append(head);
  const canForce = t.kind === 'seq2seq' && t.attentionKind !== 'none';
  rows.forEach((row, o) => {
    const tr = el('tr', { 'data-t': String(o) });
    const piece = t.output[o];
    tr.append(el('th', { class: `out${piece && isContinued(piece) ? ' cont' : ''}`, scope: 'row' }, piece === undefined ? '</s>' : pieceText(piece) + (isContinued(piece) ? '·' : '')));
    const best = row.indexOf(Math.max(...row));
    row.forEach((w, s) => {
      const td = el('td', { 'data-t': String(o), 'data-s': String(s), 'data-w': w.toFixed(4), title: `${t.output[o]} ← ${t.source[s]}: ${w.toFixed(3)}${canForce ? ' (click: what if all attention were here?)' : ''}` });
      td.style.backgroundColor = cellColour(w); // CSSOM, allowed by the page's CSP
      if (s === best) td.classList.add('best');
      if (w > 0.5) td.classList.add('strong'); // text in the background's colour, readable on a strong cell
      if (w >= 0.005) td.textContent = w >= 0.995 ? '1' : w.toFixed(2).replace(/^0/, '');
      tr.append(td);
    });
    table.append(tr);
  });
  table.addEventListener('mouseover', (e) => {
    const cell = (e.target as HTMLElement).closest('td, th.out, th.src') as HTMLElement | null;
    const o = cell?.closest('tr')?.dataset.t;
    const s = cell?.dataset.s;
    const target = o === undefined ? null : Number(o);
    const source = s === undefined ? null : Number(s);
    for (const x of table.querySelectorAll('.hot')) x.classList.remove('hot');
    if (target !== null) table.querySelector(`tr[data-t="${target}"]`)?.classList.add('hot');
    if (source !== null) table.querySelector(`th.src[data-s="${source}"]`)?.classList.add('hot');
    if (target !== null && source !== null) status.textContent = `“${t.output[target]}” ← “${t.source[source]}”: ${rows[target][source].toFixed(3)}`;
    else if (target !== null) status.textContent = `“${t.output[target]}” looked most at “${t.source[rows[target].indexOf(Math.max(...rows[target]))]}”`;
    host.post({ type: 'cell/hover', id, target, source });
  });
  table.addEventListener('mouseleave', () => {
    for (const x of table.querySelectorAll('.hot')) x.classList.remove('hot');
    status.textContent = '';
    host.post({ type: 'cell/hover', id, target: null, source: null });
  });
  table.addEventListener('click', (e) => {
    const td = (e.target as HTMLElement).closest('td') as HTMLElement | null;
    const row = (e.target as HTMLElement).closest('tr[data-t]') as HTMLElement | null;
    if (row && !td) {
      showStep(Number(row.dataset.t), true);
      return;
    }
    if (!td || !canForce) return;
    host.post({ type: 'whatif', step: Number(td.dataset.t), position: Number(td.dataset.s) });
  });
  return table;
}

/** Shows decoder step `s`: the slider, the word, the top-k, the context vector, the map's row. */
function showStep(s: number, fromUser: boolean): void {
  if (!shown) return;
  const t = shown.result;
  if (!t.steps.length) return;
  const t0 = performance.now();
  step = Math.max(0, Math.min(s, t.steps.length - 1));
  const st = t.steps[step];
  slider.value = String(step);
  stepLabel.textContent = `step ${step + 1} of ${t.steps.length}: “${st.word}” (${pct(st.p)})`;
  // The likeliest words: bars of probability.
  topkBox.replaceChildren(
    ...st.topk.map((c) => {
      const item = el('div', { class: `topk-item${c.word === st.word ? ' chosen' : ''}`, role: 'listitem' });
      const bar = el('span', { class: 'bar' });
      bar.style.width = `${(c.p * 100).toFixed(1)}%`;
      const track = el('span', { class: 'track' });
      track.append(bar);
      item.append(el('span', { class: 'topk-word' }, c.word), track, el('span', { class: 'topk-p' }, pct(c.p)));
      return item;
    }),
  );
  drawContext(t, st.context);
  // The map's current row, and the output word.
  for (const x of mapBox.querySelectorAll('tr.current')) x.classList.remove('current');
  mapBox.querySelector(`tr[data-t="${step}"]`)?.classList.add('current');
  for (const x of outputLine.querySelectorAll('.current')) x.classList.remove('current');
  outputLine.querySelector(`[data-t="${step}"]`)?.classList.add('current');
  // The source words this step looks at, in the source line too.
  const row = rows[step];
  for (const span of sourceLine.querySelectorAll<HTMLElement>('.word')) {
    const w = row?.[Number(span.dataset.s)] ?? 0;
    span.style.backgroundColor = row && row.length ? cellColour(w * 0.8) : '';
  }
  if (fromUser && shown) host.post({ type: 'step/select', id: shown.id, step });
  void document.body.offsetHeight; // style and layout inside the measured time
  host.post({ type: 'perf/paint', what: 'step', ms: performance.now() - t0 });
}

function drawContext(t: TranslationShown, context: number[]): void {
  if (!context.length) {
    contextBox.hidden = t.kind !== 'transformer';
    contextCaption.textContent = t.kind === 'transformer' ? 'The Transformer has no single context vector: each head of each cross-attention layer mixes the encoder states its own way.' : '';
    contextCanvas.hidden = true;
    return;
  }
  contextBox.hidden = false;
  contextCanvas.hidden = false;
  contextCaption.textContent =
    t.attentionKind === 'none'
      ? `The one context vector (${context.length} units): the encoder's last state, the same at every step. It is the only thing the decoder gets from the source.`
      : `Context vector c${step + 1} (${context.length} units): this step's attention-weighted sum of the encoder states.`;
  drawStrip(contextCanvas, context, 6);
  contextCanvas.setAttribute('aria-label', `Context vector, ${context.length} units, from ${Math.min(...context).toFixed(2)} to ${Math.max(...context).toFixed(2)}`);
}

function drawStrip(canvas: HTMLCanvasElement, values: number[], cell: number): void {
  const w = values.length * cell;
  if (canvas.width !== w) canvas.width = w;
  canvas.height = 18;
  const ctx = canvas.getContext('2d')!;
  values.forEach((v, i) => {
    const [r, g, b] = signedColor(palette, v);
    ctx.fillStyle = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
    ctx.fillRect(i * cell, 0, cell, 18);
  });
}

function renderComparison(t: TranslationShown): void {
  const c = t.comparison;
  if (!t.compare || !c) {
    compareSection.hidden = true;
    return;
  }
  compareSection.hidden = false;
  const side = (label: string, output: string, kind: string, context: number[], error?: string) => {
    const box = el('div', { class: `side side-${kind === 'none' ? 'bottleneck' : 'attention'}` });
    box.append(el('h4', {}, label), el('div', { class: 'sentence output' }, error ? '' : output));
    if (error) box.append(el('p', { class: 'status error' }, error));
    if (kind === 'none') {
      const canvas = el('canvas', { class: 'bottleneck-strip', role: 'img', 'aria-label': `The single context vector, ${context.length} units` });
      drawStrip(canvas, context, 4);
      box.append(el('p', { class: 'note' }, `The encoder squeezes all ${t.source.length} words into this one vector of ${context.length} numbers; the decoder gets nothing else from the source.`), canvas);
    } else box.append(el('p', { class: 'note' }, `At each of its ${output.length + 1} steps the decoder looks back at all ${t.source.length} encoder states and mixes them by its attention weights.`));
    return box;
  };
  const mine = side(t.modelLabel, t.text, t.attentionKind, t.attentionKind === 'none' ? (t.steps[0]?.context ?? []) : []);
  const other = side(c.modelLabel, c.text ?? c.output.join(' '), c.attentionKind, c.context, c.error);
  const pair = el('div', { class: 'sides' });
  if (t.attentionKind === 'none') pair.append(mine, other);
  else pair.append(other, mine);
  compareSection.replaceChildren(el('h3', {}, 'One context vector vs attention'), pair);
}

function renderForced(t: TranslationShown): void {
  if (document.activeElement !== referenceInput) referenceInput.value = t.reference ?? '';
  const f = t.forced;
  if (!f) {
    referenceTable.replaceChildren(el('p', { class: 'note' }, 'Give a reference (or translate a source<TAB>target line) to see, word by word, the probability the model gives the reference when fed the reference before it, as in training, and when fed its own words, as at use; an early error then compounds.'));
    return;
  }
  const table = el('table', { class: 'forced', 'aria-label': 'Teacher-forced and free-running decoding, step by step' });
  const headRow = el('tr');
  for (const h of ['step', 'reference', 'p, teacher-forced', 'it would write', 'free-running writes', 'p of the reference, free-running']) headRow.append(el('th', { scope: 'col' }, h));
  table.append(headRow);
  const refWords = [...f.reference, '</s>'];
  const freeWords = [...t.output, '</s>'];
  refWords.forEach((w, i) => {
    const tr = el('tr', { 'data-step': String(i) });
    if (i === f.firstDivergence) tr.classList.add('diverges');
    const pf = Math.exp(f.referenceLogProb[i]);
    const free = f.freeReferenceP[i];
    const bar = (p: number | null) => {
      const td = el('td', { class: 'pbar' });
      if (p === null) {
        td.textContent = '—';
        return td;
      }
      const track = el('span', { class: 'track' });
      const b = el('span', { class: 'bar' });
      b.style.width = `${(p * 100).toFixed(1)}%`;
      track.append(b);
      td.append(track, el('span', { class: 'topk-p' }, pct(p)));
      return td;
    };
    const predicted = f.predicted[i] ?? '';
    tr.append(
      el('td', { class: 'num' }, String(i + 1)),
      el('td', { class: f.referenceUnknown.includes(i) ? 'unk' : '' }, w),
      bar(pf),
      el('td', { class: predicted === w ? 'agrees' : 'differs' }, predicted),
      el('td', { class: freeWords[i] === w ? 'agrees' : 'differs' }, freeWords[i] ?? '—'),
      bar(free),
    );
    table.append(tr);
  });
  const total = f.referenceLogProb.reduce((a, b) => a + b, 0);
  const summary =
    f.firstDivergence === null
      ? `Free-running, the model writes the reference itself. Teacher-forced log-probability ${total.toFixed(3)} (loss ${(-total / f.referenceLogProb.length).toFixed(3)} per word).`
      : `The free output leaves the reference at step ${f.firstDivergence + 1}; from there the model is fed its own words, and the reference's probability under free-running falls away from the teacher-forced one. Teacher-forced log-probability ${total.toFixed(3)} (loss ${(-total / f.referenceLogProb.length).toFixed(3)} per word, the training loss on this pair).`;
  referenceTable.replaceChildren(table, el('p', { id: 'forced-summary', class: 'note' }, summary));
}

function renderBeam(t: TranslationShown): void {
  const tree = t.beam;
  if (!tree?.length) {
    beamSection.hidden = true;
    return;
  }
  beamSection.hidden = false;
  const colW = 120;
  const rowH = 34;
  const height = Math.max(...tree.map((n) => n.length)) * rowH + 24;
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('width', String(tree.length * colW + 20));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Beam search with K = ${t.beamWidth}: ${tree.length} steps`);
  svg.classList.add('beam-tree');
  // The best path: the output's prefixes.
  const best = (n: BeamViewNode) => {
    const words = [...t.output, '</s>'];
    return n.tokens.every((w, i) => words[i] === w);
  };
  const y = (i: number) => 14 + i * rowH;
  tree.forEach((nodes, s) => {
    nodes.forEach((n, i) => {
      if (s > 0) {
        const line = document.createElementNS(svgNs, 'line');
        line.setAttribute('x1', String(10 + (s - 1) * colW + 100));
        line.setAttribute('y1', String(y(n.parent)));
        line.setAttribute('x2', String(10 + s * colW));
        line.setAttribute('y2', String(y(i)));
        line.setAttribute('class', `edge${best(n) ? ' best' : ''}`);
        svg.append(line);
      }
      const g = document.createElementNS(svgNs, 'g');
      g.setAttribute('class', `node${n.finished ? ' finished' : ''}${best(n) ? ' best' : ''}`);
      g.setAttribute('data-step', String(s));
      const title = document.createElementNS(svgNs, 'title');
      title.textContent = `${n.tokens.join(' ')}\nlog p = ${n.logProb.toFixed(3)}${n.finished ? ' (ended)' : ''}`;
      const text = document.createElementNS(svgNs, 'text');
      text.setAttribute('x', String(10 + s * colW));
      text.setAttribute('y', String(y(i) + 4));
      text.textContent = `${n.tokens[n.tokens.length - 1]} ${n.logProb.toFixed(2)}`;
      g.append(title, text);
      svg.append(g);
    });
  });
  beamSection.replaceChildren(
    el('h3', {}, `Beam search, K = ${t.beamWidth}`),
    el('p', { class: 'note' }, 'Each column is a step: the hypotheses kept (live first) and those that ended with </s>, each with its total log-probability; lines join a hypothesis to the one it extends. The highlighted path is the translation.'),
    svg,
  );
}

// ---- stepper input --------------------------------------------------------------------------
slider.addEventListener('input', () => showStep(Number(slider.value), true));
prevButton.addEventListener('click', () => showStep(step - 1, true));
nextButton.addEventListener('click', () => showStep(step + 1, true));
outputLine.addEventListener('click', (e) => {
  const w = (e.target as HTMLElement).closest('[data-t]') as HTMLElement | null;
  if (w) showStep(Number(w.dataset.t), true);
});

// ---- export ---------------------------------------------------------------------------------
function snapshot(): string {
  const t = shown!.result;
  const hasMap = hasAttentionRows(t, rows);
  const outWords = [...t.output, '</s>'];
  const [br, bg, bb] = palette.background;
  const [r, g, b] = palette.kind === 'light' ? palette.negative : palette.gate;
  return matrixPng(palette, {
    rows: hasMap ? rows.map((_, i) => outWords[i]) : [],
    cols: t.source,
    value: (i, j) => rows[i][j],
    colour: (w) => [br + (r - br) * w, bg + (g - bg) * w, bb + (b - bb) * w],
    cell: 26,
    caption: `${t.source.join(' ')} → ${t.text} (${t.modelLabel})`,
  });
}
exportPng.addEventListener('click', () => shown && host.post({ type: 'export', format: 'png', dataUrl: snapshot(), name: 'translation-attention' }));
exportJson.addEventListener('click', () => shown && host.post({ type: 'export', format: 'json', name: 'translation-steps' }));

window.addEventListener('message', (event: MessageEvent<TranslateToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'translation/show':
      shown = { id: m.id, result: m.result };
      render();
      return;
    case 'step/show':
      if (shown && m.id === shown.id) showStep(m.step, false);
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
    case 'translation/stale':
      staleBanner.textContent = m.message;
      staleBanner.hidden = false;
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

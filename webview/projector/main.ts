/**
 * The embedding projector: every word of the vectors in use as a point, projected in the engine
 * (PCA of all of them; UMAP or t-SNE of up to 50,000, drawn as they form), drawn with WebGL through
 * three.js (no eval, so it runs under the strict CSP), in 2D (drag pans, wheel zooms around the
 * pointer) or 3D (drag orbits, shift-drag pans, wheel zooms). A label budget keeps the map
 * readable; search by substring or /regex/; click a point (or a listed word) for its nearest
 * neighbours in the original space, listed and lit; analogies drawn as arrows; the editor's words
 * lit and its sentence drawn as a path; TSV / JSON / PNG export into the workspace.
 * The page holds coordinates only, never the vectors.
 */
import * as THREE from 'three';
import type { AnalogyShown, NeighboursShown, ProjectionMethod, ProjectionShown, ProjectorFromWebview, ProjectorToWebview, ProjectRequest } from '../../src/protocol/projector';
import { el, registerToolkit, UI } from '../shared/toolkit';
import { Host } from '../shared/vscodeApi';
import '../shared/base.css';
import './main.css';

registerToolkit();
const host = new Host<ProjectorFromWebview, Record<string, never>>();
const app = document.getElementById('app')!;
const header = el('div', { id: 'proj-header', class: 'header' });
const searchBox = el('input', { id: 'proj-search', type: 'search', placeholder: 'Search words: a substring, or /a regex/', 'aria-label': 'Search words' });
const searchInfo = el('span', { id: 'proj-search-info', class: 'info' });
const toolbar = el('div', { class: 'toolbar' });
toolbar.append(searchBox, searchInfo);

// ---- the projection's controls: chosen before it runs ----------------------------------------
const field = (label: string, input: HTMLElement, cls = '') => {
  const l = el('label', { class: `field ${cls}` });
  l.append(el('span', {}, label), input);
  return l;
};
const numberInput = (id: string, value: string, min: string, max: string, step = '1') => el('input', { id, type: 'number', value, min, max, step });
const methodSelect = el('select', { id: 'proj-method', 'aria-label': 'Projection method' });
for (const [v, t] of [['pca', 'PCA (all vectors)'], ['umap', 'UMAP'], ['tsne', 't-SNE']]) methodSelect.append(el('option', { value: v }, t));
const dimsSelect = el('select', { id: 'proj-dims', 'aria-label': 'Dimensions' });
for (const [v, t] of [['2', '2D'], ['3', '3D']]) dimsSelect.append(el('option', { value: v }, t));
const limitInput = numberInput('proj-limit', '20000', '4', '400000', '1000');
const neighboursInput = numberInput('proj-neighbors', '15', '2', '200');
const minDistInput = numberInput('proj-mindist', '0.1', '0', '1', '0.05');
const perplexityInput = numberInput('proj-perplexity', '30', '2', '100');
const iterationsInput = numberInput('proj-iterations', '1000', '10', '10000', '50');
const runButton = el(UI.button, { id: 'proj-run' }, 'Project');
const stopButton = el(UI.button, { id: 'proj-stop', appearance: 'secondary', hidden: '' }, 'Stop');
const controls = el('div', { id: 'proj-controls', class: 'controls' });
controls.append(
  field('method', methodSelect),
  field('view', dimsSelect),
  field('points', limitInput, 'limit'),
  field('neighbours', neighboursInput, 'umap'),
  field('min dist', minDistInput, 'umap'),
  field('perplexity', perplexityInput, 'tsne'),
  field('iterations', iterationsInput, 'tsne'),
  runButton,
  stopButton,
);
const DEFAULT_LIMIT: Record<ProjectionMethod, number> = { pca: 400_000, umap: 20_000, tsne: 5_000 };
function showParams(): void {
  const m = methodSelect.value as ProjectionMethod;
  controls.dataset.method = m;
  limitInput.max = m === 'pca' ? '400000' : '50000';
}
methodSelect.addEventListener('change', () => {
  limitInput.value = String(DEFAULT_LIMIT[methodSelect.value as ProjectionMethod]);
  showParams();
});
function request(): ProjectRequest {
  const m = methodSelect.value as ProjectionMethod;
  const r: ProjectRequest = { method: m, dims: dimsSelect.value === '3' ? 3 : 2, limit: Math.round(Number(limitInput.value)) || DEFAULT_LIMIT[m] };
  if (m === 'umap') Object.assign(r, { neighbors: Math.round(Number(neighboursInput.value)), minDist: Number(minDistInput.value) });
  if (m === 'tsne') Object.assign(r, { perplexity: Number(perplexityInput.value), iterations: Math.round(Number(iterationsInput.value)) });
  return r;
}
runButton.addEventListener('click', () => host.post({ type: 'project', request: request() }));
stopButton.addEventListener('click', () => host.post({ type: 'cancel' }));

// ---- analogies and export ---------------------------------------------------------------------
const anA = el('input', { id: 'proj-an-a', placeholder: 'man', 'aria-label': 'a', size: '8' });
const anB = el('input', { id: 'proj-an-b', placeholder: 'king', 'aria-label': 'b', size: '8' });
const anC = el('input', { id: 'proj-an-c', placeholder: 'woman', 'aria-label': 'c', size: '8' });
const anGo = el(UI.button, { id: 'proj-an-go', appearance: 'secondary' }, 'Solve');
const analogyRow = el('form', { id: 'proj-analogy-form', class: 'analogy', 'aria-label': 'Analogy: a is to b as c is to ?' });
analogyRow.append(anA, el('span', {}, ' : '), anB, el('span', {}, ' :: '), anC, el('span', {}, ' : ? '), anGo);
const exportRow = el('div', { class: 'exports' });
const exportButtons = (['tsv', 'json', 'png'] as const).map((f) => {
  const b = el(UI.button, { id: `proj-export-${f}`, appearance: 'secondary' }, f.toUpperCase());
  b.addEventListener('click', () => exportMap(f));
  return b;
});
exportRow.append(el('span', { class: 'info' }, 'Export'), ...exportButtons);
const toolbar2 = el('div', { class: 'toolbar' });
toolbar2.append(analogyRow, exportRow);
const submitAnalogy = (e?: Event) => {
  e?.preventDefault();
  host.post({ type: 'analogy', a: anA.value || anA.placeholder, b: anB.value || anB.placeholder, c: anC.value || anC.placeholder });
};
analogyRow.addEventListener('submit', submitAnalogy);
anGo.addEventListener('click', () => submitAnalogy());

const stage = el('div', { id: 'proj-stage', class: 'stage' });
const labels = el('div', { id: 'proj-labels', class: 'labels', 'aria-hidden': 'true' });
const SVG = 'http://www.w3.org/2000/svg';
const overlay = document.createElementNS(SVG, 'svg');
overlay.id = 'proj-overlay';
overlay.setAttribute('class', 'overlay');
overlay.setAttribute('aria-hidden', 'true');
const side = el('aside', { id: 'proj-side', class: 'side' });
const matchesList = el('ol', { id: 'proj-matches', class: 'matches' });
const neighboursBox = el('div', { id: 'proj-neighbours', class: 'neighbours' });
const analogyBox = el('div', { id: 'proj-analogy', class: 'analogy-result' });
const similarityBox = el('div', { id: 'proj-similarity', class: 'similarity' });
side.append(el('h3', {}, 'Nearest words'), neighboursBox, analogyBox, similarityBox, el('h3', {}, 'Matches'), matchesList);
const status = el('div', { id: 'proj-status', class: 'status', role: 'status', 'aria-live': 'polite' });
const body = el('div', { class: 'body' });
body.append(stage, side);
app.append(header, controls, toolbar, toolbar2, body, status);
showParams();

let shown: ProjectionShown | undefined;
/** A layout still forming (drawn, not yet final). */
let forming: { done: number; total: number } | undefined;
let renderer: THREE.WebGLRenderer | undefined;
let scene: THREE.Scene | undefined;
let camera: THREE.OrthographicCamera | THREE.PerspectiveCamera | undefined;
let points: THREE.Points | undefined;
let colours: Float32Array | undefined;
let index = new Map<string, number>();
let matches: number[] = [];
let selected: number | undefined;
let neighbours: number[] = [];
let lit: number[] = [];
let analogy: { a: number; b: number; c: number; d: number; words: [string, string, string, string] } | undefined;
/** 2D view: centre and half-height in data units. */
const view = { cx: 0, cy: 0, half: 1 };
/** 3D view: the orbit around a target. */
const orbit = { yaw: 0.6, pitch: 0.35, dist: 3, tx: 0, ty: 0, tz: 0 };
/** The user moved the view: a layout still forming no longer refits it. */
let userMoved = false;
/** projection × view matrix of the last frame (column-major), for labels, paths and picking. */
let pv = new Float32Array(16);
const dimsOf = () => shown?.dims ?? 2;

const cssVar = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
const rgbOf = (css: string): [number, number, number] => {
  const c = new THREE.Color();
  try {
    c.setStyle(css);
  } catch {
    c.set('#888888');
  }
  return [c.r, c.g, c.b];
};

/** Colour-blind-safe roles: base grey, matches orange, neighbours blue, the selected word and the editor's words in the focus colour. */
function roleColours() {
  return {
    base: rgbOf(cssVar('--vscode-descriptionForeground', '#888')),
    match: rgbOf(cssVar('--vscode-charts-orange', '#d18616')),
    neighbour: rgbOf(cssVar('--vscode-charts-blue', '#3794ff')),
    selected: rgbOf(cssVar('--vscode-focusBorder', '#007fd4')),
  };
}

function size(): { w: number; h: number } {
  const r = stage.getBoundingClientRect();
  return { w: Math.max(200, Math.floor(r.width)), h: Math.max(200, Math.floor(r.height)) };
}

/** Fits the view to the points, ignoring the farthest 0.5% on each axis (a few outliers do not shrink the rest). */
function fit(p: ProjectionShown): void {
  const n = p.words.length;
  const d = p.dims;
  const q = (a: Float64Array, f: number) => a[Math.min(a.length - 1, Math.max(0, Math.floor(f * (a.length - 1))))];
  const axis = (c: number) => Float64Array.from({ length: n }, (_, i) => p.coords[d * i + c]).sort();
  const xs = axis(0);
  const ys = axis(1);
  view.cx = (q(xs, 0.005) + q(xs, 0.995)) / 2;
  view.cy = (q(ys, 0.005) + q(ys, 0.995)) / 2;
  view.half = Math.max(1e-9, (q(ys, 0.995) - q(ys, 0.005)) / 2, (q(xs, 0.995) - q(xs, 0.005)) / 2) * 1.08;
  if (d === 3) {
    const zs = axis(2);
    orbit.tx = view.cx;
    orbit.ty = view.cy;
    orbit.tz = (q(zs, 0.005) + q(zs, 0.995)) / 2;
    orbit.dist = Math.max(view.half, (q(zs, 0.995) - q(zs, 0.005)) / 2) * 2.6;
  }
}

function build(p: ProjectionShown): void {
  const t0 = performance.now();
  const n = p.words.length;
  const d = p.dims;
  index = new Map(p.words.map((w, i) => [w, i]));
  if (!userMoved) fit(p);
  if (!renderer) {
    // No multisampling: points need none, and it costs most of a frame in software WebGL (measured 8 vs 18 frames/s at 100,000 points without a GPU).
    renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    renderer.domElement.id = 'proj-canvas';
    renderer.domElement.setAttribute('role', 'img');
    stage.append(renderer.domElement, overlay, labels);
  }
  scene = new THREE.Scene();
  camera = d === 3 ? new THREE.PerspectiveCamera(50, 1, 1e-6, 1e9) : new THREE.OrthographicCamera(-1, 1, 1, -1, -10, 10);
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) positions[3 * i + c] = p.coords[d * i + c];
  colours = new Float32Array(n * 3);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colours, 3));
  const material = new THREE.PointsMaterial({ size: n > 50_000 ? 2 : 3, sizeAttenuation: false, vertexColors: true });
  points?.geometry.dispose();
  points = new THREE.Points(geometry, material);
  scene.add(points);
  renderer.domElement.setAttribute('aria-label', `${n} words of ${p.vectorsLabel}, projected by ${METHOD[p.method]} in ${d}D`);
  app.dataset.dims = String(d);
  recolour();
  draw();
  host.post({ type: 'perf/paint', what: 'build', ms: performance.now() - t0 });
}

/** A layout still forming: the same points moved (no rebuild); the view refits until the user moves it. */
function moveTo(coords: number[]): void {
  if (!shown || !points) return;
  shown.coords = coords;
  const d = shown.dims;
  const pos = points.geometry.getAttribute('position') as THREE.BufferAttribute;
  const arr = pos.array as Float32Array;
  for (let i = 0; i < shown.words.length; i++) for (let c = 0; c < d; c++) arr[3 * i + c] = coords[d * i + c];
  pos.needsUpdate = true;
  points.geometry.computeBoundingSphere();
  if (!userMoved) fit(shown);
  draw();
}

const METHOD: Record<ProjectionMethod, string> = { pca: 'PCA', umap: 'UMAP', tsne: 't-SNE' };

function recolour(): void {
  if (!colours || !points || !shown) return;
  const r = roleColours();
  const n = shown.words.length;
  for (let i = 0; i < n; i++) colours.set(r.base, 3 * i);
  for (const i of matches) colours.set(r.match, 3 * i);
  for (const i of neighbours) colours.set(r.neighbour, 3 * i);
  for (const i of lit) colours.set(r.selected, 3 * i);
  if (selected !== undefined) colours.set(r.selected, 3 * selected);
  (points.geometry.getAttribute('color') as THREE.BufferAttribute).needsUpdate = true;
}

function draw(): void {
  if (!renderer || !scene || !camera) return;
  const t0 = performance.now();
  const { w, h } = size();
  renderer.setSize(w, h, false);
  renderer.domElement.style.width = `${w}px`;
  renderer.domElement.style.height = `${h}px`;
  const aspect = w / h;
  if (camera instanceof THREE.OrthographicCamera) {
    camera.left = view.cx - view.half * aspect;
    camera.right = view.cx + view.half * aspect;
    camera.top = view.cy + view.half;
    camera.bottom = view.cy - view.half;
  } else {
    camera.aspect = aspect;
    const cp = Math.cos(orbit.pitch);
    camera.position.set(orbit.tx + orbit.dist * cp * Math.sin(orbit.yaw), orbit.ty + orbit.dist * Math.sin(orbit.pitch), orbit.tz + orbit.dist * cp * Math.cos(orbit.yaw));
    camera.near = orbit.dist / 1000;
    camera.far = orbit.dist * 100;
    camera.lookAt(orbit.tx, orbit.ty, orbit.tz);
  }
  camera.updateProjectionMatrix();
  camera.updateMatrixWorld();
  pv = Float32Array.from(new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse).elements);
  renderer.setClearColor(new THREE.Color(...rgbOf(cssVar('--vscode-editor-background', '#1e1e1e'))), 1);
  renderer.render(scene, camera);
  drawLabels(w, h);
  drawOverlay(w, h);
  host.post({ type: 'perf/paint', what: 'frame', ms: performance.now() - t0 });
}

/** Screen position (CSS px) of point i, or undefined behind the camera. */
function toScreen(i: number, w: number, h: number): [number, number] | undefined {
  const p = shown!;
  const d = p.dims;
  const x = p.coords[d * i];
  const y = p.coords[d * i + 1];
  const z = d === 3 ? p.coords[d * i + 2] : 0;
  const e = pv;
  const cw = e[3] * x + e[7] * y + e[11] * z + e[15];
  if (cw <= 0) return undefined;
  return [(((e[0] * x + e[4] * y + e[8] * z + e[12]) / cw + 1) / 2) * w, ((1 - (e[1] * x + e[5] * y + e[9] * z + e[13]) / cw) / 2) * h];
}
const onScreen = (s: [number, number] | undefined, w: number, h: number): s is [number, number] => !!s && s[0] >= 0 && s[0] <= w && s[1] >= 0 && s[1] <= h;

/** Analogy arrows (a → b, c → the answer) and the editor's sentence as a path, in an SVG over the map. */
function drawOverlay(w: number, h: number): void {
  overlay.setAttribute('width', String(w));
  overlay.setAttribute('height', String(h));
  const parts: string[] = [];
  parts.push('<defs><marker id="proj-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>');
  if (shown && analogy) {
    for (const [from, to, cls] of [[analogy.a, analogy.b, 'given'], [analogy.c, analogy.d, 'answer']] as const) {
      const s = toScreen(from, w, h);
      const t = toScreen(to, w, h);
      if (s && t) parts.push(`<line class="analogy-arrow ${cls}" x1="${s[0].toFixed(1)}" y1="${s[1].toFixed(1)}" x2="${t[0].toFixed(1)}" y2="${t[1].toFixed(1)}" marker-end="url(#proj-arrow)"/>`);
    }
  }
  if (shown && lit.length >= 2) {
    const pts = lit.map((i) => toScreen(i, w, h)).filter((s): s is [number, number] => !!s);
    if (pts.length >= 2) parts.push(`<polyline class="sentence-path" points="${pts.map((q) => `${q[0].toFixed(1)},${q[1].toFixed(1)}`).join(' ')}"/>`);
    pts.forEach((q, k) => parts.push(`<text class="path-step" x="${(q[0] - 4).toFixed(1)}" y="${(q[1] + 14).toFixed(1)}">${k + 1}</text>`));
  }
  overlay.innerHTML = parts.join('');
  app.dataset.arrows = String(overlay.querySelectorAll('.analogy-arrow').length);
  app.dataset.path = String(overlay.querySelectorAll('.sentence-path').length);
}

/** Labels within a budget: the selected word and its neighbours, the lit and matching words, then the most frequent in view. */
const LABEL_BUDGET = 40;
function drawLabels(w: number, h: number): void {
  if (!shown) return;
  const chosen: number[] = [];
  const seen = new Set<number>();
  const add = (i: number) => {
    if (chosen.length < LABEL_BUDGET && !seen.has(i)) {
      seen.add(i);
      chosen.push(i);
    }
  };
  if (selected !== undefined) add(selected);
  if (analogy) [analogy.a, analogy.b, analogy.c, analogy.d].forEach(add);
  neighbours.forEach(add);
  lit.forEach(add);
  matches.slice(0, 15).forEach(add);
  for (let i = 0; i < shown.words.length && chosen.length < LABEL_BUDGET; i++) if (onScreen(toScreen(i, w, h), w, h)) add(i);
  labels.replaceChildren(
    ...chosen.flatMap((i) => {
      const s = toScreen(i, w, h);
      if (!onScreen(s, w, h)) return [];
      const [x, y] = s;
      const role = i === selected || lit.includes(i) ? 'selected' : neighbours.includes(i) ? 'neighbour' : matches.includes(i) ? 'match' : 'base';
      const label = el('span', { class: `label ${role}`, 'data-i': String(i) }, shown!.words[i]);
      label.style.transform = `translate(${(x + 4).toFixed(1)}px, ${(y - 8).toFixed(1)}px)`;
      return [label];
    }),
  );
}

/** The point nearest the pointer (within 8 px; in 3D the nearest to the eye among ties), or undefined. */
function pick(clientX: number, clientY: number): number | undefined {
  if (!shown) return undefined;
  const t0 = performance.now();
  const rect = stage.getBoundingClientRect();
  const { w, h } = size();
  const px = clientX - rect.left;
  const py = clientY - rect.top;
  const e = pv;
  const c = shown.coords;
  const d = shown.dims;
  let best: number | undefined;
  let bestD = 64; // 8 px squared
  let bestW = Infinity;
  for (let i = 0, n = shown.words.length; i < n; i++) {
    const x = c[d * i];
    const y = c[d * i + 1];
    const z = d === 3 ? c[d * i + 2] : 0;
    const cw = e[3] * x + e[7] * y + e[11] * z + e[15];
    if (cw <= 0) continue;
    const sx = (((e[0] * x + e[4] * y + e[8] * z + e[12]) / cw + 1) / 2) * w - px;
    const sy = ((1 - (e[1] * x + e[5] * y + e[9] * z + e[13]) / cw) / 2) * h - py;
    const dd = sx * sx + sy * sy;
    if (dd < bestD || (dd < 64 && dd === bestD && cw < bestW)) {
      bestD = dd;
      bestW = cw;
      best = i;
    }
  }
  host.post({ type: 'perf/paint', what: 'pick', ms: performance.now() - t0 });
  return best;
}

function selectWord(i: number): void {
  if (!shown) return;
  selected = i;
  neighbours = [];
  recolour();
  draw();
  status.textContent = `“${shown.words[i]}”: looking up its nearest words…`;
  host.post({ type: 'word/select', word: shown.words[i] });
}

/** A list item chosen by click, or by Enter or Space once focused (Tab reaches it). */
function choosable(li: HTMLElement, choose: () => void): void {
  li.tabIndex = 0;
  li.setAttribute('role', 'button');
  li.addEventListener('click', choose);
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      choose();
    }
  });
}

/** Words with their cosine, as a list whose items select the word on the map. */
function wordList(id: string, items: Array<{ word: string; similarity: number }>): HTMLOListElement {
  const list = el('ol', { id });
  for (const n of items) {
    const li = el('li', { 'data-word': n.word }, `${n.word}  ${n.similarity.toFixed(3)}`);
    choosable(li, () => {
      const i = index.get(n.word);
      if (i !== undefined) selectWord(i);
    });
    list.append(li);
  }
  return list;
}

function showNeighbours(r: NeighboursShown): void {
  neighbours = r.neighbours.map((n) => index.get(n.word)).filter((i): i is number => i !== undefined);
  neighboursBox.replaceChildren(
    el('p', { class: 'note' }, r.neighbours.length ? `Nearest to “${r.word}” by cosine in the original space (on the map they may sit apart: two dimensions keep ${shown ? (shown.explained.reduce((a, b) => a + b, 0) * 100).toFixed(0) : '?'}% of the variance).` : `“${r.word}” has no neighbours here.`),
    wordList('proj-neighbour-list', r.neighbours),
  );
  const find = el(UI.button, { id: 'proj-occurrences', appearance: 'secondary' }, `Find “${r.word}” in the workspace`);
  find.addEventListener('click', () => host.post({ type: 'word/occurrences', word: r.word }));
  neighboursBox.append(find);
  status.textContent = `“${r.word}”: ${r.neighbours.length} nearest words lit in blue.`;
  recolour();
  draw();
}

/** One-hot vs embedding: the same words' cosine matrices side by side. */
function showSimilarity(words: string[], oneHot: number[][], embedding: number[][]): void {
  const [r, g, b] = rgbOf(cssVar('--vscode-charts-blue', '#3794ff'));
  const matrix = (id: string, title: string, m: number[][]) => {
    const table = el('table', { id, class: 'cosines', 'aria-label': title });
    const head = el('tr');
    head.append(el('th'));
    words.forEach((w) => head.append(el('th', { class: 'col', title: w }, w.slice(0, 4))));
    table.append(head);
    m.forEach((row, i) => {
      const tr = el('tr');
      tr.append(el('th', { class: 'row' }, words[i]));
      row.forEach((c, j) => {
        const td = el('td', { 'data-c': c.toFixed(4), title: `cos(${words[i]}, ${words[j]}) = ${c.toFixed(3)}` }, c >= 0.995 ? '1' : c.toFixed(2).replace(/^0/, '').replace(/^-0/, '-'));
        td.style.backgroundColor = `rgba(${(r * 255) | 0}, ${(g * 255) | 0}, ${(b * 255) | 0}, ${Math.max(0, Math.min(1, c)).toFixed(3)})`;
        if (c > 0.55) td.classList.add('strong'); // the background's colour on a strong cell, readable
        tr.append(td);
      });
      table.append(tr);
    });
    const figure = el('figure', { class: 'cosine-figure' });
    figure.append(el('figcaption', {}, title), table);
    return figure;
  };
  similarityBox.replaceChildren(
    el('h3', {}, 'One-hot vs embedding'),
    el('p', { class: 'note' }, 'Cosine between every pair of these words. One-hot vectors are all orthogonal: every other word is as far as every other (the identity). Embeddings put related words close.'),
    matrix('proj-onehot', 'one-hot vectors', oneHot),
    matrix('proj-embedding', 'embeddings', embedding),
  );
}

function search(): void {
  if (!shown) return;
  const q = searchBox.value.trim();
  matches = [];
  if (q) {
    let test: (w: string) => boolean;
    const re = /^\/(.+)\/([a-z]*)$/.exec(q);
    if (re) {
      try {
        const r = new RegExp(re[1], re[2].replace(/[gy]/g, ''));
        test = (w) => r.test(w);
      } catch (e) {
        searchInfo.textContent = `not a regular expression: ${(e as Error).message}`;
        recolour();
        draw();
        return;
      }
    } else {
      const s = q.toLowerCase();
      test = (w) => w.toLowerCase().includes(s);
    }
    shown.words.forEach((w, i) => test(w) && matches.push(i));
  }
  searchInfo.textContent = q ? `${matches.length.toLocaleString('en')} match${matches.length === 1 ? '' : 'es'}` : '';
  matchesList.replaceChildren(
    ...matches.slice(0, 100).map((i) => {
      const li = el('li', { 'data-word': shown!.words[i] }, shown!.words[i]);
      choosable(li, () => selectWord(i));
      return li;
    }),
  );
  recolour();
  draw();
}

/** The analogy's four words on the map (a → b, c → the best answer) and its answers listed. */
function showAnalogy(r: AnalogyShown): void {
  const at = (w: string) => index.get(w);
  const best = r.answers[0];
  const ids = [at(r.a), at(r.b), at(r.c), best ? at(best.word) : undefined];
  analogy = ids.every((i) => i !== undefined) ? { a: ids[0]!, b: ids[1]!, c: ids[2]!, d: ids[3]!, words: [r.a, r.b, r.c, best.word] } : undefined;
  analogyBox.replaceChildren(
    el('h3', {}, 'Analogy'),
    el('p', { class: 'note' }, `${r.a} : ${r.b} :: ${r.c} : ? — the words nearest to ${r.b} − ${r.a} + ${r.c} (cosine, the three left out).${analogy ? ' Arrows on the map: ' + r.a + ' → ' + r.b + ' and ' + r.c + ' → ' + best.word + '; parallel arrows are the analogy holding.' : ids.some((i) => i === undefined) ? ' Some of these words are not on the map (raise the number of points).' : ''}`),
    wordList('proj-analogy-list', r.answers),
  );
  status.textContent = best ? `${r.a} : ${r.b} :: ${r.c} : ${best.word}` : 'no answer';
  draw();
}

/** The map as files in the workspace: the coordinates (TSV / JSON) or the picture with its labels and arrows (PNG). */
function exportMap(format: 'tsv' | 'json' | 'png'): void {
  if (!shown || !renderer) return;
  const chosen = [...new Set([selected, ...neighbours, ...lit, ...matches.slice(0, 1000)].filter((i): i is number => i !== undefined))].map((i) => shown!.words[i]);
  let dataUrl: string | undefined;
  if (format === 'png') {
    draw(); // the drawing buffer holds this frame
    const gl = renderer.domElement;
    const out = document.createElement('canvas');
    out.width = gl.width;
    out.height = gl.height;
    const g = out.getContext('2d')!;
    g.drawImage(gl, 0, 0);
    const scale = gl.width / Math.max(1, gl.clientWidth);
    g.scale(scale, scale);
    g.font = `11px ${getComputedStyle(document.body).fontFamily}`;
    for (const label of labels.querySelectorAll<HTMLElement>('.label')) {
      const m = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(label.style.transform);
      if (!m) continue;
      g.fillStyle = getComputedStyle(label).color;
      g.fillText(label.textContent ?? '', Number(m[1]), Number(m[2]) + 11);
    }
    g.strokeStyle = cssVar('--vscode-charts-purple', '#b180d7');
    g.lineWidth = 1.5;
    for (const line of overlay.querySelectorAll('line, polyline')) {
      g.beginPath();
      const pts = line.tagName === 'line' ? [[line.getAttribute('x1'), line.getAttribute('y1')], [line.getAttribute('x2'), line.getAttribute('y2')]] : (line.getAttribute('points') ?? '').split(' ').map((q) => q.split(','));
      pts.forEach(([x, y], k) => (k ? g.lineTo(Number(x), Number(y)) : g.moveTo(Number(x), Number(y))));
      g.stroke();
    }
    dataUrl = out.toDataURL('image/png');
  }
  host.post({ type: 'export', format, dataUrl, selected: chosen });
}

// ---- pointer: pan and zoom (2D), orbit (3D), pick ----------------------------------------------
let drag: { x: number; y: number; cx: number; cy: number; yaw: number; pitch: number; tx: number; ty: number; tz: number; pan: boolean; moved: boolean } | undefined;
stage.addEventListener('pointerdown', (e) => {
  drag = { x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy, yaw: orbit.yaw, pitch: orbit.pitch, tx: orbit.tx, ty: orbit.ty, tz: orbit.tz, pan: e.shiftKey || e.button === 2, moved: false };
  stage.setPointerCapture(e.pointerId);
});
stage.addEventListener('pointermove', (e) => {
  if (!drag) return;
  const { h } = size();
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
  if (!drag.moved) return;
  userMoved = true;
  if (dimsOf() === 2) {
    view.cx = drag.cx - (dx / h) * 2 * view.half;
    view.cy = drag.cy + (dy / h) * 2 * view.half;
  } else if (drag.pan && camera) {
    // Pan in the camera's plane.
    const right = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 0);
    const up = new THREE.Vector3().setFromMatrixColumn(camera.matrixWorld, 1);
    const k = (orbit.dist / h) * 0.9;
    orbit.tx = drag.tx - (right.x * dx - up.x * dy) * k;
    orbit.ty = drag.ty - (right.y * dx - up.y * dy) * k;
    orbit.tz = drag.tz - (right.z * dx - up.z * dy) * k;
  } else {
    orbit.yaw = drag.yaw - dx * 0.008;
    orbit.pitch = Math.max(-1.5, Math.min(1.5, drag.pitch + dy * 0.008));
  }
  draw();
});
stage.addEventListener('pointerup', (e) => {
  const wasDrag = drag?.moved;
  drag = undefined;
  if (!wasDrag) {
    const i = pick(e.clientX, e.clientY);
    if (i !== undefined) selectWord(i);
  }
});
stage.addEventListener('contextmenu', (e) => e.preventDefault());
stage.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    userMoved = true;
    const factor = Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300)));
    if (dimsOf() === 3) {
      orbit.dist *= factor;
      draw();
      return;
    }
    const rect = stage.getBoundingClientRect();
    const { w, h } = size();
    const aspect = w / h;
    const fx = (e.clientX - rect.left) / w;
    const fy = (e.clientY - rect.top) / h;
    const wx = view.cx - view.half * aspect + fx * 2 * view.half * aspect;
    const wy = view.cy + view.half - fy * 2 * view.half;
    view.half *= factor;
    // Keep the point under the pointer where it is.
    view.cx = wx - (fx * 2 - 1) * view.half * aspect;
    view.cy = wy + (fy * 2 - 1) * view.half;
    draw();
  },
  { passive: false },
);
// Keyboard: arrows pan (2D) or orbit (3D), +/- zoom, 0 refits.
stage.tabIndex = 0;
stage.setAttribute('aria-label', 'The map: arrow keys move, + and − zoom, 0 fits the view');
stage.addEventListener('keydown', (e) => {
  const step = 0.1;
  const d3 = dimsOf() === 3;
  const keys: Record<string, () => void> = {
    ArrowLeft: () => (d3 ? (orbit.yaw += step) : (view.cx -= view.half * step)),
    ArrowRight: () => (d3 ? (orbit.yaw -= step) : (view.cx += view.half * step)),
    ArrowUp: () => (d3 ? (orbit.pitch = Math.min(1.5, orbit.pitch + step)) : (view.cy += view.half * step)),
    ArrowDown: () => (d3 ? (orbit.pitch = Math.max(-1.5, orbit.pitch - step)) : (view.cy -= view.half * step)),
    '+': () => (d3 ? (orbit.dist /= 1.2) : (view.half /= 1.2)),
    '=': () => (d3 ? (orbit.dist /= 1.2) : (view.half /= 1.2)),
    '-': () => (d3 ? (orbit.dist *= 1.2) : (view.half *= 1.2)),
    '0': () => {
      userMoved = false;
      if (shown) fit(shown);
    },
  };
  const f = keys[e.key];
  if (!f) return;
  e.preventDefault();
  if (e.key !== '0') userMoved = true;
  f();
  draw();
});
let searchTimer: number | undefined;
searchBox.addEventListener('input', () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(search, 120);
});
window.addEventListener('resize', () => draw());

function headerText(p: ProjectionShown): string {
  const count = `${p.words.length.toLocaleString('en')} words of ${p.vectorsLabel}`;
  const left = p.leftOut ? ` (the first ${p.words.length.toLocaleString('en')}; ${p.leftOut.toLocaleString('en')} more left out)` : '';
  const how =
    p.method === 'pca'
      ? `PCA, all vectors${left} · the ${p.dims} axes keep ${(p.explained.reduce((a, b) => a + b, 0) * 100).toFixed(1)}% of the variance`
      : `${METHOD[p.method]}${left}${p.parameters ? ` (${Object.entries(p.parameters).filter(([k]) => !['metric', 'init', 'theta'].includes(k)).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}${p.trustworthiness ? ` · trustworthiness at ${p.trustworthiness.k}: ${p.trustworthiness.map.toFixed(3)} (PCA ${p.trustworthiness.pca.toFixed(3)})` : ''}`;
  const stopped = p.stoppedAt ? ` · stopped at ${p.stoppedAt.done} of ${p.stoppedAt.total}` : '';
  return `${count} · ${p.dims}D · ${how}${stopped} · ${(p.ms / 1000).toFixed(1)} s`;
}

function setControls(r: ProjectRequest): void {
  methodSelect.value = r.method;
  dimsSelect.value = String(r.dims);
  if (r.limit) limitInput.value = String(r.limit);
  if (r.neighbors !== undefined) neighboursInput.value = String(r.neighbors);
  if (r.minDist !== undefined) minDistInput.value = String(r.minDist);
  if (r.perplexity !== undefined) perplexityInput.value = String(r.perplexity);
  if (r.iterations !== undefined) iterationsInput.value = String(r.iterations);
  showParams();
}

window.addEventListener('message', (event: MessageEvent<ProjectorToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'projection/show': {
      const rebuild = !shown || !points || forming === undefined || shown.words.length !== m.projection.words.length || shown.dims !== m.projection.dims;
      const wasForming = forming !== undefined;
      const oldWords = shown?.words ?? [];
      shown = m.projection;
      forming = undefined;
      app.dataset.state = 'shown';
      app.dataset.method = m.projection.method;
      header.textContent = headerText(m.projection);
      status.textContent = m.projection.stoppedAt ? `Stopped: the layout so far is kept (${m.projection.stoppedAt.done} of ${m.projection.stoppedAt.total}).` : m.projection.dims === 3 ? 'Drag to orbit, shift-drag to pan, wheel to zoom, click a point for its nearest words.' : 'Drag to pan, wheel to zoom, click a point for its nearest words.';
      status.className = 'status';
      if (rebuild || !wasForming) {
        // The selected word and its neighbours (original space) stay lit on the new map, where they are on it.
        const keep = { selected: selected !== undefined ? oldWords[selected] : undefined, neighbours: neighbours.map((i) => oldWords[i]), lit: lit.map((i) => oldWords[i]) };
        userMoved = false;
        analogy = undefined;
        index = new Map(m.projection.words.map((w, i) => [w, i]));
        const at = (w: string | undefined) => (w === undefined ? undefined : index.get(w));
        selected = at(keep.selected);
        neighbours = keep.neighbours.map(at).filter((i): i is number => i !== undefined);
        lit = keep.lit.map(at).filter((i): i is number => i !== undefined);
        build(m.projection);
      } else moveTo(m.projection.coords);
      search();
      return;
    }
    case 'projection/layout': {
      if (m.words) {
        // The first layout of a new map: its points, drawn as they move.
        shown = { vectorsLabel: shown?.vectorsLabel ?? '', method: m.method, dims: m.dims, words: m.words, coords: m.coords, explained: [], leftOut: 0, ms: 0 };
        forming = { done: m.done, total: m.total };
        selected = undefined;
        neighbours = [];
        lit = [];
        analogy = undefined;
        userMoved = false;
        build(shown);
      } else if (forming && shown) {
        forming = { done: m.done, total: m.total };
        moveTo(m.coords);
      }
      app.dataset.state = 'forming';
      app.dataset.layouts = String(Number(app.dataset.layouts ?? 0) + 1);
      header.textContent = `${METHOD[m.method]} forming: ${m.method === 'umap' ? 'epoch' : 'iteration'} ${m.done} of ${m.total} · Stop keeps the layout so far`;
      return;
    }
    case 'projection/running':
      setControls(m.request);
      app.dataset.running = String(m.running);
      runButton.toggleAttribute('disabled', m.running);
      stopButton.toggleAttribute('hidden', !m.running);
      return;
    case 'projection/progress':
      status.replaceChildren(el(UI.progress, { 'aria-label': 'Projecting' }), el('span', {}, m.message));
      status.className = 'status';
      if (!shown) app.dataset.state = 'loading';
      return;
    case 'projection/error':
      status.textContent = m.message;
      status.className = 'status error';
      app.dataset.state = shown ? 'shown' : 'error';
      return;
    case 'neighbours/show':
      showNeighbours(m.result);
      similarityBox.replaceChildren();
      return;
    case 'similarity/show':
      showSimilarity(m.words, m.oneHot, m.embedding);
      return;
    case 'analogy/show':
      showAnalogy(m.result);
      return;
    case 'analogy/error':
      analogy = undefined;
      analogyBox.replaceChildren(el('p', { id: 'proj-analogy-error', class: 'note error' }, m.message));
      draw();
      return;
    case 'highlight':
      lit = m.words.map((w) => index.get(w)).filter((i): i is number => i !== undefined);
      app.dataset.lit = String(lit.length);
      recolour();
      draw();
      return;
    case 'select': {
      const i = index.get(m.word);
      if (i !== undefined) selectWord(i);
      return;
    }
    case 'exported':
      status.textContent = `Saved ${m.file}.`;
      status.className = 'status';
      app.dataset.exported = m.file;
      return;
  }
});

new MutationObserver(() => {
  recolour();
  draw();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });

app.dataset.state = 'empty';
host.post({ type: 'ready' });

/**
 * The embedding projector: every word of the vectors in use as a point (PCA, computed in the
 * engine), drawn with WebGL through three.js (no eval, so it runs under the strict CSP). Drag to
 * pan, wheel to zoom around the pointer; a label budget keeps the map readable; search by
 * substring or /regex/; click a point (or a listed word) for its nearest neighbours, in the
 * original space, listed and lit on the map; the word under the editor's caret is lit too.
 * The page holds coordinates only, never the vectors.
 */
import * as THREE from 'three';
import type { NeighboursShown, ProjectionShown, ProjectorFromWebview, ProjectorToWebview } from '../../src/protocol/projector';
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
const stage = el('div', { id: 'proj-stage', class: 'stage' });
const labels = el('div', { id: 'proj-labels', class: 'labels', 'aria-hidden': 'true' });
const side = el('aside', { id: 'proj-side', class: 'side' });
const matchesList = el('ol', { id: 'proj-matches', class: 'matches' });
const neighboursBox = el('div', { id: 'proj-neighbours', class: 'neighbours' });
const similarityBox = el('div', { id: 'proj-similarity', class: 'similarity' });
side.append(el('h3', {}, 'Nearest words'), neighboursBox, similarityBox, el('h3', {}, 'Matches'), matchesList);
const status = el('div', { id: 'proj-status', class: 'status', role: 'status', 'aria-live': 'polite' });
const body = el('div', { class: 'body' });
body.append(stage, side);
app.append(header, toolbar, body, status);

let shown: ProjectionShown | undefined;
let renderer: THREE.WebGLRenderer | undefined;
let scene: THREE.Scene | undefined;
let camera: THREE.OrthographicCamera | undefined;
let points: THREE.Points | undefined;
let colours: Float32Array | undefined;
let index = new Map<string, number>();
let matches: number[] = [];
let selected: number | undefined;
let neighbours: number[] = [];
let lit: number[] = [];
/** View: centre and half-height in data units. */
const view = { cx: 0, cy: 0, half: 1 };

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

function build(p: ProjectionShown): void {
  const t0 = performance.now();
  const n = p.words.length;
  index = new Map(p.words.map((w, i) => [w, i]));
  // Fit the view to the points (ignoring the farthest 0.5%, so a few outliers do not shrink the rest).
  const xs = Array.from({ length: n }, (_, i) => p.coords[2 * i]).sort((a, b) => a - b);
  const ys = Array.from({ length: n }, (_, i) => p.coords[2 * i + 1]).sort((a, b) => a - b);
  const q = (a: number[], f: number) => a[Math.min(a.length - 1, Math.max(0, Math.floor(f * (a.length - 1))))];
  view.cx = (q(xs, 0.005) + q(xs, 0.995)) / 2;
  view.cy = (q(ys, 0.005) + q(ys, 0.995)) / 2;
  view.half = Math.max(1e-6, (q(ys, 0.995) - q(ys, 0.005)) / 2, (q(xs, 0.995) - q(xs, 0.005)) / 2) * 1.08;
  if (!renderer) {
    renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    renderer.domElement.id = 'proj-canvas';
    renderer.domElement.setAttribute('role', 'img');
    stage.append(renderer.domElement, labels);
  }
  scene = new THREE.Scene();
  camera = new THREE.OrthographicCamera(-1, 1, 1, -1, -10, 10);
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    positions[3 * i] = p.coords[2 * i];
    positions[3 * i + 1] = p.coords[2 * i + 1];
  }
  colours = new Float32Array(n * 3);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colours, 3));
  const material = new THREE.PointsMaterial({ size: n > 50_000 ? 2 : 3, sizeAttenuation: false, vertexColors: true });
  points?.geometry.dispose();
  points = new THREE.Points(geometry, material);
  scene.add(points);
  renderer.domElement.setAttribute('aria-label', `${n} words of ${p.vectorsLabel}, projected by PCA`);
  recolour();
  draw();
  host.post({ type: 'perf/paint', what: 'build', ms: performance.now() - t0 });
}

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
  camera.left = view.cx - view.half * aspect;
  camera.right = view.cx + view.half * aspect;
  camera.top = view.cy + view.half;
  camera.bottom = view.cy - view.half;
  camera.updateProjectionMatrix();
  renderer.setClearColor(new THREE.Color(...rgbOf(cssVar('--vscode-editor-background', '#1e1e1e'))), 1);
  renderer.render(scene, camera);
  drawLabels(w, h);
  host.post({ type: 'perf/paint', what: 'frame', ms: performance.now() - t0 });
}

/** Screen position (CSS px) of point i. */
function toScreen(i: number, w: number, h: number): [number, number] {
  const p = shown!;
  const aspect = w / h;
  return [((p.coords[2 * i] - (view.cx - view.half * aspect)) / (2 * view.half * aspect)) * w, ((view.cy + view.half - p.coords[2 * i + 1]) / (2 * view.half)) * h];
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
  neighbours.forEach(add);
  lit.forEach(add);
  matches.slice(0, 15).forEach(add);
  for (let i = 0; i < shown.words.length && chosen.length < LABEL_BUDGET; i++) {
    const [x, y] = toScreen(i, w, h);
    if (x >= 0 && x <= w && y >= 0 && y <= h) add(i);
  }
  labels.replaceChildren(
    ...chosen.flatMap((i) => {
      const [x, y] = toScreen(i, w, h);
      if (x < 0 || x > w || y < 0 || y > h) return [];
      const role = i === selected || lit.includes(i) ? 'selected' : neighbours.includes(i) ? 'neighbour' : matches.includes(i) ? 'match' : 'base';
      const label = el('span', { class: `label ${role}`, 'data-i': String(i) }, shown!.words[i]);
      label.style.transform = `translate(${(x + 4).toFixed(1)}px, ${(y - 8).toFixed(1)}px)`;
      return [label];
    }),
  );
}

/** The point nearest the pointer (within 8 px), or undefined. */
function pick(clientX: number, clientY: number): number | undefined {
  if (!shown) return undefined;
  const t0 = performance.now();
  const rect = stage.getBoundingClientRect();
  const { w, h } = size();
  const aspect = w / h;
  const wx = view.cx - view.half * aspect + ((clientX - rect.left) / w) * 2 * view.half * aspect;
  const wy = view.cy + view.half - ((clientY - rect.top) / h) * 2 * view.half;
  const r2 = ((8 / h) * 2 * view.half) ** 2;
  let best: number | undefined;
  let bestD = r2;
  const c = shown.coords;
  for (let i = 0, n = shown.words.length; i < n; i++) {
    const dx = c[2 * i] - wx;
    const dy = c[2 * i + 1] - wy;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
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

function showNeighbours(r: NeighboursShown): void {
  neighbours = r.neighbours.map((n) => index.get(n.word)).filter((i): i is number => i !== undefined);
  neighboursBox.replaceChildren(
    el('p', { class: 'note' }, r.neighbours.length ? `Nearest to “${r.word}” by cosine in the original space (on the map they may sit apart: two dimensions keep ${shown ? (shown.explained.reduce((a, b) => a + b, 0) * 100).toFixed(0) : '?'}% of the variance).` : `“${r.word}” has no neighbours here.`),
    el('ol', { id: 'proj-neighbour-list' }),
  );
  const list = neighboursBox.querySelector('ol')!;
  for (const n of r.neighbours) {
    const li = el('li', { 'data-word': n.word }, `${n.word}  ${n.similarity.toFixed(3)}`);
    li.addEventListener('click', () => {
      const i = index.get(n.word);
      if (i !== undefined) selectWord(i);
    });
    list.append(li);
  }
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
      li.addEventListener('click', () => selectWord(i));
      return li;
    }),
  );
  recolour();
  draw();
}

// ---- pointer: pan, zoom, pick ----------------------------------------------------------------
let drag: { x: number; y: number; cx: number; cy: number; moved: boolean } | undefined;
stage.addEventListener('pointerdown', (e) => {
  drag = { x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy, moved: false };
  stage.setPointerCapture(e.pointerId);
});
stage.addEventListener('pointermove', (e) => {
  if (!drag) return;
  const { h } = size();
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
  view.cx = drag.cx - (dx / h) * 2 * view.half;
  view.cy = drag.cy + (dy / h) * 2 * view.half;
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
stage.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const rect = stage.getBoundingClientRect();
    const { w, h } = size();
    const aspect = w / h;
    const fx = (e.clientX - rect.left) / w;
    const fy = (e.clientY - rect.top) / h;
    const wx = view.cx - view.half * aspect + fx * 2 * view.half * aspect;
    const wy = view.cy + view.half - fy * 2 * view.half;
    const factor = Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300)));
    view.half *= factor;
    // Keep the point under the pointer where it is.
    view.cx = wx - (fx * 2 - 1) * view.half * aspect;
    view.cy = wy + (fy * 2 - 1) * view.half;
    draw();
  },
  { passive: false },
);
let searchTimer: number | undefined;
searchBox.addEventListener('input', () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(search, 120);
});
window.addEventListener('resize', () => draw());

window.addEventListener('message', (event: MessageEvent<ProjectorToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'projection/show':
      shown = m.projection;
      selected = undefined;
      neighbours = [];
      lit = [];
      app.dataset.state = 'shown';
      header.textContent = `${m.projection.words.length.toLocaleString('en')} words of ${m.projection.vectorsLabel} · PCA, all vectors${m.projection.leftOut ? ` (the first ${m.projection.words.length.toLocaleString('en')}; ${m.projection.leftOut.toLocaleString('en')} more left out)` : ''} · the two axes keep ${(m.projection.explained.reduce((a, b) => a + b, 0) * 100).toFixed(1)}% of the variance · ${m.projection.ms} ms`;
      status.textContent = 'Drag to pan, wheel to zoom, click a point for its nearest words.';
      status.className = 'status';
      build(m.projection);
      search();
      return;
    case 'projection/progress':
      status.replaceChildren(el(UI.progress, { 'aria-label': 'Projecting' }), el('span', {}, m.message));
      app.dataset.state = shown ? 'shown' : 'loading';
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
    case 'highlight':
      lit = m.words.map((w) => index.get(w)).filter((i): i is number => i !== undefined);
      app.dataset.lit = String(lit.length);
      recolour();
      draw();
      return;
  }
});

new MutationObserver(() => {
  recolour();
  draw();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });

app.dataset.state = 'empty';
host.post({ type: 'ready' });

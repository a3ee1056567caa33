/// <reference lib="dom" />
/**
 * Repaint benchmark for the timestep panel: the real webview bundle
 * (dist/webview/timesteps.js and .css) in Debian's Chromium, driven by
 * playwright-core from test/e2e-tools, showing a 50-token trace of a 256-unit
 * LSTM (random values in the states' ranges), stepped with the real keyboard.
 * The page reports each step's time (paint plus forced style and layout).
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Rng } from '../src/core/random';

export async function measureRepaint(root: string, log: (...a: unknown[]) => void): Promise<{ median: number; p95: number; count: number }> {
  log('repaint: the timestep webview in Chromium, 50 tokens × 256 units, 98 steps by keyboard');
  const T = 50;
  const H = 256;
  const rng = new Rng(1);
  const state = (lo: number, hi: number) => Array.from(rng.uniformArray(T * H, lo, hi));
  const words = 'the keys to the old cabinet are on the table .'.split(' ');
  const trace = {
    modelId: 'lstm',
    modelLabel: 'LSTM',
    tokens: Array.from({ length: T }, (_, i) => ({ text: words[i % words.length], start: i * 4, end: i * 4 + 3, id: 5, unknown: i % 13 === 7 })),
    layers: [{ name: 'lstm', kind: 'lstm', units: H, states: { h: state(-1, 1), c: state(-3, 3), i: state(0, 1), f: state(0, 1), g: state(-1, 1), o: state(0, 1) } }],
    predictions: Array.from({ length: T }, () => [{ word: 'are', p: 0.5 }, { word: 'is', p: 0.2 }]),
    truncatedTokens: 0,
    probeMs: 1,
  };
  const { browser, page } = await openWebviewPage(root, 'timesteps', '--vscode-editor-background:#1e1e1e;--vscode-foreground:#ccc;--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;--vscode-charts-green:#89d185;--vscode-focusBorder:#0078d4', { width: 1400, height: 600 });
  try {
    await page.evaluate((t: typeof trace) => {
      const states: Record<string, { data: Float32Array; shape: number[] }> = {};
      for (const [k, v] of Object.entries(t.layers[0].states)) states[k] = { data: Float32Array.from(v as number[]), shape: [50, 256] };
      const msg = { type: 'trace/show', trace: { ...t, layers: [{ ...t.layers[0], states }] }, step: 0, source: 'bench', models: [{ id: 'lstm', label: 'LSTM' }] };
      window.postMessage(msg, '*');
    }, trace);
    await page.waitForFunction(() => document.getElementById('app')?.dataset.state === 'trace');
    await page.focus('#slider');
    await page.evaluate(() => ((window as unknown as { __messages: unknown[] }).__messages.length = 0));
    for (let i = 0; i < T - 1; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < T - 1; i++) await page.keyboard.press('ArrowLeft');
    const times = (await page.evaluate(() =>
      (window as unknown as { __messages: Array<{ type: string; ms: number }> }).__messages.filter((m) => m.type === 'perf/repaint').map((m) => m.ms),
    )) as number[];
    if (times.length < 2 * (T - 1)) throw new Error(`only ${times.length} repaints reported`);
    const sorted = [...times].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.floor(sorted.length * 0.95)], count: times.length };
  } finally {
    await browser.close();
  }
}

/**
 * Repaint benchmark for the training dashboard: the real webview bundle (dist/webview/training.js)
 * in Chromium showing 5 runs × 10,000 rows (loss, tokens/s, learning rate, teacher forcing per
 * row; validation loss and BLEU every 100 steps), then new rows streamed as the host sends them.
 * The page reports each redraw's time: aligning the series, smoothing, uPlot's setData and draw.
 */
export async function measureDashboardRepaint(root: string, log: (...a: unknown[]) => void, runs = 5, points = 10_000, appends = 30): Promise<{ first: number; median: number; p95: number; count: number }> {
  log(`dashboard-repaint: the training dashboard in Chromium, ${runs} runs × ${points.toLocaleString('en')} points per series, ${appends} streamed updates`);
  const { browser, page } = await openWebviewPage(root, 'training', '--vscode-editor-background:#1e1e1e;--vscode-foreground:#ccc;--vscode-charts-blue:#3794ff;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;--vscode-charts-purple:#b180d7;--vscode-charts-red:#f14c4c', { width: 1400, height: 900 });
  try {
    await page.evaluate(
      ({ runs, points }: { runs: number; points: number }) => {
        const rng = (() => {
          let s = 12345;
          return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
        })();
        const row = (r: number, step: number) => ({ split: 'train', step, time: step * 0.05, epoch: Math.floor(step / 1000), loss: 4 * Math.exp(-step / 3000) + 0.5 + 0.2 * rng() + 0.05 * r, tokensPerSecond: 14000 + 1000 * rng(), learningRate: 0.002, teacherForcing: Math.max(0, 1 - step / points) });
        const list = Array.from({ length: runs }, (_, r) => {
          const rows: unknown[] = [];
          for (let s = 1; s <= points; s++) {
            rows.push(row(r, s));
            if (s % 100 === 0) rows.push({ split: 'validation', step: s, time: s * 0.05, epoch: 0, loss: 4 * Math.exp(-s / 3000) + 0.6, bleu: 30 * (1 - Math.exp(-s / 4000)) });
          }
          return { id: `run-${r}`, dir: `/runs/run-${r}`, name: `run ${r}`, task: 'translate', model: 'attention', state: 'training', metrics: {}, config: undefined, rows, probes: [], problems: [] };
        });
        (window as unknown as { __next: number; __row: typeof row }).__next = points + 1;
        (window as unknown as { __row: typeof row }).__row = row;
        window.postMessage({ type: 'runs/show', runs: list, differences: [] }, '*');
      },
      { runs, points },
    );
    await page.waitForFunction(() => document.querySelectorAll('.chart').length > 0 && (window as unknown as { __messages: Array<{ type: string }> }).__messages.some((m) => m.type === 'repaint'), undefined, { timeout: 60_000 });
    const first = (await page.evaluate(() => (window as unknown as { __messages: Array<{ type: string; ms: number }> }).__messages.filter((m) => m.type === 'repaint').map((m) => m.ms)[0])) as number;
    await page.evaluate(() => ((window as unknown as { __messages: unknown[] }).__messages.length = 0));
    for (let i = 0; i < appends; i++) {
      // What the host sends every 250 ms while a run trains: a few new rows of one run.
      await page.evaluate(
        ({ runs, i }: { runs: number; i: number }) => {
          const w = window as unknown as { __next: number; __row: (r: number, s: number) => unknown };
          const rows = Array.from({ length: 5 }, () => w.__row(i % runs, w.__next++));
          window.postMessage({ type: 'run/append', id: `run-${i % runs}`, rows, probes: [] }, '*');
        },
        { runs, i },
      );
      await page.waitForFunction((n: number) => (window as unknown as { __messages: Array<{ type: string }> }).__messages.filter((m) => m.type === 'repaint').length >= n, i + 1, { timeout: 30_000 });
    }
    const times = (await page.evaluate(() => (window as unknown as { __messages: Array<{ type: string; ms: number }> }).__messages.filter((m) => m.type === 'repaint').map((m) => m.ms))) as number[];
    const sorted = [...times].sort((a, b) => a - b);
    return { first, median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.floor(sorted.length * 0.95)], count: times.length };
  } finally {
    await browser.close();
  }
}

/** Chromium with one of SeqLens's real webview pages (dist/webview/<entry>.js/.css), as a file page. */
export async function openWebviewPage(root: string, entry: string, bodyStyle: string, viewport: { width: number; height: number }) {
  const toolsPkg = path.join(root, 'test', 'e2e-tools', 'package.json');
  let chromium: { launch(o: object): Promise<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    chromium = createRequire(toolsPkg)('playwright-core').chromium;
  } catch {
    throw new Error('playwright-core is not installed (bash scripts/e2e-tools.sh)');
  }
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  const dir = path.join(root, 'out', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const html = path.join(dir, `${entry}.html`);
  const asset = (f: string) => pathToFileURL(path.join(root, 'dist', 'webview', f)).toString();
  fs.writeFileSync(
    html,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${asset(`${entry}.css`)}">
<script>window.__messages = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__messages.push(m), getState: () => undefined, setState: () => {} });</script>
</head><body class="vscode-dark" style="${bodyStyle}">
<div id="app" data-entry="${entry}"></div><script src="${asset(`${entry}.js`)}"></script></body></html>`,
  );
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--allow-file-access-from-files'] });
  const page = await browser.newPage({ viewport });
  await page.goto(pathToFileURL(html).toString());
  return { browser, page };
}

/**
 * The Transformer lens's model view (every layer, head and kind as thumbnails) for a real 60-token
 * view from the engine, painted by the real bundle in Chromium; the page reports each paint.
 */
export async function measureTransformerGrid(root: string, log: (...a: unknown[]) => void, view: unknown, paints = 15): Promise<{ median: number; count: number }> {
  log(`attention-grid: the Transformer lens's model view in Chromium, ${paints} paints`);
  const { browser, page } = await openWebviewPage(root, 'transformer', '--vscode-editor-background:#1e1e1e;--vscode-foreground:#ccc;--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;--vscode-charts-green:#89d185;--vscode-focusBorder:#0078d4', { width: 1400, height: 900 });
  try {
    for (let i = 0; i < paints; i++) {
      await page.evaluate(({ v, id }: { v: unknown; id: number }) => window.postMessage({ type: 'view/show', id, view: v, sourceLabel: 'bench', models: [{ id: 'en-ko-transformer', label: 'bench' }], head: { kind: 'encoder-self', layer: 0, head: -1 } }, '*'), { v: view, id: i + 1 });
      await page.waitForFunction((n: number) => (window as unknown as { __messages: Array<{ type: string; what?: string }> }).__messages.filter((m) => m.type === 'perf/paint' && m.what === 'grid').length >= n, i + 1, { timeout: 30_000 });
    }
    const times = (await page.evaluate(() => (window as unknown as { __messages: Array<{ type: string; what?: string; ms: number }> }).__messages.filter((m) => m.type === 'perf/paint' && m.what === 'grid').map((m) => m.ms))) as number[];
    const sorted = [...times.slice(1)].sort((a, b) => a - b); // the first paint includes the page's warm-up
    return { median: sorted[Math.floor(sorted.length / 2)], count: sorted.length };
  } finally {
    await browser.close();
  }
}

/**
 * The seq2seq lens's stepper: the real translate webview with the lens's view of a 20-word
 * sentence (from the engine, in the same run), stepped by keyboard across every step and back.
 * Each step reports its time (top 5, context strip, the map's row, the source shading, layout).
 */
export async function measureTranslateStepper(root: string, log: (...a: unknown[]) => void, view: unknown): Promise<{ median: number; p95: number; count: number }> {
  const v = view as { steps: unknown[] };
  log(`lens-stepper: the translate webview in Chromium, ${v.steps.length} decoder steps by keyboard, there and back`);
  const { browser, page } = await openWebviewPage(root, 'translate', '--vscode-editor-background:#1e1e1e;--vscode-foreground:#ccc;--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;--vscode-charts-green:#89d185;--vscode-focusBorder:#0078d4', { width: 1400, height: 900 });
  try {
    await page.evaluate((vv: unknown) => {
      const result = { ...(vv as object), modelLabel: 'bench', modelId: 'en-ko', models: [{ id: 'en-ko', label: 'bench' }], sourceLabel: 'bench', beamRequested: 1, compare: false, step: 0, linked: false, ms: 0 };
      window.postMessage({ type: 'translation/show', id: 1, result }, '*');
    }, view);
    await page.waitForFunction(() => document.getElementById('app')?.dataset.state === 'shown');
    await page.focus('#decoder-slider');
    await page.evaluate(() => ((window as unknown as { __messages: unknown[] }).__messages.length = 0));
    const n = v.steps.length;
    for (let i = 0; i < n - 1; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < n - 1; i++) await page.keyboard.press('ArrowLeft');
    const times = (await page.evaluate(() =>
      (window as unknown as { __messages: Array<{ type: string; what?: string; ms: number }> }).__messages.filter((m) => m.type === 'perf/paint' && m.what === 'step').map((m) => m.ms),
    )) as number[];
    if (times.length < 2 * (n - 1)) throw new Error(`only ${times.length} step repaints reported`);
    const sorted = [...times].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.floor(sorted.length * 0.95)], count: times.length };
  } finally {
    await browser.close();
  }
}

/**
 * The embedding projector with 100,000 points (six clusters, random), the real bundle in Chromium
 * (software WebGL, no GPU): frames per second while panning (a pointer move every animation frame,
 * each one a full render of every point plus labels), and the time to pick the point under the
 * pointer on click (the page reports each pick).
 */
export async function measureProjector(root: string, log: (...a: unknown[]) => void, n = 100_000): Promise<{ fps: number; frameMs: number; pickMs: number; picks: number }> {
  log(`projector: ${n.toLocaleString('en')} points in the projector webview in Chromium (software WebGL): pan frames per second, pick time`);
  const rng = new Rng(3);
  const coords: number[] = [];
  const centres = Array.from({ length: 6 }, () => [rng.normal() * 5, rng.normal() * 5]);
  for (let i = 0; i < n; i++) {
    const c = centres[i % 6];
    coords.push(c[0] + rng.normal(), c[1] + rng.normal());
  }
  const words = Array.from({ length: n }, (_, i) => `w${i}`);
  const { browser, page } = await openWebviewPage(root, 'projector', '--vscode-editor-background:#1e1e1e;--vscode-foreground:#ccc;--vscode-descriptionForeground:#999;--vscode-charts-blue:#3794ff;--vscode-charts-orange:#d18616;--vscode-focusBorder:#0078d4', { width: 1200, height: 800 });
  try {
    await page.evaluate((p: { words: string[]; coords: number[] }) => {
      window.postMessage({ type: 'projection/show', projection: { vectorsLabel: 'bench', method: 'pca', dims: 2, words: p.words, coords: p.coords, explained: [0.1, 0.1], leftOut: 0, ms: 0 } }, '*');
    }, { words, coords });
    await page.waitForFunction(() => document.getElementById('app')?.dataset.state === 'shown' && !!document.getElementById('proj-canvas'));
    const r = await page.evaluate(async () => {
      const stage = document.getElementById('proj-stage')!;
      const box = stage.getBoundingClientRect();
      const at = (x: number, y: number) => ({ clientX: box.left + x, clientY: box.top + y, pointerId: 1, bubbles: true });
      stage.dispatchEvent(new PointerEvent('pointerdown', at(300, 300)));
      const frames = 90;
      let k = 0;
      const t0 = performance.now();
      await new Promise<void>((done) => {
        const f = () => {
          k++;
          stage.dispatchEvent(new PointerEvent('pointermove', at(300 + k * 3, 300 + (k % 20))));
          if (k < frames) requestAnimationFrame(f);
          else done();
        };
        requestAnimationFrame(f);
      });
      // One pixel read forces the last frame to finish.
      const gl = (document.getElementById('proj-canvas') as HTMLCanvasElement).getContext('webgl2') ?? (document.getElementById('proj-canvas') as HTMLCanvasElement).getContext('webgl');
      gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      const seconds = (performance.now() - t0) / 1000;
      stage.dispatchEvent(new PointerEvent('pointerup', at(300 + k * 3, 300)));
      // Clicks without a drag: each one picks.
      for (let i = 0; i < 40; i++) {
        const x = 50 + ((i * 97) % 800);
        const y = 50 + ((i * 61) % 500);
        stage.dispatchEvent(new PointerEvent('pointerdown', at(x, y)));
        stage.dispatchEvent(new PointerEvent('pointerup', at(x, y)));
      }
      return { fps: frames / seconds };
    });
    const perf = ((await page.evaluate(() => (window as unknown as { __messages: unknown[] }).__messages)) as Array<{ type: string; what?: string; ms?: number }>).filter((m) => m.type === 'perf/paint');
    const med = (a: number[]) => {
      const s = [...a].sort((x, y) => x - y);
      return s.length ? s[Math.floor(s.length / 2)] : NaN;
    };
    const frames = perf.filter((m) => m.what === 'frame').map((m) => m.ms!);
    const picks = perf.filter((m) => m.what === 'pick').map((m) => m.ms!);
    return { fps: r.fps, frameMs: med(frames), pickMs: med(picks), picks: picks.length };
  } finally {
    await browser.close();
  }
}

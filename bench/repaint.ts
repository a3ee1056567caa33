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
  const toolsPkg = path.join(root, 'test', 'e2e-tools', 'package.json');
  let chromium: { launch(o: object): Promise<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    chromium = createRequire(toolsPkg)('playwright-core').chromium;
  } catch {
    throw new Error('playwright-core is not installed (bash scripts/e2e-tools.sh)');
  }
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  log('repaint: the timestep webview in Chromium, 50 tokens × 256 units, 98 steps by keyboard');
  const dir = path.join(root, 'out', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const html = path.join(dir, 'repaint.html');
  const asset = (f: string) => pathToFileURL(path.join(root, 'dist', 'webview', f)).toString();
  fs.writeFileSync(
    html,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${asset('timesteps.css')}">
<script>window.__messages = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__messages.push(m), getState: () => undefined, setState: () => {} });</script>
</head><body class="vscode-dark" style="--vscode-editor-background:#1e1e1e;--vscode-foreground:#ccc;--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;--vscode-charts-green:#89d185;--vscode-focusBorder:#0078d4">
<div id="app" data-entry="timesteps"></div><script src="${asset('timesteps.js')}"></script></body></html>`,
  );
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
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--allow-file-access-from-files'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 600 } });
    await page.goto(pathToFileURL(html).toString());
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

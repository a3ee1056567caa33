// One esbuild script, one context per target (vscode-eslint's layout):
//   extension  src/extension/extension.ts → dist/extension.js  (Node, CommonJS, `vscode` external, no tfjs)
//   worker     src/worker/main.ts         → dist/worker.js     (Node, the engine thread, bundles tfjs)
//   webviews   webview/<panel>/main.ts    → dist/webview/<panel>.js + .css (browser)
//   wasm       tfjs-backend-wasm*.wasm    → dist/wasm/ (found with setWasmPaths)
// Flags: --watch, --production (minified, no source maps), --tests, --bench, --scripts.
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { compileWatFile, watPlugin } from './watPlugin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const dist = path.join(root, 'dist');
const out = path.join(root, 'out');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  plugins: [watPlugin], // `import bytes from './kernels.wat'`: compiled by wabt, bundled as bytes
};
const node = { ...common, platform: 'node', target: 'node20', format: 'cjs' };

// Compiles the project's own WebAssembly (the .wat sources, SIMD) with wabt into dist/wasm/.
async function compileWat() {
  const dst = path.join(dist, 'wasm');
  fs.mkdirSync(dst, { recursive: true });
  for (const rel of ['src/core/word2vec/sgns.wat']) {
    fs.writeFileSync(path.join(dst, path.basename(rel, '.wat') + '.wasm'), await compileWatFile(path.join(root, rel)));
  }
}

/** Copies the wasm binaries next to the worker: dist/wasm/. */
function copyWasm() {
  const src = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const dst = path.join(dist, 'wasm');
  fs.mkdirSync(dst, { recursive: true });
  // The threaded binary is not used in Node (tfjs disables threads there).
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) fs.copyFileSync(path.join(src, f), path.join(dst, f));
}

const webviews = fs.readdirSync(path.join(root, 'webview'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, 'webview', d.name, 'main.ts')))
  .map((d) => d.name);

const targets = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: dist, external: ['vscode'], metafile: true },
  { ...node, entryPoints: { worker: 'src/worker/main.ts' }, outdir: dist },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: dist, banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: Object.fromEntries(webviews.map((w) => [w, `webview/${w}/main.ts`])),
    outdir: path.join(dist, 'webview'),
    loader: { '.css': 'css' },
  },
];

const globTs = (dir) => (fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`) : []);
// Tests, benchmarks and scripts run from a checkout: keep node_modules external (one tfjs instance, fast builds).
const devNode = { ...node, packages: 'external', outbase: '.', outdir: out };
if (args.has('--tests')) {
  targets.push({ ...devNode, entryPoints: [...globTs('test/unit'), ...globTs('test/integration')], external: ['vscode'] });
}
if (args.has('--bench')) targets.push({ ...devNode, entryPoints: globTs('bench') });
if (args.has('--scripts')) targets.push({ ...devNode, entryPoints: globTs('scripts') });

const t0 = Date.now();
if (production) fs.rmSync(dist, { recursive: true, force: true }); // no stale source maps in a package
fs.mkdirSync(dist, { recursive: true });
copyWasm();
await compileWat();
if (watch) {
  for (const t of targets) {
    const ctx = await esbuild.context(t);
    await ctx.watch();
  }
  console.log('[build] watching for changes');
} else {
  const results = await Promise.all(targets.map((t) => esbuild.build(t)));
  const meta = results[0].metafile;
  // Activation budget: the extension bundle must not pull in tfjs.
  const tfInputs = Object.keys(meta.inputs).filter((f) => f.includes('@tensorflow'));
  if (tfInputs.length) {
    console.error(`[build] dist/extension.js must not bundle tfjs, but includes ${tfInputs[0]}`);
    process.exit(1);
  }
  fs.writeFileSync(path.join(dist, 'extension.meta.json'), JSON.stringify(meta));
  fs.chmodSync(path.join(dist, 'cli.js'), 0o755); // the `seqlens` bin
  console.log(`[build] ${targets.length} targets in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
}

// `npm test`: builds, runs the unit tests (node --test) and the integration tests in a
// real VS Code (code-server + Chromium, offline), then prints one line that counts both:
//   N passed, N failed[, N skipped]
// Exits non-zero when anything failed or a stage could not run.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = process.env.E2E_ARTIFACTS_DIR || path.join(root, '.e2e-artifacts');
const counts = { passed: 0, failed: 0, skipped: 0 };
let broken = false;

function run(title, cmd, args, opts = {}) {
  console.log(`\n=== ${title} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', env: { ...process.env, ...opts.env } });
  if (opts.capture) process.stdout.write(r.stdout ?? '');
  return r;
}

// 1. Build the extension, worker, webviews and tests.
if (run('build', process.execPath, ['scripts/build.mjs', '--tests']).status !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

// 2. Unit tests.
const unit = run('unit tests (node --test)', process.execPath, ['--test', '--test-reporter=spec', 'out/test/unit/'], { capture: true });
const num = (name) => Number((unit.stdout.match(new RegExp(`^ℹ ${name} (\\d+)`, 'm')) ?? [])[1] ?? NaN);
if (Number.isNaN(num('pass'))) {
  console.log('unit tests: no summary from node --test');
  broken = true;
} else {
  counts.passed += num('pass');
  counts.failed += num('fail') + (num('cancelled') || 0);
  counts.skipped += (num('skipped') || 0) + (num('todo') || 0);
}
if (unit.status !== 0 && !(num('fail') > 0)) broken = true;

// 3. Integration tests in a real VS Code.
const runner = process.env.VSCODE_TEST_RUNNER || 'code-server';
if (runner === 'code-server') {
  const tools = run('offline VS Code test tools', 'bash', ['scripts/e2e-tools.sh']);
  if (tools.status !== 0) broken = true;
}
/** One integration suite in its own VS Code; its results added to the counts. */
function integrationSuite(title, extraArgs, dir) {
  fs.rmSync(path.join(dir, 'results.json'), { force: true }); // never count an earlier run's results
  const integration = run(`${title} (${runner})`, process.execPath, ['test/run.js', `--runner=${runner}`, `--artifacts=${dir}`, ...extraArgs]);
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
    if (r.error) throw new Error(r.error);
    counts.passed += r.passes;
    counts.failed += r.failures;
    counts.skipped += r.pending;
    // The runner also fails a run that passed nothing or never finished cleanly.
    if (integration.status !== 0 && r.failures === 0) {
      console.log(`integration runner exited ${integration.status} although no test failed`);
      broken = true;
    }
    console.log(`${title}: ${r.passes} passed, ${r.failures} failed, ${r.pending} skipped; screenshots and logs in ${path.relative(root, dir)}/`);
  } catch (e) {
    console.log(`${title} did not report results: ${e.message}`);
    broken = true;
  }
}
if (!broken || runner !== 'code-server') {
  integrationSuite('integration tests', [], artifacts);
  // The same extension in a workspace VS Code does not trust (Restricted Mode); code-server only.
  if (runner === 'code-server') {
    integrationSuite('integration tests, untrusted workspace', ['--suite=untrusted'], path.join(artifacts, 'untrusted'));
    // The whole suite once more with VS Code's display language set to Korean (the tests check the Korean strings there).
    integrationSuite('integration tests, Korean display language', ['--locale=ko'], path.join(artifacts, 'ko'));
    // And against the package a user installs: npm run package (the production build), its size
    // budget, then the suite with that .vsix installed into VS Code instead of the checkout.
    const vsix = path.join(root, 'seqlens.vsix');
    fs.rmSync(vsix, { force: true });
    const pack = run('npm run package', 'npm', ['run', 'package']);
    const mb = fs.existsSync(vsix) ? fs.statSync(vsix).size / 1e6 : NaN;
    if (pack.status !== 0 || !(mb > 0)) {
      console.log('npm run package: no .vsix');
      broken = true;
    } else {
      console.log(`seqlens.vsix: ${mb.toFixed(1)} MB (budget 20 MB)`);
      if (mb > 20) {
        console.log('the .vsix is over its 20 MB budget');
        counts.failed += 1;
      } else counts.passed += 1;
      integrationSuite('integration tests, the installed .vsix', [`--vsix=${vsix}`], path.join(artifacts, 'vsix'));
    }
  }
}
if (broken) counts.failed += 1;
console.log(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(counts.failed > 0 ? 1 : 0);

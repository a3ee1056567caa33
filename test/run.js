#!/usr/bin/env node
// Runs the integration suite (out/test/integration/index.js) inside a real VS Code:
//   --runner=code-server  offline: code-server's VS Code 1.100.3 in Debian's Chromium (default)
//   --runner=electron     @vscode/test-electron (downloads VS Code; machines with internet)
// Options: --artifacts=DIR (screenshots, logs, results.json), --grep=PATTERN,
// --locale=ko (VS Code's display language: the extension's Korean strings; code-server only),
// --suite=bench (the *.bench.js files instead of *.test.js: measurements in a real VS Code for npm run bench),
// --suite=untrusted (the *.untrusted.js files, in a workspace VS Code does not trust: Restricted Mode),
// --vsix=FILE (the suite against that .vsix installed into the test VS Code, not the checkout).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const arg = (name) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : undefined;
};

(async () => {
  const root = path.resolve(__dirname, '..');
  // A fresh copy of the demo workspace: tests train runs into its .seqlens/ and change its
  // settings, and the checkout's demo/ stays as it is.
  const workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-e2e-workspace-'));
  fs.cpSync(path.join(root, 'demo'), workspacePath, { recursive: true, filter: (src) => !/[\\/]\.(seqlens|vscode)([\\/]|$)/.test(path.relative(root, src)) });
  const artifactsDir = path.resolve(arg('artifacts') || process.env.E2E_ARTIFACTS_DIR || path.join(root, '.e2e-artifacts'));
  // --vsix: SeqLens installed from its package, as a user gets it; the development extension is an empty stub.
  const vsix = arg('vsix');
  let installed;
  if (vsix) {
    installed = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-installed-'));
    const files = require('./unpackVsix').unpackVsix(path.resolve(vsix), installed);
    console.log(`[e2e] installed ${path.basename(vsix)} (${files} files, ${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB)`);
  }
  const opts = {
    extensionDevelopmentPath: installed ? path.join(__dirname, 'fixtures', 'test-host') : root,
    extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
    workspacePath,
    artifactsDir,
    toolsDir: arg('tools') || process.env.E2E_TOOLS_DIR || path.join(root, 'test', 'e2e-tools'),
    chromiumPath: arg('chromium') || process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    env: { E2E_ARTIFACTS_DIR: artifactsDir, ...(vsix ? { E2E_VSIX: path.basename(vsix) } : {}), ...(arg('grep') ? { E2E_GREP: arg('grep') } : {}), ...(arg('locale') ? { E2E_LOCALE: arg('locale') } : {}), ...(arg('suite') ? { E2E_SUITE: arg('suite') } : {}) },
    locale: arg('locale'),
    untrusted: arg('suite') === 'untrusted',
    installedExtensions: installed ? [installed] : [],
  };
  for (const k of ['E2E_FORCE_FAIL']) if (process.env[k]) opts.env[k] = process.env[k];
  const runner = arg('runner') || process.env.VSCODE_TEST_RUNNER || 'code-server';
  opts.env.E2E_RUNNER = runner;
  let code;
  if (runner === 'code-server') code = await require('./runCodeServer').runTestsInCodeServer(opts);
  else if (runner === 'electron') code = await require('./runElectron').runTestsInElectron(opts);
  else {
    console.error(`unknown runner ${runner}`);
    code = 2;
  }
  fs.rmSync(workspacePath, { recursive: true, force: true });
  if (installed) fs.rmSync(installed, { recursive: true, force: true });
  process.exit(code);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

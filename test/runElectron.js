// The standard @vscode/test-electron path, for machines that can download VS Code.
// Same suite, same contract: run() in out/test/integration/index.js resolves or rejects.
// Screenshots and webview DOM checks need the code-server harness and are skipped here.
'use strict';
const fs = require('fs');
const path = require('path');

async function runTestsInElectron(opts) {
  const { runTests } = require('@vscode/test-electron');
  fs.mkdirSync(opts.artifactsDir, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'seqlens-electron-'));
  try {
    await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      extensionTestsPath: opts.extensionTestsPath,
      launchArgs: [opts.workspacePath, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userDataDir}`],
      extensionTestsEnv: { ...opts.env, E2E_RESULTS_FILE: path.join(opts.artifactsDir, 'results.json') },
    });
    return 0;
  } catch (e) {
    console.error(`electron runner: ${e && e.message ? e.message : e}`);
    return 1;
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

module.exports = { runTestsInElectron };

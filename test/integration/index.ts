/**
 * The extensionTestsPath module: VS Code require()s it inside the extension
 * host and awaits run(). Resolve means pass, reject means fail, under both
 * runners (code-server offline, @vscode/test-electron online).
 */
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import { harness } from './harness';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', grep: process.env.E2E_GREP });
  // The tests (*.test.js), or another suite: E2E_SUITE=bench (npm run bench's measurements in a
  // real VS Code, *.bench.js), E2E_SUITE=untrusted (a workspace VS Code does not trust, *.untrusted.js).
  const suffix = `.${process.env.E2E_SUITE ?? 'test'}.js`;
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith(suffix)).sort()) mocha.addFile(path.join(__dirname, f));
  const resultsFile = process.env.E2E_RESULTS_FILE;
  const failed: Array<{ title: string; error: string }> = [];
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const s = runner.stats ?? { passes: 0, failures, pending: 0, tests: 0, duration: 0 };
        const summary = { passes: s.passes, failures: s.failures, pending: s.pending, tests: s.tests, duration: s.duration, failed };
        console.log(`E2E_SUMMARY ${JSON.stringify(summary)}`);
        if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(summary, null, 2));
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
      runner.on('fail', (test, err) => {
        failed.push({ title: test.fullTitle(), error: String(err?.stack ?? err) });
        void harness.screenshot(`FAILED-${test.fullTitle()}`.slice(0, 120)).catch(() => undefined);
      });
    } catch (err) {
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ error: String((err as Error)?.stack ?? err) }));
      reject(err);
    }
  });
}

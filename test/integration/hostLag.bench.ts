/**
 * A measurement for `npm run bench` (host-lag-vscode), taken in a real VS Code: the extension
 * host's event-loop delay while the engine worker trains a run started with Train Model… and the
 * dashboard streams it, against the same host idle for as long. Written to
 * E2E_ARTIFACTS_DIR/host-lag.json; bench/run.ts prints it. Not part of npm test (E2E_SUITE=bench).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as vscode from 'vscode';
import type { SeqLensApi } from '../../src/extension/extension';

describe('bench: the extension host while a run trains', function () {
  this.timeout(900_000);
  it('measures the event-loop delay of the extension host, training and idle', async () => {
    const api = await vscode.extensions.getExtension<SeqLensApi>('seqlens.seqlens')!.activate();
    await api.engine.ready();
    const rounds: Array<{ p99: number; max: number; seconds: number; events: number; idleP99: number; idleMax: number }> = [];
    for (let round = 0; round < 2; round++) {
      let events = 0;
      const counting = api.training.service.onDidEvent(() => events++);
      const h = monitorEventLoopDelay({ resolution: 1 });
      const t0 = Date.now();
      h.enable();
      const r = (await vscode.commands.executeCommand('seqlens.trainModel', {
        task: 'translate',
        model: 'attention',
        data: 'builtin:en-ko',
        timeLimit: 0,
        options: { units: 64, embedding: 64, epochs: 2, attention: 'dot' },
        name: `host lag ${round + 1}`,
        wait: true,
      })) as { state: string } | undefined;
      h.disable();
      counting.dispose();
      const seconds = (Date.now() - t0) / 1000;
      assert.strictEqual(r?.state, 'done');
      const idle = monitorEventLoopDelay({ resolution: 1 });
      idle.enable();
      await new Promise((res) => setTimeout(res, Math.min(seconds, 30) * 1000));
      idle.disable();
      rounds.push({ p99: h.percentile(99) / 1e6, max: h.max / 1e6, seconds, events, idleP99: idle.percentile(99) / 1e6, idleMax: idle.max / 1e6 });
    }
    const out = path.join(process.env.E2E_ARTIFACTS_DIR ?? '.', 'host-lag.json');
    fs.writeFileSync(out, JSON.stringify({ vscode: vscode.version, rounds }, null, 2));
    console.log(`host-lag: ${JSON.stringify(rounds)}`);
  });
});

/**
 * Issue 8's budgets for training in the editor, each beside a reference measured in this run:
 *
 *   train-worker   the same run (seq2seq + dot attention on the built-in English → Korean pairs)
 *                  trained by `seqlens train --run-dir` and by the engine worker's `run/train`
 *                  through the extension's own EngineClient: median tokens/s of each, rounds
 *                  alternated. Budget: the worker within 5% of the command (ratio ≥ 0.95).
 *   host-lag       the event-loop delay of the thread that owns the EngineClient (the
 *                  extension host's role) while the worker trains and streams its events,
 *                  against the same thread idle. Budget: p99 ≤ 20 ms.
 *   translate-file `seqlens translate --file` on 1,500 lines against 1,500 single
 *                  `seqlens translate --text` calls (the per-call median of a sample, × 1,500).
 *                  Budget: ≥ 20x.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { builtinText } from '../src/core/data/builtinCorpora';
import { parsePairs } from '../src/core/data/pairs';
import { createRun, readMetrics, type RunConfig } from '../src/core/runs/runs';
import { EngineClient } from '../src/worker/client';
import { median, type BenchRow } from './result';

export type { BenchRow };



const CONFIG: RunConfig = {
  version: 1,
  name: 'bench',
  task: 'translate',
  model: 'attention',
  data: 'builtin:en-ko',
  seed: 1,
  options: { units: 64, embedding: 64, epochs: 2, attention: 'dot' },
  probes: [],
};

/** Median tokens/s of a run's training rows (each the speed since the row before, evaluations excluded). */
function tokensPerSecond(dir: string): number {
  const rows = readMetrics(dir).rows.filter((r) => r.split === 'train' && typeof r.tokensPerSecond === 'number');
  return median(rows.slice(1).map((r) => r.tokensPerSecond as number)); // the first window holds the warm-up
}

export async function benchTrainInEditor(root: string, log: (...a: unknown[]) => void, rounds = 3): Promise<BenchRow[]> {
  const cli = path.join(root, 'dist', 'cli.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-bench-runs-'));
  const runs = path.join(tmp, '.seqlens', 'runs');
  const client = new EngineClient({
    workerPath: path.join(root, 'dist', 'worker.js'),
    boot: { wasmDir: path.join(root, 'dist', 'wasm'), modelsDir: path.join(root, 'media', 'models') },
    log: () => undefined,
  });
  const cliRates: number[] = [];
  const workerRates: number[] = [];
  const lagP99: number[] = [];
  const lagMax: number[] = [];
  let events = 0;
  try {
    log(`train-worker: ${CONFIG.model} (${JSON.stringify(CONFIG.options)}) on ${CONFIG.data}, ${rounds} rounds of the command and the worker`);
    await client.ready(); // the worker started and its backend set up before any timing
    for (let round = 0; round < rounds; round++) {
      const a = createRun(runs, CONFIG, `cli-${round}`);
      const p = spawnSync(process.execPath, [cli, 'train', '--run-dir', a], { encoding: 'utf8', timeout: 600_000 });
      if (p.status !== 0) throw new Error(`seqlens train --run-dir failed: ${p.stderr.trim().split('\n').pop()}`);
      cliRates.push(tokensPerSecond(a));

      const b = createRun(runs, CONFIG, `worker-${round}`);
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      await client.request('run/train', { dir: b }, { onProgress: (m) => m.event && events++ });
      h.disable();
      lagP99.push(h.percentile(99) / 1e6);
      lagMax.push(h.max / 1e6);
      workerRates.push(tokensPerSecond(b));
      log(`  round ${round + 1}: command ${cliRates[round].toFixed(0)} tok/s, worker ${workerRates[round].toFixed(0)} tok/s, host p99 lag ${lagP99[round].toFixed(2)} ms`);
    }
    // The same thread, idle, for the reference delay.
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 3000));
    idle.disable();
    const cliMed = median(cliRates);
    const workerMed = median(workerRates);
    const p99 = Math.max(...lagP99);
    return [
      { name: 'train-worker', unit: 'tok/s', value: workerMed, reference: 'seqlens train --run-dir (same run)', referenceValue: cliMed, ratio: workerMed / cliMed, target: '≥ 0.95', note: `${workerMed / cliMed >= 0.95 ? 'met' : 'NOT met'}; medians of ${rounds} rounds` },
      { name: 'host-lag', unit: 'ms p99', value: p99, reference: 'budget (idle thread p99)', referenceValue: 20, ratio: 20 / p99, target: '≤ 20 ms (ratio ≥ 1)', note: `${p99 <= 20 ? 'met' : 'NOT met'}; idle p99 ${(idle.percentile(99) / 1e6).toFixed(2)} ms, worst max ${Math.max(...lagMax).toFixed(1)} ms, ${events} events streamed` },
    ];
  } finally {
    client.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function benchTranslateFile(root: string, log: (...a: unknown[]) => void, lines = 1500, sample = 12): BenchRow[] {
  const cli = path.join(root, 'dist', 'cli.js');
  const pairs = parsePairs(builtinText('builtin:en-ko')!, 'builtin:en-ko');
  const sources = Array.from({ length: lines }, (_, i) => pairs[i % pairs.length].source);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-bench-translate-'));
  try {
    const file = path.join(tmp, 'lines.txt');
    fs.writeFileSync(file, sources.join('\n') + '\n');
    log(`translate-file: ${lines} lines with the embedded en-ko model, against ${sample} single calls (× ${lines})`);
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [cli, 'translate', '--model', 'en-ko', '--file', file], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    const fileMs = performance.now() - t0;
    if (p.status !== 0) throw new Error(`translate --file failed: ${p.stderr.trim()}`);
    const out = p.stdout.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
    if (out.length !== lines) throw new Error(`translate --file printed ${out.length} lines for ${lines}`);
    const single: number[] = [];
    for (let i = 0; i < sample; i++) {
      const s0 = performance.now();
      const q = spawnSync(process.execPath, [cli, 'translate', '--model', 'en-ko', '--text', sources[i]], { encoding: 'utf8', timeout: 120_000 });
      single.push(performance.now() - s0);
      if (q.status !== 0) throw new Error(`translate --text failed: ${q.stderr.trim()}`);
      if (q.stdout.trim() !== out[i].trim()) throw new Error(`line ${i + 1}: --file says "${out[i]}", --text says "${q.stdout.trim()}"`);
    }
    const perCall = median(single);
    const ratio = (perCall * lines) / fileMs;
    return [{ name: 'translate-file', unit: 's', value: fileMs / 1000, reference: `${lines} single calls (median ${perCall.toFixed(0)} ms × ${lines})`, referenceValue: (perCall * lines) / 1000, ratio, target: '≥ 20x', note: `${ratio >= 20 ? 'met' : 'NOT met'}; the ${sample} sampled lines translate the same both ways` }];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

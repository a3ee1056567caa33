/**
 * Worker thread for the PCA benchmark: 400,000 × 300 float32 vectors with a planted spectrum
 * (variance falling as 1/i over the dimensions, then a random rotation of 16 of them), projected
 * to 2D by projection/pca.ts: every vector, no sampling. Posts the seconds of three runs' median.
 */
import { parentPort } from 'worker_threads';
import { pca } from '../src/core/projection/pca';
import { Rng } from '../src/core/random';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';

async function main(): Promise<void> {
  await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  const n = 400_000;
  const d = 300;
  const rng = new Rng(5);
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal() / Math.sqrt(1 + (i % d));
  const times: number[] = [];
  let explained: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const r = await pca(x, n, d, 2, { seed: run + 1 });
    times.push((performance.now() - t0) / 1000);
    explained = r.explained;
  }
  times.sort((a, b) => a - b);
  parentPort!.postMessage({ seconds: times[1], explained });
}
main().catch((e) => parentPort!.postMessage({ error: String(e && e.stack) }));

/** Worker thread for the decoding-latency benchmark: greedy decoding of a 12-token sentence, 12 steps, with the attention matrix. */
import { parentPort } from 'worker_threads';
import { Seq2Seq } from '../src/core/models/seq2seq';
import { Rng } from '../src/core/random';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';

async function main(): Promise<void> {
  await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  const model = new Seq2Seq({ attention: 'dot', sourceVocabSize: 2000, targetVocabSize: 2000, embeddingSize: 128, units: 128 }, 1);
  const rng = new Rng(3);
  const src = Array.from({ length: 12 }, () => 4 + rng.int(1996));
  for (let i = 0; i < 20; i++) await model.decode(src, { maxLength: 12, stopAtEos: false });
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const d = await model.decode(src, { maxLength: 12, stopAtEos: false });
    times.push(performance.now() - t0);
    if (d.attention.length === 0 && d.ids.length > 0) throw new Error('no attention returned');
  }
  times.sort((a, b) => a - b);
  parentPort!.postMessage({ median: times[100] });
}
main().catch((e) => parentPort!.postMessage({ error: String(e && e.stack) }));

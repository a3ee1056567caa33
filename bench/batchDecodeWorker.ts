/**
 * Worker thread for the batched-decoding benchmark (`translate --file`): the embedded English →
 * Korean GRU with dot attention on 512 held-out grammar sentences, greedy, decoded one by one
 * (Seq2Seq.decode) and in batches of 64 of similar length (Seq2Seq.decodeBatch). Posts both times
 * (medians of 3) and whether the outputs agree.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { parentPort } from 'worker_threads';
import { loadCheckpoint } from '../src/core/checkpoint';
import { generateTranslationPairs } from '../src/core/data/translationGrammar';
import { Seq2Seq, Seq2SeqConfig } from '../src/core/models/seq2seq';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
import { Vocab } from '../src/core/vocab';

async function main(): Promise<void> {
  await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  const { meta, weights } = loadCheckpoint<Seq2SeqConfig>(path.join(__dirname, '..', '..', 'media', 'models', 'translate-en-ko'));
  const model = new Seq2Seq(meta.config);
  model.setWeights(weights);
  tf.dispose(Object.values(weights));
  const sv = new Vocab(meta.sourceVocab as string[]);
  const sources = generateTranslationPairs(512, 31337).map((p) => sv.ids(p.source));
  const order = [...sources.keys()].sort((a, b) => sources[a].length - sources[b].length);
  const oneByOne = async () => {
    const out: number[][] = [];
    for (const s of sources) out.push((await model.decode(s)).ids);
    return out;
  };
  const batched = async () => {
    const out: number[][] = new Array(sources.length);
    for (let at = 0; at < order.length; at += 64) {
      const group = order.slice(at, at + 64);
      const res = await model.decodeBatch(group.map((i) => sources[i]));
      group.forEach((i, k) => (out[i] = res[k]));
    }
    return out;
  };
  const time = async (f: () => Promise<number[][]>) => {
    const ts: number[] = [];
    let last: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      last = await f();
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    return { ms: ts[1], out: last };
  };
  await batched();
  const a = await time(oneByOne);
  const b = await time(batched);
  const agree = a.out.every((o, i) => o.join(' ') === b.out[i].join(' '));
  parentPort!.postMessage({ oneByOne: a.ms, batched: b.ms, sentences: sources.length, agree });
}
main().catch((e) => parentPort!.postMessage({ error: String(e && e.stack) }));

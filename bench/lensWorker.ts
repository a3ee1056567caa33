/**
 * Worker thread for the seq2seq lens benchmark: the embedded English → Korean model (GRU 64 + dot
 * attention) on a 20-word sentence with a 20-word reference, through translationView, everything
 * the translate panel asks the engine for: free-running greedy decoding, each step's top 5,
 * attention and context (a forced pass over the output), and the teacher-forced pass over the
 * reference. Posts the median of 100 runs, and the plain greedy decoding's median beside it.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { parentPort } from 'worker_threads';
import { loadCheckpoint } from '../src/core/checkpoint';
import { Seq2Seq, Seq2SeqConfig } from '../src/core/models/seq2seq';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
import { translationView } from '../src/core/translationLens';
import { Vocab } from '../src/core/vocab';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  const { meta, weights } = loadCheckpoint<Seq2SeqConfig>(path.join(ROOT, 'media', 'models', 'translate-en-ko'));
  const model = new Seq2Seq(meta.config);
  model.setWeights(weights);
  tf.dispose(Object.values(weights));
  const sv = new Vocab(meta.sourceVocab as string[]);
  const tv = new Vocab(meta.targetVocab as string[]);
  const text = 'the small cat ate the bread in the park yesterday the old farmer reads the letter in the library today'; // 20 words
  const reference = '어제 작은 고양이가 공원에서 빵을 먹었다 . 오래된 농부가 도서관에서 편지를 읽는다 . 어제 작은 고양이가 공원에서 빵을 먹었다 .'; // 20 words
  const ids = sv.ids(text.split(' '));
  if (ids.length !== 20 || reference.split(' ').length !== 20) throw new Error('the benchmark sentence must have 20 words');
  const run = () => translationView(model, sv, tv, text, { topK: 5, reference });
  for (let i = 0; i < 10; i++) await run();
  const lens: number[] = [];
  const greedy: number[] = [];
  for (let i = 0; i < 100; i++) {
    let t0 = performance.now();
    const v = await run();
    lens.push(performance.now() - t0);
    if (!v.forced || v.steps.length < 2) throw new Error('the lens returned no steps');
    t0 = performance.now();
    await model.decode(ids);
    greedy.push(performance.now() - t0);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const v = await run();
  parentPort!.postMessage({ median: median(lens), greedy: median(greedy), outputWords: v.output.length, view: v });
}
main().catch((e) => parentPort!.postMessage({ error: String(e && e.stack) }));

/** Worker thread for the word2vec benchmark: trains on the corpus once per request, answers words/s. */
import * as fs from 'fs';
import { parentPort, workerData } from 'worker_threads';
import { trainSkipGram } from '../src/core/word2vec/skipgram';

const { corpus, kernel } = workerData as { corpus: string; kernel: string };
const sentences = fs.readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
const wasm = fs.readFileSync(kernel);
parentPort!.on('message', async (m: { epochs: number; seed: number }) => {
  const r = await trainSkipGram(sentences, { dim: 100, window: 5, negative: 5, sample: 1e-3, minCount: 5, epochs: m.epochs, seed: m.seed }, { kernel: wasm });
  parentPort!.postMessage({ wordsPerSecond: r.wordsPerSecond, seconds: r.seconds, words: r.vectors.size });
});
parentPort!.postMessage({ ready: true });

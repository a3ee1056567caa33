/**
 * word2vec quality against gensim: the mean overlap of the top-10 neighbour
 * lists of 300 frequent words (frequency ranks 100–400) between SeqLens and
 * gensim, beside gensim's own overlap between two seeds (the noise floor).
 * The engine issue's target: ours ≥ gensim-vs-gensim − 0.03.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { trainSkipGram } from '../src/core/word2vec/skipgram';
import { WordVectors } from '../src/core/word2vec/vectors';
import { prepareCorpus } from './word2vec';

function readText(file: string): WordVectors {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const [n, d] = lines[0].split(' ').map(Number);
  const words: string[] = [];
  const data = new Float32Array(n * d);
  for (let i = 1; i <= n; i++) {
    const parts = lines[i].trim().split(' ');
    words.push(parts[0]);
    for (let k = 0; k < d; k++) data[(i - 1) * d + k] = Number(parts[k + 1]);
  }
  return new WordVectors(words, data, d);
}

function overlap(a: WordVectors, b: WordVectors, probe: string[]): number {
  let sum = 0;
  for (const w of probe) {
    const x = new Set(a.neighbors(w, 10).map((n) => n.word));
    sum += b.neighbors(w, 10).filter((n) => x.has(n.word)).length / 10;
  }
  return sum / probe.length;
}

export async function word2vecQuality(root: string, log: (...a: unknown[]) => void): Promise<{ ours: number; floor: number } | undefined> {
  const corpus = prepareCorpus(root);
  if (!corpus) return undefined;
  const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import gensim'], { encoding: 'utf8' }).status === 0);
  if (!py) throw new Error('gensim is not installed (apt-get install python3-gensim)');
  log('word2vec quality: 5 epochs each, SeqLens and gensim (seeds 1 and 2); top-10 overlap over frequency ranks 100–400');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-w2vq-'));
  const gensim = (seed: number) => {
    const file = path.join(tmp, `gensim${seed}.txt`);
    const r = spawnSync(py, [path.join(root, 'bench', 'reference', 'w2v_gensim.py'), corpus.file, '--epochs', '5', '--seed', String(seed), '--save', file], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    if (r.status !== 0) throw new Error(`gensim failed: ${r.stderr}`);
    return readText(file);
  };
  const g1 = gensim(1);
  const g2 = gensim(2);
  const sentences = fs.readFileSync(corpus.file, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
  const ours = (await trainSkipGram(sentences, { dim: 100, window: 5, negative: 5, sample: 1e-3, minCount: 5, epochs: 5, seed: 1 }, { kernel: fs.readFileSync(path.join(root, 'dist', 'wasm', 'sgns.wasm')) })).vectors;
  const probe = g1.words.slice(100, 400).filter((w) => ours.has(w) && g2.has(w));
  const floor = overlap(g1, g2, probe);
  const mine = (overlap(ours, g1, probe) + overlap(ours, g2, probe)) / 2;
  log(`  king → ${ours.has('king') ? ours.neighbors('king', 6).map((n) => n.word).join(', ') : '(absent)'}`);
  log(`  gensim king → ${g1.has('king') ? g1.neighbors('king', 6).map((n) => n.word).join(', ') : '(absent)'}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  return { ours: mine, floor };
}

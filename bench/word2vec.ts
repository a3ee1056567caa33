/**
 * word2vec SGNS throughput (raw corpus words per second, as word2vec.c counts)
 * against gensim with one worker, on the same corpus, alternating runs.
 * The corpus is ../shared/data/gutenberg (three novels), lower-cased words.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { tokenize } from '../src/core/tokenizer';

export interface W2vBench {
  ours: number;
  gensim: number | null;
  note?: string;
  corpusWords: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Lower-cased words of the three novels, one paragraph per line. */
export function prepareCorpus(root: string): { file: string; words: number } | undefined {
  const dir = path.join(root, '..', 'shared', 'data', 'gutenberg');
  if (!fs.existsSync(dir)) return undefined;
  const lines: string[] = [];
  let words = 0;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
    for (const para of fs.readFileSync(path.join(dir, f), 'utf8').split(/\r?\n\s*\r?\n/)) {
      const toks = tokenize(para).tokens.map((t) => t.text).filter((w) => /\p{L}/u.test(w));
      if (toks.length) {
        lines.push(toks.join(' '));
        words += toks.length;
      }
    }
  }
  const file = path.join(os.tmpdir(), 'seqlens-bench-gutenberg.txt');
  fs.writeFileSync(file, lines.join('\n'));
  return { file, words };
}

export async function benchWord2vec(root: string, log: (...a: unknown[]) => void, rounds = 3): Promise<W2vBench | undefined> {
  const corpus = prepareCorpus(root);
  if (!corpus) return undefined;
  log(`word2vec: ${corpus.words.toLocaleString('en')} words; SeqLens (wasm SIMD kernel) and gensim, one epoch each, ${rounds} rounds alternating`);
  const worker = new Worker(path.join(__dirname, 'word2vecWorker.js'), { workerData: { corpus: corpus.file, kernel: path.join(root, 'dist', 'wasm', 'sgns.wasm') } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const oursRun = (seed: number) =>
    new Promise<number>((resolve) => {
      worker.once('message', (m: { wordsPerSecond: number }) => resolve(m.wordsPerSecond));
      worker.postMessage({ epochs: 1, seed });
    });
  const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import gensim'], { encoding: 'utf8' }).status === 0);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(await oursRun(r + 1));
    if (py) {
      const g = spawnSync(py, [path.join(root, 'bench', 'reference', 'w2v_gensim.py'), corpus.file, '--seed', String(r + 1)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
      if (g.status !== 0) throw new Error(`gensim reference failed: ${g.stderr}`);
      theirs.push(JSON.parse(g.stdout).words_per_second);
    }
  }
  await worker.terminate();
  return {
    ours: median(ours),
    gensim: py ? median(theirs) : null,
    note: py ? undefined : 'skipped: gensim is not installed (apt-get install python3-gensim)',
    corpusWords: corpus.words,
  };
}

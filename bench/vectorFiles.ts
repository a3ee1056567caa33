/**
 * Loading vector files with the streaming reader (loadVectorFile): a 100,000 ×
 * 100 word2vec text file (%.6f numbers) against the plain JS reader
 * (readFileSync + split + parseFloat) measured in the same run, and a 400,000 ×
 * 300 word2vec binary file, each load in a fresh child process that also
 * reports its peak memory above its baseline, as a multiple of the matrix.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '../src/core/random';
import { spawnSync } from 'child_process';

function naiveText(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const [n, d] = lines[0].split(' ').map(Number);
  const data = new Float32Array(n * d);
  for (let i = 1; i <= n; i++) {
    const parts = lines[i].split(' ');
    for (let k = 0; k < d; k++) data[(i - 1) * d + k] = parseFloat(parts[k + 1]);
  }
  return data.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One load in a fresh process: time (ms) and peak memory above baseline as a multiple of the matrix. */
function childLoad(file: string): { ms: number; memory: number; live: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'vectorLoadChild.js'), file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`vector load child failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { ms: number; matrixBytes: number; extraBytes: number; liveBytes: number };
  return { ms: j.ms, memory: j.extraBytes / j.matrixBytes, live: j.liveBytes / j.matrixBytes };
}

export function benchVectorFiles(log: (...a: unknown[]) => void): { text: number; textNaive: number; binary: number; textMemory: number; binaryMemory: number; textLive: number; binaryLive: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-vec-'));
  const rng = new Rng(1);
  try {
    log('vector-files: writing a 100,000 × 100 text file and a 400,000 × 300 binary file');
    const txt = path.join(dir, 'v100k.txt');
    const fd = fs.openSync(txt, 'w');
    fs.writeSync(fd, '100000 100\n');
    for (let i = 0; i < 100_000; i++) {
      const row = [`w${i}`];
      for (let k = 0; k < 100; k++) row.push(rng.uniform(-1, 1).toFixed(6));
      fs.writeSync(fd, row.join(' ') + '\n');
    }
    fs.closeSync(fd);
    const bin = path.join(dir, 'v400k.bin');
    const fb = fs.openSync(bin, 'w');
    fs.writeSync(fb, '400000 300\n');
    const vec = Buffer.alloc(300 * 4);
    for (let i = 0; i < 400_000; i++) {
      for (let k = 0; k < 300; k++) vec.writeFloatLE(rng.uniform(-1, 1), k * 4);
      fs.writeSync(fb, Buffer.concat([Buffer.from(`w${i} `), vec, Buffer.from('\n')]));
    }
    fs.closeSync(fb);
    const time = (f: () => unknown) => {
      const t0 = performance.now();
      f();
      return performance.now() - t0;
    };
    const ours: Array<{ ms: number; memory: number; live: number }> = [];
    const naive: number[] = [];
    for (let r = 0; r < 3; r++) {
      ours.push(childLoad(txt));
      naive.push(time(() => naiveText(txt)));
    }
    const binary: Array<{ ms: number; memory: number; live: number }> = [];
    for (let r = 0; r < 3; r++) binary.push(childLoad(bin));
    return {
      text: median(ours.map((o) => o.ms)),
      textNaive: median(naive),
      binary: median(binary.map((o) => o.ms)),
      textMemory: median(ours.map((o) => o.memory)),
      binaryMemory: median(binary.map((o) => o.memory)),
      textLive: median(ours.map((o) => o.live)),
      binaryLive: median(binary.map((o) => o.live)),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

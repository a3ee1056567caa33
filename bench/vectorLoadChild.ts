/**
 * Child process for the vector-file benchmark: loads one file with the
 * streaming reader and reports the time and the peak memory above the
 * process's baseline (maxRSS), so the parent can compare it with the matrix.
 */
import { loadVectorFile } from '../src/core/word2vec/parse';

const file = process.argv[2];
const baseline = process.memoryUsage().rss;
const t0 = performance.now();
const v = loadVectorFile(file);
const ms = performance.now() - t0;
const peak = process.resourceUsage().maxRSS * 1024; // kilobytes on Linux
process.stdout.write(JSON.stringify({ ms, size: v.size, dim: v.dim, matrixBytes: v.vectors.byteLength, extraBytes: peak - baseline }));

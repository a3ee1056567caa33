/**
 * Child process for the vector-file benchmark (run with --expose-gc): loads one
 * file with the streaming reader and reports the time, the peak memory above
 * the process's baseline (maxRSS: the matrix, the words, the read window and
 * V8's heap growth), and what stays held after garbage collection.
 */
import { loadVectorFile } from '../src/core/word2vec/parse';

const file = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const before = process.memoryUsage();
const baseline = before.rss;
const t0 = performance.now();
const v = loadVectorFile(file);
const ms = performance.now() - t0;
const peak = process.resourceUsage().maxRSS * 1024; // kilobytes on Linux
// What stays held once garbage is collected: the matrix, the words and their index.
gc?.();
const after = process.memoryUsage();
const liveBytes = after.heapUsed + after.external - (before.heapUsed + before.external); // external includes the ArrayBuffers
process.stdout.write(JSON.stringify({ ms, size: v.size, dim: v.dim, matrixBytes: v.vectors.byteLength, extraBytes: peak - baseline, liveBytes }));

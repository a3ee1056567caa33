/**
 * Worker thread for the UMAP and t-SNE benchmarks: the embedded WordNet vectors (20,000 × 64), or
 * the first `n` of them, mapped to 2D by projection/umap.ts or tsne.ts (PCA start, exact cosine
 * neighbours), timed from the vectors to the coordinates. The vectors go to `rawFile` (float32,
 * row-major) for the Python reference; its coordinates come back in `refCoords`, and both maps'
 * trustworthiness at k = 10 is computed here by one function, beside PCA's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';
import { defaultVectorsPath } from '../src/core/defaultIds';
import { cosineKnn, trustworthiness } from '../src/core/projection/knn';
import { pca } from '../src/core/projection/pca';
import { tsne } from '../src/core/projection/tsne';
import { umap } from '../src/core/projection/umap';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
import { loadVectorFile } from '../src/core/word2vec/parse';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const { method, n: asked, rawFile } = workerData as { method: 'umap' | 'tsne'; n: number; rawFile: string };
  await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  const v = loadVectorFile(defaultVectorsPath(path.join(ROOT, 'media', 'models')));
  const n = Math.min(asked, v.size);
  const x = v.vectors.slice(0, n * v.dim);
  fs.writeFileSync(rawFile, Buffer.from(x.buffer));
  const t0 = performance.now();
  const p = await pca(x, n, v.dim, 2);
  const knn = await cosineKnn(x, n, v.dim, method === 'umap' ? 14 : 91);
  const tKnn = performance.now() - t0;
  const coords = method === 'umap' ? (await umap(knn, { dims: 2, init: p.coords })).coords : (await tsne(knn, { dims: 2, init: p.coords })).coords;
  const seconds = (performance.now() - t0) / 1000;
  const trust = await trustworthiness(x, n, v.dim, coords, 2, 10);
  const trustPca = await trustworthiness(x, n, v.dim, p.coords, 2, 10);
  parentPort!.postMessage({ n, d: v.dim, seconds, knnSeconds: tKnn / 1000, trust, trustPca });
  // The reference's coordinates, scored by the same function.
  const refCoords = await new Promise<Float32Array | null>((resolve) => parentPort!.once('message', (m: { coordsFile: string | null }) => resolve(m.coordsFile ? new Float32Array(fs.readFileSync(m.coordsFile).buffer.slice(0)) : null)));
  parentPort!.postMessage({ refTrust: refCoords ? await trustworthiness(x, n, v.dim, refCoords, 2, 10) : null });
}
main().catch((e) => parentPort!.postMessage({ error: String(e && e.stack) }));

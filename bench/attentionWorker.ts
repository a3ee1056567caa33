/**
 * Worker thread for the attention benchmark: the embedded Transformer reads a 60-token text (the
 * lens's forward pass over source and translation, every sub-layer's numbers kept), and greedy
 * decoding of it, timed separately. Posts the medians and the view of one run (for the grid paint).
 */
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';
import { attentionView, loadTransformer } from '../src/core/transformerLens';
import { TRANSFORMER_MODEL_ID } from '../src/core/defaultIds';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';

async function main(): Promise<void> {
  await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  const m = loadTransformer(TRANSFORMER_MODEL_ID, path.join(workerData.root as string, 'media', 'models'));
  const sentences = ['the small cat ate the bread in the park yesterday .', 'my friend found the key in the garden .', 'the doctor saw the quiet bird every day .', 'the old farmer reads the letter in the library .', 'the happy student found the key at school today .', 'the teacher read the book .'];
  // 60 source words; the target is the sentences' own translations (60 words too), as a
  // selection of several sentences would be translated.
  const all = Array.from({ length: 3 }, () => sentences).flat();
  const text = all.join(' ').split(' ').slice(0, 60).join(' ');
  const target: string[] = [];
  for (const s of all) target.push(...(await attentionView(m, s)).output);
  target.length = 60;
  const first = await attentionView(m, text, { target });
  for (let i = 0; i < 5; i++) await attentionView(m, text, { target });
  const forward: number[] = [];
  for (let i = 0; i < 40; i++) forward.push((await attentionView(m, text, { target })).forwardMs);
  const decode: number[] = [];
  for (let i = 0; i < 5; i++) decode.push((await attentionView(m, sentences[0])).decodeMs);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  parentPort!.postMessage({ forward: med(forward), decode: med(decode), sourceLength: first.source.length, targetLength: first.decoderInput.length, view: first });
}
main().catch((e) => parentPort!.postMessage({ error: String(e && e.stack) }));

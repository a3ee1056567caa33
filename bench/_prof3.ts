import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import { parsePairs, encodePairs, pairBatches, pairTokens } from '../src/core/data/pairs';
import { Seq2Seq } from '../src/core/models/seq2seq';
import { Rng } from '../src/core/random';
import { setupBackend } from '../src/core/tfjs/backend';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
import { maskedSparseCrossEntropy } from '../src/core/training/losses';
import { Vocab } from '../src/core/vocab';
(async () => {
  await setupBackend(nodeModulesWasmDir());
  const pairs = parsePairs(fs.readFileSync('../shared/data/tatoeba/fra-eng.tsv', 'utf8')).slice(20000, 40000);
  const sv = Vocab.build(pairs.map((p) => pairTokens(p.source)), { minCount: 2 });
  const tv = Vocab.build(pairs.map((p) => pairTokens(p.target)), { minCount: 2 });
  console.log('vocab', sv.size, tv.size);
  const att = (process.argv[2] ?? 'additive') as 'additive';
  const model = new Seq2Seq({ attention: att, sourceVocabSize: sv.size, targetVocabSize: tv.size, embeddingSize: 128, units: 256, tieEmbeddings: process.argv[3] === 'tied' }, 1);
  const data = encodePairs(pairs, sv, tv, 30);
  const batches = pairBatches(data, 64, new Rng(1));
  const opt = tf.train.adam(0.002);
  const rng = new Rng(3);
  const step = (b: (typeof batches)[0]) => {
    const l = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.trainingLogits(b, 1, rng);
        const T = b.targetLength;
        const labels = tf.reshape(tf.transpose(tf.slice(tf.tensor2d(b.target, [b.batchSize, T], 'int32'), [0, 1], [b.batchSize, T - 1])), [-1]) as tf.Tensor1D;
        return maskedSparseCrossEntropy(logits, labels, tf.cast(tf.notEqual(labels, 0), 'float32') as tf.Tensor1D);
      }, Object.values(model.weights));
      opt.applyGradients(grads as any);
      return value;
    });
    l.dataSync();
    l.dispose();
  };
  for (let i = 0; i < 3; i++) step(batches[i]);
  let t0 = performance.now();
  for (let i = 3; i < 13; i++) step(batches[i]);
  console.log('ms/step', (performance.now() - t0) / 10);
  const prof = await tf.profile(() => step(batches[20]));
  const by: Record<string, number> = {}; const cnt: Record<string, number> = {};
  for (const k of prof.kernels) { by[k.name] = (by[k.name] ?? 0) + (k.kernelTimeMs as number); cnt[k.name] = (cnt[k.name] ?? 0) + 1; }
  console.log(Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${k} ${v.toFixed(1)}ms x${cnt[k]}`).join('\n'));
})();

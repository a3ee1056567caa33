/**
 * Two heads on one encoder: tagging reads every step, classification the last
 * state. Trained on the project's grammar: part of speech per word, and the
 * language of the sentence.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { generateCorpus, grammarTagOf } from '../../src/core/data/grammar';
import { HeadsBatch, TaggerClassifier } from '../../src/core/models/taggerClassifier';
import { maskedSparseCrossEntropy } from '../../src/core/training/losses';
import { train } from '../../src/core/training/trainer';
import { Vocab } from '../../src/core/vocab';
import { useWasm } from './helpers';

before(useWasm);

test('an LSTM with both heads learns parts of speech (every step) and the language (last state)', async () => {
  const tagOf = grammarTagOf();
  const tagNames = [...new Set(tagOf.values())].sort();
  const corpus = generateCorpus(2400, 8);
  for (const s of corpus) for (const w of s) assert.ok(tagOf.has(w), `no tag for "${w}"`);
  const vocab = Vocab.build(corpus);
  const lang = (s: string[]) => (/[가-힣]/.test(s[s.length - 2] ?? s[0]) ? 1 : 0);
  const model = new TaggerClassifier({ cell: 'lstm', vocabSize: vocab.size, embeddingSize: 16, units: 24, tags: tagNames.length, classes: 2 }, 3);
  const B = 32;
  const batches: HeadsBatch[] = [];
  for (let i = 0; i + B <= 2000; i += B) {
    const group = corpus.slice(i, i + B);
    const T = Math.max(...group.map((s) => s.length));
    const ids = new Int32Array(B * T);
    const tags = new Int32Array(B * T);
    group.forEach((s, b) => s.forEach((w, t) => {
      ids[b * T + t] = vocab.id(w);
      tags[b * T + t] = tagNames.indexOf(tagOf.get(w)!);
    }));
    batches.push({ ids, tags, labels: Int32Array.from(group.map(lang)), batchSize: B, length: T });
  }
  await train({
    epochs: 2,
    learningRate: 0.01,
    clipNorm: 5,
    batches: () => batches,
    tokensIn: (b) => b.batchSize * b.length,
    variables: Object.values(model.weights),
    loss: (b) => {
      const out = model.logits(tf.tensor2d(b.ids, [b.batchSize, b.length], 'int32'));
      const tagLabels = tf.reshape(tf.transpose(tf.tensor2d(b.tags!, [b.batchSize, b.length], 'int32')), [-1]) as tf.Tensor1D; // time-major
      const tagLoss = maskedSparseCrossEntropy(out.tags!, tagLabels, tf.reshape(out.mask, [-1]) as tf.Tensor1D);
      const clsLoss = maskedSparseCrossEntropy(out.classes!, tf.tensor1d(b.labels!, 'int32'), tf.ones([b.batchSize]) as tf.Tensor1D);
      return tf.add(tagLoss, clsLoss) as tf.Scalar;
    },
  });
  let tagged = 0;
  let tokens = 0;
  let classified = 0;
  const held = corpus.slice(2000, 2400);
  for (const s of held) {
    const r = await model.read(vocab.ids(s));
    s.forEach((w, t) => {
      const row = Array.from(r.tagProbs.subarray(t * tagNames.length, (t + 1) * tagNames.length));
      if (tagNames[row.indexOf(Math.max(...row))] === tagOf.get(w)) tagged++;
      tokens++;
    });
    if ((r.classProbs[1] > 0.5 ? 1 : 0) === lang(s)) classified++;
    assert.equal(r.classProbsPerStep.length, s.length * 2);
  }
  assert.ok(tagged / tokens > 0.95, `tagging accuracy ${tagged}/${tokens}`);
  assert.ok(classified / held.length > 0.95, `classification accuracy ${classified}/${held.length}`);
  model.dispose();
});

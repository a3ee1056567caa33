/**
 * Divide and train (issue 8's fifth experiment): a classifier's input embedding starts from
 * word vectors trained first. Checked against the vector file itself: frozen, the rows of the
 * words it has are exactly the file's numbers after training; fine-tuned, they moved; words the
 * file lacks keep a random start; a dimension that does not match is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { loadCheckpoint } from '../../src/core/checkpoint';
import { TaggerClassifier, type TaggerClassifierConfig } from '../../src/core/models/taggerClassifier';
import { traceTaggerClassifier } from '../../src/core/trace';
import { Vocab } from '../../src/core/vocab';
import { ROOT, useWasm } from './helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const seqlens = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-pretrained-'));

// Hand-written vectors (word2vec text format): four words of the grammar corpus, 4 dimensions.
const VECTORS: Record<string, number[]> = {
  the: [0.5, -0.25, 0.125, 1],
  cats: [1, 0, 0, -1],
  cat: [-1, 0, 0, 1],
  sleep: [0.25, 0.5, -0.75, 0],
};
const vectorFile = path.join(tmp, 'vectors.txt');
fs.writeFileSync(vectorFile, `${Object.keys(VECTORS).length} 4\n${Object.entries(VECTORS).map(([w, v]) => `${w} ${v.join(' ')}`).join('\n')}\n`);

function embeddingRows(dir: string): Map<string, number[]> {
  const { meta, weights } = loadCheckpoint(dir);
  const emb = weights['embedding/embeddings'];
  const E = emb.shape[1] as number;
  const data = emb.dataSync();
  const rows = new Map<string, number[]>();
  (meta.vocab as string[]).forEach((w, i) => rows.set(w, Array.from(data.subarray(i * E, (i + 1) * E))));
  tf.dispose(Object.values(weights));
  return rows;
}

before(useWasm);

test('frozen pretrained embeddings stay exactly the vector file’s numbers; fine-tuned ones move', () => {
  const train = (out: string, ...extra: string[]) => {
    const p = seqlens('train', '--task', 'classify', '--model', 'gru', '--data', 'builtin:grammar-number', '--units', '8', '--epochs', '1', '--embeddings', vectorFile, '--out', out, ...extra);
    assert.equal(p.status, 0, p.stderr);
    return p;
  };
  const frozenDir = path.join(tmp, 'frozen');
  const p = train(frozenDir, '--freeze-embeddings');
  assert.match(p.stdout + p.stderr, /input embedding from vectors\.txt: 4 of \d+ words, held fixed/);
  const frozen = embeddingRows(frozenDir);
  for (const [w, v] of Object.entries(VECTORS)) assert.deepEqual(frozen.get(w), v, `${w}: the file's vector, untouched`);
  const meta = loadCheckpoint(frozenDir).meta;
  assert.deepEqual([meta.training.embeddings, meta.training.frozenEmbeddings], ['vectors.txt', true]);

  const tunedDir = path.join(tmp, 'tuned');
  train(tunedDir);
  const tuned = embeddingRows(tunedDir);
  const moved = Object.entries(VECTORS).filter(([w, v]) => tuned.get(w)!.some((x, i) => Math.abs(x - v[i]) > 1e-6));
  assert.ok(moved.length >= 3, `fine-tuned: ${moved.length} of 4 rows moved`);
  // A word the file lacks starts random (uniform in ±0.1), not at zero.
  const other = [...frozen.keys()].find((w) => !(w in VECTORS) && !w.startsWith('<'))!;
  assert.ok(frozen.get(other)!.some((x) => x !== 0) && frozen.get(other)!.every((x) => Math.abs(x) <= 0.1), `${other}: a random start`);
});

test('--freeze-embeddings without vectors, and a dimension that does not match, are refused', () => {
  const a = seqlens('train', '--task', 'classify', '--data', 'builtin:grammar-number', '--freeze-embeddings', '--out', path.join(tmp, 'x'));
  assert.equal(a.status, 2);
  assert.match(a.stderr, /--freeze-embeddings needs --embeddings/);
  const b = seqlens('train', '--task', 'classify', '--data', 'builtin:grammar-number', '--embeddings', vectorFile, '--embedding', '16', '--out', path.join(tmp, 'y'));
  assert.equal(b.status, 2);
  assert.match(b.stderr, /--embedding 16 does not match the 4 dimensions of/);
});

test('a classifier in the timestep panel: each step’s class is what its batch head gives for the sentence cut there', async () => {
  const dir = path.join(tmp, 'frozen'); // trained above
  const { meta, weights } = loadCheckpoint<TaggerClassifierConfig>(dir);
  const model = new TaggerClassifier(meta.config);
  model.setWeights(weights);
  tf.dispose(Object.values(weights));
  const vocab = new Vocab(meta.vocab as string[]);
  const text = 'the cats near the old cat sleep .';
  const trace = await traceTaggerClassifier(model, vocab, { tags: [], classes: meta.classNames as string[] }, text, { modelId: 'm', modelLabel: 'm', maxTokens: 100 });
  assert.equal(trace.predictionLabel, 'class if it ended here');
  const words = text.split(' ');
  for (let t = 0; t < words.length; t++) {
    // The training path: logits of the batched encoder on the first t+1 words, its last state's class.
    const probs = tf.tidy(() => tf.softmax(model.logits(tf.tensor2d([vocab.ids(words.slice(0, t + 1))], [1, t + 1], 'int32')).classes!).dataSync());
    const want = (meta.classNames as string[]).map((c, j) => ({ c, p: probs[j] })).sort((a, b) => b.p - a.p);
    assert.equal(trace.predictions[t][0].word, want[0].c, `step ${t + 1}`);
    assert.ok(Math.abs(trace.predictions[t][0].p - want[0].p) < 1e-4, `step ${t + 1}: ${trace.predictions[t][0].p} vs ${want[0].p}`);
  }
  assert.equal(trace.layers[0].kind, 'gru');
  assert.equal(trace.layers[0].gradientNorms?.length, words.length);
  model.dispose();
});

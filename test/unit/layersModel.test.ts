/**
 * Importing tfjs LayersModels: models built and saved by tfjs itself (the
 * files `model.save('file://…')` writes), read back by SeqLens's importer and
 * run step by step; every layer's output must equal tfjs's own model.predict
 * (an independent implementation), honouring each layer's settings. Malformed
 * folders are refused with the file and the problem.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { before, test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { importLayersModel, ModelImportError, runImported } from '../../src/core/imports/layersModel';
import { traceImported } from '../../src/core/imports/traceImported';
import { assertClose, ROOT, useCpu } from './helpers';

before(useCpu); // the reference: tfjs's layers on its plain JavaScript backend

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-import-'));
const VOCAB = ['<pad>', '<unk>', ...Array.from({ length: 28 }, (_, i) => `w${i}`)];

/** Saves a model as tfjs-node's file:// handler does: model.json (topology + manifest) and weights.bin. */
async function save(model: tf.LayersModel, name: string, vocab: 'json' | 'txt' | 'none' = 'json'): Promise<string> {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers', convertedBy: null, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (vocab === 'json') fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(VOCAB));
  if (vocab === 'txt') fs.writeFileSync(path.join(dir, 'vocab.txt'), VOCAB.join('\n') + '\n');
  return dir;
}

/** Every layer's output through tfjs (model.predict on sub-models) against the importer's run. */
function compareLayers(model: tf.LayersModel, dir: string, ids: number[]): void {
  const imported = importLayersModel(dir);
  const run = runImported(imported, ids);
  const x = tf.tensor2d([ids], [1, ids.length]);
  for (const layer of model.layers) {
    const ours = run.layerOutputs.find((l) => l.name === layer.name);
    assert.ok(ours, `layer ${layer.name} was run`);
    const sub = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
    const ref = (sub.predict(x) as tf.Tensor).dataSync();
    const flat = Float64Array.from(ours.values.flatMap((v) => Array.from(v)));
    assertClose(flat, ref, 2e-5, `${dir.split(path.sep).pop()}: layer ${layer.name} (${layer.getClassName()})`);
  }
  x.dispose();
}

const ids = [2, 5, 9, 1, 17, 3, 29, 4];

test('Embedding → LSTM (tfjs defaults: hard_sigmoid gates) → Dense softmax over the vocabulary', async () => {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: ids.length }));
  m.add(tf.layers.lstm({ units: 6, returnSequences: true }));
  m.add(tf.layers.dense({ units: 30, activation: 'softmax' }));
  const dir = await save(m, 'lstm-lm');
  compareLayers(m, dir, ids);
  const imported = importLayersModel(dir);
  const lstm = imported.layers.find((l) => l.type === 'recurrent');
  assert.equal(lstm?.type === 'recurrent' && lstm.recurrentActivation, 'hard_sigmoid');
  assert.equal(imported.unkId, 1);
});

test('GRU (reset_after false, the tfjs default), stacked, then a sigmoid classifier; vocab.txt', async () => {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: 30, outputDim: 7, inputLength: ids.length }));
  m.add(tf.layers.gru({ units: 5, returnSequences: true }));
  m.add(tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid' }));
  m.add(tf.layers.dropout({ rate: 0.5 }));
  m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  const dir = await save(m, 'gru-cls', 'txt');
  compareLayers(m, dir, ids);
  const run = runImported(importLayersModel(dir), ids);
  assert.equal(run.outputPerStep, false);
  assert.equal(run.recurrent.length, 2);
  assert.deepEqual(Object.keys(run.recurrent[0].states).sort(), ['h', 'n', 'r', 'z']);
});

test('SimpleRNN (relu, go_backwards) and Bidirectional LSTM / GRU with concat and ave merges', async () => {
  const a = tf.sequential();
  a.add(tf.layers.embedding({ inputDim: 30, outputDim: 6, inputLength: ids.length }));
  a.add(tf.layers.simpleRNN({ units: 5, activation: 'relu', goBackwards: true, returnSequences: true }));
  a.add(tf.layers.simpleRNN({ units: 3 }));
  a.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  compareLayers(a, await save(a, 'rnn'), ids);

  const b = tf.sequential();
  b.add(tf.layers.embedding({ inputDim: 30, outputDim: 6, inputLength: ids.length }));
  b.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnSequences: true }) as tf.RNN, mergeMode: 'concat' }));
  b.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }) as tf.RNN, mergeMode: 'ave' }));
  b.add(tf.layers.dense({ units: 2 }));
  const dir = await save(b, 'bidi');
  compareLayers(b, dir, ids);
  const run = runImported(importLayersModel(dir), ids);
  assert.deepEqual(run.recurrent.map((r) => r.layer.name.replace(/^.* /, '')), ['(forward)', '(backward)', '(forward)', '(backward)']);
  // Backward states are stored by token: the state after reading token t (from the end).
  assert.equal(run.recurrent[1].states.h.length, ids.length);
  assert.ok(run.recurrent[1].states.h.every((v) => v instanceof Float64Array));
});

test('GRU with reset_after true (Keras 2\'s default, which tfjs cannot build) = torch.nn.GRU on the reference fixture', () => {
  // A Keras-style model.json written by hand: an Embedding whose rows are the fixture's inputs
  // (word t → x_t), then the GRU with the fixture's weights (bias [2, 3H]: input and recurrent rows).
  const ref = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'torch_reference.json'), 'utf8')).cells;
  const [T, , E] = ref.input.shape as number[];
  const g = ref.cells.gru;
  const units = Math.round(Math.sqrt(g.weights.recurrent_kernel.length / 3));
  assert.equal(units * 3 * units, g.weights.recurrent_kernel.length);
  const weights: Array<[string, number[], number[]]> = [
    ['embedding/embeddings', [T, E], ref.input.data],
    ['gru/kernel', [E, 3 * units], g.weights.kernel],
    ['gru/recurrent_kernel', [units, 3 * units], g.weights.recurrent_kernel],
    ['gru/bias', [2, 3 * units], [...g.weights.bias, ...g.weights.recurrent_bias]],
  ];
  const dir = path.join(tmp, 'keras-gru');
  fs.mkdirSync(dir, { recursive: true });
  const topology = {
    class_name: 'Sequential',
    config: {
      name: 'keras_gru',
      layers: [
        { class_name: 'Embedding', config: { name: 'embedding', input_dim: T, output_dim: E } },
        { class_name: 'GRU', config: { name: 'gru', units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, reset_after: true, return_sequences: true } },
      ],
    },
  };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }] }));
  fs.writeFileSync(path.join(dir, 'w.bin'), Buffer.from(Float32Array.from(weights.flatMap(([, , v]) => v)).buffer));
  fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(Array.from({ length: T }, (_, t) => `x${t}`)));
  const run = runImported(importLayersModel(dir), [...Array(T).keys()]);
  const st = run.recurrent[0].states;
  // The fixture's probe rows are [h z r n] per step.
  const rows = Array.from({ length: T }, (_, t) => [...st.h[t], ...st.z[t], ...st.r[t], ...st.n[t]]).flat();
  assertClose(Float64Array.from(rows), g.probe, 1e-5, 'h z r n vs torch');
});

test('refusals name the file and the problem', async () => {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: 30, outputDim: 4, inputLength: 3 }));
  m.add(tf.layers.lstm({ units: 2 }));
  const good = await save(m, 'good');
  const variant = (name: string, edit: (doc: Record<string, any>, dir: string) => void, vocab = true): string => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['model.json', 'weights.bin', ...(vocab ? ['vocab.json'] : [])]) fs.copyFileSync(path.join(good, f), path.join(dir, f));
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    edit(doc, dir);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(doc));
    return dir;
  };
  const cases: Array<[string, RegExp]> = [
    [variant('truncated', (_d, dir) => fs.truncateSync(path.join(dir, 'weights.bin'), 20)), /model\.json: the weight files hold 20 bytes, the manifest describes [\d,]+ \(truncated or mismatched files\?\)/],
    [variant('conv', (d) => (d.modelTopology.config.layers[1].class_name = 'Conv1D')), /layer "lstm_\w+" is a Conv1D; SeqLens reads Embedding, SimpleRNN, LSTM, GRU/],
    [variant('novocab', () => undefined, false), /no vocab\.json \(an array of words, index = id\) or vocab\.txt/],
    [variant('quantized', (d) => (d.weightsManifest[0].weights[0].dtype = 'uint8')), /is uint8; float32 weights are read/],
    [variant('shape', (d) => (d.weightsManifest[0].weights[0].shape = [31, 4])), /weight files hold [\d,]+ bytes, the manifest describes/],
    [variant('escape', (d) => (d.weightsManifest[0].paths = ['../good/weights.bin'])), /points outside the model's folder/],
    [variant('huge', (d) => (d.weightsManifest[0].weights[0].shape = [2000000000, 4])), /claims more than 1024 MB of weights/],
    [variant('noRnn', (d) => d.modelTopology.config.layers.splice(1, 1)), /no recurrent layer|weights no supported layer uses/],
    [path.join(tmp, 'nothing-here'), /nothing-here[/\\]model\.json: no such file/],
  ];
  fs.mkdirSync(path.join(tmp, 'notjson'));
  fs.writeFileSync(path.join(tmp, 'notjson', 'model.json'), '{"modelTopology": ');
  cases.push([path.join(tmp, 'notjson'), /model\.json: not valid JSON/]);
  for (const [dir, pattern] of cases) assert.throws(() => importLayersModel(dir), (e: Error) => e instanceof ModelImportError && pattern.test(e.message), dir);
});

test('traceImported: every recurrent layer per token, next-word predictions for a language model, the output for a classifier', async () => {
  const lm = tf.sequential();
  lm.add(tf.layers.embedding({ inputDim: 30, outputDim: 5 }));
  lm.add(tf.layers.lstm({ units: 4, returnSequences: true }));
  lm.add(tf.layers.dense({ units: 30, activation: 'softmax' }));
  const t = traceImported(importLayersModel(await save(lm, 'trace-lm')), 'w3 W4 zebra w5', { modelId: 'x', modelLabel: 'x', maxTokens: 100 });
  assert.deepEqual(t.tokens.map((x) => [x.text, x.id, x.unknown]), [['w3', 5, false], ['W4', 6, false], ['zebra', 1, true], ['w5', 7, false]]);
  assert.deepEqual(t.layers.map((l) => [l.kind, l.units, Object.keys(l.states).sort().join()]), [['lstm', 4, 'c,f,g,h,i,o']]);
  assert.equal(t.predictions.length, 4);
  assert.equal(t.predictions[0].length, 5);
  assert.ok(Math.abs(t.predictions[0].reduce((s, p) => s + p.p, 0)) <= 1);
  assert.equal(t.output, undefined);

  const cls = tf.sequential();
  cls.add(tf.layers.embedding({ inputDim: 30, outputDim: 5 }));
  cls.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }) as tf.RNN }));
  cls.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  const c = traceImported(importLayersModel(await save(cls, 'trace-cls')), 'w1 w2', { modelId: 'x', modelLabel: 'x', maxTokens: 100 });
  assert.equal(c.layers.length, 2);
  assert.ok(c.predictions.every((p) => p.length === 0));
  assert.equal(c.output?.length, 2);
  const ref = (cls.predict(tf.tensor2d([[3, 4]])) as tf.Tensor).dataSync();
  assertClose(Float64Array.from(c.output!), ref, 2e-5, 'classifier output');
});

test('a per-step Dense over the vocabulary without softmax gives logits, not predictions: its values are the output instead', async () => {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: 30, outputDim: 4 }));
  m.add(tf.layers.gru({ units: 3, returnSequences: true }));
  m.add(tf.layers.dense({ units: 30 })); // linear: logits
  const t = traceImported(importLayersModel(await save(m, 'trace-logits')), 'w1 w2 w3', { modelId: 'x', modelLabel: 'x', maxTokens: 10 });
  assert.ok(t.predictions.every((p) => p.length === 0), 'no probabilities made of logits');
  assert.equal(t.output?.length, 30);
});

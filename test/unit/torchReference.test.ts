/**
 * Forward passes against PyTorch: numbers made by test/fixtures/reference/make_fixtures.py
 * (Debian's python3-torch, float64) from the same weights, committed beside it.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import { before, test } from 'node:test';
import * as path from 'path';
import { additiveAttention, additiveKeys, dotAttention, maskBias } from '../../src/core/models/attention';
import type { RecurrentCell } from '../../src/core/models/cell';
import { GruCell } from '../../src/core/models/gru';
import { LstmCell } from '../../src/core/models/lstm';
import { RnnCell } from '../../src/core/models/rnn';
import { Rng } from '../../src/core/random';
import { AttentionProbe, multiHeadAttention, positionalEncoding } from '../../src/core/models/transformer';
import { assertClose, ROOT, useWasm } from './helpers';

const ref = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'torch_reference.json'), 'utf8'));
const TOL = 1e-5;
const [T, , E] = ref.cells.input.shape as number[];
const H = 7;

before(useWasm);

function load(cell: RecurrentCell, weights: Record<string, number[]>): void {
  for (const [name, values] of Object.entries(weights)) {
    const v = cell.weights[`${cell.kind}/${name}`];
    v.assign(tf.tensor(values, v.shape));
  }
}

async function run(cell: RecurrentCell, how: 'probe' | 'forward'): Promise<Float32Array> {
  const x = tf.tensor3d(ref.cells.input.data, [T, 1, E]);
  const out = how === 'probe' ? cell.probe(x) : cell.forward(x);
  const data = (await out.data()) as Float32Array;
  tf.dispose([x, out]);
  return data;
}

test('RNN tanh = torch.nn.RNN', async () => {
  const cell = new RnnCell({ inputSize: E, units: H, activation: 'tanh' }, new Rng(1));
  load(cell, ref.cells.cells['rnn-tanh'].weights);
  assertClose(await run(cell, 'forward'), ref.cells.cells['rnn-tanh'].h, TOL, 'rnn tanh');
});

test('RNN sigmoid = the same update in torch', async () => {
  const cell = new RnnCell({ inputSize: E, units: H, activation: 'sigmoid' }, new Rng(1));
  load(cell, ref.cells.cells['rnn-sigmoid'].weights);
  assertClose(await run(cell, 'probe'), ref.cells.cells['rnn-sigmoid'].h, TOL, 'rnn sigmoid');
});

test('LSTM = torch.nn.LSTM: hidden states, and the probe\'s h c i f g o', async () => {
  const cell = new LstmCell({ inputSize: E, units: H }, new Rng(1));
  load(cell, ref.cells.cells.lstm.weights);
  assertClose(await run(cell, 'forward'), ref.cells.cells.lstm.h, TOL, 'lstm forward');
  assertClose(await run(cell, 'probe'), ref.cells.cells.lstm.probe, TOL, 'lstm probe');
});

test('GRU = torch.nn.GRU (gate order converted r z n → z r n): h z r n', async () => {
  const cell = new GruCell({ inputSize: E, units: H }, new Rng(1));
  load(cell, ref.cells.cells.gru.weights);
  assertClose(await run(cell, 'probe'), ref.cells.cells.gru.probe, TOL, 'gru probe');
});

test('additive and dot attention = torch, with a padded source', async () => {
  const { batch: B, source: S, units: U } = ref.attention.shape;
  const a = ref.attention;
  const [alphaA, ctxA, alphaD, ctxD] = tf.tidy(() => {
    const states = tf.tensor3d(a.states, [B, S, U]);
    const query = tf.tensor2d(a.query, [B, U]);
    const bias = maskBias(tf.tensor2d(a.mask, [B, S]));
    const keys = additiveKeys(states, tf.tensor2d(a.additive.key_kernel, [U, U]));
    const add = additiveAttention(query, states, keys, tf.tensor2d(a.additive.query_kernel, [U, U]), tf.tensor1d(a.additive.v), bias);
    const dot = dotAttention(query, states, bias);
    return [add.alpha, add.context, dot.alpha, dot.context];
  });
  assertClose(await alphaA.data(), a.additive.alpha, TOL, 'additive weights');
  assertClose(await ctxA.data(), a.additive.context, TOL, 'additive context');
  assertClose(await alphaD.data(), a.dot.alpha, TOL, 'dot weights');
  assertClose(await ctxD.data(), a.dot.context, TOL, 'dot context');
  tf.dispose([alphaA, ctxA, alphaD, ctxD]);
});

test('sinusoidal positional encoding = the paper\'s formula in torch', () => {
  const pe = ref.transformer.pe;
  assertClose(positionalEncoding(pe.length, pe.d), pe.data, TOL, 'positional encoding');
});

test('multi-head attention = torch.nn.MultiheadAttention: output and per-head weights, with padding and a causal mask', async () => {
  const m = ref.transformer.mha;
  const w: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(m.weights as Record<string, number[]>)) w[`mha/${k}`] = k.endsWith('kernel') ? tf.tensor2d(v, [m.d, m.d]) : tf.tensor1d(v);
  const query = tf.tensor3d(m.query, [m.batch, m.queries, m.d]);
  const memory = tf.tensor3d(m.memory, [m.batch, m.keys, m.d]);
  const padBias = tf.reshape(tf.mul(tf.tensor1d(m.padding), -1e9), [m.batch, 1, 1, m.keys]);
  const probe: AttentionProbe[] = [];
  const out = multiHeadAttention(w, 'mha', query, memory, m.heads, padBias, probe);
  assertClose(await out.data(), m.output, TOL, 'mha output');
  assertClose(await probe[0].weights.data(), m.attention, TOL, 'mha weights');
  const causalBias = tf.reshape(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([m.queries, m.queries]), -1, 0)), -1e9), [1, 1, m.queries, m.queries]);
  const causalProbe: AttentionProbe[] = [];
  multiHeadAttention(w, 'mha', query, query, m.heads, causalBias, causalProbe);
  assertClose(await causalProbe[0].weights.data(), m.causal_attention, TOL, 'causal weights');
});

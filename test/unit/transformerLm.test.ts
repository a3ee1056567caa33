/**
 * The decoder-only Transformer language model against independent references: a float64 forward
 * pass written here from the equations (embedding × √d + sin/cos positions, pre-LN causal
 * multi-head attention, ReLU feed-forward, final LN, tied output), causality, the input-gradient
 * probe against finite differences, and the embedded default on the grammar's agreement.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { before, test } from 'node:test';
import { loadCheckpoint } from '../../src/core/checkpoint';
import { TRANSFORMER_LM_ID } from '../../src/core/defaultIds';
import { TransformerLanguageModel, TransformerLmConfig } from '../../src/core/models/transformerLm';
import { Vocab } from '../../src/core/vocab';
import { assertClose, ROOT, useWasm } from './helpers';

before(useWasm);

const CONFIG: TransformerLmConfig = { vocabSize: 9, dModel: 4, heads: 2, dFF: 6, layers: 1 };

async function weightsOf(m: TransformerLanguageModel): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(m.weights)) out[k] = Array.from(await v.data());
  return out;
}

/** Row-major [n, m] times [m, k]. */
const matmul = (a: number[][], b: number[], _inner: number, k: number) => a.map((row) => Array.from({ length: k }, (_, j) => row.reduce((s, x, i) => s + x * b[i * k + j], 0)));
const addBias = (a: number[][], bias: number[]) => a.map((row) => row.map((x, j) => x + bias[j]));
const ln = (a: number[][], g: number[], b: number[]) =>
  a.map((row) => {
    const mean = row.reduce((s, x) => s + x, 0) / row.length;
    const v = row.reduce((s, x) => s + (x - mean) ** 2, 0) / row.length;
    return row.map((x, j) => ((x - mean) / Math.sqrt(v + 1e-5)) * g[j] + b[j]);
  });

/** The logits [T, V] of one sequence, in float64, from the equations. */
function reference(w: Record<string, number[]>, ids: number[]): number[][] {
  const { dModel: d, heads: h, dFF, vocabSize: V } = CONFIG;
  const dk = d / h;
  const T = ids.length;
  let x = ids.map((id, t) => Array.from({ length: d }, (_, j) => w.embedding[id * d + j] * Math.sqrt(d) + (j % 2 === 0 ? Math.sin(t / 10000 ** (j / d)) : Math.cos(t / 10000 ** ((j - 1) / d)))));
  const p = 'layer0';
  const n1 = ln(x, w[`${p}/norm1/gamma`], w[`${p}/norm1/beta`]);
  const q = addBias(matmul(n1, w[`${p}/self/query_kernel`], d, d), w[`${p}/self/query_bias`]);
  const k = addBias(matmul(n1, w[`${p}/self/key_kernel`], d, d), w[`${p}/self/key_bias`]);
  const v = addBias(matmul(n1, w[`${p}/self/value_kernel`], d, d), w[`${p}/self/value_bias`]);
  const concat = Array.from({ length: T }, () => new Array(d).fill(0));
  for (let head = 0; head < h; head++) {
    for (let i = 0; i < T; i++) {
      const scores = Array.from({ length: i + 1 }, (_, j) => {
        let s = 0;
        for (let c = 0; c < dk; c++) s += q[i][head * dk + c] * k[j][head * dk + c];
        return s / Math.sqrt(dk);
      }); // causal: keys j ≤ i only
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const z = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < dk; c++) concat[i][head * dk + c] = e.reduce((s, ej, j) => s + (ej / z) * v[j][head * dk + c], 0);
    }
  }
  const att = addBias(matmul(concat, w[`${p}/self/output_kernel`], d, d), w[`${p}/self/output_bias`]);
  x = x.map((row, i) => row.map((val, j) => val + att[i][j]));
  const n2 = ln(x, w[`${p}/norm2/gamma`], w[`${p}/norm2/beta`]);
  const hidden = addBias(matmul(n2, w[`${p}/ffn1_kernel`], d, dFF), w[`${p}/ffn1_bias`]).map((r) => r.map((u) => Math.max(0, u)));
  const ffn = addBias(matmul(hidden, w[`${p}/ffn2_kernel`], dFF, d), w[`${p}/ffn2_bias`]);
  x = x.map((row, i) => row.map((val, j) => val + ffn[i][j]));
  const f = ln(x, w['final_norm/gamma'], w['final_norm/beta']);
  return f.map((row) => Array.from({ length: V }, (_, c) => row.reduce((s, val, j) => s + val * w.embedding[c * d + j], 0) + w['output/bias'][c]));
}

test('the forward pass equals a float64 reference written from the equations (1 layer, 2 heads)', async () => {
  const m = new TransformerLanguageModel(CONFIG, 5);
  // Non-trivial norms and biases, so every term is exercised.
  for (const [k, v] of Object.entries(m.weights)) if (/gamma|beta|bias/.test(k)) v.assign(tf.randomUniform(v.shape, -0.5, 0.5, 'float32', 3).add(/gamma/.test(k) ? 1 : 0));
  const ids = [2, 5, 7, 4, 6];
  const got = tf.tidy(() => m.logits(tf.tensor2d([ids], [1, ids.length], 'int32')).arraySync() as number[][]);
  const want = reference(await weightsOf(m), ids);
  assertClose(got.flat(), want.flat(), 1e-4, 'logits');
  m.dispose();
});

test('causal: changing a later word changes no earlier position\'s logits', async () => {
  const m = new TransformerLanguageModel({ ...CONFIG, layers: 2 }, 6);
  const a = tf.tidy(() => m.logits(tf.tensor2d([[2, 5, 7, 4]], [1, 4], 'int32')).arraySync() as number[][]);
  const b = tf.tidy(() => m.logits(tf.tensor2d([[2, 5, 8, 8]], [1, 4], 'int32')).arraySync() as number[][]);
  assertClose(a.slice(0, 2).flat(), b.slice(0, 2).flat(), 1e-6, 'positions before the change');
  assert.ok(a[3].some((x, j) => Math.abs(x - b[3][j]) > 1e-4), 'the changed positions do change');
  m.dispose();
});

test('‖∂Σr_T/∂x_t‖ (the residual stream at the last position) equals central finite differences, and is √d at the last word', async () => {
  const m = new TransformerLanguageModel({ ...CONFIG, dModel: 4, layers: 2 }, 7);
  const words = [5, 7, 4];
  const got = await m.inputGradientNorms(words);
  const T = words.length + 1;
  const x0 = tf.tidy(() => m.embed(tf.tensor2d([[2, ...words]], [1, T], 'int32')).arraySync() as number[][][]);
  const f = (x: number[][][]) => tf.tidy(() => tf.sum(tf.slice(m.residual(tf.tensor3d(x)), [0, T - 1, 0], [1, 1, 4])).dataSync()[0]);
  const eps = 1e-2;
  const want = words.map((_, w) => {
    const t = w + 1;
    let sq = 0;
    for (let j = 0; j < 4; j++) {
      const up = x0.map((b) => b.map((r) => [...r]));
      const down = x0.map((b) => b.map((r) => [...r]));
      up[0][t][j] += eps;
      down[0][t][j] -= eps;
      sq += ((f(up) - f(down)) / (2 * eps)) ** 2;
    }
    return Math.sqrt(sq);
  });
  assertClose(got, want, 2e-2 * Math.max(...want), 'input gradient norms');
  assert.ok(got[got.length - 1] >= 2 * 0.5, 'the last word passes through the residual (≈ √d = 2, plus its own attention)');
  m.dispose();
});

test('the embedded Transformer LM carries grammatical number across an attractor (P(are) vs P(is))', async () => {
  const { meta, weights } = loadCheckpoint<TransformerLmConfig>(path.join(ROOT, 'media', 'models', TRANSFORMER_LM_ID));
  const m = new TransformerLanguageModel(meta.config);
  m.setWeights(weights);
  tf.dispose(Object.values(weights));
  const vocab = new Vocab(meta.vocab as string[]);
  const after = async (text: string) => {
    const ids = vocab.ids(text.split(' '));
    const p = await m.nextWordProbs(ids);
    const V = meta.config.vocabSize;
    const last = p.subarray((ids.length - 1) * V, ids.length * V);
    return { are: last[vocab.id('are')], is: last[vocab.id('is')] };
  };
  const plural = await after('the keys to the old cabinet');
  const singular = await after('the key to the old cabinets');
  assert.ok(plural.are > plural.is, `plural subject: P(are)=${plural.are} P(is)=${plural.is}`);
  assert.ok(singular.is > singular.are, `singular subject: P(is)=${singular.is} P(are)=${singular.are}`);
  m.dispose();
});

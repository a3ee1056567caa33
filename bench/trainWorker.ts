/**
 * Worker thread for the training-throughput benchmarks. Workloads (the shapes of
 * the engine issue's table): 'lstm-lm' (embedding 2000×128, LSTM 256, T=20, B=64,
 * Adam), 'seq2seq' (GRU 128 with dot attention, S=T=12, B=64, vocabulary 2000) and
 * 'transformer-lm' (2 pre-LN layers of causal self-attention, d=128, 4 heads,
 * FFN 512, T=32, B=32, vocabulary 2000, built from the Transformer's blocks).
 * Variant 'seqlens' sets up tfjs as the engine does; 'stock' is tfjs-wasm 4.22
 * with only the missing UnsortedSegmentSum kernel (without it an embedding cannot
 * train), running the same models on tfjs's own operations (SeqLens's fused
 * recurrence and SIMD cross-entropy off). Answers {tokensPerSecond} for each {steps} request.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';
import { makePairBatch } from '../src/core/data/pairs';
import { LanguageModel } from '../src/core/models/languageModel';
import { Seq2Seq } from '../src/core/models/seq2seq';
import { feedForward, layerNorm, multiHeadAttention, positionalEncoding } from '../src/core/models/transformer';
import { Rng } from '../src/core/random';
import { setupBackend } from '../src/core/tfjs/backend';
import { setCustomKernels } from '../src/core/tfjs/simdKernels';
import { registerUnsortedSegmentSum } from '../src/core/tfjs/wasmKernels';
import { nodeModulesWasmDir } from '../src/core/tfjs/wasmDir';
import { maskedSparseCrossEntropy } from '../src/core/training/losses';
import { clipByGlobalNorm } from '../src/core/training/trainLanguageModel';
import { translationLoss } from '../src/core/training/trainTranslation';

const { workload, variant } = workerData as { workload: 'lstm-lm' | 'seq2seq' | 'transformer-lm'; variant: 'seqlens' | 'stock' };

async function main(): Promise<void> {
  if (variant === 'seqlens') await setupBackend(nodeModulesWasmDir(), { allowCpuFallback: false });
  else {
    setWasmPaths(nodeModulesWasmDir() + path.sep);
    registerUnsortedSegmentSum();
    setCustomKernels(false); // the same models on tfjs's own operations: step-by-step recurrence, tf.losses cross-entropy
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
  }
  const rng = new Rng(1);
  const V = 2000;
  const optimizer = tf.train.adam(1e-3);
  let step: () => number;
  if (workload === 'lstm-lm') {
    const model = new LanguageModel({ cell: 'lstm', vocabSize: V, embeddingSize: 128, units: 256 }, 1);
    const B = 64;
    const T = 20;
    const ids = tf.keep(tf.tensor2d(Int32Array.from({ length: B * T }, () => 4 + rng.int(V - 4)), [B, T], 'int32'));
    const labels = tf.keep(tf.tensor1d(Int32Array.from({ length: B * T }, () => 4 + rng.int(V - 4)), 'int32'));
    const mask = tf.keep(tf.ones([B * T]) as tf.Tensor1D);
    const vars = Object.values(model.weights);
    step = () => {
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => maskedSparseCrossEntropy(model.logits(ids), labels, mask), vars);
        optimizer.applyGradients(clipByGlobalNorm(grads, 5) as unknown as Record<string, tf.Variable>);
        return value;
      });
      l.dataSync();
      l.dispose();
      return B * T;
    };
  } else if (workload === 'transformer-lm') {
    const d = 128;
    const B = 32;
    const T = 32;
    const w: Record<string, tf.Variable> = {};
    const init = (shape: number[], scale: number) => tf.variable(tf.tensor(rng.uniformArray(shape.reduce((x, y) => x * y, 1), -scale, scale), shape));
    w.embedding = init([V, d], 0.1);
    for (let l = 0; l < 2; l++) {
      for (const n of ['query', 'key', 'value', 'output']) {
        w[`l${l}/att/${n}_kernel`] = init([d, d], 1 / Math.sqrt(d));
        w[`l${l}/att/${n}_bias`] = tf.variable(tf.zeros([d]));
      }
      for (const n of ['n1', 'n2']) {
        w[`l${l}/${n}/gamma`] = tf.variable(tf.ones([d]));
        w[`l${l}/${n}/beta`] = tf.variable(tf.zeros([d]));
      }
      w[`l${l}/ffn1_kernel`] = init([d, 4 * d], 1 / Math.sqrt(d));
      w[`l${l}/ffn1_bias`] = tf.variable(tf.zeros([4 * d]));
      w[`l${l}/ffn2_kernel`] = init([4 * d, d], 1 / Math.sqrt(4 * d));
      w[`l${l}/ffn2_bias`] = tf.variable(tf.zeros([d]));
    }
    w.fg = tf.variable(tf.ones([d]));
    w.fb = tf.variable(tf.zeros([d]));
    w.outb = tf.variable(tf.zeros([V]));
    const pe = tf.keep(tf.tensor2d(positionalEncoding(T, d), [T, d]));
    const causal = tf.keep(tf.reshape(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9), [1, 1, T, T]));
    const ids = tf.keep(tf.tensor2d(Int32Array.from({ length: B * T }, () => 4 + rng.int(V - 4)), [B, T], 'int32'));
    const labels = tf.keep(tf.tensor1d(Int32Array.from({ length: B * T }, () => 4 + rng.int(V - 4)), 'int32'));
    const mask = tf.keep(tf.ones([B * T]) as tf.Tensor1D);
    const vars = Object.values(w);
    step = () => {
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          let x = tf.add(tf.mul(tf.reshape(tf.gather(w.embedding, tf.reshape(ids, [-1])), [B, T, d]), Math.sqrt(d)), pe) as tf.Tensor3D;
          for (let li = 0; li < 2; li++) {
            const n1 = layerNorm(x, w[`l${li}/n1/gamma`], w[`l${li}/n1/beta`]);
            x = tf.add(x, multiHeadAttention(w, `l${li}/att`, n1, n1, 4, causal)) as tf.Tensor3D;
            x = tf.add(x, feedForward(w, `l${li}`, layerNorm(x, w[`l${li}/n2/gamma`], w[`l${li}/n2/beta`]))) as tf.Tensor3D;
          }
          const h = tf.reshape(layerNorm(x, w.fg, w.fb), [B * T, d]);
          const logits = tf.add(tf.matMul(h, w.embedding, false, true), w.outb) as tf.Tensor2D; // tied output
          return maskedSparseCrossEntropy(logits, labels, mask);
        }, vars);
        optimizer.applyGradients(clipByGlobalNorm(grads, 5) as unknown as Record<string, tf.Variable>);
        return value;
      });
      l.dataSync();
      l.dispose();
      return B * T;
    };
  } else {
    const model = new Seq2Seq({ attention: 'dot', sourceVocabSize: V, targetVocabSize: V, embeddingSize: 128, units: 128 }, 1);
    const B = 64;
    const S = 12;
    const pairs = Array.from({ length: B }, () => ({ source: Array.from({ length: S }, () => 4 + rng.int(V - 4)), target: Array.from({ length: S - 2 }, () => 4 + rng.int(V - 4)) }));
    const batch = makePairBatch(pairs); // target: <s> + 10 + </s> = 12 positions, 11 predicted
    const T = batch.targetLength;
    const vars = Object.values(model.weights);
    step = () => {
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => translationLoss(model, batch, 1, rng), vars);
        optimizer.applyGradients(clipByGlobalNorm(grads, 5) as unknown as Record<string, tf.Variable>);
        return value;
      });
      l.dataSync();
      l.dispose();
      return B * (T - 1);
    };
  }
  for (let i = 0; i < 3; i++) step(); // warm-up
  parentPort!.postMessage({ ready: true });
  parentPort!.on('message', (m: { seconds: number }) => {
    const t0 = performance.now();
    let tokens = 0;
    while (performance.now() - t0 < m.seconds * 1000) tokens += step();
    parentPort!.postMessage({ tokensPerSecond: tokens / ((performance.now() - t0) / 1000) });
  });
}
main().catch((e) => parentPort!.postMessage({ error: String(e && e.stack) }));

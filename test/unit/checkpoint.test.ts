import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { loadCheckpoint, saveCheckpoint } from '../../src/core/checkpoint';
import { useWasm } from './helpers';

before(useWasm);

const meta = { kind: 'language-model', config: { units: 2 }, vocab: ['<pad>', '<unk>', '<s>', '</s>'], training: { data: 'test', epochs: 1, seed: 1, metrics: { loss: 1 } } };

test('save then load gives the same weights and metadata; tf.io reads the manifest', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-ckpt-')), 'model');
  const w = { 'lstm/kernel': tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), 'output/bias': tf.tensor1d([0.5, -0.25]) };
  await saveCheckpoint(dir, meta, w);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'seqlens.json', 'weights.bin']);
  const loaded = loadCheckpoint(dir);
  assert.deepEqual(loaded.meta, meta);
  assert.deepEqual(Array.from(await loaded.weights['lstm/kernel'].data()), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(loaded.weights['lstm/kernel'].shape, [2, 3]);
  assert.deepEqual(Array.from(await loaded.weights['output/bias'].data()), [0.5, -0.25]);
  // The manifest is the standard tfjs weights format: tf.io decodes it as it is.
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).weightsManifest;
  const bin = fs.readFileSync(path.join(dir, manifest[0].paths[0]));
  const viaTfIo = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), manifest[0].weights);
  assert.deepEqual(Array.from(await viaTfIo['output/bias'].data()), [0.5, -0.25]);
  tf.dispose([...Object.values(w), ...Object.values(loaded.weights), ...Object.values(viaTfIo)]);
});

test('overwriting is atomic: the old checkpoint is replaced whole and no temporary folder remains', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-ckpt-'));
  const dir = path.join(parent, 'model');
  await saveCheckpoint(dir, meta, { a: tf.tensor1d([1]) });
  await saveCheckpoint(dir, { ...meta, kind: 'second' }, { a: tf.tensor1d([2]) });
  assert.deepEqual(fs.readdirSync(parent), ['model']);
  const loaded = loadCheckpoint(dir);
  assert.equal(loaded.meta.kind, 'second');
  assert.deepEqual(Array.from(await loaded.weights.a.data()), [2]);
});

test('broken checkpoints are refused with the file and the reason', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-ckpt-')), 'model');
  assert.throws(() => loadCheckpoint(dir), /seqlens\.json: missing/);
  await saveCheckpoint(dir, meta, { a: tf.tensor1d([1, 2, 3]) });
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(5));
  assert.throws(() => loadCheckpoint(dir), /weights\.bin: 5 bytes, the manifest describes 12/);
  fs.writeFileSync(path.join(dir, 'model.json'), '{ not json');
  assert.throws(() => loadCheckpoint(dir), /model\.json: not valid JSON/);
});

test('a checkpoint folder is as readable as any folder the user makes (not mkdtemp\'s private 0700)', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-perm-')), 'ck');
  await saveCheckpoint(dir, meta, { w: tf.zeros([2]) });
  assert.equal(fs.statSync(dir).mode & 0o777, 0o755 & ~process.umask());
});

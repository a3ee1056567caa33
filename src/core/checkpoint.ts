/**
 * Checkpoints (DESIGN.md contract): a folder holding
 *   model.json   – the tfjs weights manifest (tf.io format) for weights.bin
 *   weights.bin  – every weight, float32, in manifest order
 *   seqlens.json – { kind, config, vocab, training }
 * Written atomically: everything goes to a temporary sibling folder that is
 * renamed into place, so a crash never leaves half a checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';

export interface CheckpointMeta<C = unknown> {
  kind: string;
  config: C;
  vocab?: string[];
  training: { data: string; epochs: number; seed: number; metrics: Record<string, number>; [k: string]: unknown };
  [key: string]: unknown;
}

interface ModelJson {
  format: string;
  generatedBy: string;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

export async function saveCheckpoint(dir: string, meta: CheckpointMeta, weights: Record<string, tf.Tensor>): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(weights);
  const modelJson: ModelJson = {
    format: 'seqlens-weights',
    generatedBy: 'SeqLens',
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    fs.writeFileSync(path.join(tmp, 'weights.bin'), Buffer.from(data));
    fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify(modelJson, null, 1) + '\n');
    fs.writeFileSync(path.join(tmp, 'seqlens.json'), JSON.stringify(meta, null, 1) + '\n');
    // mkdtemp makes the folder private (0700); a checkpoint is an ordinary folder others may read.
    fs.chmodSync(tmp, 0o755 & ~process.umask());
    // Swap in: move an old checkpoint aside first, so that at every moment one complete folder exists.
    let old: string | undefined;
    if (fs.existsSync(dir)) {
      old = `${tmp}-old`;
      fs.renameSync(dir, old);
    }
    fs.renameSync(tmp, dir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export interface LoadedCheckpoint<C = unknown> {
  meta: CheckpointMeta<C>;
  weights: Record<string, tf.Tensor>;
}

/** Reads a checkpoint folder; errors name the file and what is wrong with it. */
export function loadCheckpoint<C = unknown>(dir: string): LoadedCheckpoint<C> {
  const read = (name: string): Buffer => {
    const file = path.join(dir, name);
    try {
      return fs.readFileSync(file);
    } catch {
      throw new Error(`${file}: missing (a SeqLens checkpoint has model.json, weights.bin and seqlens.json)`);
    }
  };
  const parseJson = <T>(name: string): T => {
    try {
      return JSON.parse(read(name).toString('utf8')) as T;
    } catch (e) {
      if (e instanceof SyntaxError) throw new Error(`${path.join(dir, name)}: not valid JSON (${e.message})`);
      throw e;
    }
  };
  const meta = parseJson<CheckpointMeta<C>>('seqlens.json');
  const model = parseJson<ModelJson>('model.json');
  if (!Array.isArray(model.weightsManifest)) throw new Error(`${path.join(dir, 'model.json')}: no weightsManifest`);
  const weights: Record<string, tf.Tensor> = {};
  for (const group of model.weightsManifest) {
    const buffers = group.paths.map((p) => read(p));
    const joined = Buffer.concat(buffers);
    const expected = group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
    if (joined.length !== expected) {
      throw new Error(`${path.join(dir, group.paths.join(','))}: ${joined.length} bytes, the manifest describes ${expected}`);
    }
    const ab = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.length);
    Object.assign(weights, tf.io.decodeWeights(ab, group.weights));
  }
  return { meta, weights };
}

/** The kind in a checkpoint folder's seqlens.json, without loading its weights (undefined if none). */
export function checkpointKindOf(dir: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'seqlens.json'), 'utf8')).kind;
  } catch {
    return undefined;
  }
}


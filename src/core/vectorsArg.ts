/**
 * The word vectors a verb names (--vectors, --embeddings): a SeqLens checkpoint folder with an
 * embedding (word2vec, or any model's input embedding), a vector file (word2vec text or
 * binary, GloVe, Embedding Projector TSV with --metadata), or the embedded vectors by id.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint } from './checkpoint';
import { DEFAULT_VECTORS_ID, defaultVectorsPath } from './defaultIds';
import { Args, str, TaskError, TaskHooks } from './taskArgs';
import { loadVectorFile, VectorFileError } from './word2vec/parse';
import { WordVectors } from './word2vec/vectors';

/** Word vectors from a SeqLens word2vec checkpoint folder, or a vector file (word2vec text or binary, GloVe, projector TSV with --metadata). */
export function loadVectors(a: Args, spec: string, hooks?: TaskHooks): WordVectors {
  // The embedded vectors by their id (unless a file of that name exists here).
  if (spec === DEFAULT_VECTORS_ID && !fs.existsSync(spec) && hooks) spec = defaultVectorsPath(hooks.modelsDir);
  if (!fs.existsSync(spec)) throw new TaskError(`${a.verb}: ${spec}: no such file or folder`);
  // A run folder (.seqlens/runs/<id>): its checkpoint.
  if (fs.statSync(spec).isDirectory() && fs.existsSync(path.join(spec, 'checkpoint', 'seqlens.json'))) spec = path.join(spec, 'checkpoint');
  if (fs.statSync(spec).isDirectory()) {
    const { meta, weights } = loadCheckpoint(spec);
    const emb = weights['embedding/embeddings'];
    if (!emb || !Array.isArray(meta.vocab)) throw new TaskError(`${a.verb}: ${spec}: a "${meta.kind}" checkpoint has no word vectors`);
    const v = new WordVectors(meta.vocab, Float32Array.from(emb.dataSync()), emb.shape[1] as number);
    tf.dispose(Object.values(weights));
    return v;
  }
  const metadata = str(a, 'metadata');
  try {
    let meta: Buffer | undefined;
    if (metadata) {
      try {
        meta = fs.readFileSync(metadata);
      } catch (e) {
        throw new VectorFileError(`${metadata}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    }
    return loadVectorFile(spec, meta ? { metadata: meta, metadataFile: metadata } : {});
  } catch (e) {
    if (e instanceof VectorFileError) throw new TaskError(`${a.verb}: ${e.message}`);
    throw e;
  }
}

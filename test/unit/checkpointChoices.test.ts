/** The checkpoints a lens's chooser offers: workspace runs of the right kind, and a folder checked before use. */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { checkCheckpointFolder, checkpointKindOf, runCheckpoints } from '../../src/core/runs/checkpointChoices';
import { ROOT } from './helpers';

function checkpoint(dir: string, kind: string, weights = true): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'seqlens.json'), JSON.stringify({ kind, label: kind }));
  if (weights) fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(4));
}

test('runs of the asked kinds are listed, others and broken ones are not', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-choices-'));
  const runs = path.join(root, '.seqlens', 'runs');
  checkpoint(path.join(runs, 'a', 'checkpoint'), 'transformer');
  checkpoint(path.join(runs, 'b', 'checkpoint'), 'seq2seq');
  checkpoint(path.join(runs, 'c', 'checkpoint'), 'language-model');
  fs.mkdirSync(path.join(runs, 'd', 'checkpoint'), { recursive: true });
  fs.writeFileSync(path.join(runs, 'd', 'checkpoint', 'seqlens.json'), '{ not json');
  const ids = (kinds: string[]) => runCheckpoints([root, path.join(root, 'missing')], kinds).map((c) => path.basename(path.dirname(c.id))).sort();
  assert.deepEqual(ids(['transformer']), ['a']);
  assert.deepEqual(ids(['seq2seq', 'transformer']), ['a', 'b']);
  assert.equal(checkpointKindOf(path.join(runs, 'd', 'checkpoint')), undefined, 'a damaged seqlens.json is no kind');
  fs.rmSync(root, { recursive: true, force: true });
});

test('a picked folder: a checkpoint, a run folder holding one, the wrong kind, no weights, not a checkpoint', () => {
  const embedded = checkCheckpointFolder(path.join(ROOT, 'media', 'models', 'translate-en-ko-transformer'), ['transformer'], 'a Transformer checkpoint');
  assert.ok(embedded.ok && embedded.choice.id.endsWith('translate-en-ko-transformer'));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-pick-'));
  checkpoint(path.join(root, 'run', 'checkpoint'), 'transformer');
  const run = checkCheckpointFolder(path.join(root, 'run'), ['transformer'], 'a Transformer checkpoint');
  assert.ok(run.ok && run.choice.id === path.join(root, 'run', 'checkpoint'), 'a run folder opens its checkpoint');
  const wrong = checkCheckpointFolder(path.join(ROOT, 'media', 'models', 'translate-en-ko'), ['transformer'], 'a Transformer checkpoint');
  assert.ok(!wrong.ok && /holds a "seq2seq" checkpoint, not a Transformer checkpoint/.test(wrong.message));
  checkpoint(path.join(root, 'empty'), 'transformer', false);
  const empty = checkCheckpointFolder(path.join(root, 'empty'), ['transformer'], 'a Transformer checkpoint');
  assert.ok(!empty.ok && /no weights/.test(empty.message));
  const none = checkCheckpointFolder(root, ['transformer'], 'a Transformer checkpoint');
  assert.ok(!none.ok && /not a SeqLens checkpoint/.test(none.message));
  fs.rmSync(root, { recursive: true, force: true });
});

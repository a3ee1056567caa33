/**
 * The checkpoints a lens can open, without tfjs (the extension host reads them): the runs of a
 * workspace's .seqlens/runs whose checkpoint is of a kind the lens reads, and a folder the user
 * picks, checked before it is sent to the engine.
 */
import * as fs from 'fs';
import * as path from 'path';
import { modelLabelOf } from './runs';

export interface CheckpointChoice {
  /** The checkpoint folder (the chooser's value). */
  id: string;
  label: string;
}

/** The kind in a checkpoint's seqlens.json, or undefined when it has none or it cannot be read. */
export function checkpointKindOf(dir: string): string | undefined {
  try {
    const kind = JSON.parse(fs.readFileSync(path.join(dir, 'seqlens.json'), 'utf8')).kind;
    return typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  }
}

/** The runs under each workspace root's .seqlens/runs whose checkpoint is one of `kinds`, newest first. */
export function runCheckpoints(roots: readonly string[], kinds: readonly string[]): CheckpointChoice[] {
  const out: Array<CheckpointChoice & { mtime: number }> = [];
  for (const root of roots) {
    const runs = path.join(root, '.seqlens', 'runs');
    let ids: string[] = [];
    try {
      ids = fs.readdirSync(runs);
    } catch {
      continue;
    }
    for (const id of ids) {
      const dir = path.join(runs, id, 'checkpoint');
      const kind = checkpointKindOf(dir);
      if (!kind || !kinds.includes(kind)) continue;
      let mtime = 0;
      try {
        mtime = fs.statSync(path.join(dir, 'seqlens.json')).mtimeMs;
      } catch {
        // listed without a date
      }
      out.push({ id: dir, label: modelLabelOf(dir), mtime }); // "name (run id)"
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime).map(({ id, label }) => ({ id, label }));
}

/**
 * A folder the user picked: a checkpoint of one of `kinds` (or a run folder holding one), or a
 * reason it is not, in words for the user.
 */
export function checkCheckpointFolder(folder: string, kinds: readonly string[], what: string): { ok: true; choice: CheckpointChoice } | { ok: false; message: string } {
  const candidates = [folder, path.join(folder, 'checkpoint')];
  for (const dir of candidates) {
    const kind = checkpointKindOf(dir);
    if (kind === undefined) continue;
    if (!kinds.includes(kind)) return { ok: false, message: `${path.basename(folder)} holds a "${kind}" checkpoint, not ${what}.` };
    if (!fs.existsSync(path.join(dir, 'model.json')) && !fs.existsSync(path.join(dir, 'weights.bin'))) return { ok: false, message: `${path.basename(folder)} has a seqlens.json but no weights: is the checkpoint complete?` };
    return { ok: true, choice: { id: dir, label: modelLabelOf(dir) } };
  }
  return { ok: false, message: `${path.basename(folder)} is not a SeqLens checkpoint (no seqlens.json): pick a folder made by Train Model… or seqlens train --out.` };
}

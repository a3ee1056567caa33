/** "Open a checkpoint folder…" in a lens's model chooser: a folder dialog, and the folder checked. */
import * as vscode from 'vscode';
import { checkCheckpointFolder, runCheckpoints, type CheckpointChoice } from '../../core/runs/checkpointChoices';

/** The chooser's value for "Open a checkpoint folder…" (no checkpoint folder is called this). */
export { OPEN_CHECKPOINT_CHOICE } from '../../protocol/models';

/** The workspace's runs of these kinds. */
export function workspaceCheckpoints(kinds: readonly string[]): CheckpointChoice[] {
  return runCheckpoints((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath), kinds);
}

/** Asks for a checkpoint folder of one of `kinds`; a wrong folder is an error message, and undefined. */
export async function pickCheckpoint(kinds: readonly string[], what: string): Promise<CheckpointChoice | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Open Checkpoint',
    title: `SeqLens: open ${what} (a folder made by Train Model… or seqlens train --out)`,
    ...(folder ? { defaultUri: folder } : {}),
  });
  if (!picked?.[0]) return undefined;
  const r = checkCheckpointFolder(picked[0].fsPath, kinds, what);
  if (!r.ok) {
    void vscode.window.showErrorMessage(`SeqLens: ${r.message}`);
    return undefined;
  }
  return r.choice;
}

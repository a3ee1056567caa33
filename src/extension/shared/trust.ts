/**
 * Workspace Trust: in an untrusted workspace SeqLens loads no model or vectors
 * from the workspace's own folders without asking (a model folder is code-like
 * input the user may not have vetted). Files outside the workspace folders are
 * the user's own choice and load as usual.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { insideFolders } from '../../core/paths';

/** True when loading may proceed: a trusted workspace, a file outside it, or the user's consent. */
export async function consentToLoad(file: string, what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  if (!insideFolders(file, folders)) return true;
  const load = 'Load Anyway';
  const answer = await vscode.window.showWarningMessage(
    `SeqLens: this workspace is not trusted. Load the ${what} ${path.basename(file)} from it?`,
    { modal: true, detail: 'SeqLens reads model and vector files from an untrusted workspace only when you agree. Trust the workspace to stop being asked.' },
    load,
  );
  return answer === load;
}

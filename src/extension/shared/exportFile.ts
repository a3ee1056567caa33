/** A lens's Export PNG / Export JSON: a save dialog in the workspace, then the file written. */
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensContext } from '../context';

/**
 * Asks where to save `name.format` (the workspace's first folder by default) and writes the PNG
 * of `dataUrl`, or the JSON of `json()`. Returns the file written, or undefined when cancelled.
 */
export async function exportFile(ctx: SeqLensContext, format: 'png' | 'json', name: string, dataUrl: string | undefined, json: () => unknown): Promise<string | undefined> {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(base, `${name}.${format}`), filters: format === 'png' ? { 'PNG image': ['png'] } : { JSON: ['json'] } });
  if (!target) return undefined;
  const bytes = format === 'png' && dataUrl ? Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(JSON.stringify(json(), null, 1));
  await vscode.workspace.fs.writeFile(target, bytes);
  ctx.info(`saved ${path.basename(target.fsPath)}.`);
  return target.fsPath;
}

/** Every setting SeqLens reads, typed, in one place. */
import * as vscode from 'vscode';
import { DEFAULT_MODEL_IDS, DefaultModelId } from '../../protocol/trace';

const SECTION = 'seqlens';

export const config = {
  timestepsModel(): DefaultModelId {
    const v = vscode.workspace.getConfiguration(SECTION).get<string>('timesteps.model', 'lstm');
    return (DEFAULT_MODEL_IDS as readonly string[]).includes(v) ? (v as DefaultModelId) : 'lstm';
  },
  /** Saves the choice where the setting is defined (a workspace value would otherwise override a global one). */
  async setTimestepsModel(id: DefaultModelId): Promise<void> {
    const c = vscode.workspace.getConfiguration(SECTION);
    const where = c.inspect<string>('timesteps.model');
    const target =
      where?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : where?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await c.update('timesteps.model', id, target);
  },
  maxTokens(): number {
    const v = vscode.workspace.getConfiguration(SECTION).get<number>('timesteps.maxTokens', 200);
    return Number.isFinite(v) ? Math.min(2000, Math.max(1, Math.floor(v))) : 200;
  },
  followCursor(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('timesteps.followCursor', true);
  },
};

/** Settings whose change needs a fresh engine worker (none yet: models load on demand). */
export const SETTINGS_NEEDING_ENGINE_RESTART: readonly string[] = [];

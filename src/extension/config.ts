/** Every setting SeqLens reads, typed, in one place. */
import * as vscode from 'vscode';
import { DEFAULT_MODEL_IDS, DefaultModelId } from '../protocol/trace';

const SECTION = 'seqlens';

export const config = {
  timestepsModel(): DefaultModelId {
    const v = vscode.workspace.getConfiguration(SECTION).get<string>('timesteps.model', 'lstm');
    return (DEFAULT_MODEL_IDS as readonly string[]).includes(v) ? (v as DefaultModelId) : 'lstm';
  },
  async setTimestepsModel(id: DefaultModelId): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update('timesteps.model', id, vscode.ConfigurationTarget.Global);
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

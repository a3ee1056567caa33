/** Shared by the lenses' model choosers. */

/** The chooser's value for "Open a checkpoint folder…" (not a path: no folder is called this). */
export const OPEN_CHECKPOINT_CHOICE = 'seqlens:open-checkpoint';
export const OPEN_CHECKPOINT_LABEL = 'Open a checkpoint folder…';

import * as path from 'path';

/** Whether `file` lies inside (or is) one of `folders`. */
export function insideFolders(file: string, folders: readonly string[]): boolean {
  return folders.some((f) => {
    const rel = path.relative(f, file);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

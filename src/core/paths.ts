import * as path from 'path';

/** Whether `file` is `base` or lies inside it (another drive, a UNC path or "../x" are outside; a folder named "..x" is inside). */
export function isInside(base: string, file: string): boolean {
  const rel = path.relative(base, file);
  if (rel === '') return true;
  if (path.isAbsolute(rel)) return false;
  return rel.split(path.sep)[0] !== '..';
}

/** Whether `file` lies inside (or is) one of `folders`. */
export function insideFolders(file: string, folders: readonly string[]): boolean {
  return folders.some((f) => isInside(f, file));
}

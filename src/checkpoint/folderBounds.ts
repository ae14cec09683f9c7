// Whether a path lies inside a folder: the one rule for a weights folder's bounds (a link in it
// that leads out of it, a weights folder that would hold the workspace).
import * as path from 'node:path';

/** Whether `target` lies strictly inside `folder` (both resolved; `folder` itself is not inside). */
export function isInside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

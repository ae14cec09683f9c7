// What Delete Checkpoint acts on, from the arguments VS Code or a caller passes, and how its
// dialogs and messages name them. VS Code calls a view's context-menu command with the clicked
// item and, when several are selected, the selection beside it; its keybinding (the Delete key)
// with nothing, so the view's selection counts; other callers pass one target or an array, and
// options. No `vscode` import: unit-tested under plain Node.
import * as path from 'node:path';

export interface DeleteRequest {
  /** Each a tree item, a folder path or a Uri: resolved by the caller. */
  targets: unknown[];
  options: unknown;
}

export function deleteRequest<Item>(
  arg: unknown,
  second: unknown,
  selection: readonly Item[],
  isItem: (v: unknown) => v is Item,
): DeleteRequest {
  if (arg === undefined) return { targets: [...selection], options: second };
  if (Array.isArray(arg)) return { targets: arg, options: second };
  if (Array.isArray(second)) {
    // The context menu: the selection when the clicked item is in it.
    const selected = second.filter(isItem);
    return { targets: (selected as unknown[]).includes(arg) ? selected : [arg], options: undefined };
  }
  return { targets: [arg], options: second };
}

/** `"a"`, `"a" and "b"`, or `"a", "b", … and 3 more`: the checkpoints a dialog names. */
export function checkpointNames(dirs: readonly string[], most = 5): string {
  const names = dirs.map((d) => `"${path.basename(d)}"`);
  if (names.length <= 1) return names.join('');
  if (names.length <= most) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, most).join(', ')} and ${names.length - most} more`;
}

/** `the checkpoint "a"` or `3 checkpoints`: what the confirmation and the result speak of. */
export function checkpointsPhrase(dirs: readonly string[]): string {
  return dirs.length === 1 ? `the checkpoint ${checkpointNames(dirs)}` : `${dirs.length} checkpoints`;
}

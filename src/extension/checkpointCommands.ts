// The checkpoint commands other than Evaluate: Reveal in Explorer, Copy as Command and Delete. Like Evaluate
// they take a tree item (context menu), a folder path or a Uri (other callers, tests); Delete
// also several (the view's selection, or an array) or nothing (its Delete key in the view), and
// then takes the view's selection.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CopyCommandResult, DeleteResult } from './api';
import { readCheckpointMeta } from '../checkpoint/read';
import { CheckpointError } from '../protocol/checkpointFormat';
import { trainAgainCommand } from '../protocol/trainAgain';
import { CHECKPOINTS_VIEW, CheckpointItem, type CheckpointNode, type CheckpointTreeProvider, SweepItem } from './checkpointTree';
import { checkpointNames, checkpointsPhrase, deleteRequest } from './deleteTargets';
import { workspaceFolder } from './workspace';

/** The checkpoint folder a command was invoked on; relative paths are taken from the workspace folder. */
export function checkpointPathFrom(arg: unknown): string | undefined {
  if (arg instanceof CheckpointItem) return arg.entry.path;
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (typeof arg === 'string' && arg.trim() !== '') {
    const base = workspaceFolder()?.uri.fsPath ?? process.cwd();
    return path.resolve(base, arg.trim());
  }
  return undefined;
}

/**
 * Checks that the folders a command was given are still there. An item can outlive its folder:
 * deleted by hand, by `git checkout` or by a sync tool, the view lists it until the file watcher's
 * refresh arrives. Those are named in a warning and the view is refreshed; returns the warning,
 * or undefined when every folder exists.
 */
export async function goneCheckpoints(dirs: readonly string[], refreshView: () => void): Promise<string | undefined> {
  const exists = await Promise.all(
    dirs.map((d) =>
      fs.promises.stat(d).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  );
  const gone = dirs.filter((_, i) => !exists[i]);
  if (gone.length === 0) return undefined;
  const message =
    gone.length === 1
      ? `The checkpoint ${checkpointNames(gone)} no longer exists: there is no folder ${gone[0]}.`
      : `The checkpoints ${checkpointNames(gone)} no longer exist: their folders were moved or deleted.`;
  void vscode.window.showWarningMessage(message);
  refreshView();
  return message;
}

export async function revealCheckpoint(arg: unknown, refreshView: () => void): Promise<void> {
  const dir = checkpointPathFrom(arg);
  if (dir && !(await goneCheckpoints([dir], refreshView))) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
}

/**
 * "Copy as Command": the command line that trains the checkpoint's run again (protocol/trainAgain.ts)
 * on the clipboard, and said in a message (where no clipboard is reachable, the message still has it).
 */
export async function copyTrainCommand(arg: unknown, refreshView: () => void): Promise<CopyCommandResult> {
  const dir = checkpointPathFrom(arg);
  if (!dir) return { status: 'error', message: 'Copy as Command needs a checkpoint folder.' };
  const gone = await goneCheckpoints([dir], refreshView);
  if (gone) return { status: 'error', message: gone };
  let command: string;
  try {
    command = trainAgainCommand(await readCheckpointMeta(dir));
  } catch (e) {
    const message = `${path.basename(dir)} cannot be trained again: ${e instanceof CheckpointError ? e.reason : (e as Error).message}.`;
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  }
  await vscode.env.clipboard.writeText(command);
  void vscode.window.showInformationMessage(
    `Copied the command that trains ${path.basename(dir)} again (run it in a checkout): ${command}`,
  );
  return { status: 'done', command };
}

/**
 * Delete as the view invokes it: on the item of its context menu (with the selection VS Code
 * passes beside it when several are selected), or (the Delete key) on the selection; an array of
 * targets from other callers. Afterwards the item that took the first deleted one's place is
 * selected and focused, so the keyboard stays in the list; with none left, the view itself has
 * the focus.
 */
export async function deleteFromView(
  view: vscode.TreeView<CheckpointNode>,
  tree: CheckpointTreeProvider,
  arg: unknown,
  second: unknown,
): Promise<DeleteResult> {
  const { targets, options } = deleteRequest(arg, second, view.selection, (v): v is CheckpointItem => v instanceof CheckpointItem);
  // Only a deletion from the view moves its selection: other callers' targets need no listing.
  if (!targets.some((t) => t instanceof CheckpointItem)) return deleteCheckpoints(targets, options, () => tree.refresh());
  const paths = targets.map(checkpointPathFrom);
  // The items beside the first target: the top level's, or its sweep's runs while it has any left.
  const sweep = targets.find((t): t is CheckpointItem => t instanceof CheckpointItem)?.entry.sweep;
  const siblings = async (): Promise<CheckpointNode[]> => {
    const top = await tree.getChildren();
    const node = sweep === undefined ? undefined : top.find((n) => n instanceof SweepItem && n.sweep === sweep);
    return node ? tree.getChildren(node) : top;
  };
  const index = (await siblings()).findIndex((item) => item instanceof CheckpointItem && paths.includes(item.entry.path));
  const result = await deleteCheckpoints(targets, options, () => tree.refresh());
  if (result.status !== 'done' || !view.visible) return result;
  const after = await siblings();
  const next = after[Math.min(Math.max(index, 0), after.length - 1)];
  if (next) await view.reveal(next, { select: true, focus: true });
  else await vscode.commands.executeCommand(`${CHECKPOINTS_VIEW}.focus`);
  return result;
}

/**
 * Moves checkpoint folders to the trash after one modal confirmation; where the file system has
 * no trash (some remote ones), deletes them for good after saying so. `{ confirm: false }` as
 * the second argument skips the dialogs, for automation and tests (a modal blocks them).
 */
export async function deleteCheckpoints(targets: unknown[], options: unknown, onDeleted: () => void): Promise<DeleteResult> {
  const dirs = targets.map(checkpointPathFrom);
  if (dirs.length === 0 || dirs.some((d) => d === undefined)) return { status: 'error', message: 'No checkpoint was given to delete.' };
  const given = [...new Set(dirs as string[])];
  const gone = await goneCheckpoints(given, onDeleted);
  const folders = gone === undefined ? given : given.filter((d) => fs.existsSync(d));
  if (gone !== undefined && folders.length === 0) return { status: 'error', message: gone };
  const confirm = !(typeof options === 'object' && options !== null && (options as { confirm?: unknown }).confirm === false);
  const one = folders.length === 1;
  const what = checkpointsPhrase(folders);
  if (confirm) {
    const choice = await vscode.window.showWarningMessage(
      `Move ${what} to the trash?`,
      {
        modal: true,
        detail: one
          ? `The folder ${folders[0]} and its weights go to the trash, where they can be restored from.`
          : `${checkpointNames(folders)}, with their weights, go to the trash, where they can be restored from.`,
      },
      'Move to Trash',
    );
    if (choice !== 'Move to Trash') return { status: 'cancelled' };
  }
  try {
    let trashed = true;
    for (const [i, dir] of folders.entries()) {
      if (trashed && (await moveToTrash(dir))) continue;
      if (trashed && confirm && !(await confirmPermanentDelete(folders.slice(i)))) return { status: 'cancelled' };
      trashed = false;
      await deleteFolder(dir, false);
    }
    void vscode.window.showInformationMessage(
      trashed ? `Moved ${what} to the trash.` : `Deleted ${what} permanently: this file system has no trash.`,
    );
    return { status: 'done', trashed };
  } catch (e) {
    const message = (e as Error).message;
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  } finally {
    onDeleted();
  }
}

/** True when `dir` went to the trash; false when its file system has none. */
async function moveToTrash(dir: string): Promise<boolean> {
  try {
    await deleteFolder(dir, true);
    return true;
  } catch (e) {
    // VS Code: "Unable to delete file ... via trash because provider does not support it."
    if (/trash/i.test((e as Error).message)) return false;
    throw e;
  }
}

async function deleteFolder(dir: string, useTrash: boolean): Promise<void> {
  try {
    // A checkpoint that is a link: the link goes, never what it leads to.
    const link = await fs.promises.lstat(dir).catch(() => undefined);
    if (link?.isSymbolicLink()) return await fs.promises.unlink(dir);
    await vscode.workspace.fs.delete(vscode.Uri.file(dir), { recursive: true, useTrash });
  } catch (e) {
    throw new Error(`Could not delete ${dir}: ${(e as Error).message}`);
  }
}

/** Asks before deleting `rest` for good, where there is no trash. */
async function confirmPermanentDelete(rest: string[]): Promise<boolean> {
  const one = rest.length === 1;
  const choice = await vscode.window.showWarningMessage(
    `There is no trash for ${checkpointNames(rest)} here. Delete ${one ? 'it' : 'them'} permanently?`,
    {
      modal: true,
      detail: `${one ? `The folder ${rest[0]} and its weights` : `${rest.length} folders and their weights`} will be deleted and cannot be restored.`,
    },
    'Delete Permanently',
  );
  return choice === 'Delete Permanently';
}

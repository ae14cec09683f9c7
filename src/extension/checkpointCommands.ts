// The checkpoint commands other than Evaluate: Reveal in Explorer and Delete. Like Evaluate
// they take a tree item (context menu), a folder path or a Uri (other callers, tests); Delete
// also nothing (its Delete key in the view), and then takes the view's selection.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeleteResult } from './api';
import { CHECKPOINTS_VIEW, CheckpointItem, type CheckpointTreeProvider } from './checkpointTree';
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

export async function revealCheckpoint(arg: unknown): Promise<void> {
  const dir = checkpointPathFrom(arg);
  if (dir) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
}

/**
 * Delete as the view invokes it: on the item of its context menu, or (the Delete key) on the
 * selected one. Afterwards the item that took the deleted one's place is selected and focused,
 * so the keyboard stays in the list; with none left, the view itself has the focus.
 */
export async function deleteFromView(
  view: vscode.TreeView<CheckpointItem>,
  tree: CheckpointTreeProvider,
  arg: unknown,
  options: unknown,
): Promise<DeleteResult> {
  const target = arg ?? view.selection[0];
  if (!(target instanceof CheckpointItem)) return deleteCheckpoint(target, options, () => tree.refresh());
  const before = await tree.getChildren();
  const index = before.findIndex((item) => item.entry.path === target.entry.path);
  const result = await deleteCheckpoint(target, options, () => tree.refresh());
  if (result.status !== 'done' || !view.visible) return result;
  const after = await tree.getChildren();
  const next = after[Math.min(Math.max(index, 0), after.length - 1)];
  if (next) await view.reveal(next, { select: true, focus: true });
  else await vscode.commands.executeCommand(`${CHECKPOINTS_VIEW}.focus`);
  return result;
}

/**
 * Moves a checkpoint folder to the trash after a modal confirmation; where the file system has
 * no trash (some remote ones), deletes it for good after saying so. `{ confirm: false }` as the
 * second argument skips the dialogs, for automation and tests (a modal blocks them).
 */
export async function deleteCheckpoint(arg: unknown, options: unknown, onDeleted: () => void): Promise<DeleteResult> {
  const dir = checkpointPathFrom(arg);
  if (!dir) return { status: 'error', message: 'No checkpoint was given to delete.' };
  const confirm = !(typeof options === 'object' && options !== null && (options as { confirm?: unknown }).confirm === false);
  const name = path.basename(dir);
  if (confirm) {
    const choice = await vscode.window.showWarningMessage(
      `Move the checkpoint "${name}" to the trash?`,
      { modal: true, detail: `The folder ${dir} and its weights go to the trash, where they can be restored from.` },
      'Move to Trash',
    );
    if (choice !== 'Move to Trash') return { status: 'cancelled' };
  }
  const uri = vscode.Uri.file(dir);
  try {
    try {
      await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: true });
      void vscode.window.showInformationMessage(`Moved the checkpoint "${name}" to the trash.`);
      return { status: 'done', trashed: true };
    } catch (e) {
      // VS Code: "Unable to delete file ... via trash because provider does not support it."
      if (!/trash/i.test((e as Error).message)) throw e;
    }
    if (confirm) {
      const choice = await vscode.window.showWarningMessage(
        `There is no trash for "${name}" here. Delete it permanently?`,
        { modal: true, detail: `The folder ${dir} and its weights will be deleted and cannot be restored.` },
        'Delete Permanently',
      );
      if (choice !== 'Delete Permanently') return { status: 'cancelled' };
    }
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
    void vscode.window.showInformationMessage(`Deleted the checkpoint "${name}" permanently: this file system has no trash.`);
    return { status: 'done', trashed: false };
  } catch (e) {
    const message = `Could not delete ${dir}: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  } finally {
    onDeleted();
  }
}

// The checkpoint commands other than Evaluate: Reveal in Explorer and Delete. Like Evaluate
// they take a tree item (context menu), a folder path or a Uri (other callers, tests).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeleteResult } from './api';
import { CheckpointItem } from './checkpointTree';
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
 * Deletes a checkpoint folder after a modal confirmation. `{ confirm: false }` as the second
 * argument skips the dialog, for automation and tests (a modal blocks them).
 */
export async function deleteCheckpoint(arg: unknown, options: unknown, onDeleted: () => void): Promise<DeleteResult> {
  const dir = checkpointPathFrom(arg);
  if (!dir) return { status: 'error', message: 'No checkpoint was given to delete.' };
  const skipConfirmation = typeof options === 'object' && options !== null && (options as { confirm?: unknown }).confirm === false;
  if (!skipConfirmation) {
    const choice = await vscode.window.showWarningMessage(
      `Delete the checkpoint "${path.basename(dir)}"?`,
      { modal: true, detail: `The folder ${dir} and its weights will be deleted permanently.` },
      'Delete',
    );
    if (choice !== 'Delete') return { status: 'cancelled' };
  }
  try {
    await vscode.workspace.fs.delete(vscode.Uri.file(dir), { recursive: true, useTrash: false });
  } catch (e) {
    const message = `Could not delete ${dir}: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  } finally {
    onDeleted();
  }
  return { status: 'done' };
}

// The workspace folder the extension works in (the first one), its settings and its weights
// folder.
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../protocol/runOptions';
import { SettingGetter, readWeightsDir } from './settings';

/** The first workspace folder, if it is on disk (the worker needs a real path). */
export function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder : undefined;
}

/**
 * The folder, or undefined after telling the user to open one. The message is not awaited: it
 * settles only when dismissed, and the command must return at once.
 */
export function requireWorkspaceFolder(what: string): vscode.WorkspaceFolder | undefined {
  const folder = workspaceFolder();
  if (!folder) {
    const open = 'Open Folder';
    void vscode.window
      .showErrorMessage(`${what} needs a folder: checkpoints are saved in it. Open a folder first.`, open)
      .then((choice) => choice === open && vscode.commands.executeCommand('workbench.action.files.openFolder'));
  }
  return folder;
}

/** The `lstmMnist.*` settings as seen from the folder (user settings when there is none). */
export function settingsOf(folder: vscode.WorkspaceFolder | undefined): SettingGetter {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder?.uri);
  return (key) => cfg.get(key);
}

/** The weights folder of the workspace, undefined when there is no folder or the setting is bad. */
export function weightsDirOf(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  if (!folder) return undefined;
  const dir = readWeightsDir(settingsOf(folder), folder.uri.fsPath);
  return dir.ok ? dir.value : undefined;
}

/**
 * In Restricted Mode (a folder the user has not trusted), why `what` cannot run, after telling
 * the user with a way to trust the folder; undefined in a trusted one. Training runs a native
 * process with the folder's settings, so it waits for trust; the Checkpoints view and the panel
 * only read and work without it.
 */
export function untrustedMessage(what: string): string | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const message =
    `${what} needs a trusted folder: it runs TensorFlow on this machine with the folder's settings. ` +
    'In Restricted Mode the Checkpoints view and the training panel only show what is there.';
  const trust = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(message, trust)
    .then((choice) => choice === trust && vscode.commands.executeCommand('workbench.trust.manage'));
  return message;
}

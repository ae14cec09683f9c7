// The extension as the extension tests start from it: activated, in the fixture workspace.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LstmMnistApi } from '../../src/extension/api';

/** The extension, activated, and the fixture workspace's folder and weights folder. */
export async function activatedInWorkspace(): Promise<{ api: LstmMnistApi; workspaceDir: string; weightsDir: string }> {
  const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
  assert.ok(ext, 'the extension is not loaded');
  const api = await ext.activate();
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixture workspace open');
  return { api, workspaceDir: folder.uri.fsPath, weightsDir: path.join(folder.uri.fsPath, 'weights') };
}

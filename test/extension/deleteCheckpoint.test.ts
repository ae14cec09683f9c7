// Delete Checkpoint moves the folder to the trash where the file system has one, deletes it for
// good where it has none, and says which; the view no longer lists it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeleteResult, LstmMnistApi } from '../../src/extension/api';
import { writeCheckpoint } from './fixtures';
import { notifications } from './observe';

suite('Delete Checkpoint', () => {
  test('moves the folder to the trash (or deletes it where there is none) and says which', async () => {
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    const api = await ext.activate();
    const dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'weights', 'to-delete');
    writeCheckpoint(dir, 0.3);
    assert.ok((await api.listCheckpoints()).some((c) => c.name === 'to-delete'));
    const mark = notifications.length;
    const result = await vscode.commands.executeCommand<DeleteResult>('lstmMnist.deleteCheckpoint', dir, { confirm: false });
    assert.equal(result.status, 'done', JSON.stringify(result));
    const { trashed } = result as Extract<DeleteResult, { status: 'done' }>;
    const infos = notifications
      .slice(mark)
      .filter((n) => n.kind === 'info')
      .map((n) => n.message);
    assert.deepEqual(infos, [
      trashed
        ? 'Moved the checkpoint "to-delete" to the trash.'
        : 'Deleted the checkpoint "to-delete" permanently: this file system has no trash.',
    ]);
    assert.ok(!fs.existsSync(dir));
    assert.ok(!(await api.listCheckpoints()).some((c) => c.name === 'to-delete'));
  });
});

// Delete Checkpoint moves the folder to the trash where the file system has one, deletes it for
// good where it has none, and says which; the view no longer lists it; several go at once. From the view (its Delete
// key runs the command on the selection) the next item is selected afterwards. A checkpoint linked
// in from outside the weights folder is shown as such, and Delete removes the link alone.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeleteResult, LstmMnistApi } from '../../src/extension/api';
import { writeCheckpoint } from './fixtures';
import { checkpointTree, checkpointView, notifications, waitFor } from './observe';

/** Deletes `targets` without dialogs; whether they went to the trash, and the information messages shown meanwhile. */
async function deleteQuietly(targets: string | string[]): Promise<{ trashed: boolean; infos: string[] }> {
  const mark = notifications.length;
  const result = await vscode.commands.executeCommand<DeleteResult>('lstmMnist.deleteCheckpoint', targets, { confirm: false });
  assert.equal(result.status, 'done', JSON.stringify(result));
  const infos = notifications
    .slice(mark)
    .filter((n) => n.kind === 'info')
    .map((n) => n.message);
  return { trashed: (result as Extract<DeleteResult, { status: 'done' }>).trashed, infos };
}

/** Whether this VS Code's file system has a trash here: a scratch file deleted with `useTrash`. */
async function hasTrash(dir: string): Promise<boolean> {
  const probe = vscode.Uri.file(path.join(dir, '.trash-probe'));
  await vscode.workspace.fs.writeFile(probe, new Uint8Array());
  try {
    await vscode.workspace.fs.delete(probe, { useTrash: true });
    return true;
  } catch (e) {
    await vscode.workspace.fs.delete(probe);
    if (/trash/i.test(String(e))) return false;
    throw e;
  }
}

suite('Delete Checkpoint', () => {
  test('moves the folder to the trash (or deletes it where there is none) and says which', async () => {
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    const api = await ext.activate();
    const dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'weights', 'to-delete');
    writeCheckpoint(dir, 0.3);
    assert.ok((await api.listCheckpoints()).some((c) => c.name === 'to-delete'));
    const { trashed, infos } = await deleteQuietly(dir);
    assert.equal(trashed, await hasTrash(path.dirname(dir)), 'the trash where there is one; for good only where there is none');
    assert.deepEqual(infos, [
      trashed
        ? 'Moved the checkpoint "to-delete" to the trash.'
        : 'Deleted the checkpoint "to-delete" permanently: this file system has no trash.',
    ]);
    assert.ok(!fs.existsSync(dir));
    assert.ok(!(await api.listCheckpoints()).some((c) => c.name === 'to-delete'));
  });

  test('a checkpoint linked in from outside the weights folder is shown as such, and Delete removes the link, never what it leads to', async () => {
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    const api = await ext.activate();
    const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    // Someone else's repository: a checkpoint outside the weights folder, linked into it.
    const elsewhere = path.join(workspace, 'elsewhere-checkpoint');
    writeCheckpoint(elsewhere, 0.3);
    const link = path.join(workspace, 'weights', 'linked-in');
    fs.symlinkSync(elsewhere, link);
    try {
      await vscode.commands.executeCommand('lstmMnist.refreshCheckpoints');
      const listed = (await api.listCheckpoints()).find((c) => c.name === 'linked-in');
      assert.deepEqual(listed && { valid: listed.valid, problem: listed.problem }, {
        valid: false,
        problem: `a link to ${fs.realpathSync(elsewhere)}, outside the weights folder: not read`,
      });
      await deleteQuietly(link);
      assert.ok(!fs.existsSync(link), 'the link is gone');
      assert.ok(fs.existsSync(path.join(elsewhere, 'weights.bin')), 'what it led to is untouched');
    } finally {
      fs.rmSync(link, { force: true });
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('several at once: all go, with one message that counts them', async () => {
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    const api = await ext.activate();
    const weights = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'weights');
    const dirs = ['several-a', 'several-b'].map((name) => path.join(weights, name));
    for (const dir of dirs) writeCheckpoint(dir, 0.3);
    const { trashed, infos } = await deleteQuietly(dirs);
    assert.deepEqual(infos, [
      trashed ? 'Moved 2 checkpoints to the trash.' : 'Deleted 2 checkpoints permanently: this file system has no trash.',
    ]);
    for (const dir of dirs) assert.ok(!fs.existsSync(dir), `${dir} deleted`);
    assert.ok(!(await api.listCheckpoints()).some((c) => c.name.startsWith('several-')));
  });

  test('with nothing given (the Delete key) it deletes the selected item, and the next one is selected', async () => {
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    await ext.activate();
    const weights = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'weights');
    for (const name of ['keys-a', 'keys-b', 'keys-c']) writeCheckpoint(path.join(weights, name), 0.3);
    await vscode.commands.executeCommand('lstmMnist.refreshCheckpoints');
    const item = async (name: string): Promise<vscode.TreeItem> => {
      const found = (await checkpointTree().getChildren())?.find((i) => i.label === name);
      assert.ok(found, `${name} in the view`);
      return found;
    };
    try {
      const view = checkpointView();
      const before = ((await checkpointTree().getChildren()) ?? []).map((i) => i.label);
      const at = before.indexOf('keys-b');
      const expected = before[at + 1] ?? before[at - 1];
      await view.reveal(await item('keys-b'), { select: true, focus: true });
      await waitFor('keys-b selected', () => view.selection[0]?.label === 'keys-b', 5_000);
      const result = await vscode.commands.executeCommand<DeleteResult>('lstmMnist.deleteCheckpoint', undefined, { confirm: false });
      assert.equal(result.status, 'done', JSON.stringify(result));
      assert.ok(!fs.existsSync(path.join(weights, 'keys-b')));
      assert.equal(view.selection[0]?.label, expected, `the item after the deleted one in ${before.join(', ')} has the selection`);
    } finally {
      for (const name of ['keys-a', 'keys-b', 'keys-c']) fs.rmSync(path.join(weights, name), { recursive: true, force: true });
    }
  });
});

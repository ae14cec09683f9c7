// Smoke test of the packaged contract: the extension loads in a real VS Code, activates, returns
// its API and registers every command that package.json contributes (read from the manifest, so
// a command added there without a handler fails here).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LstmMnistApi } from '../../src/extension/api';
import { checkpointTree } from './observe';

const EXTENSION_ID = 'lstm-mnist.lstm-mnist';

suite('commands', () => {
  test('activation registers every contributed command and the Checkpoints view', async () => {
    const ext = vscode.extensions.getExtension<LstmMnistApi>(EXTENSION_ID);
    assert.ok(ext, `the extension ${EXTENSION_ID} is not loaded`);
    const api = await ext.activate();
    assert.equal(typeof api?.listCheckpoints, 'function', 'activate() did not return the API');

    const contributed = (ext.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map(
      (c) => c.command,
    );
    for (const id of ['lstmMnist.train', 'lstmMnist.cancelTraining', 'lstmMnist.evaluateCheckpoint']) {
      assert.ok(contributed.includes(id), `package.json does not contribute ${id}`);
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);

    assert.ok(checkpointTree(), 'the Checkpoints view has no data provider');
  });
});

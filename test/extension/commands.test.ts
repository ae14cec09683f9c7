// Smoke test of the packaged contract: the extension loads in a real VS Code and registers its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const COMMANDS = ['lstmMnist.train', 'lstmMnist.evaluateCheckpoint', 'lstmMnist.cancelTraining', 'lstmMnist.showPanel'];

suite('commands', () => {
  test('activation registers every command', async () => {
    const ext = vscode.extensions.getExtension('lstm-mnist.lstm-mnist');
    assert.ok(ext, 'the extension lstm-mnist.lstm-mnist is not loaded');
    await ext.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of COMMANDS) assert.ok(registered.has(id), `${id} is not registered`);
  });
});

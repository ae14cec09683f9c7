// Smoke test of the packaged contract: the extension loads in a real VS Code, activates, returns
// its API and registers every command that package.json contributes (read from the manifest, so
// a command added there without a handler fails here).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LstmMnistApi, TrainResult } from '../../src/extension/api';
import { checkpointTree, clickNext, notifications, waitFor } from './observe';

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

  test('a setting out of its range is named as a setting, "Open Settings" opens that very setting, and nothing starts', async () => {
    const cfg = vscode.workspace.getConfiguration('lstmMnist');
    await cfg.update('learningRate', 10.5, vscode.ConfigurationTarget.Workspace);
    // What the button runs (one API object for the extension and its tests, as in observe.ts).
    const commands = vscode.commands;
    const original = commands.executeCommand;
    const opened: unknown[] = [];
    commands.executeCommand = (<T>(id: string, ...args: unknown[]) => {
      if (id !== 'workbench.action.openSettings') return original.call(commands, id, ...args) as Thenable<T>;
      opened.push(args[0]);
      return Promise.resolve(undefined as T);
    }) as typeof original;
    const mark = notifications.length;
    clickNext('Open Settings');
    try {
      const result = await vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
      assert.equal(result.status, 'error', JSON.stringify(result));
      const { message } = result as { message: string };
      assert.match(message, /^Invalid LSTM MNIST settings: lstmMnist\.learningRate /);
      assert.doesNotMatch(message, /--/, 'no command-line words in the extension');
      assert.deepEqual(
        notifications.slice(mark).map((n) => [n.kind, n.actions]),
        [['error', ['Open Settings']]],
      );
      await waitFor('the settings editor to be opened', () => opened.length > 0, 5_000);
      assert.deepEqual(opened, ['lstmMnist.learningRate']);
      assert.equal(vscode.workspace.getConfiguration('lstmMnist').get('learningRate'), 10.5);
    } finally {
      commands.executeCommand = original;
      await cfg.update('learningRate', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

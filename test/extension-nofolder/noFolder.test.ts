// A window without a folder: Train has nowhere to save checkpoints, so it must say so (with an
// Open Folder button) instead of failing later; the Checkpoints view is empty, not broken.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { EvaluateResult, LstmMnistApi, TrainResult } from '../../src/extension/api';
import { notifications } from '../extension/observe';

suite('no folder open', () => {
  test('Train explains that a folder is needed, and nothing else breaks', async () => {
    assert.equal(vscode.workspace.workspaceFolders, undefined, 'this run must have no folder open');
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    const api = await ext.activate();

    const mark = notifications.length;
    const result = await vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
    assert.equal(result.status, 'error');
    assert.match((result as Extract<TrainResult, { status: 'error' }>).message, /No folder is open/);
    const shown = notifications
      .slice(mark)
      .filter((n) => n.kind === 'error')
      .map((n) => n.message);
    assert.deepEqual(shown, ['Training needs a folder: checkpoints are saved in it. Open a folder first.']);

    assert.deepEqual(await api.listCheckpoints(), []);
    const evaluation = await vscode.commands.executeCommand<EvaluateResult>('lstmMnist.evaluateCheckpoint');
    assert.equal(evaluation.status, 'error', JSON.stringify(evaluation));
  });
});

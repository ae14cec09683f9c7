// Wires the extension together. Nothing here loads TensorFlow: training and evaluation run in
// the forked worker (dist/training/worker.js), so activation stays fast and a native crash
// cannot take the extension host down.
import * as vscode from 'vscode';
import type { CheckpointSummary, LstmMnistApi } from './api';
import { copyTrainCommand, deleteFromView, revealCheckpoint } from './checkpointCommands';
import { compareCheckpoints, followSelection } from './compareCommand';
import { continueTraining } from './continueCommand';
import { exportCheckpoint } from './exportCommand';
import { listCheckpoints } from './checkpointList';
import { CheckpointInspector } from './checkpointInspector';
import { CHECKPOINTS_VIEW, CheckpointTreeProvider } from './checkpointTree';
import { evaluateCheckpoint } from './evaluateCommand';
import { JobRunner } from './jobRunner';
import type { CommandDeps } from './commandDeps';
import { TrainingStatusBar } from './statusBar';
import { setUpTensorflow } from './setupCommand';
import { TensorflowRuntime } from './tensorflowRuntime';
import { exportRunsCsv, runsSource, showRuns } from './runsCommands';
import { continueSweep, offerToContinueSweeps, startSweep } from './sweepCommand';
import { startTraining } from './trainCommand';
import { PanelHost, TrainingPanel } from './trainingPanel';
import { weightsDirOf, workspaceFolder } from './workspace';

export function activate(context: vscode.ExtensionContext): LstmMnistApi {
  const output = vscode.window.createOutputChannel('LSTM MNIST');
  const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'training', 'worker.js').fsPath;
  const runner = new JobRunner(workerPath, output);
  const runtime = new TensorflowRuntime(context, output, workerPath);
  const inspector = new CheckpointInspector(workerPath, runtime, output);
  const tree = new CheckpointTreeProvider();
  const runs = runsSource(tree);
  const treeView = vscode.window.createTreeView(CHECKPOINTS_VIEW, { treeDataProvider: tree, canSelectMany: true });

  const panelHost: PanelHost = {
    extensionUri: context.extensionUri,
    runner,
    async handle(command) {
      if (command === 'cancel') {
        if (!runner.running) return 'Nothing is running.';
        runner.running.cancel();
        return undefined;
      }
      const start = await startTraining(deps);
      if (start.started) return undefined;
      return start.result.status === 'error' ? start.result.message : 'A job is already running.';
    },
    inspect: (target, request) => inspector.askAbout(target, request),
  };
  const deps: CommandDeps = {
    runner,
    runtime,
    output,
    workerPath,
    showPanel: () => TrainingPanel.createOrShow(panelHost, true),
    panelVisible: () => TrainingPanel.isVisible(),
    refreshCheckpoints: () => tree.refresh(),
  };

  context.subscriptions.push(
    output,
    runner,
    inspector,
    tree,
    new TrainingStatusBar(runner),
    treeView,
    vscode.window.registerWebviewPanelSerializer(TrainingPanel.viewType, {
      deserializeWebviewPanel: async (panel) => TrainingPanel.revive(panel, panelHost),
    }),
    // A finished run adds a checkpoint: show it without waiting for the file watcher.
    runner.onDidChangeRunning((job) => job === null && tree.refresh()),
    vscode.commands.registerCommand('lstmMnist.train', async () => (await startTraining(deps)).result),
    vscode.commands.registerCommand('lstmMnist.cancelTraining', () => runner.cancel()),
    vscode.commands.registerCommand('lstmMnist.showPanel', () => TrainingPanel.createOrShow(panelHost, false)),
    vscode.commands.registerCommand('lstmMnist.evaluateCheckpoint', (arg: unknown) => evaluateCheckpoint(deps, arg)),
    vscode.commands.registerCommand('lstmMnist.compareCheckpoints', (arg: unknown, selected: unknown) =>
      compareCheckpoints(context.extensionUri, arg, selected, deps.refreshCheckpoints),
    ),
    treeView.onDidChangeSelection((e) => followSelection(e.selection)),
    vscode.commands.registerCommand('lstmMnist.exportCheckpoint', (arg: unknown, options: unknown) => exportCheckpoint(deps, arg, options)),
    vscode.commands.registerCommand('lstmMnist.continueTraining', (arg: unknown, options: unknown) => continueTraining(deps, arg, options)),
    vscode.commands.registerCommand('lstmMnist.refreshCheckpoints', () => tree.refresh()),
    vscode.commands.registerCommand('lstmMnist.setUpTensorFlow', () => setUpTensorflow(deps)),
    // Trust makes the folder's own weightsFolder setting count.
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    vscode.commands.registerCommand('lstmMnist.revealCheckpoint', (arg: unknown) => revealCheckpoint(arg, deps.refreshCheckpoints)),
    vscode.commands.registerCommand('lstmMnist.copyTrainCommand', (arg: unknown) => copyTrainCommand(arg, deps.refreshCheckpoints)),
    vscode.commands.registerCommand('lstmMnist.deleteCheckpoint', (arg: unknown, options: unknown) =>
      deleteFromView(treeView, tree, arg, options),
    ),
    vscode.commands.registerCommand('lstmMnist.showRuns', () => showRuns(context.extensionUri, runs)),
    vscode.commands.registerCommand('lstmMnist.exportRunsCsv', (options: unknown) => exportRunsCsv(runs, options)),
    vscode.commands.registerCommand('lstmMnist.startSweep', (arg: unknown) => startSweep(deps, arg)),
    vscode.commands.registerCommand('lstmMnist.continueSweep', (arg: unknown) => continueSweep(deps, arg)),
  );
  // A window reload or a crash stopped a sweep: its finished runs are kept, the rest offered.
  offerToContinueSweeps(deps);

  return {
    async listCheckpoints(): Promise<CheckpointSummary[]> {
      const dir = weightsDirOf(workspaceFolder());
      return (dir ? await listCheckpoints(dir) : []).map((e) =>
        e.valid
          ? { name: e.name, path: e.path, valid: true, accuracy: e.meta.test.accuracy }
          : { name: e.name, path: e.path, valid: false, problem: e.problem },
      );
    },
    panelSnapshot: () => ({ type: 'snapshot', ...runner.snapshot() }),
  };
}

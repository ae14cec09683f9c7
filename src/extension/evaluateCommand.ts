// Evaluate Checkpoint: runs a checkpoint on the test set in the worker (loading weights needs
// TensorFlow) and shows loss, accuracy, per-class accuracy and the confusion matrix in the panel.
// The checkpoint comes from the tree, a path, or a quick pick of the valid ones.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvaluateResult } from './api';
import { checkpointPathFrom, goneCheckpoints } from './checkpointCommands';
import { isValid, listCheckpoints } from './checkpointList';
import { localDateTime, percent, plural } from '../protocol/format';
import { followJob } from './jobProgress';
import type { CommandDeps } from './commandDeps';
import { offerRunningJob, showJobError, showResult, showSettingsProblems, showUnexpectedEvent } from './notifications';
import { readEvaluateRequest } from './settings';
import type { FinalEvent } from '../client/workerClient';
import { settingsOf, untrustedMessage, weightsDirOf, workspaceFolder } from './workspace';

export async function evaluateCheckpoint(deps: CommandDeps, arg: unknown): Promise<EvaluateResult> {
  if (deps.runner.running) return busy(deps);
  const untrusted = untrustedMessage('Evaluation');
  if (untrusted) return { status: 'error', message: untrusted };
  const folder = workspaceFolder();
  const checkpoint = arg === undefined ? await pickCheckpoint() : checkpointPathFrom(arg);
  if (checkpoint === undefined) return { status: 'error', message: `Not a checkpoint folder: ${String(arg)}` };
  if (typeof checkpoint !== 'string') return checkpoint;
  const gone = await goneCheckpoints([checkpoint], deps.refreshCheckpoints);
  if (gone) return { status: 'error', message: gone };
  // Without a workspace (a path given by another extension), paths resolve beside the checkpoint.
  const base = folder?.uri.fsPath ?? path.dirname(checkpoint);
  const checked = await readEvaluateRequest(settingsOf(folder), base, checkpoint);
  if (!checked.ok) return { status: 'error', message: showSettingsProblems(checked.problems) };

  const runtime = await deps.runtime.forJob(checked.value.device, checked.value.backend ?? 'auto', 'computing');
  if (!runtime.ok) return runtime.status === 'cancelled' ? { status: 'cancelled' } : { status: 'error', message: runtime.message };
  const active = deps.runner.start({ kind: 'evaluate', request: { ...checked.value, backend: runtime.backend } }, base, runtime);
  if (!active) return busy(deps);
  deps.showPanel();
  return report(
    await followJob(
      active,
      deps.runner,
      `Evaluating ${path.basename(checked.value.checkpoint)}`,
      'loading TensorFlow, the weights and the test set…',
    ),
    deps,
  );
}

function busy(deps: CommandDeps): EvaluateResult {
  offerRunningJob(deps);
  return { status: 'busy' };
}

/** A folder picked from the valid checkpoints of the workspace, newest first, or why there is none. */
async function pickCheckpoint(): Promise<string | EvaluateResult> {
  const dir = weightsDirOf(workspaceFolder());
  const valid = dir ? (await listCheckpoints(dir)).filter(isValid) : [];
  if (valid.length === 0) {
    const message = 'There is no checkpoint to evaluate yet: train a model first.';
    const train = 'Train';
    void vscode.window
      .showInformationMessage(message, train)
      .then((choice) => choice === train && vscode.commands.executeCommand('lstmMnist.train'));
    return { status: 'error', message };
  }
  const picked = await vscode.window.showQuickPick(
    valid.map((e) => ({
      label: e.name,
      description: `${percent(e.meta.test.accuracy)} · ${plural(e.meta.epochs.length, 'epoch')}`,
      detail: localDateTime(e.meta.createdAt),
      path: e.path,
    })),
    { title: 'Evaluate Checkpoint', placeHolder: 'Checkpoint to evaluate on the test set' },
  );
  return picked?.path ?? { status: 'cancelled' };
}

function report(final: FinalEvent, deps: CommandDeps): EvaluateResult {
  switch (final.type) {
    case 'evaluation': {
      showResult(
        `${path.basename(final.checkpoint)}: test accuracy ${percent(final.result.accuracy)} on ${plural(final.result.count, 'test image')}.`,
        deps,
      );
      return { status: 'done', result: final.result };
    }
    case 'cancelled':
      return { status: 'cancelled' };
    case 'error':
      return { status: 'error', message: showJobError('Evaluation failed', final.message, deps.output) };
    case 'done':
    case 'diverged':
    case 'exported':
    case 'probed':
      return { status: 'error', message: showUnexpectedEvent('Evaluation failed', final.type, deps.output) };
  }
}

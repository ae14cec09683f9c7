// Train LSTM MNIST: settings -> TrainConfig, a free run name, the job in the worker, its progress
// in a cancellable notification, and its end as a message and as the command's result.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runNameTaken } from '../checkpoint/reservation';
import { firstFreeName } from '../protocol/freeName';
import { firstEpoch, runFraction, type TrainConfig } from '../protocol/training';
import type { TrainResult } from './api';
import { fixed, percent } from '../protocol/format';
import { type DescribeEvent, followJob } from './jobProgress';
import type { CommandDeps } from './commandDeps';
import { offerRunningJob, showJobError, showResult, showSettingsProblems, showUnexpectedEvent } from './notifications';
import { defaultRunName } from '../protocol/runOptions';
import { readTrainConfig } from './settings';
import type { FinalEvent } from '../client/workerClient';
import { requireWorkspaceFolder, settingsOf, untrustedMessage } from './workspace';

/** Whether a run began (the panel's Train button replies then) and what it ends with. */
export type TrainStart = { started: true; result: Promise<TrainResult> } | { started: false; result: TrainResult };

/** Why a job cannot start in VS Code now: another job runs, or there is no trusted folder. */
export type NotStarted = { status: 'busy' } | { status: 'error'; message: string };

/**
 * Checks what every run started in VS Code needs before its settings are read: no job running
 * and a trusted folder to save in. `doing` names the job in the messages.
 */
export function runPrerequisites(
  deps: CommandDeps,
  doing: 'Training' | 'A sweep',
): { ok: true; folder: vscode.WorkspaceFolder } | { ok: false; result: NotStarted } {
  if (deps.runner.running) return { ok: false, result: busy(deps) };
  const untrusted = untrustedMessage(doing);
  if (untrusted) return { ok: false, result: { status: 'error', message: untrusted } };
  const folder = requireWorkspaceFolder(doing);
  if (!folder)
    return { ok: false, result: { status: 'error', message: `No folder is open; ${doing.toLowerCase()} saves its checkpoints in one.` } };
  return { ok: true, folder };
}

/**
 * Starts a run from the settings; `overrides` replace what they name (a continued run's
 * checkpoint and epochs).
 */
export async function startTraining(deps: CommandDeps, overrides: Partial<TrainConfig> = {}): Promise<TrainStart> {
  const ready = runPrerequisites(deps, 'Training');
  if (!ready.ok) return { started: false, result: ready.result };
  const { folder } = ready;
  const checked = await readTrainConfig(settingsOf(folder), folder.uri.fsPath, defaultRunName());
  if (!checked.ok) return { started: false, result: { status: 'error', message: showSettingsProblems(checked.problems) } };
  const runtime = await deps.runtime.forJob(checked.value.device, checked.value.backend ?? 'auto', 'training');
  if (!runtime.ok)
    return {
      started: false,
      result: runtime.status === 'cancelled' ? { status: 'cancelled' } : { status: 'error', message: runtime.message },
    };
  const config = {
    ...checked.value,
    ...overrides,
    backend: runtime.backend,
    runName: freeRunName(checked.value.weightsDir, checked.value.runName),
  };

  // Reading the settings (or setting TensorFlow up) took a while in which another command may have started a job.
  const active = deps.runner.start({ kind: 'train', config }, folder.uri.fsPath, runtime);
  if (!active) return { started: false, result: busy(deps) };
  deps.showPanel();
  const result = Promise.resolve(
    followJob(
      active,
      deps.runner,
      config.resume ? `Continuing ${path.basename(config.resume)} as ${config.runName}` : `Training ${config.runName}`,
      'loading TensorFlow and the data…',
      describeRun(config),
    ),
  ).then((final) => report(final, folder.uri.fsPath, deps));
  return { started: true, result };
}

function busy(deps: CommandDeps): { status: 'busy' } {
  offerRunningJob(deps);
  return { status: 'busy' };
}

/**
 * Two runs started in the same second would collide on the name: the second gets a suffix. The
 * training process reserves the name it is given, and refuses it if another took it meanwhile.
 */
function freeRunName(weightsDir: string, name: string): string {
  return firstFreeName(name, (candidate) => runNameTaken(weightsDir, candidate));
}

/**
 * The run's events in its notification: its start, each batch (with the bar), each epoch's end.
 * A run at chance level is warned about in a notification of its own (a sweep counts them instead).
 */
export function describeRun(
  config: TrainConfig,
  onChanceLevel: (message: string) => void = (message) => void vscode.window.showWarningMessage(`LSTM MNIST: ${message}.`),
): DescribeEvent {
  // A continued run's epochs go on from its checkpoint's: the last is known once it has started.
  let epochs = config.epochs;
  let first = 1;
  return (event) => {
    switch (event.type) {
      case 'started':
        epochs = event.config.epochs;
        first = firstEpoch(event);
        return {
          message: `on ${event.device.device.toUpperCase()} (${event.device.backend}), ${event.batchesPerEpoch} batches per epoch`,
          now: true,
        };
      case 'batch':
        return {
          message: `epoch ${event.epoch}/${epochs} · batch ${event.batch}/${event.batchesPerEpoch} · loss ${fixed(event.loss)} · acc ${percent(event.accuracy)}`,
          fraction: runFraction(event, epochs, first),
        };
      case 'epoch':
        return {
          message: `epoch ${event.metrics.epoch}/${epochs} done · test accuracy ${percent(event.metrics.valAccuracy)}`,
          now: true,
        };
      case 'stoppedEarly':
        return {
          message: `stopping early: no better test accuracy since epoch ${event.bestEpoch} (patience ${event.patience})`,
          now: true,
        };
      case 'chanceLevel':
        onChanceLevel(event.message);
        return undefined;
      default:
        return undefined;
    }
  };
}

function report(final: FinalEvent, folder: string, deps: CommandDeps): TrainResult {
  switch (final.type) {
    case 'done': {
      const checkpoint = path.resolve(folder, final.checkpoint);
      showResult(
        `Training finished: test accuracy ${percent(final.test.accuracy)}, saved to ${path.relative(folder, checkpoint) || checkpoint}.`,
        deps,
      );
      return { status: 'done', checkpoint, test: final.test };
    }
    case 'diverged':
      return { status: 'diverged', message: showJobError('Training diverged', final.message, deps.output) };
    case 'cancelled':
      void vscode.window.showInformationMessage('Training cancelled; no checkpoint was saved.');
      return { status: 'cancelled' };
    case 'error':
      return { status: 'error', message: showJobError('Training failed', final.message, deps.output), rescued: final.rescued };
    case 'evaluation':
    case 'exported':
    case 'probed':
      return { status: 'error', message: showUnexpectedEvent('Training failed', final.type, deps.output) };
  }
}

// Notifications shared by the commands. None is awaited: a notification's promise settles only
// when the user dismisses it, and a command must settle as soon as its job is decided (the
// tests and the panel wait on it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SettingProblem } from './settings';
import type { CommandDeps } from './commandDeps';

/** Shows every bad setting; "Open Settings" opens the settings editor on the first of them. */
export function showSettingsProblems(problems: SettingProblem[]): string {
  const message = `Invalid LSTM MNIST settings: ${problems.map((p) => p.message).join(' ')}`;
  const open = 'Open Settings';
  void vscode.window
    .showErrorMessage(message, open)
    .then(
      (choice) => choice === open && vscode.commands.executeCommand('workbench.action.openSettings', problems[0]?.setting ?? 'lstmMnist.'),
    );
  return message;
}

/** Shows a job's error with a way to the full log; returns the message for the command's result. */
export function showJobError(title: string, message: string, output: vscode.OutputChannel): string {
  const show = 'Show Output';
  void vscode.window.showErrorMessage(`${title}: ${message}`, show).then((choice) => choice === show && output.show(true));
  return message;
}

/** A final event the command's job cannot end with (a protocol slip): said as an error, like any other. */
export function showUnexpectedEvent(title: string, type: string, output: vscode.OutputChannel): string {
  return showJobError(title, `the training process answered with an unexpected ${type} event`, output);
}

/** A job's result; "Show Panel" only when the panel, where the details are, is not on screen. */
export function showResult(message: string, { showPanel, panelVisible }: CommandDeps): void {
  const show = 'Show Panel';
  void vscode.window.showInformationMessage(message, ...(panelVisible() ? [] : [show])).then((choice) => choice === show && showPanel());
}

/** A second Train or Evaluate while a job runs: offer to show (if it is not on screen) or cancel the running one. */
export function offerRunningJob({ runner, showPanel, panelVisible }: CommandDeps): void {
  const job = runner.running?.job;
  if (!job) return;
  const what = job.kind === 'train' ? `training ${job.label}` : `evaluating ${path.basename(job.label)}`;
  const show = 'Show';
  const cancel = 'Cancel It';
  const actions = panelVisible() ? [cancel] : [show, cancel];
  void vscode.window.showInformationMessage(`LSTM MNIST is already ${what}; one job runs at a time.`, ...actions).then((choice) => {
    if (choice === show) showPanel();
    else if (choice === cancel) void runner.cancel();
  });
}

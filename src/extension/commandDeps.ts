// What the commands work with: the job runner, the TensorFlow runtime, the output channel and a
// way to show the panel. One object, made in activate(), so each command takes one argument.
import type * as vscode from 'vscode';
import type { JobRunner } from './jobRunner';
import type { TensorflowRuntime } from './tensorflowRuntime';

export interface CommandDeps {
  runner: JobRunner;
  runtime: TensorflowRuntime;
  output: vscode.OutputChannel;
  /** The training process's script (dist/training/worker.js): for jobs outside the runner, such as Export. */
  workerPath: string;
  /** Shows the training panel without taking the focus. */
  showPanel(): void;
  /** Whether the panel is on screen: a notification offers "Show Panel" only when it is not. */
  panelVisible(): boolean;
  /** Makes the Checkpoints view read the weights folder again. */
  refreshCheckpoints(): void;
}

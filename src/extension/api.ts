// What the commands resolve to and what activate() returns: the extension's surface for tests
// and other extensions (`vscode.commands.executeCommand` / `extension.exports`).
// `lstmMnist.cancelTraining` resolves to true once the running job has stopped, false if none
// was running; `lstmMnist.deleteCheckpoint(target, { confirm: false })` skips its dialog (`target`
// one checkpoint or an array of them).
import type { EvaluationResult, TestResult } from '../protocol/training';
import type { HostToWebview } from '../protocol/webview';

/** `lstmMnist.train`: settles when the run has ended (or at once when it could not start). */
export type TrainResult =
  | { status: 'done'; checkpoint: string; test: TestResult }
  | { status: 'cancelled' }
  /** The loss became NaN or infinite; nothing was saved. */
  | { status: 'diverged'; message: string }
  /** `rescued`: where the weights went when the run finished but could not be saved where asked. */
  | { status: 'error'; message: string; rescued?: string }
  /** Another training or evaluation is running; nothing was started. */
  | { status: 'busy' };

/** `lstmMnist.evaluateCheckpoint`; `cancelled` also when the quick pick was dismissed. */
export type EvaluateResult =
  { status: 'done'; result: EvaluationResult } | { status: 'cancelled' } | { status: 'error'; message: string } | { status: 'busy' };

/** `lstmMnist.exportCheckpoint`: `dir`, the model's folder (model.json + weights.bin). */
export type ExportResult = { status: 'done'; dir: string } | { status: 'cancelled' } | { status: 'error'; message: string };

/** `lstmMnist.compareCheckpoints`: the runs the comparison panel shows, in order. */
export type CompareResult = { status: 'done'; runs: string[] } | { status: 'cancelled' } | { status: 'error'; message: string };

/**
 * `lstmMnist.startSweep` and `lstmMnist.continueSweep`: settles when the sweep has ended or
 * stopped. `checkpoints`: the runs trained this time; `failed`: the runs that failed or diverged;
 * `left`: the runs still without a checkpoint (Continue Sweep trains them).
 */
export type SweepResult =
  | { status: 'done' | 'cancelled'; dir: string; checkpoints: string[]; failed: string[]; left: number }
  /** Nothing was started: dismissed before the sweep was planned, or its runtime set-up was cancelled. */
  | { status: 'cancelled' }
  | { status: 'error'; message: string }
  | { status: 'busy' };

/** `lstmMnist.exportRunsCsv`: the CSV file, and its lines besides the header (runs, or configurations when grouped). */
export type ExportCsvResult =
  { status: 'done'; file: string; lines: number } | { status: 'cancelled' } | { status: 'error'; message: string };

/** `lstmMnist.copyTrainCommand`: the command line copied to the clipboard. */
export type CopyCommandResult = { status: 'done'; command: string } | { status: 'error'; message: string };

/** `lstmMnist.deleteCheckpoint`. */
export type DeleteResult =
  /** `trashed`: moved to the trash (false: deleted for good, where the file system has no trash). */
  { status: 'done'; trashed: boolean } | { status: 'cancelled' } | { status: 'error'; message: string };

export interface CheckpointSummary {
  name: string;
  /** Absolute folder path. */
  path: string;
  valid: boolean;
  /** Why the folder is not a usable checkpoint (invalid ones only). */
  problem?: string;
  /** Test accuracy, 0..1 (valid ones only). */
  accuracy?: number;
}

export interface LstmMnistApi {
  /** The checkpoints of the workspace's weights folder, as the tree shows them (read from disk now). */
  listCheckpoints(): Promise<CheckpointSummary[]>;
  /** What the training panel is sent when it opens: the session's latest run and evaluation, and the running job. */
  panelSnapshot(): Extract<HostToWebview, { type: 'snapshot' }>;
}

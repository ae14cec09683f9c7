// What the training panel shows, derived from the host's messages alone: no DOM, so it is
// tested under plain Node (test/unit/panelState.test.ts) and saved with vscode.setState.
//
// The state is updated in place: a long run sends thousands of batch events and copying the
// batch series for each would make a run quadratic. The view reads the state after each update.
// The batch series is bounded (protocol/batchHistory.ts): a run of any length keeps at most
// MAX_BATCH_POINTS points over all of it, so the state saved with setState stays small too.
import {
  type DatasetInfo,
  type DeviceInfo,
  type EncodedPredictions,
  type EpochMetrics,
  type EvaluationResult,
  type ContinuedFrom,
  firstEpoch,
  runFraction,
  type TestResult,
  type TrainConfig,
  type TrainingEvent,
} from '../../src/protocol/training';
import type { HostToWebview, LogEntry, PanelJob } from '../../src/protocol/webview';
import { batchNumber, keepsBatch, thinsAt } from '../../src/protocol/batchHistory';

/** 2: the batch series holds each point's batch number. */
export const STATE_VERSION = 2;

export interface BatchProgress {
  epoch: number;
  /** 1-based: the batch just finished. */
  batch: number;
  batchesPerEpoch: number;
  /** Running mean over the epoch so far. */
  loss: number;
  accuracy: number;
}

/**
 * One point per batch kept (batchHistory.ts); x in epochs (1.5 = half-way through epoch 2), so it
 * lines up with the epoch charts; `batch`, each point's batch number in the run.
 */
export interface BatchSeries {
  x: number[];
  loss: number[];
  accuracy: number[];
  batch: number[];
}

export type JobOutcome =
  /** `bestEpoch`: the run kept that epoch's weights rather than the last's. */
  | { kind: 'done'; test: TestResult; checkpoint: string; seconds: number; bestEpoch?: number }
  | { kind: 'cancelled' }
  /** The loss became NaN or infinite and the run stopped. */
  | { kind: 'diverged'; message: string }
  | { kind: 'error'; message: string }
  /** The job had not ended when the extension host went away (window reload or close). */
  | { kind: 'interrupted' };

export interface TrainingView {
  job: PanelJob;
  config?: TrainConfig;
  /** The checkpoint a continued run started from. */
  continued?: ContinuedFrom;
  /** The run stopped before its last epoch: no better test accuracy for `patience` epochs. */
  stoppedEarly?: { epoch: number; bestEpoch: number; patience: number };
  device?: DeviceInfo;
  dataset?: DatasetInfo;
  progress?: BatchProgress;
  batches: BatchSeries;
  epochs: EpochMetrics[];
  outcome?: JobOutcome;
  warnings: string[];
}

export interface EvaluationView {
  job: PanelJob;
  checkpoint?: string;
  /** The test size the checkpoint's run used, when not all. */
  runTestSize?: number;
  /** Each test image's prediction (the gallery's data), as the event carried it. */
  predictions?: EncodedPredictions;
  device?: DeviceInfo;
  dataset?: DatasetInfo;
  result?: EvaluationResult;
  outcome?: Exclude<JobOutcome, { kind: 'done' }>;
  warnings: string[];
}

export interface PanelState {
  version: typeof STATE_VERSION;
  running: PanelJob | null;
  training?: TrainingView;
  evaluation?: EvaluationView;
}

export function initialState(): PanelState {
  return { version: STATE_VERSION, running: null };
}

/** The state saved by vscode.setState, if it is one this version wrote; else a fresh one. */
export function restoreState(saved: unknown): PanelState {
  const s = saved as Partial<PanelState> | undefined;
  return s && typeof s === 'object' && s.version === STATE_VERSION ? (s as PanelState) : initialState();
}

/**
 * Whether the panel saves its state (setState: a copy of all of it) at once after `message`, or
 * within a second: not after every batch report.
 */
export function savesAtOnce(message: HostToWebview): boolean {
  return !(message.type === 'event' && message.entry.event.type === 'batch');
}

/** Applies one host message (already checked with isHostToWebview); returns the same state object. */
export function applyMessage(state: PanelState, message: HostToWebview): PanelState {
  switch (message.type) {
    case 'snapshot':
      return applySnapshot(state, message.log, message.running);
    case 'event':
      return applyEntry(state, message.entry);
    case 'running':
      state.running = message.job;
      if (message.job) viewFor(state, message.job);
      return state;
    case 'reply':
    case 'inspectReply':
      return state;
  }
}

/**
 * The host's log replaces what the panel had for each kind of job it holds events for. A kind
 * it holds nothing for keeps the restored view: after a window reload the new host knows
 * nothing, and the panel still shows the last run (marked interrupted if it had not ended).
 */
function applySnapshot(state: PanelState, log: LogEntry[], running: PanelJob | null): PanelState {
  if (log.some((e) => e.job.kind === 'train')) delete state.training;
  if (log.some((e) => e.job.kind === 'evaluate')) delete state.evaluation;
  state.running = running;
  if (running) viewFor(state, running);
  for (const entry of log) applyEntry(state, entry);
  for (const view of [state.training, state.evaluation]) {
    if (view && !hasEnded(view) && view.job.id !== running?.id) view.outcome = { kind: 'interrupted' };
  }
  return state;
}

/** Whether the job of this view has ended: it has an outcome, or (an evaluation's only end that has none) its result. */
function hasEnded(view: TrainingView | EvaluationView): boolean {
  return view.outcome !== undefined || (!('batches' in view) && view.result !== undefined);
}

function applyEntry(state: PanelState, { job, event }: LogEntry): PanelState {
  const view = viewFor(state, job);
  if (event.type === 'warning' || event.type === 'chanceLevel') {
    if (!view.warnings.includes(event.message)) view.warnings.push(event.message);
  } else if (event.type === 'diverged') {
    view.outcome = { kind: 'diverged', message: event.message };
  } else if (event.type === 'cancelled') {
    view.outcome = { kind: 'cancelled' };
  } else if (event.type === 'error') {
    view.outcome = { kind: 'error', message: event.message };
  } else if ('batches' in view) {
    applyTrainingEvent(view, event);
  } else if (event.type === 'evaluation') {
    view.checkpoint = event.checkpoint;
    view.runTestSize = event.runTestSize;
    view.predictions = event.predictions;
    view.device = event.device;
    view.dataset = event.dataset;
    view.result = event.result;
  }
  return state;
}

function applyTrainingEvent(view: TrainingView, event: TrainingEvent): void {
  switch (event.type) {
    case 'started':
      view.config = event.config;
      view.continued = event.continued;
      view.device = event.device;
      view.dataset = event.dataset;
      return;
    case 'batch': {
      const first = firstEpoch(view);
      const number = batchNumber(event, first);
      const previous = view.progress ? batchNumber(view.progress, first) : 0;
      if (number <= previous) return; // a repeat: the series only moves forward
      const series = view.batches;
      if (thinsAt(number, previous)) thinSeries(series, number);
      if (keepsBatch(number, number)) {
        series.x.push(event.epoch - 1 + event.batch / event.batchesPerEpoch);
        series.loss.push(event.loss);
        series.accuracy.push(event.accuracy);
        series.batch.push(number);
      }
      view.progress = {
        epoch: event.epoch,
        batch: event.batch,
        batchesPerEpoch: event.batchesPerEpoch,
        loss: event.loss,
        accuracy: event.accuracy,
      };
      return;
    }
    case 'epoch':
      view.epochs = [...view.epochs.filter((m) => m.epoch !== event.metrics.epoch), event.metrics].sort((a, b) => a.epoch - b.epoch);
      return;
    case 'stoppedEarly':
      view.stoppedEarly = { epoch: event.epoch, bestEpoch: event.bestEpoch, patience: event.patience };
      return;
    case 'done':
      view.outcome = { kind: 'done', test: event.test, checkpoint: event.checkpoint, seconds: event.seconds };
      if (event.bestEpoch !== undefined) view.outcome.bestEpoch = event.bestEpoch;
      return;
    default:
      return; // An evaluation's event cannot belong to a training job.
  }
}

/** Drops the points a history that has reached batch `latest` no longer keeps. */
function thinSeries(series: BatchSeries, latest: number): void {
  const kept = series.batch.map((n) => keepsBatch(n, latest));
  for (const column of [series.x, series.loss, series.accuracy, series.batch]) {
    let to = 0;
    column.forEach((value, i) => {
      if (kept[i]) column[to++] = value;
    });
    column.length = to;
  }
}

/** The view of the job's kind, started afresh when the job is a new one. */
function viewFor(state: PanelState, job: PanelJob): TrainingView | EvaluationView {
  if (job.kind === 'train') {
    if (state.training?.job.id !== job.id) {
      state.training = { job, batches: { x: [], loss: [], accuracy: [], batch: [] }, epochs: [], warnings: [] };
    }
    return state.training;
  }
  if (state.evaluation?.job.id !== job.id) state.evaluation = { job, warnings: [] };
  return state.evaluation;
}

/** The epoch with the best test accuracy after it (the lower test loss on a tie). */
export function bestEpoch(epochs: EpochMetrics[]): number | undefined {
  let best: EpochMetrics | undefined;
  for (const m of epochs) {
    if (!Number.isFinite(m.valAccuracy)) continue;
    if (!best || m.valAccuracy > best.valAccuracy || (m.valAccuracy === best.valAccuracy && m.valLoss < best.valLoss)) best = m;
  }
  return best?.epoch;
}

/** How much of the run is done, 0..1 (batches done over all batches of all epochs). */
export function trainingFraction(view: TrainingView): number {
  if (view.outcome?.kind === 'done') return 1;
  const p = view.progress;
  const epochs = view.config?.epochs;
  if (!p || !epochs) return 0;
  return runFraction(p, epochs, firstEpoch(view));
}

/** Whether this view's job is the one running now. */
export function isRunning(state: PanelState, view: { job: PanelJob } | undefined): boolean {
  return view !== undefined && state.running?.id === view.job.id;
}

// The messages of the training process: what it is asked to do (WorkerCommand) and what it
// reports (TrainingEvent). The CLI prints the same events (`--json`), the extension host reads
// them from the forked worker, and the webview renders them: one definition for all three.
import { isBase64 } from './binary';
import type { BackendChoice, DeviceChoice, TrainingPath, TrainingPathChoice } from './compute';
import type { CellName } from './architecture';
import type { ScheduleName } from './learningRate';
import { isFiniteNumber, isRecord } from './guards';
import {
  type InspectRequest,
  type InspectResult,
  type InspectSubject,
  isInspectRequest,
  isInspectResult,
  isInspectSubject,
} from './inspection';

/** Hyperparameters and run settings; the defaults are the seed notebook's. */
export interface TrainConfig {
  units: number;
  /** Stacked recurrent layers (protocol/architecture.ts); undefined = 1, the seed's. */
  layers?: number;
  /** The recurrent cell; undefined = lstm, the seed's. */
  cell?: CellName;
  /** The fraction of each recurrent layer's inputs dropped while training, one mask per sequence; undefined = off. */
  dropout?: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  seed: number;
  /** Use only the first N training examples (quick runs); undefined = all 60,000. */
  trainSize?: number;
  /** Use only the first N test examples; undefined = all 10,000. */
  testSize?: number;
  /** A folder of IDX files (plain or .gz); undefined = the MNIST that comes with the extension. */
  dataDir?: string;
  /** Checkpoints go to `<weightsDir>/<runName>/`. */
  weightsDir: string;
  runName: string;
  device: DeviceChoice;
  /** Native TensorFlow or the portable kernels; undefined = auto. */
  backend?: BackendChoice;
  kernels?: TrainingPathChoice;
  /**
   * A checkpoint folder to continue: its weights, Adam's state and its shuffle order go on for
   * `epochs` more epochs; its hyperparameters replace this config's.
   */
  resume?: string;
  /** Save the epoch with the best test accuracy rather than the last (Keras' ModelCheckpoint(save_best_only)). */
  keepBest?: boolean;
  /** Stop when the test accuracy has not improved for this many epochs (Keras' EarlyStopping); undefined = never. */
  patience?: number;
  /** Write TensorBoard event files into the checkpoint's `logs` folder; undefined = yes. */
  tensorBoard?: boolean;
  /** Where the run was started, recorded with its checkpoint: the command line's words, or VS Code's settings. */
  origin?: RunOrigin;
  /** How the learning rate changes from epoch to epoch (protocol/learningRate.ts); undefined = constant. */
  lrSchedule?: ScheduleName;
  /** The schedule's factor, step, patience and floor (read only by the schedules that use them). */
  lrDecay?: number;
  lrStepEpochs?: number;
  lrPatience?: number;
  lrMin?: number;
  /** Clip each step's gradient to this global norm (tf.clip_by_global_norm); undefined = off. */
  clipNorm?: number;
}

/** A setting's value as a run records it. */
export type SettingValue = string | number | boolean;

export function isSettingValue(v: unknown): v is SettingValue {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * An epoch's metrics as a checkpoint or the worker gives them: a whole epoch number, its losses and
 * accuracies as numbers (a diverged loss is NaN; read from JSON, `fromJson`, null), and the
 * optional figures as numbers (a checkpoint from an early version has no seconds).
 */
export function isEpochMetrics(v: unknown, fromJson = false): v is EpochMetrics {
  return (
    isRecord(v) &&
    Number.isSafeInteger(v.epoch) &&
    (v.epoch as number) >= 1 &&
    [v.loss, v.accuracy, v.valLoss, v.valAccuracy].every((n) => typeof n === 'number' || (fromJson && n === null)) &&
    [v.seconds, v.learningRate, v.gradNorm].every((n) => n === undefined || isFiniteNumber(n))
  );
}

/**
 * Where a run was started: the command line's words, or VS Code with the `lstmMnist.*` settings it
 * read (their full ids and the values it read; absent in checkpoints from before they were kept).
 */
export type RunOrigin = { from: 'cli'; args: string[] } | { from: 'vscode'; settings?: Record<string, SettingValue> };

/** What a continued run started from. */
export interface ContinuedFrom {
  checkpoint: string;
  /** The epochs its weights had been trained for: this run's first epoch is the next. */
  epochs: number;
  /** False for a checkpoint saved before Adam's state was kept: Adam starts afresh. */
  adamRestored: boolean;
}

/** Export: the checkpoint as a TensorFlow.js Layers model in `outDir`, a folder that does not exist yet. */
export interface ExportRequest {
  checkpoint: string;
  outDir: string;
  device: DeviceChoice;
  backend?: BackendChoice;
}

export interface EvaluateRequest {
  /** A checkpoint folder. */
  checkpoint: string;
  dataDir?: string;
  /** The first N test images; undefined = all, or see testSizeFromCheckpoint. */
  testSize?: number;
  /** Without testSize: the test size the checkpoint's run used (all if it used all). The CLI's default. */
  testSizeFromCheckpoint?: boolean;
  device: DeviceChoice;
  backend?: BackendChoice;
}

/** The device and backend a run actually used. */
export interface DeviceInfo {
  device: 'cpu' | 'gpu';
  /** tf.getBackend(): 'tensorflow' for tfjs-node and tfjs-node-gpu; 'portable' for the portable kernels. */
  backend: string;
  /** The npm package whose build of TensorFlow runs: tfjs-node (CPU) or tfjs-node-gpu; for the portable kernels, tfjs (the rest of the model). */
  package: string;
  /** Where that build came from, e.g. "pip's tensorflow-cpu 2.21.0 wheel, TensorFlow 2.21.0" (absent in older checkpoints). */
  runtime?: string;
  /** Whether TensorFlow's native LSTM ops are used (the scheduled and the fused paths). */
  fusedKernels: boolean;
  /** The training path (absent in older checkpoints and in evaluations). */
  kernels?: TrainingPath;
  /** The scheduled path's shards of each batch, computed side by side on as many threads (named shares in the format). */
  shares?: number;
  /** Older checkpoints' scheduled runs: their processes, one per core (now shards of one process). */
  replicas?: number;
}

/** The name of the MNIST that comes with the extension (DatasetInfo.name); a folder of IDX files is named by the folder. */
export const EMBEDDED_DATASET = 'MNIST';

export interface DatasetInfo {
  name: string;
  source: string;
  trainCount: number;
  testCount: number;
}

export interface EpochMetrics {
  epoch: number;
  /** Training loss and accuracy: means over the epoch's batches. */
  loss: number;
  accuracy: number;
  /** Measured on the test set after the epoch, as the seed notebook validates (shown as "test"). */
  valLoss: number;
  valAccuracy: number;
  seconds: number;
  /** The learning rate the epoch trained with (absent in older checkpoints: the run's own). */
  learningRate?: number;
  /** The mean over the epoch's steps of the gradient's global norm before clipping (runs that clip). */
  gradNorm?: number;
}

export interface TestResult {
  loss: number;
  accuracy: number;
}

export interface EvaluationResult extends TestResult {
  count: number;
  /** Accuracy of each true class 0..9. */
  perClassAccuracy: number[];
  /** confusion[trueClass][predictedClass] = count. */
  confusion: number[][];
}

export type TrainingEvent =
  /**
   * `config` is the run's own; a continued run's `epochs` counts its checkpoint's epochs too, and
   * its earlier epochs' `epoch` events follow this one.
   */
  | { type: 'started'; config: TrainConfig; device: DeviceInfo; dataset: DatasetInfo; batchesPerEpoch: number; continued?: ContinuedFrom }
  | { type: 'batch'; epoch: number; batch: number; batchesPerEpoch: number; loss: number; accuracy: number }
  | { type: 'epoch'; metrics: EpochMetrics }
  /** `bestEpoch`: the run kept its best epoch's weights, and `test` is that epoch's result. */
  | { type: 'done'; test: TestResult; checkpoint: string; seconds: number; bestEpoch?: number }
  /** No better test accuracy for `patience` epochs since `bestEpoch`: the run ends after `epoch` and saves. */
  | { type: 'stoppedEarly'; epoch: number; bestEpoch: number; patience: number }
  | {
      type: 'evaluation';
      checkpoint: string;
      device: DeviceInfo;
      dataset: DatasetInfo;
      result: EvaluationResult;
      /** The test size the checkpoint's run was tested on, when it was not all: why the two accuracies may differ. */
      runTestSize?: number;
      /** Each test image's true and predicted class and the predicted class's probability (the gallery's data). */
      predictions?: EncodedPredictions;
    }
  /** The answer to `export`: the model's folder and its files. */
  | { type: 'exported'; dir: string; files: string[] }
  /** The answer to `probe`: the runtime loaded and ran a training step. */
  | { type: 'probed'; tensorflow: string; gpu: boolean; loaded?: string[] }
  /**
   * The loss became NaN or infinite: the run stopped at that batch and saved nothing (as Keras'
   * TerminateOnNaN does). Ends a training job. `loss` is its text ("NaN", "Infinity"): in
   * `--json`'s lines (JSON has no NaN) a number here would always read null.
   */
  | { type: 'diverged'; epoch: number; batch: number; loss: string; message: string }
  /** After the first epoch the model is no better than guessing; the run goes on. */
  | { type: 'chanceLevel'; epoch: number; accuracy: number; chance: number; message: string }
  | { type: 'cancelled' }
  | { type: 'warning'; message: string }
  /** `rescued`: the run finished but its checkpoint could not be saved where asked; the weights are there instead. */
  | { type: 'error'; message: string; rescued?: string }
  /** The answer to `inspect`: the checkpoint and `count` test images are loaded; requests are answered from now on. */
  | { type: 'inspecting'; count: number }
  /** The answer to one `inspectRequest`: its result, or why there is none. */
  | { type: 'inspected'; id: number; result?: InspectResult; error?: string };

/** Per test image, in order (base64, src/protocol/binary.ts): labels and predicted classes as bytes, confidences as float32. */
export interface EncodedPredictions {
  labels: string;
  predicted: string;
  /** The probability the model gave its predicted class. */
  confidence: string;
}

export type TrainingEventType = TrainingEvent['type'];

/** The first epoch a run trains (after its checkpoint's, when it continues one). */
export function firstEpoch(started: { continued?: ContinuedFrom }): number {
  return (started.continued?.epochs ?? 0) + 1;
}

/**
 * How much of a run is done after a batch, 0..1: batches done over all batches of the epochs
 * it trains, `first` to `epochs`.
 */
export function runFraction(at: { epoch: number; batch: number; batchesPerEpoch: number }, epochs: number, first = 1): number {
  const total = (epochs - first + 1) * at.batchesPerEpoch;
  return Math.min(1, Math.max(0, ((at.epoch - first) * at.batchesPerEpoch + at.batch) / total));
}

/** Commands the extension host sends to the forked worker. */
export type WorkerCommand =
  | { type: 'train'; config: TrainConfig }
  | { type: 'evaluate'; request: EvaluateRequest }
  | { type: 'export'; request: ExportRequest }
  /** Loads the runtime the process was given and runs one tiny training step (the set-up's check). */
  | { type: 'probe' }
  /** Loads a checkpoint and its test images, then answers `inspectRequest`s until `cancel`. */
  | { type: 'inspect'; subject: InspectSubject }
  | { type: 'inspectRequest'; id: number; request: InspectRequest }
  | { type: 'cancel' };

const EVENT_TYPES: ReadonlySet<string> = new Set<TrainingEventType>([
  'started',
  'batch',
  'epoch',
  'done',
  'evaluation',
  'probed',
  'exported',
  'diverged',
  'chanceLevel',
  'stoppedEarly',
  'cancelled',
  'warning',
  'error',
  'inspecting',
  'inspected',
]);

/**
 * Checks a message that crossed a process or webview boundary before it is used: the type tag
 * and the fields each renderer reads. Numbers may be NaN only where a diverged loss can be.
 */
export function isTrainingEvent(v: unknown): v is TrainingEvent {
  if (!isRecord(v) || typeof v.type !== 'string' || !EVENT_TYPES.has(v.type)) return false;
  switch (v.type) {
    case 'started':
      return (
        isRecord(v.config) &&
        isRecord(v.device) &&
        isRecord(v.dataset) &&
        isFiniteNumber(v.batchesPerEpoch) &&
        (v.continued === undefined ||
          (isRecord(v.continued) && Number.isInteger(v.continued.epochs) && typeof v.continued.checkpoint === 'string'))
      );
    case 'batch':
      return (
        isFiniteNumber(v.epoch) &&
        isFiniteNumber(v.batch) &&
        isFiniteNumber(v.batchesPerEpoch) &&
        typeof v.loss === 'number' &&
        typeof v.accuracy === 'number'
      );
    case 'epoch':
      return isEpochMetrics(v.metrics);
    case 'done':
      return isRecord(v.test) && typeof v.test.accuracy === 'number' && typeof v.checkpoint === 'string';
    case 'evaluation':
      return (
        typeof v.checkpoint === 'string' &&
        isRecord(v.result) &&
        Array.isArray(v.result.confusion) &&
        Array.isArray(v.result.perClassAccuracy) &&
        typeof v.result.accuracy === 'number' &&
        (v.predictions === undefined ||
          (isRecord(v.predictions) &&
            isBase64(v.predictions.labels) &&
            isBase64(v.predictions.predicted) &&
            isBase64(v.predictions.confidence)))
      );
    case 'inspecting':
      return isFiniteNumber(v.count);
    case 'inspected':
      return (
        Number.isInteger(v.id) &&
        (v.result === undefined || isInspectResult(v.result)) &&
        (v.error === undefined || typeof v.error === 'string')
      );
    case 'exported':
      return typeof v.dir === 'string' && Array.isArray(v.files) && v.files.every((f) => typeof f === 'string');
    case 'probed':
      return typeof v.tensorflow === 'string' && typeof v.gpu === 'boolean';
    case 'diverged':
      return isFiniteNumber(v.epoch) && isFiniteNumber(v.batch) && typeof v.loss === 'string' && typeof v.message === 'string';
    case 'stoppedEarly':
      return isFiniteNumber(v.epoch) && isFiniteNumber(v.bestEpoch) && isFiniteNumber(v.patience);
    case 'chanceLevel':
      return isFiniteNumber(v.epoch) && isFiniteNumber(v.accuracy) && isFiniteNumber(v.chance) && typeof v.message === 'string';
    case 'error':
      return typeof v.message === 'string' && (v.rescued === undefined || typeof v.rescued === 'string');
    case 'cancelled':
      return true;
    default:
      return typeof v.message === 'string';
  }
}

export function isWorkerCommand(v: unknown): v is WorkerCommand {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'train':
      return isRecord(v.config);
    case 'evaluate':
      return isRecord(v.request) && typeof v.request.checkpoint === 'string';
    case 'export':
      return isRecord(v.request) && typeof v.request.checkpoint === 'string' && typeof v.request.outDir === 'string';
    case 'inspect':
      return isInspectSubject(v.subject);
    case 'inspectRequest':
      return Number.isInteger(v.id) && isInspectRequest(v.request);
    case 'probe':
    case 'cancel':
      return true;
    default:
      return false;
  }
}

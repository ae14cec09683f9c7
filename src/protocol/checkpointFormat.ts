// The checkpoint format, free of Node: the comparison panel's webview reads it as the extension
// host and the training process do (src/checkpoint reads and writes the folders).
// A checkpoint is a folder: checkpoint.json (this metadata) + weights.bin (float32, little
// endian, the tensors of `weights` one after another) + optimizer.bin (Adam's first and second
// moments, each laid out as weights.bin; absent in checkpoints written before it was kept).
import { architectureProblem, type ModelShape, type WeightSpec } from './architecture';
import { isFiniteNumber, isPositiveInt, isRecord } from './guards';
import { type ScheduleName, SCHEDULE_CHOICES } from './learningRate';
import { type ModelField, MODEL_FIELDS, type NumberField, NUMBER_RULES } from './runOptions';
import {
  type DatasetInfo,
  type DeviceInfo,
  type EpochMetrics,
  isEpochMetrics,
  type RunOrigin,
  type TestResult,
  type TrainConfig,
} from './training';

export const CHECKPOINT_FORMAT = 'lstm-mnist-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const META_FILE = 'checkpoint.json';
export const WEIGHTS_FILE = 'weights.bin';
export const OPTIMIZER_FILE = 'optimizer.bin';

/** checkpoint.json's description of the model: its shape (protocol/architecture.ts) and what it reads. */
export interface ModelSpec extends ModelShape {
  timesteps: number;
  /** The LSTM's forget bias (a GRU has none, and ignores it). */
  forgetBias: number;
}

/**
 * Everything Adam carries from step to step: the step count (checkpoint.json's `optimizer`) and
 * the moments (optimizer.bin), each laid out as the weights are, flat.
 */
export interface AdamState {
  /** Steps taken (the bias corrections' t). */
  step: number;
  m: Float32Array;
  v: Float32Array;
}

/** Adam's state after the checkpoint's last step: what continuing the run needs besides the weights. */
export interface OptimizerMeta {
  name: 'adam';
  /** Steps taken: the bias corrections' t. */
  step: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  name: string;
  /** ISO 8601 time the checkpoint was written. */
  createdAt: string;
  /** The run's settings: every run option's number but the model's (units, layers: in `model`), keep-best and the schedule. */
  hyperparameters: Pick<TrainConfig, Exclude<NumberField, ModelField> | 'keepBest' | 'lrSchedule'>;
  model: ModelSpec;
  weights: WeightSpec[];
  epochs: EpochMetrics[];
  test: TestResult;
  device: DeviceInfo;
  dataset: DatasetInfo;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  /** What the run warned about (e.g. accuracy at chance level), so the list can say it too. */
  warnings?: string[];
  /** Adam's state, in optimizer.bin; absent in checkpoints written before it was kept (continuing restarts Adam). */
  optimizer?: OptimizerMeta;
  /** The checkpoint this run continued (its name), when it was one. */
  continuedFrom?: string;
  /**
   * The epoch whose weights these are, when the run kept its best epoch rather than its last;
   * `epochs` holds every epoch the run trained, `test` that epoch's result.
   */
  bestEpoch?: number;
  /** The run stopped early: no better test accuracy for `patience` epochs after `bestEpoch`. */
  stoppedEarly?: { afterEpoch: number; patience: number };
  /** What else a run needs to be made again (absent in older checkpoints). */
  provenance?: Provenance;
}

/**
 * A run's record beyond its hyperparameters, device and training path (which the checkpoint holds
 * anyway): the versions that computed it, where it was started, and the state of the workspace's
 * git repository, if it is one.
 */
export interface Provenance {
  /** The extension's version (package.json). */
  extension: string;
  /** TensorFlow.js's version. */
  tfjs: string;
  /** TensorFlow's own (its C library's), on the native backend. */
  tensorflow?: string;
  /** Where the run was started (absent when its sender did not say). */
  origin?: RunOrigin;
  /** The commit of the repository holding the weights folder, and whether tracked files differed from it. */
  git?: { commit: string; dirty: boolean };
}

/** The epochs whose training the checkpoint's weights hold: up to its best epoch when it kept that one. */
export function trainedEpochs(meta: CheckpointMeta): EpochMetrics[] {
  return meta.bestEpoch === undefined ? meta.epochs : meta.epochs.filter((e) => e.epoch <= meta.bestEpoch!);
}

export class CheckpointError extends Error {
  constructor(
    readonly checkpoint: string,
    readonly reason: string,
    /** The system's error code when a file could not be read at all (EACCES, EMFILE, …): the folder may read later. */
    readonly code?: string,
  ) {
    super(`${checkpoint}: ${reason}`);
    this.name = 'CheckpointError';
  }
}

/**
 * A model's weights as one flat float32 vector, in file order: weights.bin holds them so, each of
 * Adam's moments in optimizer.bin too, and the scheduled path and Adam keep them so in memory.
 */
export class ParamLayout {
  /** The number of values of each weight. */
  readonly sizes: readonly number[];
  /** Where each weight starts in the flat vector. */
  readonly offsets: readonly number[];
  /** The values of all weights. */
  readonly total: number;

  constructor(readonly weights: readonly WeightSpec[]) {
    this.sizes = weights.map((w) => w.shape.reduce((a, b) => a * b, 1));
    let at = 0;
    this.offsets = this.sizes.map((size) => (at += size) - size);
    this.total = at;
  }

  /** Each weight's values within `flat`: views, not copies. */
  split(flat: Float32Array): Float32Array[] {
    if (flat.length !== this.total) throw new Error(`${flat.length} values for weights of ${this.total}`);
    return this.sizes.map((size, i) => flat.subarray(this.offsets[i], this.offsets[i] + size));
  }

  /** The weights' values one after another, in a new array. */
  join(parts: readonly Float32Array[]): Float32Array {
    const flat = new Float32Array(this.total);
    parts.forEach((part, i) => {
      if (part.length !== this.sizes[i]) throw new Error(`weight ${i} has ${part.length} values, its shape ${this.sizes[i]}`);
      flat.set(part, this.offsets[i]);
    });
    return flat;
  }
}

/** Why a weights.bin of `bytes` bytes cannot hold `weights`, or undefined when it can. */
export function weightsSizeProblem(bytes: number, weights: WeightSpec[]): string | undefined {
  const expected = 4 * new ParamLayout(weights).total;
  return bytes === expected ? undefined : `${WEIGHTS_FILE} has ${bytes} bytes, the weights need ${expected}`;
}

/** The hyperparameters every checkpoint has recorded since the first (the others may be absent). */
const RECORDED_ALWAYS: ReadonlySet<NumberField> = new Set<NumberField>(['batchSize', 'epochs', 'learningRate', 'seed']);

/**
 * What is wrong with a checkpoint's hyperparameters, or undefined: each number the trainer records
 * (the model's are in `model`) of its rule's kind, a whole number where it takes one and a
 * positive one where it must be. Not its range: earlier versions took seeds and batch sizes
 * beyond today's limits, and a continued run records all its epochs.
 */
function hyperparameterProblem(h: Record<string, unknown>): string | undefined {
  for (const rule of NUMBER_RULES) {
    if (MODEL_FIELDS.has(rule.field)) continue;
    const value = h[rule.field];
    if (value === undefined && !RECORDED_ALWAYS.has(rule.field)) continue;
    const ok = rule.integer ? Number.isSafeInteger(value) : isFiniteNumber(value);
    if (!ok || (rule.min > 0 && (value as number) <= 0))
      return `${rule.field} must be ${rule.integer ? 'a whole number' : 'a number'}${rule.min > 0 ? ' above 0' : ''} (it is ${JSON.stringify(value)})`;
  }
  if (h.keepBest !== undefined && typeof h.keepBest !== 'boolean') return 'keepBest must be true or false';
  return undefined;
}

/** Validates parsed JSON as checkpoint metadata; returns the reason it is not, or undefined. */
export function checkpointMetaProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return `${META_FILE} is not a JSON object`;
  if (v.format !== CHECKPOINT_FORMAT) return `${META_FILE} is not an LSTM MNIST checkpoint (format ${JSON.stringify(v.format)})`;
  if (v.version !== CHECKPOINT_VERSION)
    return `unsupported checkpoint version ${JSON.stringify(v.version)} (expected ${CHECKPOINT_VERSION})`;
  if (typeof v.name !== 'string' || typeof v.createdAt !== 'string') return `${META_FILE} lacks name or createdAt`;
  const m = v.model;
  if (!isRecord(m) || ![m.timesteps, m.inputSize, m.units, m.classes].every(isPositiveInt) || typeof m.forgetBias !== 'number') {
    return `${META_FILE} has no valid model description`;
  }
  const architecture = architectureProblem(m);
  if (architecture) return `${META_FILE}: ${architecture}`;
  if (!isRecord(v.hyperparameters)) return `${META_FILE} lacks hyperparameters`;
  const hyperparameter = hyperparameterProblem(v.hyperparameters);
  if (hyperparameter) return `${META_FILE}'s hyperparameter ${hyperparameter}`;
  const schedule = v.hyperparameters.lrSchedule;
  if (schedule !== undefined && !SCHEDULE_CHOICES.includes(schedule as ScheduleName))
    return `${META_FILE} has an unknown learning-rate schedule ${JSON.stringify(schedule)}`;
  if (
    !Array.isArray(v.weights) ||
    v.weights.length === 0 ||
    !v.weights.every((w) => isRecord(w) && typeof w.name === 'string' && Array.isArray(w.shape) && w.shape.every(isPositiveInt))
  ) {
    return `${META_FILE} has no valid weight list`;
  }
  if (!Array.isArray(v.epochs)) return `${META_FILE} lacks the epoch metrics`;
  // Epochs 1, 2, … in order: the history is as long as the file, and every reader may count on it.
  // JSON writes a NaN (a test loss that overflowed) as null.
  const epoch = v.epochs.findIndex((e, i) => !isEpochMetrics(e, true) || e.epoch !== i + 1);
  if (epoch >= 0) return `${META_FILE}'s epoch ${epoch + 1} is not epoch ${epoch + 1}'s metrics`;
  if (!isRecord(v.test) || !isFiniteNumber(v.test.accuracy) || !isFiniteNumber(v.test.loss)) return `${META_FILE} lacks the test result`;
  const d = v.device;
  if (
    !isRecord(d) ||
    typeof d.device !== 'string' ||
    typeof d.fusedKernels !== 'boolean' ||
    ![d.backend, d.package, d.kernels, d.runtime].every((s) => s === undefined || typeof s === 'string') ||
    ![d.shares, d.replicas].every((n) => n === undefined || isPositiveInt(n))
  )
    return `${META_FILE} has no valid device`;
  const data = v.dataset;
  if (
    !isRecord(data) ||
    typeof data.name !== 'string' ||
    typeof data.source !== 'string' ||
    !Number.isSafeInteger(data.trainCount) ||
    !Number.isSafeInteger(data.testCount) ||
    (data.trainCount as number) < 0 ||
    (data.testCount as number) < 0
  )
    return `${META_FILE} has no valid dataset`;
  if (!isFiniteNumber(v.seconds) || v.seconds < 0) return `${META_FILE} has no valid training time`;
  if (v.bestEpoch !== undefined && !(isPositiveInt(v.bestEpoch) && v.bestEpoch <= v.epochs.length))
    return `${META_FILE}'s best epoch is not one of its epochs`;
  if (v.continuedFrom !== undefined && typeof v.continuedFrom !== 'string') return `${META_FILE}'s continuedFrom is not a name`;
  if (v.warnings !== undefined && !(Array.isArray(v.warnings) && v.warnings.every((w) => typeof w === 'string')))
    return `${META_FILE}'s warnings are not text`;
  const stop = v.stoppedEarly;
  if (stop !== undefined && !(isRecord(stop) && isPositiveInt(stop.afterEpoch) && isPositiveInt(stop.patience)))
    return `${META_FILE}'s early stop is not an epoch and a patience`;
  const o = v.optimizer;
  if (o !== undefined && (!isRecord(o) || o.name !== 'adam' || !Number.isSafeInteger(o.step) || (o.step as number) < 0))
    return `${META_FILE} has an optimizer entry that is not Adam's state`;
  return undefined;
}

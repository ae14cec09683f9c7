// The checkpoint metadata's types (checkpoint.json), free of Node: the comparison panel's
// webview reads them as the host and the training process do (checkpoint.ts: reading, checking).
import type { DatasetInfo, DeviceInfo, EpochMetrics, TestResult, TrainConfig } from './training';

export const CHECKPOINT_FORMAT = 'lstm-mnist-checkpoint';

export interface WeightSpec {
  name: string;
  shape: number[];
}

export interface ModelSpec {
  timesteps: number;
  inputSize: number;
  units: number;
  classes: number;
  forgetBias: number;
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
  /** The run's settings (units are in `model`). */
  hyperparameters: Pick<TrainConfig, 'batchSize' | 'epochs' | 'learningRate' | 'seed' | 'trainSize' | 'testSize' | 'keepBest' | 'patience'>;
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
}

/** The epochs whose training the checkpoint's weights hold: up to its best epoch when it kept that one. */
export function trainedEpochs(meta: CheckpointMeta): EpochMetrics[] {
  return meta.bestEpoch === undefined ? meta.epochs : meta.epochs.filter((e) => e.epoch <= meta.bestEpoch!);
}

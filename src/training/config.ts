// The seed notebook's hyperparameters as defaults, and the checks every entry point (CLI,
// worker, extension settings) applies before a run starts. Free of TensorFlow on purpose.
import type { DeviceChoice, TrainConfig } from '../protocol/training';

export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'gpu'];
export const KERNEL_CHOICES = ['auto', 'fused', 'reference'] as const;

export const DEFAULT_CONFIG: Omit<TrainConfig, 'runName'> = {
  units: 128,
  batchSize: 100,
  epochs: 2,
  learningRate: 0.01,
  seed: 42,
  weightsDir: 'weights',
  device: 'auto',
  kernels: 'auto',
};

/** `lstm-20261128-093000`: sortable, and safe as a folder name everywhere. */
export function defaultRunName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `lstm-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Every reason the config cannot run, in words a user can act on; empty when it can. */
export function configProblems(c: TrainConfig): string[] {
  const problems: string[] = [];
  const positiveInt = (name: string, v: number | undefined, optional = false) => {
    if (optional && v === undefined) return;
    if (!Number.isInteger(v) || (v as number) <= 0) problems.push(`${name} must be a positive integer (got ${v})`);
  };
  positiveInt('units', c.units);
  positiveInt('batch size', c.batchSize);
  positiveInt('epochs', c.epochs);
  positiveInt('train size', c.trainSize, true);
  positiveInt('test size', c.testSize, true);
  if (!Number.isInteger(c.seed)) problems.push(`seed must be an integer (got ${c.seed})`);
  if (!(c.learningRate > 0 && c.learningRate < 10)) problems.push(`learning rate must be a number in (0, 10) (got ${c.learningRate})`);
  if (!DEVICE_CHOICES.includes(c.device)) problems.push(`device must be one of ${DEVICE_CHOICES.join(', ')} (got ${c.device})`);
  if (c.kernels !== undefined && !KERNEL_CHOICES.includes(c.kernels)) problems.push(`kernels must be one of ${KERNEL_CHOICES.join(', ')} (got ${c.kernels})`);
  if (!RUN_NAME.test(c.runName)) problems.push(`run name must be letters, digits, '.', '_' or '-', not starting with a dot (got "${c.runName}")`);
  if (!c.weightsDir) problems.push('the weights folder must not be empty');
  return problems;
}

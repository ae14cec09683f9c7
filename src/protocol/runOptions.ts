// What a run can be given, once for every place that reads it: each option's rule, its default
// (the seed notebook's), and its name in each place, `lstmMnist.<setting>` in VS Code and
// `--<option>` on the command line. The CLI parses with these rules, the extension reads its
// settings with them, the training process checks what it is sent with them, and package.json's
// settings schema carries the same limits (a test compares them). Messages name the option the
// way the place that shows them does.
import { CELL, CELL_CHOICES, MAX_LAYERS } from './architecture';
import { isRecord } from './guards';
import type { BackendChoice, DeviceChoice, TrainingPathChoice } from './compute';
import { DEFAULT_SCHEDULE, LR_SCHEDULE, type Schedule, SCHEDULE_CHOICES } from './learningRate';
import { isSettingValue, type TrainConfig } from './training';

/** The numeric fields of a TrainConfig. */
export type NumberField =
  | 'units'
  | 'layers'
  | 'dropout'
  | 'batchSize'
  | 'epochs'
  | 'learningRate'
  | 'seed'
  | 'trainSize'
  | 'testSize'
  | 'patience'
  | 'lrDecay'
  | 'lrStepEpochs'
  | 'lrPatience'
  | 'lrMin'
  | 'clipNorm';

/** The numbers that describe the model rather than its training: a checkpoint keeps them in `model`. */
export type ModelField = 'units' | 'layers';
export const MODEL_FIELDS: ReadonlySet<NumberField> = new Set<ModelField>(['units', 'layers']);

export interface NumberRule {
  field: NumberField;
  /** `lstmMnist.<setting>` in VS Code. */
  setting: string;
  /** `--<option>` on the command line. */
  option: string;
  /** Its part of a sweep's run names: `lr0.003`. */
  short: string;
  /** A sweep samples it on a log scale (rates). */
  logScale?: boolean;
  integer: boolean;
  min: number;
  /** The minimum itself is not allowed (a learning rate above 0). */
  exclusiveMin?: boolean;
  max?: number;
  default: number;
  /** 0 stands for "all" or "off" (TrainConfig holds undefined then). */
  zeroMeans?: 'all' | 'off';
  /** A TrainConfig may leave it out: the default is meant (options added after the seed's). */
  optional?: boolean;
  /** For the usage text and the settings' descriptions. */
  summary: string;
}

export const NUMBER_RULES: readonly NumberRule[] = [
  {
    field: 'units',
    setting: 'units',
    option: 'units',
    short: 'units',
    integer: true,
    min: 1,
    max: 4096,
    default: 128,
    summary: 'units of each recurrent layer',
  },
  {
    field: 'layers',
    setting: 'layers',
    option: 'layers',
    short: 'layers',
    integer: true,
    min: 1,
    max: MAX_LAYERS,
    default: 1,
    optional: true,
    summary: "stacked recurrent layers, each one's outputs the next one's inputs",
  },
  {
    field: 'dropout',
    setting: 'dropout',
    option: 'dropout',
    short: 'drop',
    integer: false,
    min: 0,
    max: 0.9,
    default: 0,
    zeroMeans: 'off',
    summary: "the fraction of each recurrent layer's inputs dropped while training (0 = off)",
  },
  {
    field: 'batchSize',
    setting: 'batchSize',
    option: 'batch-size',
    short: 'batch',
    integer: true,
    min: 1,
    max: 60000,
    default: 100,
    summary: 'examples per training batch',
  },
  {
    field: 'epochs',
    setting: 'epochs',
    option: 'epochs',
    short: 'epochs',
    integer: true,
    min: 1,
    max: 1000,
    default: 2,
    summary: 'passes over the training set',
  },
  {
    field: 'learningRate',
    setting: 'learningRate',
    option: 'learning-rate',
    short: 'lr',
    integer: false,
    min: 0,
    exclusiveMin: true,
    max: 10,
    default: 0.01,
    logScale: true,
    summary: 'Adam learning rate',
  },
  {
    field: 'seed',
    setting: 'seed',
    option: 'seed',
    short: 'seed',
    integer: true,
    min: 0,
    max: 2 ** 31 - 1,
    default: 42,
    summary: 'random seed of the weights and the shuffling',
  },
  {
    field: 'trainSize',
    setting: 'trainSize',
    option: 'train-size',
    short: 'train',
    integer: true,
    min: 0,
    default: 0,
    zeroMeans: 'all',
    summary: 'training images used (0 = all)',
  },
  {
    field: 'testSize',
    setting: 'testSize',
    option: 'test-size',
    short: 'test',
    integer: true,
    min: 0,
    default: 0,
    zeroMeans: 'all',
    summary: 'test images used (0 = all)',
  },
  {
    field: 'patience',
    setting: 'earlyStoppingPatience',
    option: 'patience',
    short: 'patience',
    integer: true,
    min: 0,
    max: 1000,
    default: 0,
    zeroMeans: 'off',
    summary: 'stop when the test accuracy has not improved for N epochs (0 = never)',
  },
  {
    field: 'lrDecay',
    setting: 'learningRateDecay',
    option: 'lr-decay',
    short: 'decay',
    integer: false,
    min: 0,
    exclusiveMin: true,
    max: 1,
    default: 0.5,
    summary: 'the factor a learning-rate schedule multiplies the rate by (step, exponential, plateau)',
  },
  {
    field: 'lrStepEpochs',
    setting: 'learningRateStepEpochs',
    option: 'lr-step',
    short: 'every',
    integer: true,
    min: 1,
    max: 1000,
    default: 1,
    summary: 'step schedule: the rate falls every N epochs',
  },
  {
    field: 'lrPatience',
    setting: 'learningRatePatience',
    option: 'lr-patience',
    short: 'lrpatience',
    integer: true,
    min: 1,
    max: 1000,
    default: 2,
    summary: 'plateau schedule: epochs without a better test loss before the rate falls',
  },
  {
    field: 'lrMin',
    setting: 'minLearningRate',
    option: 'lr-min',
    short: 'lrmin',
    integer: false,
    min: 0,
    max: 10,
    default: 0,
    summary: 'no schedule takes the rate below this',
  },
  {
    field: 'clipNorm',
    setting: 'clipNorm',
    option: 'clip-norm',
    short: 'clip',
    integer: false,
    min: 0,
    max: 1e6,
    default: 0,
    zeroMeans: 'off',
    summary: "clip each step's gradient to this global norm (0 = off)",
  },
];

/** The options only a learning-rate schedule other than constant reads. */
export const SCHEDULE_FIELDS: ReadonlySet<NumberField> = new Set<NumberField>(['lrDecay', 'lrStepEpochs', 'lrPatience', 'lrMin']);

const FROM_CHECKPOINT_FIELDS = [
  'units',
  'layers',
  'dropout',
  'batchSize',
  'learningRate',
  'seed',
  'trainSize',
  'testSize',
  'lrDecay',
  'lrStepEpochs',
  'lrPatience',
  'lrMin',
  'clipNorm',
] as const satisfies readonly NumberField[];

/** The options a continued run takes from its checkpoint, not from the request (continuation.ts sets each). */
export type FromCheckpointField = (typeof FROM_CHECKPOINT_FIELDS)[number];
export const FROM_CHECKPOINT: ReadonlySet<NumberField> = new Set<NumberField>(FROM_CHECKPOINT_FIELDS);

/** A run's learning-rate schedule, each number it leaves out at its default. */
export function scheduleOf(c: Pick<TrainConfig, 'lrSchedule' | 'lrDecay' | 'lrStepEpochs' | 'lrPatience' | 'lrMin'>): Schedule {
  const value = (field: 'lrDecay' | 'lrStepEpochs' | 'lrPatience' | 'lrMin'): number => c[field] ?? numberRule(field).default;
  return {
    name: c.lrSchedule ?? DEFAULT_SCHEDULE,
    decay: value('lrDecay'),
    stepEpochs: value('lrStepEpochs'),
    patience: value('lrPatience'),
    minimum: value('lrMin'),
  };
}

/** The boolean option: keep the best epoch's weights rather than the last's. */
export const KEEP_BEST = { setting: 'keepBestEpoch', option: 'keep-best' } as const;
/** The boolean option, on by default: TensorBoard event files with every checkpoint. */
export const TENSORBOARD = { setting: 'tensorBoard', option: 'no-tensorboard' } as const;

/** The choice between native TensorFlow and the portable kernels. */
export const BACKEND = { setting: 'backend', option: 'backend' } as const;

export function numberRule(field: NumberField): NumberRule {
  return NUMBER_RULES.find((r) => r.field === field)!;
}

export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'gpu'];
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'native', 'portable'];
export const DEFAULT_BACKEND: BackendChoice = 'auto';
export const TRAINING_PATH_CHOICES: readonly TrainingPathChoice[] = ['auto', 'scheduled', 'fused', 'reference'];
export const DEFAULT_DEVICE: DeviceChoice = 'auto';
export const DEFAULT_TRAINING_PATH: TrainingPathChoice = 'auto';
/** Relative to the workspace folder (VS Code) or the current folder (CLI). */
export const DEFAULT_WEIGHTS_FOLDER = 'weights';
/** Where Export puts a model, `<folder>/<run name>`, relative as the weights folder is. */
export const DEFAULT_EXPORT_FOLDER = 'exported';

/** The seed notebook's run: every default, for a given run name and weights folder. */
export function defaultConfig(runName: string, weightsDir: string): TrainConfig {
  const numbers = Object.fromEntries(NUMBER_RULES.map((r) => [r.field, configValue(r, r.default)])) as Pick<TrainConfig, NumberField>;
  return { ...numbers, weightsDir, runName, device: DEFAULT_DEVICE, backend: DEFAULT_BACKEND, kernels: DEFAULT_TRAINING_PATH };
}

/** What a value must be, in words: "a whole number from 1 to 4096". */
export function ruleText(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  let range: string;
  if (rule.max === undefined) range = rule.exclusiveMin ? `above ${rule.min}` : `of at least ${rule.min}`;
  else range = rule.exclusiveMin ? `above ${rule.min} and at most ${rule.max}` : `from ${rule.min} to ${rule.max}`;
  return `${kind} ${range}${rule.zeroMeans ? ` (0 = ${rule.zeroMeans})` : ''}`;
}

/** Why `value` breaks `rule` ("must be a whole number from 1 to 4096 (it is 0)"), or undefined. */
export function numberProblem(rule: NumberRule, value: unknown): string | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isSafeInteger(value)) &&
    (rule.exclusiveMin ? value > rule.min : value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  return ok ? undefined : `must be ${ruleText(rule)} (it is ${JSON.stringify(value)})`;
}

/** The value a TrainConfig holds for a checked setting or option: 0 = all (or off) becomes undefined. */
export function configValue(rule: NumberRule, value: number): number | undefined {
  return rule.zeroMeans && value === 0 ? undefined : value;
}

export function choiceProblem<T extends string>(choices: readonly T[], value: unknown): string | undefined {
  return choices.includes(value as T) ? undefined : `must be one of ${choices.join(', ')} (it is ${JSON.stringify(value)})`;
}

/** Folder names a run may take: safe on every file system, never hidden. */
const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function runNameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && RUN_NAME.test(name)
    ? undefined
    : `must be up to 100 letters, digits, '.', '_' or '-', not starting with '.', '_' or '-' (it is ${JSON.stringify(name)})`;
}

/**
 * `lstm-yyyyMMdd-HHmmss` in local time (a sweep's: `sweep-…`): sorts by date, reads as one, and is
 * a valid run name.
 */
export function defaultRunName(now: Date = new Date(), prefix: 'lstm' | 'sweep' = 'lstm'): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${prefix}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** A name for a problem's option, in the language of the place showing it. */
export type OptionNamer = (rule: { setting: string; option: string }) => string;

/** The settings' section in VS Code: each setting is `lstmMnist.<key>`. */
export const SETTINGS_SECTION = 'lstmMnist';

/** A setting's full id, e.g. `lstmMnist.learningRate`. */
export function settingId(key: string): string {
  return `${SETTINGS_SECTION}.${key}`;
}

export const SETTING_NAME: OptionNamer = (r) => settingId(r.setting);
export const CLI_NAME: OptionNamer = (r) => `--${r.option}`;

/**
 * Every reason a TrainConfig cannot run (what the training process checks before it starts, in
 * case its sender did not), named with `name`; empty when it can.
 */
export function configProblems(c: TrainConfig, name: OptionNamer): string[] {
  const problems: string[] = [];
  for (const rule of NUMBER_RULES) {
    const value = c[rule.field];
    // A schedule's numbers may be left out: the schedule takes their defaults (scheduleOf).
    if (value === undefined && (rule.zeroMeans || rule.optional || SCHEDULE_FIELDS.has(rule.field))) continue;
    const problem = numberProblem(rule, value);
    if (problem) problems.push(`${name(rule)} ${problem}`);
  }
  const device = choiceProblem(DEVICE_CHOICES, c.device);
  if (device) problems.push(`${name({ setting: 'device', option: 'device' })} ${device}`);
  const backend = c.backend === undefined ? undefined : choiceProblem(BACKEND_CHOICES, c.backend);
  if (backend) problems.push(`${name(BACKEND)} ${backend}`);
  const schedule = c.lrSchedule === undefined ? undefined : choiceProblem(SCHEDULE_CHOICES, c.lrSchedule);
  if (schedule) problems.push(`${name(LR_SCHEDULE)} ${schedule}`);
  const cell = c.cell === undefined ? undefined : choiceProblem(CELL_CHOICES, c.cell);
  if (cell) problems.push(`${name(CELL)} ${cell}`);
  const kernels = c.kernels === undefined ? undefined : choiceProblem(TRAINING_PATH_CHOICES, c.kernels);
  if (kernels) problems.push(`${name({ setting: 'kernels', option: 'kernels' })} ${kernels}`);
  const runName = runNameProblem(c.runName);
  if (runName) problems.push(`${name({ setting: 'runName', option: 'run-name' })} ${runName}`);
  if (!c.weightsDir) problems.push(`${name({ setting: 'weightsFolder', option: 'weights-dir' })} must not be empty`);
  if (c.keepBest !== undefined && typeof c.keepBest !== 'boolean') problems.push(`${name(KEEP_BEST)} must be true or false`);
  if (c.tensorBoard !== undefined && typeof c.tensorBoard !== 'boolean') problems.push(`${name(TENSORBOARD)} must be true or false`);
  const o = c.origin as unknown;
  const isSettings = (v: unknown): boolean => v === undefined || (isRecord(v) && Object.values(v).every(isSettingValue));
  const isOrigin = (v: unknown): boolean =>
    isRecord(v) &&
    ((v.from === 'vscode' && isSettings(v.settings)) ||
      (v.from === 'cli' && Array.isArray(v.args) && v.args.every((a) => typeof a === 'string')));
  if (o !== undefined && !isOrigin(o)) problems.push("the run's origin must be the command line's words or VS Code's settings");
  if (c.resume !== undefined && (typeof c.resume !== 'string' || c.resume === ''))
    problems.push('the checkpoint to continue must be a folder path');
  return problems;
}

// Command-line parsing for `train` and `evaluate` (node's util.parseArgs: no dependency, and
// commander 15 needs a newer Node). The options, their rules and defaults are the run options'
// (src/protocol/runOptions.ts), named `--<option>` here. Bad input throws UsageError, which the
// CLI prints with a pointer to --help, exit code 2.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BACKEND_CHOICES,
  choiceProblem,
  CLI_NAME,
  configProblems,
  configValue,
  DEFAULT_BACKEND,
  DEFAULT_DEVICE,
  DEFAULT_TRAINING_PATH,
  DEFAULT_EXPORT_FOLDER,
  DEFAULT_WEIGHTS_FOLDER,
  defaultRunName,
  DEVICE_CHOICES,
  FROM_CHECKPOINT,
  TRAINING_PATH_CHOICES,
  NUMBER_RULES,
  numberProblem,
  numberRule,
  type NumberRule,
} from '../protocol/runOptions';
import type { InspectSubject } from '../protocol/inspection';
import { SWEEP_OPTIONS } from '../protocol/sweepPlan';
import { DEFAULT_SCHEDULE, LR_SCHEDULE, type ScheduleName, SCHEDULE_CHOICES } from '../protocol/learningRate';
import { CELL, CELL_CHOICES, type CellName, DEFAULT_CELL } from '../protocol/architecture';
import type { BackendChoice, DeviceChoice, TrainingPathChoice } from '../protocol/compute';
import type { EvaluateRequest, ExportRequest, TrainConfig } from '../protocol/training';

export class UsageError extends Error {}

const pad = (s: string): string => s.padEnd(21);

export const USAGE = `Usage:
  npm run train -- [options]                 train the seed's LSTM (or another) and save a checkpoint
  npm run train -- --resume <checkpoint> --epochs N
                                             continue a checkpoint's run for N more epochs
  npm run evaluate -- <checkpoint> [options] evaluate a saved checkpoint on the test set
  npm run predict -- <checkpoint> --index I | --image FILE
                                             a prediction, and how it formed row by row
  npm run export -- <checkpoint> [--out DIR] the checkpoint as a TensorFlow.js Layers model
  npm run sweep -- --learning-rate 0.003,0.01 --units 64,128 --seeds 2 [options]
                                             train a grid of runs, one after another
  npm run sweep -- --continue <sweep folder> train the runs a stopped sweep lacks

Training options (defaults are the seed notebook's):
${NUMBER_RULES.map((r) => `  ${pad(`--${r.option} ${r.integer ? 'N' : 'X'}`)}${r.summary} (${r.zeroMeans ?? r.default})`).join('\n')}
  ${pad('--data-dir DIR')}folder of IDX files, plain or .gz (the embedded MNIST)
  ${pad('--weights-dir DIR')}where checkpoints go (./${DEFAULT_WEIGHTS_FOLDER})
  ${pad('--run-name NAME')}checkpoint folder name (lstm-<date>-<time>)
  ${pad(`--${CELL.option} C`)}${CELL_CHOICES.join('|')}: the recurrent cell (${DEFAULT_CELL}); gru = TensorFlow's GRUBlockCell
  ${pad('--lr-schedule S')}${SCHEDULE_CHOICES.join('|')}: the learning rate
  ${pad('')}from epoch to epoch (${DEFAULT_SCHEDULE}); plateau = Keras' ReduceLROnPlateau on the test loss
  ${pad('--keep-best')}save the epoch with the best test accuracy, not the last
  ${pad('--no-tensorboard')}no TensorBoard event files in the checkpoint's logs folder
  ${pad('--resume DIR')}continue that checkpoint: its weights, Adam's state, its shuffle order and
  ${pad('')}hyperparameters; --epochs counts the epochs added
  ${pad('--device D')}${DEVICE_CHOICES.join('|')} (${DEFAULT_DEVICE})
  ${pad('--backend B')}${BACKEND_CHOICES.join('|')} (${DEFAULT_BACKEND}: TensorFlow's native runtime where it is set
  ${pad('')}up, else the portable WebAssembly kernels, which run everywhere)
  ${pad('--kernels K')}${TRAINING_PATH_CHOICES.join('|')}: the training path (${DEFAULT_TRAINING_PATH}: scheduled on a CPU,
  ${pad('')}fused on a GPU); scheduled = one graph on both cores, fused = BlockLSTM ops,
  ${pad('')}reference = the plain tfjs loop
  ${pad('--json')}print events as JSON lines instead of text
  ${pad('--verbose')}also print TensorFlow's own log lines
Sweep options: every training option, and any number option as a list (a grid, its first
  option changing slowest) or, with --random, a range low:high (log scale for rates):
${Object.values(SWEEP_OPTIONS)
  .map((o) => `  ${pad(`--${o.option} ${o.option === 'name' ? 'NAME' : o.option === 'seeds' ? 'K' : 'N'}`)}${o.summary}`)
  .join('\n')}
  Each run is a checkpoint in <weights dir>/<sweep name>/, beside the sweep's plan, sweep.json.
Evaluation options: --data-dir, --device, --backend, --json, --verbose, and
  ${pad('--test-size N')}the first N test images (the checkpoint's own test size; 0 = all)
  ${pad('--misclassified N')}also list the N test images it got most confidently wrong
Prediction options: --data-dir, --device, --backend, --json, --verbose, and
  ${pad('--index I')}test image I (from 0)
  ${pad('--image FILE')}an image file: PNG, JPEG, BMP or GIF, any size, read as grey at the model's size
Export options: --device, --backend, --json, --verbose, and
  ${pad('--out DIR')}the model's folder, which must not exist (./exported/<run name>)
  -h, --help           show this help`;

/** Where a bad command line sends people, rather than the whole usage text. */
export const HELP_HINT = 'npm run train -- --help lists the options';

/** How the job's output is shown. */
export interface Output {
  /** JSON lines of events instead of text. */
  json: boolean;
  /** TensorFlow's own log lines too. */
  verbose: boolean;
}

/** What `predict` reads: a test image by index, or an image file. */
export type PredictInput = { index: number } | { image: string };

export type Command =
  | { kind: 'help' }
  | { kind: 'train'; config: TrainConfig; output: Output }
  | { kind: 'evaluate'; request: EvaluateRequest; output: Output; misclassified?: number }
  | { kind: 'predict'; subject: InspectSubject; input: PredictInput; output: Output }
  | { kind: 'export'; request: ExportRequest; output: Output };

const OPTIONS = {
  ...Object.fromEntries(NUMBER_RULES.map((r) => [r.option, { type: 'string' }])),
  'data-dir': { type: 'string' },
  'weights-dir': { type: 'string' },
  'run-name': { type: 'string' },
  resume: { type: 'string' },
  'keep-best': { type: 'boolean' },
  'no-tensorboard': { type: 'boolean' },
  device: { type: 'string' },
  backend: { type: 'string' },
  [LR_SCHEDULE.option]: { type: 'string' },
  [CELL.option]: { type: 'string' },
  kernels: { type: 'string' },
  misclassified: { type: 'string' },
  index: { type: 'string' },
  out: { type: 'string' },
  image: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/**
 * `--epochs -3` as `--epochs=-3`: parseArgs takes a value that starts with a dash for an option
 * and refuses it as "ambiguous"; a negative number is a value, which the option's rule then judges.
 */
function negativeValuesJoined(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([\w-]+)$/.exec(argv[i])?.[1];
    const next = argv[i + 1];
    const takesValue = name !== undefined && (OPTIONS as Record<string, { type: string }>)[name]?.type === 'string';
    if (takesValue && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

type Values = Record<string, string | boolean | undefined>;

/** An option's number checked against its rule; its default when absent. */
function num(rule: NumberRule, values: Values): number | undefined {
  const text = values[rule.option];
  if (text === undefined) return configValue(rule, rule.default);
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
  const problem = numberProblem(rule, value);
  if (problem) throw new UsageError(`--${rule.option} ${problem.replace(/\(it is .*\)$/, `(got "${text}")`)}`);
  return configValue(rule, value);
}

/** A whole number of at least `min` given as --`option`, or undefined when it is not given. */
function count(option: string, min: number, values: Values): number | undefined {
  const text = values[option];
  if (text === undefined) return undefined;
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${option} must be a whole number of at least ${min} (got "${text}")`);
  return value;
}

function choice<T extends string>(option: string, choices: readonly T[], fallback: T, values: Values): T {
  const value = values[option] ?? fallback;
  const problem = choiceProblem(choices, value);
  if (problem) throw new UsageError(`--${option} ${problem}`);
  return value as T;
}

/** `--cell`, when given and not the LSTM (the seed's, and the default). */
function cellChoice(values: Values): Pick<TrainConfig, 'cell'> {
  const cell = choice<CellName>(CELL.option, CELL_CHOICES, DEFAULT_CELL, values);
  return cell === DEFAULT_CELL ? {} : { cell };
}

/** `--lr-schedule`, when given and not constant (a constant rate is the seed's, and the default). */
function scheduleChoice(values: Values): Pick<TrainConfig, 'lrSchedule'> {
  const name = choice<ScheduleName>(LR_SCHEDULE.option, SCHEDULE_CHOICES, DEFAULT_SCHEDULE, values);
  return name === DEFAULT_SCHEDULE ? {} : { lrSchedule: name };
}

export function parseCommand(argv: string[], cwd = process.cwd(), now = new Date()): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: negativeValuesJoined(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { positionals } = parsed;
  const v = parsed.values as Values;
  if (v.help) return { kind: 'help' };
  const [command, ...rest] = positionals;
  const device = choice<DeviceChoice>('device', DEVICE_CHOICES, DEFAULT_DEVICE, v);
  const backend = choice<BackendChoice>('backend', BACKEND_CHOICES, DEFAULT_BACKEND, v);
  const output: Output = { json: Boolean(v.json), verbose: Boolean(v.verbose) };
  const dataDir = typeof v['data-dir'] === 'string' ? path.resolve(cwd, v['data-dir']) : undefined;
  if (command === 'train') {
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const resume = typeof v.resume === 'string' ? path.resolve(cwd, v.resume) : undefined;
    const fromCheckpoint = NUMBER_RULES.find((r) => FROM_CHECKPOINT.has(r.field) && v[r.option] !== undefined);
    const kept = [LR_SCHEDULE, CELL].find((c) => v[c.option] !== undefined);
    if (resume && kept) throw new UsageError(`--${kept.option} cannot be given with --resume: a continued run keeps its checkpoint's`);
    if (resume && fromCheckpoint) {
      throw new UsageError(`--${fromCheckpoint.option} cannot be given with --resume: a continued run keeps its checkpoint's`);
    }
    const numbers = Object.fromEntries(NUMBER_RULES.map((r) => [r.field, num(r, v)])) as Pick<TrainConfig, NumberRule['field']>;
    const config: TrainConfig = {
      ...numbers,
      dataDir,
      weightsDir: path.resolve(cwd, typeof v['weights-dir'] === 'string' ? v['weights-dir'] : DEFAULT_WEIGHTS_FOLDER),
      runName: typeof v['run-name'] === 'string' ? v['run-name'] : defaultRunName(now),
      device,
      backend,
      kernels: choice<TrainingPathChoice>('kernels', TRAINING_PATH_CHOICES, DEFAULT_TRAINING_PATH, v),
      ...cellChoice(v),
      ...scheduleChoice(v),
      ...(resume ? { resume } : {}),
      ...(v['keep-best'] ? { keepBest: true } : {}),
      ...(v['no-tensorboard'] ? { tensorBoard: false } : {}),
      origin: { from: 'cli', args: [...argv] },
    };
    const problems = configProblems(config, CLI_NAME);
    if (problems.length) throw new UsageError(problems.join('\n'));
    return { kind: 'train', config, output };
  }
  if (command === 'evaluate') {
    if (rest.length !== 1) throw new UsageError('evaluate needs exactly one checkpoint folder');
    // Without --test-size, the images the checkpoint's run was tested on, so the two agree.
    const fromCheckpoint = v['test-size'] === undefined;
    const testSize = fromCheckpoint ? undefined : num(numberRule('testSize'), v);
    const request: EvaluateRequest = {
      checkpoint: path.resolve(cwd, rest[0]),
      dataDir,
      testSize,
      testSizeFromCheckpoint: fromCheckpoint,
      device,
      backend,
    };
    const misclassified = count('misclassified', 1, v);
    return { kind: 'evaluate', request, output, ...(misclassified === undefined ? {} : { misclassified }) };
  }
  if (command === 'predict') {
    if (rest.length !== 1) throw new UsageError('predict needs exactly one checkpoint folder');
    const index = count('index', 0, v);
    const image = typeof v.image === 'string' ? path.resolve(cwd, v.image) : undefined;
    if ((index === undefined) === (image === undefined)) throw new UsageError('predict needs one of --index I and --image FILE');
    const subject: InspectSubject = { checkpoint: path.resolve(cwd, rest[0]), dataDir, device, backend };
    return { kind: 'predict', subject, input: index !== undefined ? { index } : { image: image! }, output };
  }
  if (command === 'export') {
    if (rest.length !== 1) throw new UsageError('export needs exactly one checkpoint folder');
    const checkpoint = path.resolve(cwd, rest[0]);
    const outDir = path.resolve(cwd, typeof v.out === 'string' ? v.out : path.join(DEFAULT_EXPORT_FOLDER, path.basename(checkpoint)));
    return { kind: 'export', request: { checkpoint, outDir, device, backend }, output };
  }
  throw new UsageError(command === undefined ? 'missing command: train, evaluate, predict or export' : `unknown command "${command}"`);
}

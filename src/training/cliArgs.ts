// Command-line parsing for `train` and `evaluate` (node's util.parseArgs: no dependency, and
// commander 15 needs a newer Node). Bad input throws UsageError, which the CLI turns into the
// usage text and exit code 2.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { DeviceChoice, EvaluateRequest, KernelChoice, TrainConfig } from '../protocol/training';
import { configProblems, DEFAULT_CONFIG, defaultRunName, DEVICE_CHOICES, KERNEL_CHOICES } from './config';

export class UsageError extends Error {}

export const USAGE = `Usage:
  npm run train -- [options]                 train the seed's LSTM and save a checkpoint
  npm run evaluate -- <checkpoint> [options] evaluate a saved checkpoint on the test set

Training options (defaults are the seed notebook's):
  --units N            LSTM units (${DEFAULT_CONFIG.units})
  --batch-size N       batch size (${DEFAULT_CONFIG.batchSize})
  --epochs N           epochs (${DEFAULT_CONFIG.epochs})
  --learning-rate X    Adam learning rate (${DEFAULT_CONFIG.learningRate})
  --seed N             random seed (${DEFAULT_CONFIG.seed})
  --train-size N       use the first N training examples (all)
  --test-size N        use the first N test examples (all)
  --data-dir DIR       folder of IDX files, plain or .gz (the embedded MNIST)
  --weights-dir DIR    where checkpoints go (./${DEFAULT_CONFIG.weightsDir})
  --run-name NAME      checkpoint folder name (lstm-<date>-<time>)
  --device D           ${DEVICE_CHOICES.join('|')} (${DEFAULT_CONFIG.device})
  --kernels K          ${KERNEL_CHOICES.join('|')}: fused native LSTM ops or the plain tfjs loop (auto)
  --json               print events as JSON lines instead of text
Evaluation options: --data-dir, --test-size, --device, --json
  -h, --help           show this help`;

export type Command =
  | { kind: 'help' }
  | { kind: 'train'; config: TrainConfig; json: boolean }
  | { kind: 'evaluate'; request: EvaluateRequest; json: boolean };

const OPTIONS = {
  units: { type: 'string' }, 'batch-size': { type: 'string' }, epochs: { type: 'string' },
  'learning-rate': { type: 'string' }, seed: { type: 'string' }, 'train-size': { type: 'string' },
  'test-size': { type: 'string' }, 'data-dir': { type: 'string' }, 'weights-dir': { type: 'string' },
  'run-name': { type: 'string' }, device: { type: 'string' }, kernels: { type: 'string' },
  json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${v}")`);
  return n;
}

export function parseCommand(argv: string[], cwd = process.cwd(), now = new Date()): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help' };
  const [command, ...rest] = positionals;
  const device = (v.device ?? DEFAULT_CONFIG.device) as DeviceChoice;
  if (!DEVICE_CHOICES.includes(device)) throw new UsageError(`--device must be one of ${DEVICE_CHOICES.join(', ')} (got "${device}")`);
  const json = Boolean(v.json);
  const dataDir = v['data-dir'] ? path.resolve(cwd, v['data-dir']) : undefined;
  if (command === 'train') {
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const config: TrainConfig = {
      units: num('units', v.units) ?? DEFAULT_CONFIG.units,
      batchSize: num('batch-size', v['batch-size']) ?? DEFAULT_CONFIG.batchSize,
      epochs: num('epochs', v.epochs) ?? DEFAULT_CONFIG.epochs,
      learningRate: num('learning-rate', v['learning-rate']) ?? DEFAULT_CONFIG.learningRate,
      seed: num('seed', v.seed) ?? DEFAULT_CONFIG.seed,
      trainSize: num('train-size', v['train-size']),
      testSize: num('test-size', v['test-size']),
      dataDir,
      weightsDir: path.resolve(cwd, v['weights-dir'] ?? DEFAULT_CONFIG.weightsDir),
      runName: v['run-name'] ?? defaultRunName(now),
      device,
      kernels: (v.kernels ?? 'auto') as KernelChoice,
    };
    const problems = configProblems(config);
    if (problems.length) throw new UsageError(problems.join('\n'));
    return { kind: 'train', config, json };
  }
  if (command === 'evaluate') {
    if (rest.length !== 1) throw new UsageError('evaluate needs exactly one checkpoint folder');
    const testSize = num('test-size', v['test-size']);
    if (testSize !== undefined && !(Number.isInteger(testSize) && testSize > 0)) throw new UsageError(`--test-size must be a positive integer (got ${testSize})`);
    return { kind: 'evaluate', request: { checkpoint: path.resolve(cwd, rest[0]), dataDir, testSize, device }, json };
  }
  throw new UsageError(command === undefined ? 'missing command: train or evaluate' : `unknown command "${command}"`);
}

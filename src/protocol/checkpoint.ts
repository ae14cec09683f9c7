// The on-disk checkpoint format, read by the training process (to load weights) and by the
// extension host (the tree view shows a run's accuracy without loading TensorFlow).
// A checkpoint is a folder: checkpoint.json (this metadata) + weights.bin (float32, little
// endian, the tensors of `weights` one after another) + optimizer.bin (Adam's first and second
// moments, each laid out as weights.bin; absent in checkpoints written before it was kept).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECKPOINT_FORMAT, type CheckpointMeta, type WeightSpec } from './checkpointMeta';
import { isPositiveInt, isRecord } from './guards';
import { processAlive } from './liveness';

export * from './checkpointMeta';

export const META_FILE = 'checkpoint.json';
export const WEIGHTS_FILE = 'weights.bin';
export const OPTIMIZER_FILE = 'optimizer.bin';
export const CHECKPOINT_VERSION = 1;

/**
 * A run name is held while its run trains: `<weights folder>/.reserved-<run name>` holds the
 * training process's id, so two processes never both take it; the file goes when the checkpoint
 * is saved or the run ends, and is stale once its process is gone.
 */
export const RESERVATION_PREFIX = '.reserved-';

export function reservationFile(weightsDir: string, runName: string): string {
  return path.join(weightsDir, `${RESERVATION_PREFIX}${runName}`);
}

/** The id of the live process that holds `runName`, if any. */
export function reservationHolder(weightsDir: string, runName: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(reservationFile(weightsDir, runName), 'utf8'), 10);
  } catch {
    return undefined;
  }
  return Number.isSafeInteger(pid) && processAlive(pid) ? pid : undefined;
}

const STAGING_PREFIX = '.tmp-';

/**
 * The hidden folder this process puts a checkpoint together in, renamed into place when complete;
 * a run writes its TensorBoard logs there as it trains.
 */
export function stagingFolder(weightsDir: string, runName: string): string {
  return path.join(weightsDir, `${STAGING_PREFIX}${process.pid}-${runName}`);
}

/**
 * Removes the staging folders and run-name reservations of processes that are gone (killed
 * mid-run or mid-save): at every save, and by the extension as soon as a training process dies.
 */
export function removeLeftovers(weightsDir: string): void {
  for (const entry of fs.readdirSync(weightsDir)) {
    if (entry.startsWith(STAGING_PREFIX)) {
      const pid = Number.parseInt(entry.slice(STAGING_PREFIX.length), 10);
      if (Number.isSafeInteger(pid) && !processAlive(pid)) fs.rmSync(path.join(weightsDir, entry), { recursive: true, force: true });
    }
    if (entry.startsWith(RESERVATION_PREFIX)) {
      const name = entry.slice(RESERVATION_PREFIX.length);
      if (reservationHolder(weightsDir, name) === undefined) fs.rmSync(reservationFile(weightsDir, name), { force: true });
    }
  }
}

/** Why a new run cannot take `runName` (a checkpoint has it, or a running training holds it), or undefined. */
export function runNameTaken(weightsDir: string, runName: string): string | undefined {
  if (fs.existsSync(path.join(weightsDir, runName))) return `${path.join(weightsDir, runName)} already exists`;
  const holder = reservationHolder(weightsDir, runName);
  return holder === undefined ? undefined : `another training process (pid ${holder}) is running under that name`;
}

export class CheckpointError extends Error {
  constructor(
    readonly checkpoint: string,
    readonly reason: string,
  ) {
    super(`${checkpoint}: ${reason}`);
    this.name = 'CheckpointError';
  }
}

/** The number of float32 values of each weight, in file order. */
export function weightSizes(weights: WeightSpec[]): number[] {
  return weights.map((w) => w.shape.reduce((a, b) => a * b, 1));
}

/** Why a weights.bin of `bytes` bytes cannot hold `weights`, or undefined when it can. */
export function weightsSizeProblem(bytes: number, weights: WeightSpec[]): string | undefined {
  const expected = 4 * weightSizes(weights).reduce((a, b) => a + b, 0);
  return bytes === expected ? undefined : `${WEIGHTS_FILE} has ${bytes} bytes, the weights need ${expected}`;
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
  if (!isRecord(v.hyperparameters)) return `${META_FILE} lacks hyperparameters`;
  if (
    !Array.isArray(v.weights) ||
    v.weights.length === 0 ||
    !v.weights.every((w) => isRecord(w) && typeof w.name === 'string' && Array.isArray(w.shape) && w.shape.every(isPositiveInt))
  ) {
    return `${META_FILE} has no valid weight list`;
  }
  if (!Array.isArray(v.epochs)) return `${META_FILE} lacks the epoch metrics`;
  if (!isRecord(v.test) || typeof v.test.accuracy !== 'number' || typeof v.test.loss !== 'number')
    return `${META_FILE} lacks the test result`;
  if (!isRecord(v.device) || !isRecord(v.dataset)) return `${META_FILE} lacks device or dataset`;
  const o = v.optimizer;
  if (o !== undefined && (!isRecord(o) || o.name !== 'adam' || !Number.isSafeInteger(o.step) || (o.step as number) < 0))
    return `${META_FILE} has an optimizer entry that is not Adam's state`;
  return undefined;
}

/** Reads and validates `<dir>/checkpoint.json`; throws CheckpointError with a readable reason. */
export async function readCheckpointMeta(dir: string): Promise<CheckpointMeta> {
  const file = path.join(dir, META_FILE);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(dir, code === 'ENOENT' ? `missing ${META_FILE}` : `cannot read ${META_FILE} (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(dir, `${META_FILE} is not valid JSON (${(e as Error).message})`);
  }
  const problem = checkpointMetaProblem(parsed);
  if (problem) throw new CheckpointError(dir, problem);
  return parsed as CheckpointMeta;
}

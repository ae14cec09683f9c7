// Saving and loading checkpoints. A checkpoint is written into a hidden temporary folder next to
// its destination and renamed into place only when complete, so a crash or a cancel never
// leaves half of one; loading checks every file against the metadata before building tensors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import {
  CheckpointError,
  type CheckpointMeta,
  META_FILE,
  type ModelSpec,
  readCheckpointMeta,
  RESERVATION_PREFIX,
  reservationFile,
  reservationHolder,
  WEIGHTS_FILE,
  weightSizes,
  weightsSizeProblem,
} from '../protocol/checkpoint';
import { processAlive } from '../protocol/liveness';
import type { Tf } from './backend';
import { type LstmParams, PARAM_NAMES, weightSpecs } from './model';

const TMP_PREFIX = '.tmp-';

/** Test hook: called between the two files, where a crash would hurt most. */
export interface SaveHooks {
  afterWeights?: () => void;
}

/** Removes temporary folders and run-name reservations left by processes that died (e.g. killed mid-save). */
function removeLeftovers(weightsDir: string): void {
  for (const entry of fs.readdirSync(weightsDir)) {
    const tmp = /^\.tmp-(\d+)-/.exec(entry);
    if (tmp && !processAlive(Number(tmp[1]))) fs.rmSync(path.join(weightsDir, entry), { recursive: true, force: true });
    if (entry.startsWith(RESERVATION_PREFIX)) {
      const name = entry.slice(RESERVATION_PREFIX.length);
      if (reservationHolder(weightsDir, name) === undefined) fs.rmSync(reservationFile(weightsDir, name), { force: true });
    }
  }
}

export function checkpointPath(weightsDir: string, runName: string): string {
  return path.resolve(weightsDir, runName);
}

/** The bytes a checkpoint of `spec` takes on disk: its weights and a generous allowance for checkpoint.json. */
export function checkpointBytes(spec: ModelSpec): number {
  return 4 * weightSizes(weightSpecs(spec)).reduce((a, b) => a + b, 0) + 64 * 1024;
}

/**
 * Where a finished run's weights go when they cannot be saved where asked: never dropped.
 * `~/lstm-mnist-rescued`, or $LSTM_MNIST_RESCUE_DIR.
 */
export function rescueFolder(): string {
  return process.env.LSTM_MNIST_RESCUE_DIR || path.join(os.homedir(), 'lstm-mnist-rescued');
}

/** Saves under the first free name `<run name>`, `<run name>-2`, ... of the rescue folder; returns the folder. */
export async function rescueCheckpoint(meta: CheckpointMeta, params: LstmParams): Promise<string> {
  const dir = rescueFolder();
  await fs.promises.mkdir(dir, { recursive: true });
  let name = meta.name;
  for (let i = 2; fs.existsSync(path.join(dir, name)); i++) name = `${meta.name}-${i}`;
  return saveCheckpoint(dir, { ...meta, name }, params);
}

export async function saveCheckpoint(weightsDir: string, meta: CheckpointMeta, params: LstmParams, hooks: SaveHooks = {}): Promise<string> {
  await fs.promises.mkdir(weightsDir, { recursive: true });
  removeLeftovers(weightsDir);
  const dest = checkpointPath(weightsDir, meta.name);
  if (fs.existsSync(dest)) throw new CheckpointError(dest, 'a checkpoint with this run name already exists');
  const tmp = path.join(weightsDir, `${TMP_PREFIX}${process.pid}-${meta.name}`);
  await fs.promises.rm(tmp, { recursive: true, force: true });
  await fs.promises.mkdir(tmp);
  try {
    const arrays = await Promise.all(PARAM_NAMES.map((n) => params[n].data() as Promise<Float32Array>));
    const bytes = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
    await writeDurably(path.join(tmp, WEIGHTS_FILE), bytes);
    hooks.afterWeights?.();
    await writeDurably(path.join(tmp, META_FILE), Buffer.from(`${JSON.stringify(meta, null, 2)}\n`));
    await fs.promises.rename(tmp, dest);
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return dest;
}

async function writeDurably(file: string, data: Buffer): Promise<void> {
  const fh = await fs.promises.open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  params: LstmParams;
}

/** Reads and checks a checkpoint; every problem becomes a CheckpointError that says what is wrong. */
export async function loadCheckpoint(tf: Tf, dir: string): Promise<LoadedCheckpoint> {
  if (!fs.existsSync(dir)) throw new CheckpointError(dir, 'no such checkpoint folder');
  if (!fs.statSync(dir).isDirectory()) throw new CheckpointError(dir, 'not a folder');
  const meta = await readCheckpointMeta(dir);
  const expected = weightSpecs(meta.model);
  const shapeText = (s: number[]) => `[${s.join(', ')}]`;
  if (meta.weights.length !== expected.length) {
    throw new CheckpointError(dir, `${META_FILE} lists ${meta.weights.length} weights, the model has ${expected.length}`);
  }
  expected.forEach((spec, i) => {
    const got = meta.weights[i];
    if (got.name !== spec.name || shapeText(got.shape) !== shapeText(spec.shape)) {
      throw new CheckpointError(
        dir,
        `weight ${i} is ${got.name} ${shapeText(got.shape)}, expected ${spec.name} ${shapeText(spec.shape)} for ${meta.model.units} units`,
      );
    }
  });
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(path.join(dir, WEIGHTS_FILE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(dir, code === 'ENOENT' ? `missing ${WEIGHTS_FILE}` : `cannot read ${WEIGHTS_FILE} (${code})`);
  }
  const sizeProblem = weightsSizeProblem(bytes.length, expected);
  if (sizeProblem) throw new CheckpointError(dir, sizeProblem);
  const sizes = weightSizes(expected);
  // Copy into an aligned buffer: a Buffer from readFile may sit at any offset of a shared pool.
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  if (floats.some((v) => !Number.isFinite(v))) throw new CheckpointError(dir, `${WEIGHTS_FILE} contains NaN or infinite values`);
  let offset = 0;
  const tensors = expected.map((spec, i) => {
    const values = floats.subarray(offset, offset + sizes[i]);
    offset += sizes[i];
    return tf.tidy(() => tf.variable(tf.tensor(values, spec.shape, 'float32'), false));
  });
  const [kernel, bias, denseKernel, denseBias] = tensors;
  return { meta, params: { kernel, bias, denseKernel, denseBias } };
}

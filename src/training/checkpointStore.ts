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
  OPTIMIZER_FILE,
  readCheckpointMeta,
  removeLeftovers,
  stagingFolder,
  WEIGHTS_FILE,
  weightSizes,
  weightsSizeProblem,
} from '../protocol/checkpoint';
import { firstFreeName } from '../protocol/freeName';
import type { AdamState } from './optim/adamState';
import type { Tf } from './native/backend';
import { type LstmParams, PARAM_NAMES, weightSpecs } from './model/lstmModel';

/** Test hook: called between the two files, where a crash would hurt most. */
export interface SaveHooks {
  afterWeights?: () => void;
}

export function checkpointPath(weightsDir: string, runName: string): string {
  return path.resolve(weightsDir, runName);
}

/** The bytes a checkpoint of `spec` takes on disk: its weights, Adam's two moments, and a generous allowance for checkpoint.json. */
export function checkpointBytes(spec: ModelSpec): number {
  return 3 * 4 * weightSizes(weightSpecs(spec)).reduce((a, b) => a + b, 0) + 64 * 1024;
}

/**
 * Where a finished run's weights go when they cannot be saved where asked: never dropped.
 * `~/lstm-mnist-rescued`, or $LSTM_MNIST_RESCUE_DIR.
 */
export function rescueFolder(): string {
  return process.env.LSTM_MNIST_RESCUE_DIR || path.join(os.homedir(), 'lstm-mnist-rescued');
}

/** What a checkpoint holds besides its metadata: the weights in file order, and Adam's state (when meta.optimizer says so). */
export interface CheckpointContents {
  weights: Float32Array[];
  optimizer?: AdamState;
}

/** The model's current weights, in file order. */
export async function paramValues(params: LstmParams): Promise<Float32Array[]> {
  return Promise.all(PARAM_NAMES.map((n) => params[n].data() as Promise<Float32Array>));
}

/** Saves under the first free name `<run name>`, `<run name>-2`, ... of the rescue folder; returns the folder. */
export async function rescueCheckpoint(meta: CheckpointMeta, contents: CheckpointContents): Promise<string> {
  const dir = rescueFolder();
  await fs.promises.mkdir(dir, { recursive: true });
  const name = firstFreeName(meta.name, (n) => fs.existsSync(path.join(dir, n)));
  return saveCheckpoint(dir, { ...meta, name }, contents);
}

const asBytes = (arrays: Float32Array[]): Buffer => Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

export async function saveCheckpoint(
  weightsDir: string,
  meta: CheckpointMeta,
  contents: CheckpointContents,
  hooks: SaveHooks = {},
): Promise<string> {
  if (Boolean(meta.optimizer) !== Boolean(contents.optimizer))
    throw new Error('the optimizer state and its description must be saved together');
  await fs.promises.mkdir(weightsDir, { recursive: true });
  removeLeftovers(weightsDir);
  const dest = checkpointPath(weightsDir, meta.name);
  if (fs.existsSync(dest)) throw new CheckpointError(dest, 'a checkpoint with this run name already exists');
  // The run may have written into it already (its TensorBoard logs).
  const tmp = stagingFolder(weightsDir, meta.name);
  await fs.promises.mkdir(tmp, { recursive: true });
  try {
    await writeDurably(path.join(tmp, WEIGHTS_FILE), asBytes(contents.weights));
    hooks.afterWeights?.();
    if (contents.optimizer) await writeDurably(path.join(tmp, OPTIMIZER_FILE), asBytes([contents.optimizer.m, contents.optimizer.v]));
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
export async function loadCheckpoint(tf: Tf, dir: string, trainable = false): Promise<LoadedCheckpoint> {
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
  const floats = alignedFloats(bytes);
  if (floats.some((v) => !Number.isFinite(v))) throw new CheckpointError(dir, `${WEIGHTS_FILE} contains NaN or infinite values`);
  let offset = 0;
  const tensors = expected.map((spec, i) => {
    const values = floats.subarray(offset, offset + sizes[i]);
    offset += sizes[i];
    return tf.tidy(() => tf.variable(tf.tensor(values, spec.shape, 'float32'), trainable));
  });
  const [kernel, bias, denseKernel, denseBias] = tensors;
  return { meta, params: { kernel, bias, denseKernel, denseBias } };
}

/** A copy in an aligned buffer: a Buffer from readFile may sit at any offset of a shared pool. */
function alignedFloats(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/**
 * Adam's state saved with a checkpoint, to continue its run; undefined for a checkpoint written
 * before it was kept. A state that is there but damaged is an error, never dropped: continuing
 * with fresh moments would quietly change the run.
 */
export async function loadOptimizerState(dir: string, meta: CheckpointMeta): Promise<AdamState | undefined> {
  if (!meta.optimizer) return undefined;
  const damaged = (why: string) => new CheckpointError(dir, `its optimizer state is damaged: ${why}`);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(path.join(dir, OPTIMIZER_FILE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw damaged(code === 'ENOENT' ? `${OPTIMIZER_FILE} is missing` : `cannot read ${OPTIMIZER_FILE} (${code})`);
  }
  const size = weightSizes(meta.weights).reduce((a, b) => a + b, 0);
  if (bytes.length !== 8 * size) throw damaged(`${OPTIMIZER_FILE} has ${bytes.length} bytes, Adam's moments need ${8 * size}`);
  const floats = alignedFloats(bytes);
  const m = floats.subarray(0, size);
  const v = floats.subarray(size);
  if (!floats.every(Number.isFinite) || v.some((x) => x < 0))
    throw damaged(`${OPTIMIZER_FILE} holds NaN, infinite or negative second moments`);
  return { step: meta.optimizer.step, m, v };
}

// Writing a checkpoint. It is put together in a hidden staging folder next to its destination and
// renamed into place only when complete, so a crash or a cancel never leaves half of one; a run
// whose checkpoint cannot be saved where asked saves it in the rescue folder instead.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type AdamState,
  CheckpointError,
  type CheckpointMeta,
  META_FILE,
  OPTIMIZER_FILE,
  ParamLayout,
  WEIGHTS_FILE,
} from '../protocol/checkpointFormat';
import type { WeightSpec } from '../protocol/architecture';
import { firstFreeName } from '../protocol/freeName';
import { removeLeftovers, stagingFolder } from './reservation';

/** Test hook: called between the two files, where a crash would hurt most. */
export interface SaveHooks {
  afterWeights?: () => void;
}

export function checkpointPath(weightsDir: string, runName: string): string {
  return path.resolve(weightsDir, runName);
}

/** The bytes a checkpoint of `weights` takes on disk: the weights, Adam's two moments, and a generous allowance for checkpoint.json. */
export function checkpointBytes(weights: WeightSpec[]): number {
  return 3 * 4 * new ParamLayout(weights).total + 64 * 1024;
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

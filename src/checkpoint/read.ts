// Reading a checkpoint folder: its metadata (the Checkpoints view reads only this, and the size of
// weights.bin), its weights and Adam's state. Every problem becomes a CheckpointError that says
// what is wrong; the weights are checked against the metadata before anything is built from them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type AdamState,
  CheckpointError,
  type CheckpointMeta,
  checkpointMetaProblem,
  META_FILE,
  OPTIMIZER_FILE,
  ParamLayout,
  WEIGHTS_FILE,
  weightsSizeProblem,
} from '../protocol/checkpointFormat';
import { architectureText, weightSpecs } from '../protocol/architecture';

/** Why a checkpoint's file that is a symbolic link is not read: it may lead anywhere. */
export const LINKED_FILE = (name: string): string => `${name} is a link: a checkpoint's files are read from its own folder only`;

/** The largest checkpoint.json read: a run of 1,000 epochs writes about 200 KB. */
export const MAX_META_BYTES = 16 * 2 ** 20;

/**
 * Opening flags that do not follow a link in the file's place (ELOOP instead), and do not wait on
 * a pipe put there. Windows has neither: there a link is found by `lstat` before opening, which a
 * file swapped for a link in between would pass.
 */
const NO_FOLLOW = fs.constants.O_NOFOLLOW;
const OPEN_FLAGS = fs.constants.O_RDONLY | (NO_FOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * The bytes of `<dir>/<name>`, after checking that it is a file of its own, no link (which could
 * lead out of the checkpoint, to any file of the machine), and its size (`sizeProblem` of its
 * length: so that a file from elsewhere is never read whole before its size is known to be right).
 * The checks and the reading are of one open file, so a file swapped meanwhile is not read.
 */
async function readChecked(dir: string, name: string, sizeProblem: (bytes: number) => string | undefined): Promise<Buffer> {
  const file = path.join(dir, name);
  let handle: fs.promises.FileHandle | undefined;
  try {
    if (NO_FOLLOW === undefined && (await fs.promises.lstat(file)).isSymbolicLink()) throw new CheckpointError(dir, LINKED_FILE(name));
    handle = await fs.promises.open(file, OPEN_FLAGS);
    const stat = await handle.stat();
    if (!stat.isFile()) throw new CheckpointError(dir, `${name} is not a file`);
    const problem = sizeProblem(stat.size);
    if (problem) throw new CheckpointError(dir, problem);
    return await readExactly(handle, stat.size, dir, name);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new CheckpointError(dir, LINKED_FILE(name));
    throw new CheckpointError(dir, code === 'ENOENT' ? `missing ${name}` : `cannot read ${name} (${code})`);
  } finally {
    await handle?.close();
  }
}

/** `size` bytes from the start of an open file: no more, whatever it has grown to since its size was checked. */
async function readExactly(handle: fs.promises.FileHandle, size: number, dir: string, name: string): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
    if (bytesRead === 0) throw new CheckpointError(dir, `${name} was cut short while it was read`);
    filled += bytesRead;
  }
  return bytes;
}

/** Reads and validates `<dir>/checkpoint.json`; throws CheckpointError with a readable reason. */
export async function readCheckpointMeta(dir: string): Promise<CheckpointMeta> {
  const text = (
    await readChecked(dir, META_FILE, (bytes) =>
      bytes > MAX_META_BYTES ? `${META_FILE} has ${bytes} bytes, more than the ${MAX_META_BYTES} a checkpoint's has` : undefined,
    )
  ).toString('utf8');
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

/**
 * The metadata and weights of the checkpoint in `dir`, the weights in file order, after checking
 * that the metadata lists the weights its model has (by name and shape) and that weights.bin
 * holds exactly them, all finite.
 */
export async function readWeights(dir: string): Promise<{ meta: CheckpointMeta; weights: Float32Array[] }> {
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
        `weight ${i} is ${got.name} ${shapeText(got.shape)}, expected ${spec.name} ${shapeText(spec.shape)} for a ${architectureText(meta.model)} of ${meta.model.units} units`,
      );
    }
  });
  const layout = new ParamLayout(expected);
  const bytes = await readChecked(dir, WEIGHTS_FILE, (size) => weightsSizeProblem(size, expected));
  const floats = alignedFloats(bytes);
  if (floats.some((v) => !Number.isFinite(v))) throw new CheckpointError(dir, `${WEIGHTS_FILE} contains NaN or infinite values`);
  return { meta, weights: layout.split(floats) };
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
export async function readOptimizerState(dir: string, meta: CheckpointMeta): Promise<AdamState | undefined> {
  if (!meta.optimizer) return undefined;
  const damaged = (why: string) => new CheckpointError(dir, `its optimizer state is damaged: ${why}`);
  const size = new ParamLayout(meta.weights).total;
  let bytes: Buffer;
  try {
    bytes = await readChecked(dir, OPTIMIZER_FILE, (b) =>
      b === 8 * size ? undefined : `${OPTIMIZER_FILE} has ${b} bytes, Adam's moments need ${8 * size}`,
    );
  } catch (e) {
    const reason = (e as CheckpointError).reason;
    throw damaged(reason === `missing ${OPTIMIZER_FILE}` ? `${OPTIMIZER_FILE} is missing` : reason);
  }
  const floats = alignedFloats(bytes);
  const m = floats.subarray(0, size);
  const v = floats.subarray(size);
  if (!floats.every(Number.isFinite) || v.some((x) => x < 0))
    throw damaged(`${OPTIMIZER_FILE} holds NaN, infinite or negative second moments`);
  return { step: meta.optimizer.step, m, v };
}

// Reading a checkpoint folder: its metadata (the Checkpoints view reads only this, and the size of
// weights.bin), its weights and Adam's state. Every problem becomes a CheckpointError that says
// what is wrong; the weights are checked against the metadata before anything is built from them.
import * as fs from 'node:fs';
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
import { atMost, readUntrusted, type UntrustedFileError } from './untrustedFile';

/** The largest checkpoint.json read: a run of 1,000 epochs writes about 200 KB. */
const MAX_META_BYTES = 16 * 2 ** 20;

/** `<dir>/<name>` read as a file from elsewhere (untrustedFile.ts); its problems as the checkpoint's. */
async function readChecked(dir: string, name: string, sizeProblem: (bytes: number) => string | undefined): Promise<Buffer> {
  try {
    return await readUntrusted(dir, name, sizeProblem);
  } catch (e) {
    const failed = e as UntrustedFileError;
    throw new CheckpointError(dir, failed.message, failed.code);
  }
}

/** Reads and validates `<dir>/checkpoint.json`; throws CheckpointError with a readable reason. */
export async function readCheckpointMeta(dir: string): Promise<CheckpointMeta> {
  const text = (await readChecked(dir, META_FILE, atMost(META_FILE, MAX_META_BYTES))).toString('utf8');
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
    const failed = e as CheckpointError;
    throw damaged(failed.code === 'ENOENT' ? `${OPTIMIZER_FILE} is missing` : failed.reason);
  }
  const floats = alignedFloats(bytes);
  const m = floats.subarray(0, size);
  const v = floats.subarray(size);
  if (!floats.every(Number.isFinite) || v.some((x) => x < 0))
    throw damaged(`${OPTIMIZER_FILE} holds NaN, infinite or negative second moments`);
  return { step: meta.optimizer.step, m, v };
}

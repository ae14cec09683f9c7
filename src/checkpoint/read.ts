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
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(path.join(dir, WEIGHTS_FILE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(dir, code === 'ENOENT' ? `missing ${WEIGHTS_FILE}` : `cannot read ${WEIGHTS_FILE} (${code})`);
  }
  const sizeProblem = weightsSizeProblem(bytes.length, expected);
  if (sizeProblem) throw new CheckpointError(dir, sizeProblem);
  const floats = alignedFloats(bytes);
  if (floats.some((v) => !Number.isFinite(v))) throw new CheckpointError(dir, `${WEIGHTS_FILE} contains NaN or infinite values`);
  return { meta, weights: new ParamLayout(expected).split(floats) };
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
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(path.join(dir, OPTIMIZER_FILE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw damaged(code === 'ENOENT' ? `${OPTIMIZER_FILE} is missing` : `cannot read ${OPTIMIZER_FILE} (${code})`);
  }
  const size = new ParamLayout(meta.weights).total;
  if (bytes.length !== 8 * size) throw damaged(`${OPTIMIZER_FILE} has ${bytes.length} bytes, Adam's moments need ${8 * size}`);
  const floats = alignedFloats(bytes);
  const m = floats.subarray(0, size);
  const v = floats.subarray(size);
  if (!floats.every(Number.isFinite) || v.some((x) => x < 0))
    throw damaged(`${OPTIMIZER_FILE} holds NaN, infinite or negative second moments`);
  return { step: meta.optimizer.step, m, v };
}

// A checkpoint's weights as the model's variables, and back: src/checkpoint reads and writes the
// arrays, this makes tensors of them (and arrays of the tensors).
import type { CheckpointMeta } from '../../protocol/checkpointFormat';
import { readWeights } from '../../checkpoint/read';
import type { Tf } from '../native/backend';
import { weightSpecs } from '../../protocol/architecture';
import { type ModelParams, paramList, paramsFromList } from './recurrentModel';

/** The model's current weights, in file order. */
export async function paramValues(params: ModelParams): Promise<Float32Array[]> {
  return Promise.all(paramList(params).map((v) => v.data() as Promise<Float32Array>));
}

/** Makes the variables hold `values` (one array per weight, in file order): copies, as tfjs may keep what it is given. */
export function setParamValues(tf: Tf, params: ModelParams, values: readonly Float32Array[]): void {
  paramList(params).forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values[i].slice(), v.shape, 'float32'))));
}

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  params: ModelParams;
}

/** Reads and checks a checkpoint (every problem a CheckpointError that says what is wrong), its weights as variables. */
export async function loadCheckpoint(tf: Tf, dir: string, trainable = false): Promise<LoadedCheckpoint> {
  const { meta, weights } = await readWeights(dir);
  return { meta, params: asVariables(tf, meta, weights, trainable) };
}

/** A checkpoint's weights (read by src/checkpoint, in file order) as the model's variables. */
export function asVariables(tf: Tf, meta: CheckpointMeta, weights: readonly Float32Array[], trainable = false): ModelParams {
  const list = weightSpecs(meta.model).map((spec, i) =>
    tf.tidy(() => tf.variable(tf.tensor(weights[i], spec.shape, 'float32'), trainable)),
  );
  return paramsFromList(meta.model, list);
}

// Adam's hyperparameters (tf.train.adam's defaults) and its state (protocol/checkpointFormat.ts's
// AdamState), shared by TensorAdam and ArrayAdam, so that a checkpoint saved by either continues in either.
import type { AdamState } from '../../protocol/checkpointFormat';
import type { Tf } from '../native/backend';

export const BETA1 = 0.9;
export const BETA2 = 0.999;

/** tf.train.adam's default epsilon: the backend's (1e-7 for float32). */
export function adamEpsilon(tf: Tf): number {
  return tf.backend().epsilon();
}

/** A fresh state for `size` weights: no steps, zero moments. */
export function freshAdamState(size: number): AdamState {
  return { step: 0, m: new Float32Array(size), v: new Float32Array(size) };
}

/**
 * The step size and epsilon of step `t` with Adam's bias corrections folded in:
 * lr * m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) = lrT * m / (sqrt(v) + epsT).
 */
export function correctedStep(learningRate: number, epsilon: number, t: number): { lrT: number; epsT: number } {
  const c2 = Math.sqrt(1 - BETA2 ** t);
  return { lrT: (learningRate * c2) / (1 - BETA1 ** t), epsT: epsilon * c2 };
}

export function copyState(s: AdamState): AdamState {
  return { step: s.step, m: s.m.slice(), v: s.v.slice() };
}

// Gradient clipping by global norm (tf.clip_by_global_norm, Keras' `global_clipnorm`): when the
// norm of all the weights' gradients together is above the limit, every gradient is scaled by
// limit / norm, so the step keeps its direction. The norm is returned (before clipping) for the
// epoch's report. On arrays (the portable and op-by-op paths) and on tensors (the autodiff paths);
// the scheduled path's graph writes the same ops (trainingGraph.ts).
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from '../native/backend';

/** Scales `grad` in place to a global norm of at most `clipNorm`; returns its norm before. */
export function clipArrayByGlobalNorm(grad: Float32Array, clipNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grad.length; i++) sum += grad[i] * grad[i];
  const norm = Math.sqrt(sum);
  if (norm > clipNorm) {
    const scale = clipNorm / norm;
    for (let i = 0; i < grad.length; i++) grad[i] *= scale;
  }
  return norm;
}

/** `grad` (all the weights' gradients as one vector) scaled to a global norm of at most `clipNorm`, and its norm before. */
export function clipTensorByGlobalNorm(tf: Tf, grad: tfn.Tensor1D, clipNorm: number): { clipped: tfn.Tensor1D; norm: tfn.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(grad))) as tfn.Scalar;
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    return { clipped: tf.mul(grad, scale) as tfn.Tensor1D, norm };
  });
}

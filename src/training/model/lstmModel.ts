// The seed's model: one LSTM cell of `units` units stepped over the image's rows, (c, h)
// carried from step to step, the last h into Dense(classes) (softmax is applied by the loss).
// Weights use TensorFlow's LSTMCell layout: kernel [input + units, 4 * units] with the gates
// in the order i, j, f, o, and forget_bias added to f; tf.basicLSTMCell uses the same layout.
import type * as tfn from '@tensorflow/tfjs-node';
import { type ModelSpec, ParamLayout, type WeightSpec } from '../../protocol/checkpointFormat';
import type { Tf } from '../native/backend';
import { fusedHiddenStates, fusedLastHidden } from '../native/fusedLstm';
import { nativeSparseCrossEntropy } from '../native/nativeLoss';

export interface LstmParams {
  kernel: tfn.Variable;
  bias: tfn.Variable;
  denseKernel: tfn.Variable;
  denseBias: tfn.Variable;
}

export const PARAM_NAMES = ['kernel', 'bias', 'denseKernel', 'denseBias'] as const;

/** Which implementation computes the forward recurrence: the basicLSTMCell loop or BlockLSTM; both compute the same function. */
export type ForwardPath = 'reference' | 'fused';

export function modelSpec(timesteps: number, inputSize: number, units: number): ModelSpec {
  return { timesteps, inputSize, units, classes: 10, forgetBias: 1.0 };
}

export function weightSpecs(spec: ModelSpec): WeightSpec[] {
  const { inputSize, units, classes } = spec;
  return [
    { name: 'lstm/kernel', shape: [inputSize + units, 4 * units] },
    { name: 'lstm/bias', shape: [4 * units] },
    { name: 'dense/kernel', shape: [units, classes] },
    { name: 'dense/bias', shape: [classes] },
  ];
}

/** The model's weights as one flat vector (the scheduled path, Adam, the checkpoint files). */
export function paramLayout(spec: ModelSpec): ParamLayout {
  return new ParamLayout(weightSpecs(spec));
}

/** Glorot-uniform kernels and zero biases, as TensorFlow's LSTMCell and Dense start. */
export function initParams(tf: Tf, spec: ModelSpec, seed: number): LstmParams {
  const glorot = (shape: [number, number], s: number) => {
    const limit = Math.sqrt(6 / (shape[0] + shape[1]));
    return tf.randomUniform(shape, -limit, limit, 'float32', s);
  };
  const [k, b, dk, db] = weightSpecs(spec);
  return tf.tidy(() => ({
    kernel: tf.variable(glorot(k.shape as [number, number], seed)),
    bias: tf.variable(tf.zeros(b.shape)),
    denseKernel: tf.variable(glorot(dk.shape as [number, number], seed + 1)),
    denseBias: tf.variable(tf.zeros(db.shape)),
  }));
}

export function paramList(p: LstmParams): tfn.Variable[] {
  return PARAM_NAMES.map((n) => p[n]);
}

export function disposeParams(p: LstmParams): void {
  for (const v of paramList(p)) v.dispose();
}

/** The stepwise loop in plain tfjs ops, the reference every backend can run: the hidden state after each step. */
function referenceHiddenStates(tf: Tf, x: tfn.Tensor3D, kernel: tfn.Tensor2D, bias: tfn.Tensor1D, forgetBias: number): tfn.Tensor2D[] {
  const [, batch] = x.shape;
  const units = bias.shape[0] / 4;
  const fb = tf.scalar(forgetBias);
  let c: tfn.Tensor2D = tf.zeros([batch, units]);
  let h: tfn.Tensor2D = tf.zeros([batch, units]);
  const hs: tfn.Tensor2D[] = [];
  for (const xt of tf.unstack(x) as tfn.Tensor2D[]) {
    [c, h] = tf.basicLSTMCell(fb, kernel, bias, xt, c, h);
    hs.push(h);
  }
  return hs;
}

/** The reference loop's last hidden state. */
export function referenceLastHidden(tf: Tf, x: tfn.Tensor3D, kernel: tfn.Tensor2D, bias: tfn.Tensor1D, forgetBias: number): tfn.Tensor2D {
  const hs = referenceHiddenStates(tf, x, kernel, bias, forgetBias);
  return hs[hs.length - 1];
}

/**
 * The class probabilities after each row is read [timesteps, batch, classes]: the dense layer
 * and softmax on every hidden state, not only the last. The last row's are the prediction
 * (the same hidden state `logits` uses). Forward only.
 */
export function rowProbabilities(tf: Tf, params: LstmParams, x: tfn.Tensor3D, spec: ModelSpec, kernels: ForwardPath): tfn.Tensor3D {
  return tf.tidy(() => {
    const kernel = params.kernel as tfn.Tensor2D;
    const bias = params.bias as tfn.Tensor1D;
    const [timesteps, batch] = x.shape;
    const hs =
      kernels === 'fused'
        ? fusedHiddenStates(tf, x, kernel, bias, spec.forgetBias)
        : (tf.stack(referenceHiddenStates(tf, x, kernel, bias, spec.forgetBias)) as tfn.Tensor3D);
    const flat = tf.reshape(hs, [timesteps * batch, spec.units]) as tfn.Tensor2D;
    const out = tf.add(tf.matMul(flat, params.denseKernel as tfn.Tensor2D), params.denseBias) as tfn.Tensor2D;
    return tf.reshape(tf.softmax(out), [timesteps, batch, -1]) as tfn.Tensor3D;
  });
}

/**
 * Logits for a time-major batch x [timesteps, batch, inputSize]. Time-major because the data is
 * laid out that way once per run, and the fused kernel wants it so: no transpose per batch.
 */
export function logits(tf: Tf, params: LstmParams, x: tfn.Tensor3D, spec: ModelSpec, kernels: ForwardPath): tfn.Tensor2D {
  const kernel = params.kernel as tfn.Tensor2D;
  const bias = params.bias as tfn.Tensor1D;
  const h =
    kernels === 'fused' ? fusedLastHidden(tf, x, kernel, bias, spec.forgetBias) : referenceLastHidden(tf, x, kernel, bias, spec.forgetBias);
  return tf.add(tf.matMul(h, params.denseKernel as tfn.Tensor2D), params.denseBias) as tfn.Tensor2D;
}

/** Mean softmax cross-entropy against int32 labels; the fused path uses TensorFlow's own op. */
export function crossEntropy(tf: Tf, out: tfn.Tensor2D, labels: tfn.Tensor1D, kernels: ForwardPath): tfn.Scalar {
  if (kernels === 'fused') return nativeSparseCrossEntropy(tf, out, labels);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, out.shape[1]), out) as tfn.Scalar;
}

/** How many predictions (argmax of the logits) equal the labels: an int32 scalar. */
export function correctCount(tf: Tf, out: tfn.Tensor2D, labels: tfn.Tensor1D): tfn.Scalar {
  return tf.sum(tf.equal(tf.argMax(out, 1), labels)) as tfn.Scalar;
}

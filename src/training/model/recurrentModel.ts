// The model: `layers` recurrent layers of `units` units (LSTM, the seed's, or GRU) stepped over
// the image's rows, each layer's hidden states the next one's inputs, the top layer's last
// hidden state into Dense(classes) (softmax is applied by the loss). The seed's model is one LSTM
// layer. Weights use TensorFlow's layouts (protocol/architecture.ts): an LSTM layer's kernel
// [input + units, 4 units] with the gates i, j, f, o and forget_bias added to f, as LSTMCell and
// tf.basicLSTMCell have it; a GRU layer's as GRUBlockCell has it.
import type * as tfn from '@tensorflow/tfjs-node';
import { architectureOf, weightSpecs, weightsPerLayer } from '../../protocol/architecture';
import { type ModelSpec, ParamLayout } from '../../protocol/checkpointFormat';
import type { Tf } from '../native/backend';
import { fusedLstmLayer } from '../native/fusedLstm';
import { fusedGruLayer } from '../native/fusedGru';
import { nativeSparseCrossEntropy } from '../native/nativeLoss';
import { referenceLayer } from './referenceLayers';

/** The model's weights as variables: each recurrent layer's (in file order), then the dense layer's. */
export interface ModelParams {
  layers: tfn.Variable[][];
  denseKernel: tfn.Variable;
  denseBias: tfn.Variable;
}

/**
 * Which implementation computes the recurrence: plain ops stepped row by row (`reference`), or
 * TensorFlow's native ops (`fused`: BlockLSTM for a whole LSTM layer, GRUBlockCell per row); both
 * compute the same function.
 */
export type ForwardPath = 'reference' | 'fused';

/** The seed's model (one LSTM layer) of `units` units, or another `architecture`. */
export function modelSpec(
  timesteps: number,
  inputSize: number,
  units: number,
  architecture: Pick<ModelSpec, 'layers' | 'cell'> = {},
): ModelSpec {
  return { timesteps, inputSize, units, classes: 10, forgetBias: 1.0, ...architectureOf(architecture) };
}

/** The model's weights as one flat vector (the scheduled path, Adam, the checkpoint files). */
export function paramLayout(spec: ModelSpec): ParamLayout {
  return new ParamLayout(weightSpecs(spec));
}

/** Variables in file order (one per weight of `spec`) as the model's parameters. */
export function paramsFromList(spec: ModelSpec, list: tfn.Variable[]): ModelParams {
  const { layers, cell } = architectureOf(spec);
  const per = weightsPerLayer(cell);
  return {
    layers: Array.from({ length: layers }, (_, l) => list.slice(l * per, (l + 1) * per)),
    denseKernel: list[layers * per],
    denseBias: list[layers * per + 1],
  };
}

/**
 * Glorot-uniform kernels and zero biases, as TensorFlow's LSTMCell and Dense start; a GRU's gates
 * start with a bias of 1 (TensorFlow's GRUCell and GRUBlockCell: neither reset nor update at
 * first). The seed's kernels draw from `seed` and the dense layer's from `seed + 1`, as they
 * always have; any further kernel from `seed + 2` on, in file order.
 */
export function initParams(tf: Tf, spec: ModelSpec, seed: number): ModelParams {
  const { cell } = architectureOf(spec);
  const specs = weightSpecs(spec);
  let kernels = 0;
  const list = tf.tidy(() =>
    specs.map((w, i) => {
      if (w.shape.length === 2) {
        const dense = i === specs.length - 2;
        const s = dense ? seed + 1 : kernels === 0 ? seed : seed + 1 + kernels;
        if (!dense) kernels++;
        const limit = Math.sqrt(6 / (w.shape[0] + w.shape[1]));
        return tf.variable(tf.randomUniform(w.shape, -limit, limit, 'float32', s));
      }
      const gruGates = cell === 'gru' && w.name.endsWith('gates/bias');
      return tf.variable(gruGates ? tf.ones(w.shape) : tf.zeros(w.shape));
    }),
  );
  return paramsFromList(spec, list);
}

/** The variables in file order. */
export function paramList(p: ModelParams): tfn.Variable[] {
  return [...p.layers.flat(), p.denseKernel, p.denseBias];
}

export function disposeParams(p: ModelParams): void {
  for (const v of paramList(p)) v.dispose();
}

/** What dropout a forward pass applies: each layer's input mask [batch, input] (training only). */
type Masks = readonly tfn.Tensor2D[] | undefined;

/** The top layer's hidden states after each row [timesteps, batch, units], or its last one [batch, units] (`last`). */
function topHidden(
  tf: Tf,
  params: ModelParams,
  x: tfn.Tensor3D,
  spec: ModelSpec,
  kernels: ForwardPath,
  steps: 'last' | 'all',
  masks: Masks,
): tfn.Tensor {
  const { cell } = architectureOf(spec);
  if (kernels === 'reference') {
    let rows = tf.unstack(x) as tfn.Tensor2D[];
    for (const [l, weights] of params.layers.entries()) {
      const mask = masks?.[l];
      if (mask) rows = rows.map((r) => tf.mul(r, mask));
      rows = referenceLayer(tf, cell, rows, weights, spec.forgetBias);
    }
    return steps === 'last' ? rows[rows.length - 1] : tf.stack(rows);
  }
  const top = params.layers.length - 1;
  let input = x;
  for (const [l, weights] of params.layers.entries()) {
    if (masks) input = tf.mul(input, tf.expandDims(masks[l], 0));
    if (cell === 'gru') input = fusedGruLayer(tf, input, weights);
    else {
      const [kernel, bias] = weights as unknown as [tfn.Tensor2D, tfn.Tensor1D];
      // When the loss reads the top LSTM layer's last step alone, BlockLSTMGrad gets that one (as the seed's model always had).
      if (l === top && steps === 'last') return fusedLstmLayer(tf, input, kernel, bias, spec.forgetBias, 'last');
      input = fusedLstmLayer(tf, input, kernel, bias, spec.forgetBias, 'all') as tfn.Tensor3D;
    }
  }
  return steps === 'last' ? tf.squeeze(tf.slice(input, [input.shape[0] - 1, 0, 0], [1, -1, -1]), [0]) : input;
}

/**
 * The class probabilities after each row is read [timesteps, batch, classes]: the dense layer
 * and softmax on every hidden state of the top layer, not only the last. The last row's are the
 * prediction (the same hidden state `logits` uses). Forward only.
 */
export function rowProbabilities(tf: Tf, params: ModelParams, x: tfn.Tensor3D, spec: ModelSpec, kernels: ForwardPath): tfn.Tensor3D {
  return tf.tidy(() => {
    const [timesteps, batch] = x.shape;
    const hs = topHidden(tf, params, x, spec, kernels, 'all', undefined);
    const flat = tf.reshape(hs, [timesteps * batch, spec.units]) as tfn.Tensor2D;
    const out = tf.add(tf.matMul(flat, params.denseKernel as tfn.Tensor2D), params.denseBias) as tfn.Tensor2D;
    return tf.reshape(tf.softmax(out), [timesteps, batch, -1]) as tfn.Tensor3D;
  });
}

/**
 * Logits for a time-major batch x [timesteps, batch, inputSize]. Time-major because the data is
 * laid out that way once per run, and the fused kernels want it so: no transpose per batch.
 * `masks` (training with dropout only) drop each layer's inputs.
 */
export function logits(tf: Tf, params: ModelParams, x: tfn.Tensor3D, spec: ModelSpec, kernels: ForwardPath, masks?: Masks): tfn.Tensor2D {
  const h = topHidden(tf, params, x, spec, kernels, 'last', masks) as tfn.Tensor2D;
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

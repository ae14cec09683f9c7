// Softmax cross-entropy as TensorFlow's one fused op, SparseSoftmaxCrossEntropyWithLogits: it
// takes integer labels (no one-hot) and returns the per-example loss together with its gradient,
// which tf.customGrad hands back in the backward pass. The tfjs composition it replaces costs
// about a dozen small ops per step, each with ~0.1 ms of overhead here.
import type * as tfn from '@tensorflow/tfjs-node';
import type { NodeJSKernelBackend } from '@tensorflow/tfjs-node/dist/nodejs_kernel_backend';
import type { Tf } from './backend';

/** Mean cross-entropy of softmax(logits) [batch, classes] against int32 labels [batch]. */
export function nativeSparseCrossEntropy(tf: Tf, logits: tfn.Tensor2D, labels: tfn.Tensor1D): tfn.Scalar {
  const backend = tf.backend() as unknown as NodeJSKernelBackend;
  const { binding } = backend;
  const attrs = [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'Tlabels', type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
  ];
  const f = tf.customGrad((...args: unknown[]) => {
    const [features, save] = args as [tfn.Tensor2D, (t: tfn.Tensor[]) => void];
    const [loss, backprop] = backend.executeMultipleOutputs('SparseSoftmaxCrossEntropyWithLogits', attrs, [features, labels] as never, 2);
    save([backprop]);
    return {
      value: tf.mean(loss) as tfn.Scalar,
      gradFunc: (dy: tfn.Scalar, [bp]: tfn.Tensor[]) => tf.mul(bp, tf.div(dy, features.shape[0])),
    };
  });
  return f(logits) as tfn.Scalar;
}

// Softmax cross-entropy as TensorFlow's one fused op, SparseSoftmaxCrossEntropyWithLogits: it
// takes integer labels (no one-hot) and returns the per-example loss together with its gradient,
// which tf.customGrad hands back in the backward pass. The tfjs composition it replaces costs
// about a dozen small ops per step, each with ~0.1 ms of overhead here.
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from './backend';
import { tfjsNodeInternals } from './internals';
import { named, SPARSE_XENT_ATTRS, SPARSE_XENT_OUTPUTS } from './nativeOps';

/** Mean cross-entropy of softmax(logits) [batch, classes] against int32 labels [batch]. */
export function nativeSparseCrossEntropy(tf: Tf, logits: tfn.Tensor2D, labels: tfn.Tensor1D): tfn.Scalar {
  const native = tfjsNodeInternals(tf);
  const f = tf.customGrad((...args: unknown[]) => {
    const [features, save] = args as [tfn.Tensor2D, (t: tfn.Tensor[]) => void];
    const { loss, backprop } = named(
      SPARSE_XENT_OUTPUTS,
      native.executeTensors('SparseSoftmaxCrossEntropyWithLogits', SPARSE_XENT_ATTRS, [features, labels], SPARSE_XENT_OUTPUTS.length),
    );
    save([backprop]);
    return {
      value: tf.mean(loss) as tfn.Scalar,
      gradFunc: (dy: tfn.Scalar, [bp]: tfn.Tensor[]) => tf.mul(bp, tf.div(dy, features.shape[0])),
    };
  });
  return f(logits) as tfn.Scalar;
}

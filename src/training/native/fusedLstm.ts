// An LSTM layer on TensorFlow's fused native kernels, run by name through tfjs-node's backend:
// `BlockLSTM` runs all timesteps in one call and `BlockLSTMGrad` is wired in as its gradient with
// tf.customGrad. Same weights layout (gates i, j/ci, f, o) and same function as the stepwise
// tf.basicLSTMCell loop in model/referenceLayers.ts, at a fraction of the per-op overhead.
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from './backend';
import { tfjsNodeInternals } from './internals';
import { BLOCK_LSTM_GRAD_OUTPUTS, BLOCK_LSTM_OUTPUTS, blockLstmAttrs, LSTM_GRAD_ATTRS, named } from './nativeOps';

/** BlockLSTM over x [timesteps, batch, input] from zero state: its outputs, in order. */
function blockLstm(tf: Tf, xs: tfn.Tensor3D, w: tfn.Tensor2D, b: tfn.Tensor1D, forgetBias: number): tfn.Tensor[] {
  const native = tfjsNodeInternals(tf);
  const [timesteps, batch] = xs.shape;
  const units = b.shape[0] / 4;
  const zeroState = tf.zeros([batch, units]);
  const noPeephole = tf.zeros([units]);
  return native.executeTensors(
    'BlockLSTM',
    blockLstmAttrs(forgetBias),
    [native.int64Scalar(timesteps), xs, zeroState, zeroState, w, noPeephole, noPeephole, noPeephole, b],
    BLOCK_LSTM_OUTPUTS.length,
  );
}

/**
 * The LSTM over x [timesteps, batch, input] from zero state: the last hidden state [batch, units]
 * (`last`: the top layer, whose last step alone reaches the loss) or every step's [timesteps,
 * batch, units] (`all`: a layer below another). Differentiable with respect to x, kernel and bias.
 */
export function fusedLstmLayer(
  tf: Tf,
  x: tfn.Tensor3D,
  kernel: tfn.Tensor2D,
  bias: tfn.Tensor1D,
  forgetBias: number,
  steps: 'last' | 'all',
): tfn.Tensor {
  const native = tfjsNodeInternals(tf);
  const [timesteps, batch] = x.shape;
  const units = bias.shape[0] / 4;
  const seqLen = native.int64Scalar(timesteps);
  const f = tf.customGrad((...args: unknown[]) => {
    const [xs, w, b, save] = args as [tfn.Tensor3D, tfn.Tensor2D, tfn.Tensor1D, (t: tfn.Tensor[]) => void];
    const outs = blockLstm(tf, xs, w, b, forgetBias);
    save([xs, w, b, ...outs]);
    const h = named(BLOCK_LSTM_OUTPUTS, outs).h as tfn.Tensor3D;
    return {
      value: steps === 'all' ? tf.clone(h) : tf.squeeze(tf.slice(h, [timesteps - 1, 0, 0], [1, batch, units]), [0]),
      gradFunc: (dy: tfn.Tensor, saved: tfn.Tensor[]) => {
        const [sx, sw, sb, ...fwd] = saved;
        // With `last`, only the last step's h reaches the loss: its gradient is dy, every other step's is 0.
        const hGrad = steps === 'all' ? dy : tf.concat([tf.zeros([timesteps - 1, batch, units]), tf.expandDims(dy, 0)], 0);
        const csGrad = tf.zeros([timesteps, batch, units]);
        const zs = tf.zeros([batch, units]);
        const zp = tf.zeros([units]);
        const grads = named(
          BLOCK_LSTM_GRAD_OUTPUTS,
          native.executeTensors(
            'BlockLSTMGrad',
            LSTM_GRAD_ATTRS,
            [seqLen, sx, zs, zs, sw, zp, zp, zp, sb, ...fwd, csGrad, hGrad],
            BLOCK_LSTM_GRAD_OUTPUTS.length,
          ),
        );
        return [grads.x, grads.w, grads.b];
      },
    };
  });
  return f(x, kernel, bias);
}

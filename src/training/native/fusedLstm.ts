// The LSTM recurrence on TensorFlow's fused native kernels, reached through tfjs-node's raw op
// interface: `BlockLSTM` runs all timesteps in one call and `BlockLSTMGrad` is wired in as its
// gradient with tf.customGrad. Same weights layout (gates i, j/ci, f, o) and same function as
// the stepwise tf.basicLSTMCell loop in model.ts, at a fraction of the per-op overhead.
import type * as tfn from '@tensorflow/tfjs-node';
import type { NodeJSKernelBackend } from '@tensorflow/tfjs-node/dist/nodejs_kernel_backend';
import { int64Scalar, type Tf } from './backend';

type TFEOpAttr = Parameters<NodeJSKernelBackend['executeMultipleOutputs']>[1][number];

const BLOCK_LSTM_OUTPUTS = 7; // i, cs, f, o, ci, co, h
const BLOCK_LSTM_GRAD_OUTPUTS = 8; // x, cs_prev, h_prev, w, wci, wcf, wco, b

function attrs(backend: NodeJSKernelBackend, forgetBias?: number): TFEOpAttr[] {
  const { binding } = backend;
  const list: TFEOpAttr[] = [
    { name: 'use_peephole', type: binding.TF_ATTR_BOOL, value: false },
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
  ];
  if (forgetBias !== undefined) {
    list.push({ name: 'forget_bias', type: binding.TF_ATTR_FLOAT, value: forgetBias });
    // A cell_clip <= 0 disables clipping (the op's default of 3 would change the function).
    list.push({ name: 'cell_clip', type: binding.TF_ATTR_FLOAT, value: -1 });
  }
  return list;
}

/** BlockLSTM over x [timesteps, batch, input] from zero state: its seven outputs (i, cs, f, o, ci, co, h). */
function blockLstm(
  tf: Tf,
  backend: NodeJSKernelBackend,
  xs: tfn.Tensor3D,
  w: tfn.Tensor2D,
  b: tfn.Tensor1D,
  forgetBias: number,
): tfn.Tensor[] {
  const [timesteps, batch] = xs.shape;
  const units = b.shape[0] / 4;
  const zeroState = tf.zeros([batch, units]);
  const noPeephole = tf.zeros([units]);
  return backend.executeMultipleOutputs(
    'BlockLSTM',
    attrs(backend, forgetBias),
    [int64Scalar(timesteps), xs, zeroState, zeroState, w, noPeephole, noPeephole, noPeephole, b] as never,
    BLOCK_LSTM_OUTPUTS,
  );
}

/** The hidden state after every timestep [timesteps, batch, units], forward only (what the row-by-row view shows). */
export function fusedHiddenStates(tf: Tf, x: tfn.Tensor3D, kernel: tfn.Tensor2D, bias: tfn.Tensor1D, forgetBias: number): tfn.Tensor3D {
  return tf.tidy(() => blockLstm(tf, tf.backend() as unknown as NodeJSKernelBackend, x, kernel, bias, forgetBias)[6] as tfn.Tensor3D);
}

/**
 * The last hidden state of the LSTM over x [timesteps, batch, input], from zero state.
 * Differentiable with respect to x, kernel and bias.
 */
export function fusedLastHidden(tf: Tf, x: tfn.Tensor3D, kernel: tfn.Tensor2D, bias: tfn.Tensor1D, forgetBias: number): tfn.Tensor2D {
  const backend = tf.backend() as unknown as NodeJSKernelBackend;
  const [timesteps, batch] = x.shape;
  const units = bias.shape[0] / 4;
  const seqLen = int64Scalar(timesteps);
  const f = tf.customGrad((...args: unknown[]) => {
    const [xs, w, b, save] = args as [tfn.Tensor3D, tfn.Tensor2D, tfn.Tensor1D, (t: tfn.Tensor[]) => void];
    const outs = blockLstm(tf, backend, xs, w, b, forgetBias);
    save([xs, w, b, ...outs]);
    const h = outs[6] as tfn.Tensor3D;
    const last = tf.squeeze(tf.slice(h, [timesteps - 1, 0, 0], [1, batch, units]), [0]) as tfn.Tensor2D;
    return {
      value: last,
      gradFunc: (dy: tfn.Tensor2D, saved: tfn.Tensor[]) => {
        const [sx, sw, sb, ...fwd] = saved;
        // Only the last step's h reaches the loss: its gradient is dy, every other step's is 0.
        const hGrad = tf.concat([tf.zeros([timesteps - 1, batch, units]), tf.expandDims(dy, 0)], 0);
        const csGrad = tf.zeros([timesteps, batch, units]);
        const zs = tf.zeros([batch, units]);
        const zp = tf.zeros([units]);
        const grads = backend.executeMultipleOutputs(
          'BlockLSTMGrad',
          attrs(backend),
          [seqLen, sx, zs, zs, sw, zp, zp, zp, sb, ...fwd, csGrad, hGrad] as never,
          BLOCK_LSTM_GRAD_OUTPUTS,
        );
        return [grads[0], grads[3], grads[7]];
      },
    };
  });
  return f(x, kernel, bias) as tfn.Tensor2D;
}

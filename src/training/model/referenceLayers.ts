// The recurrent layers in plain TensorFlow.js ops, stepped over the rows one at a time: the
// reference every backend can run and differentiate (the portable backend's JavaScript CPU one
// included). LSTM is tf.basicLSTMCell (TensorFlow's LSTMCell layout, gates i, j, f, o); GRU is
// TensorFlow's GRUBlockCell written out: r and u from one product, the candidate from the input
// and r * h, then h = u * h + (1 - u) * c (Keras' GRU with reset_after=false).
import type * as tfn from '@tensorflow/tfjs-node';
import type { CellName } from '../../protocol/architecture';
import type { Tf } from '../native/backend';

/** One layer over the rows `xs` from zero state: its hidden state after each row. */
export function referenceLayer(tf: Tf, cell: CellName, xs: tfn.Tensor2D[], weights: tfn.Tensor[], forgetBias: number): tfn.Tensor2D[] {
  return cell === 'lstm' ? lstmLayer(tf, xs, weights, forgetBias) : gruLayer(tf, xs, weights);
}

function lstmLayer(tf: Tf, xs: tfn.Tensor2D[], [kernel, bias]: tfn.Tensor[], forgetBias: number): tfn.Tensor2D[] {
  const units = bias.shape[0]! / 4;
  const fb = tf.scalar(forgetBias);
  let c: tfn.Tensor2D = tf.zeros([xs[0].shape[0], units]);
  let h: tfn.Tensor2D = tf.zeros([xs[0].shape[0], units]);
  const hs: tfn.Tensor2D[] = [];
  for (const xt of xs) {
    [c, h] = tf.basicLSTMCell(fb, kernel as tfn.Tensor2D, bias as tfn.Tensor1D, xt, c, h);
    hs.push(h);
  }
  return hs;
}

function gruLayer(tf: Tf, xs: tfn.Tensor2D[], [gatesKernel, gatesBias, candidateKernel, candidateBias]: tfn.Tensor[]): tfn.Tensor2D[] {
  const units = candidateBias.shape[0]!;
  let h: tfn.Tensor2D = tf.zeros([xs[0].shape[0], units]);
  const hs: tfn.Tensor2D[] = [];
  for (const xt of xs) {
    const ru = tf.sigmoid(tf.add(tf.matMul(tf.concat([xt, h], 1), gatesKernel as tfn.Tensor2D), gatesBias));
    const [r, u] = tf.split(ru, 2, 1);
    const c = tf.tanh(tf.add(tf.matMul(tf.concat([xt, tf.mul(r, h)], 1), candidateKernel as tfn.Tensor2D), candidateBias));
    h = tf.add(tf.mul(u, h), tf.mul(tf.sub(1, u), c)) as tfn.Tensor2D;
    hs.push(h);
  }
  return hs;
}

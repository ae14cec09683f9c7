// The TensorFlow ops this project runs by name, as their op definitions give them: attributes,
// and outputs by position (named here once). The fused path runs them on tfjs tensors
// (fusedLstm.ts, nativeLoss.ts), the scheduled path writes them into its graph (graph/).
import { attr, FLOAT_T, type OpAttr } from './opAttrs';

/** BlockLSTM's outputs: the gates i, cs, f, o, ci, co and the hidden state h, each [timesteps, batch, units]. */
export const BLOCK_LSTM_OUTPUTS = ['i', 'cs', 'f', 'o', 'ci', 'co', 'h'] as const;

/** BlockLSTMGrad's outputs: the gradients of x, cs_prev, h_prev, w, wci, wcf, wco and b. */
export const BLOCK_LSTM_GRAD_OUTPUTS = ['x', 'csPrev', 'hPrev', 'w', 'wci', 'wcf', 'wco', 'b'] as const;

/** LSTMBlockCellGrad's outputs: cs_prev's gradient, the gates' (i, ci, f, o together), the peepholes'. */
export const LSTM_CELL_GRAD_OUTPUTS = ['csPrev', 'dicfo', 'wci', 'wcf', 'wco'] as const;

/** GRUBlockCell's outputs: the reset and update gates, the candidate, the new hidden state, each [batch, units]. */
export const GRU_CELL_OUTPUTS = ['r', 'u', 'c', 'h'] as const;

/** GRUBlockCellGrad's outputs: the gradients of x and h_prev, and of the candidate's and the gates' pre-activations. */
export const GRU_CELL_GRAD_OUTPUTS = ['x', 'hPrev', 'cBar', 'ruBar'] as const;

/** SparseSoftmaxCrossEntropyWithLogits' outputs: the loss of each example, and its gradient. */
export const SPARSE_XENT_OUTPUTS = ['loss', 'backprop'] as const;

/** BlockLSTM's attributes: no peepholes, and no cell clipping (the op's default of 3 would change the function). */
export function blockLstmAttrs(forgetBias: number): OpAttr[] {
  return [attr.bool('use_peephole', false), FLOAT_T, attr.float('forget_bias', forgetBias), attr.float('cell_clip', -1)];
}

/** BlockLSTMGrad's and LSTMBlockCellGrad's attributes: no peepholes. */
export const LSTM_GRAD_ATTRS: OpAttr[] = [attr.bool('use_peephole', false), FLOAT_T];

export const SPARSE_XENT_ATTRS: OpAttr[] = [FLOAT_T, attr.type('Tlabels', 'int32')];

/** An op's outputs by the names its definition gives them. */
export function named<N extends string, R>(names: readonly N[], outputs: R[]): Record<N, R> {
  return Object.fromEntries(names.map((n, i) => [n, outputs[i]])) as Record<N, R>;
}

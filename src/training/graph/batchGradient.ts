// The scheduled path's gradient on a batch, with a hand-scheduled backward pass, written once
// against OpWriter. A shard of the batch (writeShard): forward, one BlockLSTM over the 28 rows, the last h into
// Dense(10), TensorFlow's fused sparse softmax cross-entropy; backward, where BlockLSTMGrad does two
// small products per row:
// - per row only what the recurrence needs: LSTMBlockCellGrad (the gate gradients, elementwise)
//   and one product with the recurrent weights, transposed once (dh of the row before), none at
//   the first row;
// - the gate activations split once per tensor (Unpack), not sliced per row;
// - the weight and bias gradients as two products over all rows after the loop: [x, 1]^T dGates
//   (the input rows and the bias) and h_prev^T dGates without the first row, whose h_prev is zero.
// The batch (writeBatch): its rows gathered from the training images, split into shards
// (shardPlan.ts), the shards' gradients, losses and correct counts added at the end. The ops are
// written once (OpWriter) and either recorded into the training step's graph (trainingGraph.ts),
// where TensorFlow runs the shards side by side, one per inter-op thread, or run one by one here
// (opByOpGradient.ts: to time each op, the bench's profile, and where a runtime cannot load the
// graph). The same function as model/lstmModel.ts's paths: tests compare the gradients with the
// reference path's.
import type { ModelSpec } from '../../protocol/checkpointFormat';
import { attr, FLOAT_T } from '../native/opAttrs';
import {
  BLOCK_LSTM_OUTPUTS,
  blockLstmAttrs,
  LSTM_CELL_GRAD_OUTPUTS,
  LSTM_GRAD_ATTRS,
  named,
  SPARSE_XENT_ATTRS,
  SPARSE_XENT_OUTPUTS,
} from '../native/nativeOps';
import type { Handle } from '../native/bindingOps';
import { type OpWriter, shorthands } from './opWriter';
import { shardBounds } from './shardPlan';

/**
 * The training images as the graph takes them: `x` the pixels as bytes [count, timesteps,
 * inputSize], as the IDX file has them (a quarter of float32's memory), and int32 `labels` [count].
 * A batch's rows are gathered, laid out time-major and scaled to [0, 1] inside the graph.
 */
export interface TrainingImages {
  x: Handle;
  labels: Handle;
  count: number;
}

/** What a batch's ops take: the parameters, the training images, the batch's row numbers (int32). */
type BatchInputs<R> = Record<'w' | 'b' | 'wd' | 'bd' | 'trainX' | 'trainLabels' | 'rows', R>;
/** What they give: the gradient of each parameter (PARAM_NAMES order), the summed loss, the correct count (int32). */
interface BatchOutputs<R> {
  grads: R[];
  lossSum: R;
  correct: R;
}
type ShardInputs<R> = Pick<BatchInputs<R>, 'w' | 'b' | 'wd' | 'bd'> & { x: R; labels: R; scale: R };

/** The ops of one shard of `n` examples, forward and backward, written once for both ways to run them. */
function writeShard<R>(g: OpWriter<R>, spec: ModelSpec, n: number, { w, b, wd, bd, x, labels, scale }: ShardInputs<R>) {
  const { timesteps: T, inputSize: I, units: U, forgetBias } = spec;
  const { ints, op, matmul, reshape, slice, concat } = shorthands(g);
  const zerosNU = g.fill([n, U], 0);
  const zerosU = g.fill([U], 0);

  // Forward.
  const forward = named(
    BLOCK_LSTM_OUTPUTS,
    g.run(
      'BlockLSTM',
      blockLstmAttrs(forgetBias),
      [g.int64Scalar(T), x, zerosNU, zerosNU, w, zerosU, zerosU, zerosU, b],
      BLOCK_LSTM_OUTPUTS.length,
    ),
  );
  const { h } = forward;
  const hLast = reshape(slice(h, [T - 1, 0, 0], [1, n, U]), n, U);
  const logits = op('BiasAdd', [FLOAT_T], [matmul(hLast, wd, false, false), bd]);
  const { loss, backprop } = named(
    SPARSE_XENT_OUTPUTS,
    g.run('SparseSoftmaxCrossEntropyWithLogits', SPARSE_XENT_ATTRS, [logits, labels], SPARSE_XENT_OUTPUTS.length),
  );

  // Backward: the dense layer.
  const dLogits = op('Mul', [FLOAT_T], [backprop, scale]);
  // [h, 1]^T dLogits: the dense kernel's gradient, and the bias's as its last row.
  const dDense = matmul(concat([hLast, g.fill([n, 1], 1)], 1), dLogits, true, false);
  let dh = matmul(dLogits, wd, false, true);

  // Backward: the recurrence, row by row, last to first.
  const split = (t: R): R[] => g.run('Unpack', [attr.int('num', T), attr.int('axis', 0), FLOAT_T], [t], T);
  const [iRows, csRows, fRows, oRows, ciRows, coRows] = [forward.i, forward.cs, forward.f, forward.o, forward.ci, forward.co].map(split);
  // W_h^T [4 * units, units], transposed once: 27 products with it beat 27 with transpose_b (35 against 44 us each).
  const recurrentT = op('Transpose', [FLOAT_T, attr.type('Tperm', 'int32')], [slice(w, [I, 0], [U, 4 * U]), ints(1, 0)]);
  const zerosNI = g.fill([n, I], 0);
  const gates: R[] = new Array<R>(T);
  let dcs = zerosNU;
  for (let t = T - 1; t >= 0; t--) {
    // x, h_prev and w only give LSTMBlockCellGrad its shapes: zeros of the right shape do.
    const { csPrev: csPrevGrad, dicfo } = named(
      LSTM_CELL_GRAD_OUTPUTS,
      g.run(
        'LSTMBlockCellGrad',
        LSTM_GRAD_ATTRS,
        [
          zerosNI,
          t > 0 ? csRows[t - 1] : zerosNU,
          zerosNU,
          w,
          zerosU,
          zerosU,
          zerosU,
          b,
          iRows[t],
          csRows[t],
          fRows[t],
          oRows[t],
          ciRows[t],
          coRows[t],
          dcs,
          dh,
        ],
        LSTM_CELL_GRAD_OUTPUTS.length,
      ),
    );
    gates[t] = dicfo;
    dcs = csPrevGrad;
    if (t > 0) dh = matmul(dicfo, recurrentT, false, false);
  }

  // Backward: the weights, over all rows at once.
  const dGates = reshape(op('Pack', [attr.int('N', T), attr.int('axis', 0), FLOAT_T], gates), T * n, 4 * U);
  // [x, 1]^T dGates: the input rows of the kernel's gradient, and the bias's as its last row.
  const x1 = reshape(concat([x, g.fill([T, n, 1], 1)], 2), T * n, I + 1);
  const dInput = matmul(x1, dGates, true, false);
  // h_prev^T dGates without the first row, whose h_prev is zero: the recurrent rows. Both slices
  // are along the first axis, which TensorFlow takes without copying.
  const hPrev = reshape(slice(h, [0, 0, 0], [T - 1, n, U]), (T - 1) * n, U);
  const dRecurrent = matmul(hPrev, slice(dGates, [n, 0], [(T - 1) * n, 4 * U]), true, false);
  return { loss, logits, dInput, dRecurrent, dDense };
}

/** The ops of a batch of `n` rows in `shards` shards, their sums at the end; `g` runs or records them. */
export function writeBatch<R>(g: OpWriter<R>, spec: ModelSpec, n: number, shards: number, inputs: BatchInputs<R>): BatchOutputs<R> {
  const { w, b, wd, bd, trainX, trainLabels, rows } = inputs;
  const { scalar: axis, ints, op, reshape, slice, concat } = shorthands(g);
  const gather = (from: R, dtype: 'uint8' | 'int32', indices: R, along: number): R =>
    g.run(
      'GatherV2',
      [attr.type('Tparams', dtype), attr.type('Tindices', 'int32'), attr.type('Taxis', 'int32'), attr.int('batch_dims', 0)],
      [from, indices, axis(along)],
    )[0];
  const sum = (t: R, dtype: 'float' | 'int32'): R =>
    g.run('Sum', [attr.type('T', dtype), attr.type('Tidx', 'int32'), attr.bool('keep_dims', false)], [t, axis(0)])[0];
  // The batch's mean: each shard's gradient is scaled by 1 / n, so that the shards add up to it.
  const scale = g.fill([], 1 / n);
  const parts = shardBounds(n, shards).map(([offset, size]) => {
    const mine = slice(rows, [offset], [size], 'int32');
    const labels = gather(trainLabels, 'int32', mine, 0);
    // The shard's images, time-major [timesteps, size, inputSize] and in [0, 1] as the model reads them.
    const pixels = op(
      'Transpose',
      [attr.type('T', 'uint8'), attr.type('Tperm', 'int32')],
      [gather(trainX, 'uint8', mine, 0), ints(1, 0, 2)],
    );
    const x = op(
      'RealDiv',
      [FLOAT_T],
      [g.run('Cast', [attr.type('SrcT', 'uint8'), attr.type('DstT', 'float')], [pixels])[0], g.fill([], 255)],
    );
    const shard = writeShard(g, spec, size, { w, b, wd, bd, x, labels, scale });
    // The first highest logit, as tf.argMax picks it.
    const predicted = g.run('ArgMax', [FLOAT_T, attr.type('Tidx', 'int32'), attr.type('output_type', 'int32')], [shard.logits, axis(1)])[0];
    const right = op('Equal', [attr.type('T', 'int32')], [predicted, labels]);
    const correct = sum(g.run('Cast', [attr.type('SrcT', 'bool'), attr.type('DstT', 'int32')], [right])[0], 'int32');
    return { dInput: shard.dInput, dRecurrent: shard.dRecurrent, dDense: shard.dDense, lossSum: sum(shard.loss, 'float'), correct };
  });
  const total = (key: keyof (typeof parts)[number], dtype: 'float' | 'int32'): R =>
    parts.length === 1
      ? parts[0][key]
      : g.run(
          'AddN',
          [attr.int('N', parts.length), attr.type('T', dtype)],
          parts.map((p) => p[key]),
        )[0];
  const dInput = total('dInput', 'float');
  const dDense = total('dDense', 'float');
  // The products' rows back into the parameters: the kernel's input rows then its recurrent rows,
  // the bias (dInput's last row), the dense kernel and its bias (dDense's last row).
  const { inputSize: I, units: U, classes: C } = spec;
  return {
    grads: [
      concat([slice(dInput, [0, 0], [I, 4 * U]), total('dRecurrent', 'float')], 0),
      reshape(slice(dInput, [I, 0], [1, 4 * U]), 4 * U),
      slice(dDense, [0, 0], [U, C]),
      reshape(slice(dDense, [U, 0], [1, C]), C),
    ],
    lossSum: total('lossSum', 'float'),
    correct: total('correct', 'int32'),
  };
}

// The scheduled path's gradient on a batch, with a hand-scheduled backward pass, written once
// against OpWriter. A shard of the batch (writeShard): forward, each layer over the 28 rows (an
// LSTM layer one BlockLSTM, a GRU layer a GRUBlockCell a row), the top layer's last h into
// Dense(10), TensorFlow's fused sparse softmax cross-entropy; backward, layer by layer from the top:
// - an LSTM layer, where BlockLSTMGrad does two small products per row: per row only what the
//   recurrence needs, LSTMBlockCellGrad (the gate gradients, elementwise) and one product with the
//   recurrent weights, transposed once (dh of the row before), none at the first row; the gate
//   activations split once per tensor (Unpack), not sliced per row; the weight and bias gradients
//   as two products over all rows after the loop: [x, 1]^T dGates (the input rows and the bias)
//   and h_prev^T dGates without the first row, whose h_prev is zero; and, for the layer below,
//   the gradient of its inputs as one product dGates W_x^T;
// - a GRU layer: per row GRUBlockCellGrad (the gradients of the row's input, of h_prev and of the
//   gates' and candidate's pre-activations), the weights' gradients as two products over all
//   rows after the loop, as TensorFlow's own gradient of the cell computes them per row.
// A layer below another takes, at every row, the gradient of the layer above's input there. With
// dropout, each layer's input is multiplied by its mask (an input of the graph, drawn in JavaScript
// by model/dropout.ts as the other paths draw it), and so is the gradient that goes below it.
// The batch (writeBatch): its rows gathered from the training images, split into shards
// (shardPlan.ts), the shards' gradients, losses and correct counts added at the end. The ops are
// written once (OpWriter) and either recorded into the training step's graph (trainingGraph.ts),
// where TensorFlow runs the shards side by side, one per inter-op thread, or run one by one here
// (opByOpGradient.ts: to time each op, the bench's profile, and where a runtime cannot load the
// graph). The same function as model/recurrentModel.ts's paths: tests compare the gradients with
// the reference path's.
import { architectureOf, weightsPerLayer } from '../../protocol/architecture';
import type { ModelSpec } from '../../protocol/checkpointFormat';
import { attr, FLOAT_T } from '../native/opAttrs';
import {
  BLOCK_LSTM_OUTPUTS,
  blockLstmAttrs,
  GRU_CELL_GRAD_OUTPUTS,
  GRU_CELL_OUTPUTS,
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

/**
 * What a batch's ops take: the weights (file order), the training images, the batch's row numbers
 * (int32), and with dropout each layer's mask [n, the layer's input size].
 */
interface BatchInputs<R> {
  params: R[];
  trainX: R;
  trainLabels: R;
  rows: R;
  masks?: R[];
}

/** The shape of each layer's dropout mask for a batch of `n`: [n, its input size]. */
export function maskShapes(spec: ModelSpec, n: number): Array<[number, number]> {
  return Array.from({ length: architectureOf(spec).layers }, (_, l) => [n, l === 0 ? spec.inputSize : spec.units]);
}
/** What they give: the gradient of each weight (file order), the summed loss, the correct count (int32). */
interface BatchOutputs<R> {
  grads: R[];
  lossSum: R;
  correct: R;
}

/** A layer's input or output over the rows: the whole sequence [timesteps, n, size], its rows, or both. */
interface Sequence<R> {
  size: number;
  whole?: R;
  rows?: R[];
}

/** What a layer's forward pass keeps for its backward pass. */
interface LayerForward<R> {
  input: Sequence<R>;
  output: Sequence<R>;
  /** The LSTM's gates (BlockLSTM's outputs), or the GRU's r, u and c a row. */
  saved: Record<string, R[]> | Record<string, R>;
}

/** The ops of a shard: its rows' sequences written once, and the ops that turn one form into the other. */
function sequences<R>(g: OpWriter<R>, T: number, n: number) {
  const { reshape } = shorthands(g);
  const unpack = (t: R): R[] => g.run('Unpack', [attr.int('num', T), attr.int('axis', 0), FLOAT_T], [t], T);
  const pack = (rows: R[]): R => g.run('Pack', [attr.int('N', rows.length), attr.int('axis', 0), FLOAT_T], rows)[0];
  return {
    unpack,
    pack,
    whole: (s: Sequence<R>): R => (s.whole ??= pack(s.rows!)),
    rows: (s: Sequence<R>): R[] => (s.rows ??= unpack(s.whole!)),
    /** The sequence as one matrix [timesteps * n, size]. */
    flat: (s: Sequence<R>): R => reshape((s.whole ??= pack(s.rows!)), T * n, s.size),
  };
}

/** The ops of one shard of `n` examples, forward and backward, written once for both ways to run them. */
function writeShard<R>(
  g: OpWriter<R>,
  spec: ModelSpec,
  n: number,
  { params, x, labels, scale, masks }: { params: R[]; x: R; labels: R; scale: R; masks?: R[] },
) {
  const { timesteps: T, inputSize: I, units: U, forgetBias } = spec;
  const { layers, cell } = architectureOf(spec);
  const per = weightsPerLayer(cell);
  const { ints, op, matmul, reshape, slice, concat } = shorthands(g);
  const seq = sequences(g, T, n);
  const zerosNU = g.fill([n, U], 0);
  const zerosU = g.fill([U], 0);
  const weightsOf = (l: number): R[] => params.slice(l * per, (l + 1) * per);
  const mul = (a: R, b: R): R => op('Mul', [FLOAT_T], [a, b]);
  /** `s` times layer l's mask (the same at every row), in whichever form `s` has. */
  const dropped = (s: Sequence<R>, l: number): Sequence<R> => {
    const mask = masks![l];
    return s.whole
      ? { size: s.size, whole: mul(s.whole, reshape(mask, 1, n, s.size)) }
      : { size: s.size, rows: s.rows!.map((r) => mul(r, mask)) };
  };
  const [wd, bd] = params.slice(layers * per);

  // Forward.
  const forward: LayerForward<R>[] = [];
  let input: Sequence<R> = { size: I, whole: x };
  for (let l = 0; l < layers; l++) {
    const w = weightsOf(l);
    if (masks) input = dropped(input, l);
    if (cell === 'lstm') {
      const out = named(
        BLOCK_LSTM_OUTPUTS,
        g.run(
          'BlockLSTM',
          blockLstmAttrs(forgetBias),
          [g.int64Scalar(T), seq.whole(input), zerosNU, zerosNU, w[0], zerosU, zerosU, zerosU, w[1]],
          BLOCK_LSTM_OUTPUTS.length,
        ),
      );
      forward.push({ input, output: { size: U, whole: out.h }, saved: out });
    } else {
      const [wru, bru, wc, bc] = w;
      const saved: Record<string, R[]> = { r: [], u: [], c: [] };
      const hs: R[] = [];
      let h = zerosNU;
      for (const row of seq.rows(input)) {
        const out = named(GRU_CELL_OUTPUTS, g.run('GRUBlockCell', [FLOAT_T], [row, h, wru, wc, bru, bc], GRU_CELL_OUTPUTS.length));
        saved.r.push(out.r);
        saved.u.push(out.u);
        saved.c.push(out.c);
        hs.push((h = out.h));
      }
      forward.push({ input, output: { size: U, rows: hs }, saved });
    }
    input = forward[l].output;
  }
  const top = forward[layers - 1].output;
  const hLast = cell === 'lstm' ? reshape(slice(seq.whole(top), [T - 1, 0, 0], [1, n, U]), n, U) : seq.rows(top)[T - 1];
  const logits = op('BiasAdd', [FLOAT_T], [matmul(hLast, wd, false, false), bd]);
  const { loss, backprop } = named(
    SPARSE_XENT_OUTPUTS,
    g.run('SparseSoftmaxCrossEntropyWithLogits', SPARSE_XENT_ATTRS, [logits, labels], SPARSE_XENT_OUTPUTS.length),
  );

  // Backward: the dense layer.
  const dLogits = op('Mul', [FLOAT_T], [backprop, scale]);
  // [h, 1]^T dLogits: the dense kernel's gradient, and the bias's as its last row.
  const dDense = matmul(concat([hLast, g.fill([n, 1], 1)], 1), dLogits, true, false);
  const grads: R[] = new Array<R>(params.length);
  grads[layers * per] = slice(dDense, [0, 0], [U, spec.classes]);
  grads[layers * per + 1] = reshape(slice(dDense, [U, 0], [1, spec.classes]), spec.classes);

  // Backward: the layers, from the top. `above` is the gradient of the layer above's input at each
  // row (the top layer has only the last row's, from the dense layer).
  let above: { rows: R[] } | { last: R } = { last: matmul(dLogits, wd, false, true) };
  const add = (a: R, b: R): R => op('AddV2', [FLOAT_T], [a, b]);
  /** The gradient reaching h at row t from above, plus `recurrent` (from row t + 1) when there is one. */
  const incoming = (t: number, recurrent: R | undefined): R => {
    const fromAbove = 'rows' in above ? above.rows[t] : t === T - 1 ? above.last : undefined;
    if (fromAbove && recurrent) return add(fromAbove, recurrent);
    return fromAbove ?? recurrent ?? zerosNU;
  };
  for (let l = layers - 1; l >= 0; l--) {
    const { input: layerInput, output, saved } = forward[l];
    const w = weightsOf(l);
    const In = layerInput.size;
    if (cell === 'lstm') {
      const [kernel, bias] = w;
      const fwd = saved as Record<(typeof BLOCK_LSTM_OUTPUTS)[number], R>;
      const [iRows, csRows, fRows, oRows, ciRows, coRows] = [fwd.i, fwd.cs, fwd.f, fwd.o, fwd.ci, fwd.co].map(seq.unpack);
      // W_h^T [4 * units, units], transposed once: 27 products with it beat 27 with transpose_b (35 against 44 us each).
      const recurrentT = op('Transpose', [FLOAT_T, attr.type('Tperm', 'int32')], [slice(kernel, [In, 0], [U, 4 * U]), ints(1, 0)]);
      const zerosNI = g.fill([n, In], 0);
      const gates: R[] = new Array<R>(T);
      let dcs = zerosNU;
      let recurrent: R | undefined;
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
              kernel,
              zerosU,
              zerosU,
              zerosU,
              bias,
              iRows[t],
              csRows[t],
              fRows[t],
              oRows[t],
              ciRows[t],
              coRows[t],
              dcs,
              incoming(t, recurrent),
            ],
            LSTM_CELL_GRAD_OUTPUTS.length,
          ),
        );
        gates[t] = dicfo;
        dcs = csPrevGrad;
        if (t > 0) recurrent = matmul(dicfo, recurrentT, false, false);
      }
      // The weights, over all rows at once.
      const dGates = reshape(seq.pack(gates), T * n, 4 * U);
      // [x, 1]^T dGates: the input rows of the kernel's gradient, and the bias's as its last row.
      const x1 = reshape(concat([seq.whole(layerInput), g.fill([T, n, 1], 1)], 2), T * n, In + 1);
      const dInput = matmul(x1, dGates, true, false);
      // h_prev^T dGates without the first row, whose h_prev is zero: the recurrent rows. Both slices
      // are along the first axis, which TensorFlow takes without copying.
      const hPrev = reshape(slice(seq.whole(output), [0, 0, 0], [T - 1, n, U]), (T - 1) * n, U);
      const dRecurrent = matmul(hPrev, slice(dGates, [n, 0], [(T - 1) * n, 4 * U]), true, false);
      grads[l * per] = concat([slice(dInput, [0, 0], [In, 4 * U]), dRecurrent], 0);
      grads[l * per + 1] = reshape(slice(dInput, [In, 0], [1, 4 * U]), 4 * U);
      // The layer below's inputs: dGates W_x^T, one product over every row (times the mask its outputs were dropped by).
      if (l > 0) {
        const dx: Sequence<R> = { size: In, whole: reshape(matmul(dGates, slice(kernel, [0, 0], [In, 4 * U]), false, true), T, n, In) };
        above = { rows: seq.rows(masks ? dropped(dx, l) : dx) };
      }
    } else {
      const [wru, bru, wc, bc] = w;
      const { r, u, c } = saved as Record<'r' | 'u' | 'c', R[]>;
      const xRows = seq.rows(layerInput);
      const hRows = seq.rows(output);
      const dx: R[] = new Array<R>(T);
      const dcBar: R[] = new Array<R>(T);
      const druBar: R[] = new Array<R>(T);
      let recurrent: R | undefined;
      for (let t = T - 1; t >= 0; t--) {
        const d = named(
          GRU_CELL_GRAD_OUTPUTS,
          g.run(
            'GRUBlockCellGrad',
            [FLOAT_T],
            [xRows[t], t > 0 ? hRows[t - 1] : zerosNU, wru, wc, bru, bc, r[t], u[t], c[t], incoming(t, recurrent)],
            GRU_CELL_GRAD_OUTPUTS.length,
          ),
        );
        dx[t] = d.x;
        dcBar[t] = d.cBar;
        druBar[t] = d.ruBar;
        recurrent = d.hPrev;
      }
      // The weights, over all rows at once: [x, h_prev]^T d(r, u) and [x, r h_prev]^T dc, with the biases' sums.
      const flatX = seq.flat(layerInput);
      const hPrev = reshape(seq.pack([zerosNU, ...hRows.slice(0, T - 1)]), T * n, U);
      const ruBar = reshape(seq.pack(druBar), T * n, 2 * U);
      const cBar = reshape(seq.pack(dcBar), T * n, U);
      const rFlat = reshape(seq.pack(r), T * n, U);
      const sum0 = (t: R): R => g.run('Sum', [FLOAT_T, attr.type('Tidx', 'int32'), attr.bool('keep_dims', false)], [t, ints(0)])[0];
      grads[l * per] = matmul(concat([flatX, hPrev], 1), ruBar, true, false);
      grads[l * per + 1] = sum0(ruBar);
      grads[l * per + 2] = matmul(concat([flatX, op('Mul', [FLOAT_T], [hPrev, rFlat])], 1), cBar, true, false);
      grads[l * per + 3] = sum0(cBar);
      if (l > 0) above = { rows: masks ? dx.map((d) => mul(d, masks[l])) : dx };
    }
  }
  return { loss, logits, grads };
}

/** The ops of a batch of `n` rows in `shards` shards, their sums at the end; `g` runs or records them. */
export function writeBatch<R>(g: OpWriter<R>, spec: ModelSpec, n: number, shards: number, inputs: BatchInputs<R>): BatchOutputs<R> {
  const { params, trainX, trainLabels, rows, masks } = inputs;
  const { scalar: axis, ints, op, slice } = shorthands(g);
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
  const maskWidths = maskShapes(spec, n).map(([, width]) => width);
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
    // The shard's rows of each mask: slices along the first axis, which TensorFlow takes without copying.
    const shardMasks = masks?.map((m, l) => slice(m, [offset, 0], [size, maskWidths[l]]));
    const shard = writeShard(g, spec, size, { params, x, labels, scale, masks: shardMasks });
    // The first highest logit, as tf.argMax picks it.
    const predicted = g.run('ArgMax', [FLOAT_T, attr.type('Tidx', 'int32'), attr.type('output_type', 'int32')], [shard.logits, axis(1)])[0];
    const right = op('Equal', [attr.type('T', 'int32')], [predicted, labels]);
    const correct = sum(g.run('Cast', [attr.type('SrcT', 'bool'), attr.type('DstT', 'int32')], [right])[0], 'int32');
    return { grads: shard.grads, lossSum: sum(shard.loss, 'float'), correct };
  });
  const total = (of: R[], dtype: 'float' | 'int32'): R =>
    of.length === 1 ? of[0] : g.run('AddN', [attr.int('N', of.length), attr.type('T', dtype)], of)[0];
  return {
    grads: params.map((_, p) =>
      total(
        parts.map((part) => part.grads[p]),
        'float',
      ),
    ),
    lossSum: total(
      parts.map((p) => p.lossSum),
      'float',
    ),
    correct: total(
      parts.map((p) => p.correct),
      'int32',
    ),
  };
}

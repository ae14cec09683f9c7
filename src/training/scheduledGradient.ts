// The model's gradient with a hand-scheduled backward pass, in raw TensorFlow ops (rawOps.ts).
// Forward: one BlockLSTM over the 28 rows, the last h into Dense(10), TensorFlow's fused sparse
// softmax cross-entropy. Backward, where BlockLSTMGrad does two small products per row:
// - per row only what the recurrence needs: LSTMBlockCellGrad (the gate gradients, elementwise)
//   and one product with the recurrent weights, transposed once (dh of the row before), none at
//   the first row;
// - the gate activations split once per tensor (Unpack), not sliced per row;
// - the weight and bias gradients as two products over all rows after the loop: [x, 1]^T dGates
//   (the input rows and the bias) and h_prev^T dGates without the first row, whose h_prev is zero.
// The same function as model.ts's paths: tests compare the gradients with the reference path's.
import type { ModelSpec } from '../protocol/checkpoint';
import { type Handle, type RawOps, Scope } from './rawOps';

export interface ShardGradient {
  /** d(scale × the shard's summed loss)/d(parameters), flat in PARAM_NAMES order. */
  grad: Float32Array;
  /** The shard's summed loss (not scaled) and how many it predicted right. */
  lossSum: number;
  correct: number;
}

/** Handles that depend only on the shard size: made once per size. */
interface Constants {
  seqLen: Handle;
  zerosNU: Handle;
  zerosNI: Handle;
  zerosU: Handle;
  /** A column of ones beside the inputs makes the bias gradient a row of the weight gradient's product. */
  onesN1: Handle;
  onesTN1: Handle;
  gatesShape: Handle;
  x1Shape: Handle;
  hPrevShape: Handle;
  tailBegin: Handle;
  tailSize: Handle;
  lastBegin: Handle;
  lastSize: Handle;
  lastShape: Handle;
  headBegin: Handle;
  headSize: Handle;
}

export class ScheduledGradient {
  private readonly constants = new Scope();
  private readonly bySize = new Map<number, Constants>();
  private readonly axis1: Handle;
  private readonly axis2: Handle;
  private readonly recurrentBegin: Handle;
  private readonly recurrentSize: Handle;
  private readonly zerosPeephole: Handle;
  private readonly swapAxes: Handle;
  /** Element counts of the parameters in PARAM_NAMES order: kernel, bias, dense kernel, dense bias. */
  readonly sizes: readonly number[];

  constructor(
    private readonly ops: RawOps,
    private readonly spec: ModelSpec,
  ) {
    const { inputSize: I, units: U, classes: C } = spec;
    this.sizes = [(I + U) * 4 * U, 4 * U, U * C, C];
    const c = this.constants;
    this.axis1 = ops.ints(c, [], Int32Array.of(1));
    this.axis2 = ops.ints(c, [], Int32Array.of(2));
    this.recurrentBegin = ops.ints(c, [2], Int32Array.of(I, 0));
    this.recurrentSize = ops.ints(c, [2], Int32Array.of(U, 4 * U));
    this.zerosPeephole = ops.floats(c, [U], new Float32Array(U));
    this.swapAxes = ops.ints(c, [2], Int32Array.of(1, 0));
  }

  private constantsFor(n: number): Constants {
    const known = this.bySize.get(n);
    if (known) return known;
    const { ops, constants: c } = this;
    const { timesteps: T, inputSize: I, units: U } = this.spec;
    const made: Constants = {
      seqLen: ops.int64Scalar(c, T),
      zerosNU: ops.floats(c, [n, U], new Float32Array(n * U)),
      zerosNI: ops.floats(c, [n, I], new Float32Array(n * I)),
      zerosU: this.zerosPeephole,
      onesN1: ops.floats(c, [n, 1], new Float32Array(n).fill(1)),
      onesTN1: ops.floats(c, [T, n, 1], new Float32Array(T * n).fill(1)),
      gatesShape: ops.ints(c, [2], Int32Array.of(T * n, 4 * U)),
      x1Shape: ops.ints(c, [2], Int32Array.of(T * n, I + 1)),
      hPrevShape: ops.ints(c, [2], Int32Array.of((T - 1) * n, U)),
      tailBegin: ops.ints(c, [2], Int32Array.of(n, 0)),
      tailSize: ops.ints(c, [2], Int32Array.of((T - 1) * n, 4 * U)),
      lastBegin: ops.ints(c, [3], Int32Array.of(T - 1, 0, 0)),
      lastSize: ops.ints(c, [3], Int32Array.of(1, n, U)),
      lastShape: ops.ints(c, [2], Int32Array.of(n, U)),
      headBegin: ops.ints(c, [3], Int32Array.of(0, 0, 0)),
      headSize: ops.ints(c, [3], Int32Array.of(T - 1, n, U)),
    };
    this.bySize.set(n, made);
    return made;
  }

  /**
   * The gradient for the parameters `params` (flat, PARAM_NAMES order) on one shard: `x`
   * [timesteps, n, inputSize] and int32 `labels` [n], scaled by `scale` (1 / the whole batch's size,
   * so that the shards' gradients add up to the batch's mean).
   */
  compute(params: Float32Array, x: Handle, labels: Handle, n: number, scale: number): ShardGradient {
    const { ops } = this;
    const { timesteps: T, inputSize: I, units: U, classes: C, forgetBias } = this.spec;
    const k = this.constantsFor(n);
    const s = new Scope();
    const f = ops.float;
    const int32 = ops.type('Index', ops.int32);
    const tidx = ops.type('Tidx', ops.int32);
    const matmul = (a: Handle, b: Handle, ta: boolean, tb: boolean): Handle =>
      ops.run(s, 'MatMul', [ops.bool('transpose_a', ta), ops.bool('transpose_b', tb), f], [a, b])[0];
    const reshape = (t: Handle, shape: Handle): Handle => ops.run(s, 'Reshape', [f, ops.type('Tshape', ops.int32)], [t, shape])[0];
    const slice = (t: Handle, begin: Handle, size: Handle): Handle => ops.run(s, 'Slice', [f, int32], [t, begin, size])[0];
    const concat = (parts: Handle[], axis: Handle): Handle =>
      ops.run(s, 'ConcatV2', [ops.int('N', parts.length), f, tidx], [...parts, axis])[0];
    try {
      let offset = 0;
      const part = (shape: number[], size: number): Handle => {
        const h = ops.floats(s, shape, params.subarray(offset, offset + size));
        offset += size;
        return h;
      };
      const [kernelSize, biasSize, denseSize, denseBiasSize] = this.sizes;
      const w = part([I + U, 4 * U], kernelSize);
      const b = part([4 * U], biasSize);
      const wd = part([U, C], denseSize);
      const bd = part([C], denseBiasSize);
      const z = this.zerosPeephole;

      // Forward.
      const peephole = ops.bool('use_peephole', false);
      const [gi, cs, gf, go, ci, co, h] = ops.run(
        s,
        'BlockLSTM',
        [peephole, f, ops.floatAttr('forget_bias', forgetBias), ops.floatAttr('cell_clip', -1)],
        [k.seqLen, x, k.zerosNU, k.zerosNU, w, z, z, z, b],
        7,
      );
      const hLast = reshape(slice(h, k.lastBegin, k.lastSize), k.lastShape);
      const logits = ops.run(s, 'BiasAdd', [f], [matmul(hLast, wd, false, false), bd])[0];
      const [loss, backprop] = ops.run(s, 'SparseSoftmaxCrossEntropyWithLogits', [f, ops.type('Tlabels', ops.int32)], [logits, labels], 2);
      const { lossSum, correct } = this.score(ops.read(loss), ops.read(logits), ops.readInts(labels), C);

      // Backward: the dense layer.
      const scaleHandle = ops.floats(s, [], Float32Array.of(scale));
      const dLogits = ops.run(s, 'Mul', [f], [backprop, scaleHandle])[0];
      // [h, 1]^T dLogits: the dense kernel's gradient, and the bias's as its last row.
      const dDense = matmul(concat([hLast, k.onesN1], this.axis1), dLogits, true, false);
      let dh = matmul(dLogits, wd, false, true);

      // Backward: the recurrence, row by row, last to first.
      const split = (t: Handle): Handle[] => ops.run(s, 'Unpack', [ops.int('num', T), ops.int('axis', 0), f], [t], T);
      const [iRows, csRows, fRows, oRows, ciRows, coRows] = [gi, cs, gf, go, ci, co].map(split);
      // W_h^T [4 * units, units], transposed once: 27 products with it beat 27 with transpose_b (35 against 44 us each).
      const recurrentT = ops.run(
        s,
        'Transpose',
        [f, ops.type('Tperm', ops.int32)],
        [slice(w, this.recurrentBegin, this.recurrentSize), this.swapAxes],
      )[0];
      const gates: Handle[] = new Array<Handle>(T);
      let dcs = k.zerosNU;
      for (let t = T - 1; t >= 0; t--) {
        // x, h_prev and w only give LSTMBlockCellGrad its shapes: zeros of the right shape do.
        const [csPrevGrad, dicfo] = ops.run(
          s,
          'LSTMBlockCellGrad',
          [peephole, f],
          [
            k.zerosNI,
            t > 0 ? csRows[t - 1] : k.zerosNU,
            k.zerosNU,
            w,
            z,
            z,
            z,
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
          5,
        );
        gates[t] = dicfo;
        dcs = csPrevGrad;
        if (t > 0) dh = matmul(dicfo, recurrentT, false, false);
      }

      // Backward: the weights, over all rows at once.
      const dGates = reshape(ops.run(s, 'Pack', [ops.int('N', T), ops.int('axis', 0), f], gates)[0], k.gatesShape);
      // [x, 1]^T dGates: the input rows of the kernel's gradient, and the bias's as its last row.
      const x1 = reshape(concat([x, k.onesTN1], this.axis2), k.x1Shape);
      const dInput = matmul(x1, dGates, true, false);
      // h_prev^T dGates without the first row, whose h_prev is zero: the recurrent rows. Both
      // slices are along the first axis, which TensorFlow takes without copying.
      const hPrev = reshape(slice(h, k.headBegin, k.headSize), k.hPrevShape);
      const dRecurrent = matmul(hPrev, slice(dGates, k.tailBegin, k.tailSize), true, false);

      // Kernel (input rows, recurrent rows) and bias, then dense kernel and dense bias: PARAM_NAMES order.
      const grad = new Float32Array(kernelSize + biasSize + denseSize + denseBiasSize);
      const inputPart = ops.read(dInput);
      grad.set(inputPart.subarray(0, I * 4 * U), 0);
      grad.set(ops.read(dRecurrent), I * 4 * U);
      grad.set(inputPart.subarray(I * 4 * U), kernelSize);
      grad.set(ops.read(dDense), kernelSize + biasSize);
      return { grad, lossSum, correct };
    } finally {
      ops.end(s);
    }
  }

  /** The shard's summed loss and correct predictions (the first highest logit, as tf.argMax picks). */
  private score(loss: Float32Array, logits: Float32Array, labels: Int32Array, classes: number): { lossSum: number; correct: number } {
    let lossSum = 0;
    let correct = 0;
    for (let i = 0; i < loss.length; i++) {
      lossSum += loss[i];
      let best = 0;
      for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
      if (best === labels[i]) correct++;
    }
    return { lossSum, correct };
  }

  dispose(): void {
    this.ops.end(this.constants);
    this.bySize.clear();
  }
}

// What a sequence of TensorFlow ops is written against, so that it is written once and then either
// run op by op (bindingWriter: each op executes as it is written, and can be timed) or recorded
// into a graph that TensorFlow runs in one call (GraphWriter).
import { attr, type DType, FLOAT_T, type OpAttr } from '../native/opAttrs';
import type { BindingOps, Handle, Scope } from '../native/bindingOps';

/** Ops and constants, made by reference `R`: a tensor handle when run, a node's output when recorded. */
export interface OpWriter<R> {
  run(op: string, attrs: OpAttr[], inputs: R[], outputs?: number): R[];
  /** A float tensor of `shape` with every element `value`. */
  fill(shape: number[], value: number): R;
  ints(shape: number[], values: Int32Array): R;
  int64Scalar(value: number): R;
}

/** Ops that run through the binding as they are written, their handles held by `scope`. */
export function bindingWriter(ops: BindingOps, scope: Scope): OpWriter<Handle> {
  return {
    run: (op, attrs, inputs, outputs) => ops.run(scope, op, attrs, inputs, outputs),
    fill: (shape, value) => ops.floats(scope, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value)),
    ints: (shape, values) => ops.ints(scope, shape, values),
    int64Scalar: (value) => ops.int64Scalar(scope, value),
  };
}

/** The ops the scheduled path writes most, by their TensorFlow names, on any writer. */
export function shorthands<R>(g: OpWriter<R>) {
  const ints = (...values: number[]): R => g.ints([values.length], Int32Array.from(values));
  const scalar = (value: number): R => g.ints([], Int32Array.of(value));
  const op = (name: string, attrs: OpAttr[], inputs: R[]): R => g.run(name, attrs, inputs)[0];
  return {
    ints,
    scalar,
    op,
    matmul: (a: R, b: R, ta: boolean, tb: boolean): R =>
      op('MatMul', [attr.bool('transpose_a', ta), attr.bool('transpose_b', tb), FLOAT_T], [a, b]),
    reshape: (t: R, ...shape: number[]): R => op('Reshape', [FLOAT_T, attr.type('Tshape', 'int32')], [t, ints(...shape)]),
    slice: (t: R, begin: number[], size: number[], dtype: DType = 'float'): R =>
      op('Slice', [attr.type('T', dtype), attr.type('Index', 'int32')], [t, ints(...begin), ints(...size)]),
    concat: (parts: R[], axis: number): R =>
      op('ConcatV2', [attr.int('N', parts.length), FLOAT_T, attr.type('Tidx', 'int32')], [...parts, scalar(axis)]),
  };
}

// What a sequence of TensorFlow ops is written against, so that it is written once and then either
// run op by op (RawOps.writer: each op executes as it is written, and can be timed) or recorded
// into a graph that TensorFlow runs in one call (GraphWriter). The attributes are TensorFlow's, by
// the names its op definitions give them.

/** The tensor types the scheduled path uses. */
export type DType = 'float' | 'int32' | 'int64' | 'bool';

export type OpAttr =
  | { name: string; kind: 'bool'; value: boolean }
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'type'; value: DType };

export const attr = {
  bool: (name: string, value: boolean): OpAttr => ({ name, kind: 'bool', value }),
  int: (name: string, value: number): OpAttr => ({ name, kind: 'int', value }),
  float: (name: string, value: number): OpAttr => ({ name, kind: 'float', value }),
  type: (name: string, value: DType): OpAttr => ({ name, kind: 'type', value }),
};

/** `T: float`, the attribute nearly every op here takes. */
export const FLOAT_T = attr.type('T', 'float');

/** Ops and constants, made by reference `R`: a tensor handle when run, a node's output when recorded. */
export interface OpWriter<R> {
  run(op: string, attrs: OpAttr[], inputs: R[], outputs?: number): R[];
  /** A float tensor of `shape` with every element `value`. */
  fill(shape: number[], value: number): R;
  ints(shape: number[], values: Int32Array): R;
  int64Scalar(value: number): R;
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

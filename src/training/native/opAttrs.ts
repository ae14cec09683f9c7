// The attributes TensorFlow's ops take, by the names their op definitions give them: what an op
// written for the binding (bindingOps.ts) or recorded into a graph (graph/graphWriter.ts) carries.

/** The tensor types the ops here take (uint8: the training images' pixels; string: a TensorBoard summary's text). */
export type DType = 'float' | 'int32' | 'int64' | 'bool' | 'uint8' | 'string';

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

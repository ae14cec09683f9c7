// A sequence of ops recorded as a TensorFlow graph rather than run: a GraphDef in protobuf's text
// format, inside the SavedModel that TensorFlow's C library loads as a session (BindingOps.loadGraph).
// TensorFlow then runs the whole sequence in one call, about 1 µs an op, where each op run from
// JavaScript costs about 6 µs of overhead, and some 120 of them make a shard of a training step.
// Text, because TensorFlow reads a SavedModel as text too (saved_model.pbtxt): no protobuf encoder.
import type { DType, OpAttr } from '../native/opAttrs';
import type { OpWriter } from './opWriter';

const DT: Record<DType, string> = {
  float: 'DT_FLOAT',
  int32: 'DT_INT32',
  int64: 'DT_INT64',
  bool: 'DT_BOOL',
  uint8: 'DT_UINT8',
  string: 'DT_STRING',
};

/**
 * The GraphDef version the graph says it was written for. TensorFlow reads any producer version
 * from its oldest (0) on, and no op this graph uses has been deprecated since this one (that of
 * the TensorFlow 2.9 years; the runtimes here are 2.9 to 2.21).
 */
const PRODUCER_VERSION = 1087;

function shapeText(shape: number[]): string {
  return `shape { ${shape.map((d) => `dim { size: ${d} }`).join(' ')} }`;
}

function attrText(name: string, value: string): string {
  return `attr { key: "${name}" value { ${value} } }`;
}

function opAttrText(a: OpAttr): string {
  switch (a.kind) {
    case 'bool':
      return attrText(a.name, `b: ${a.value}`);
    case 'int':
      return attrText(a.name, `i: ${a.value}`);
    case 'float':
      return attrText(a.name, `f: ${a.value}`);
    case 'type':
      return attrText(a.name, `type: ${DT[a.value]}`);
  }
}

/** Records ops into a graph; a reference is a node's output, `name` or `name:index`. */
export class GraphWriter implements OpWriter<string> {
  private readonly nodes: string[] = [];
  private readonly names = new Set<string>();

  /** A tensor fed when the graph runs, by `name`. */
  input(name: string, dtype: DType, shape: number[]): string {
    return this.node('Placeholder', [], [attrText('dtype', `type: ${DT[dtype]}`), attrText('shape', shapeText(shape))], name);
  }

  /** Makes `ref` (of type `dtype`) fetchable by `name`, once the ops named by `after` have run. */
  output(name: string, ref: string, dtype: DType, after: readonly string[] = []): void {
    this.node('Identity', [ref, ...after.map((op) => `^${op}`)], [attrText('T', `type: ${DT[dtype]}`)], name);
  }

  /** A float variable of `shape`, held by the session between runs: the handle other ops take. */
  variable(name: string, shape: number[]): string {
    const attrs = [
      attrText('container', 's: ""'),
      attrText('shared_name', `s: "${name}"`),
      attrText('dtype', `type: ${DT.float}`),
      attrText('shape', shapeText(shape)),
    ];
    return this.node('VarHandleOp', [], attrs, name);
  }

  run(op: string, attrs: OpAttr[], inputs: string[], outputs = 1): string[] {
    const name = this.node(op, inputs, attrs.map(opAttrText));
    return Array.from({ length: outputs }, (_, i) => (i === 0 ? name : `${name}:${i}`));
  }

  /** An op run for what it does, not for an output (it has none): its name, for `output`'s `after`. */
  effect(op: string, attrs: OpAttr[], inputs: string[]): string {
    return this.node(op, inputs, attrs.map(opAttrText));
  }

  /** A fetchable int32 scalar `name` that says the ops named by `after` have run. */
  done(name: string, after: readonly string[]): void {
    const value = attrText('value', `tensor { dtype: ${DT.int32} tensor_shape { } int_val: 1 }`);
    this.node(
      'Const',
      after.map((op) => `^${op}`),
      [attrText('dtype', `type: ${DT.int32}`), value],
      name,
    );
  }

  fill(shape: number[], value: number): string {
    // TensorFlow repeats a constant's last value over the rest of its shape.
    return this.constant('float', shape, `float_val: ${value}`);
  }

  ints(shape: number[], values: Int32Array): string {
    return this.constant('int32', shape, Array.from(values, (v) => `int_val: ${v}`).join(' '));
  }

  int64Scalar(value: number): string {
    return this.constant('int64', [], `int64_val: ${value}`);
  }

  /** The SavedModel (tagged "serve", no variables) holding the graph, as saved_model.pbtxt. */
  savedModelText(): string {
    return [
      'saved_model_schema_version: 1',
      'meta_graphs {',
      '  meta_info_def { tags: "serve" }',
      '  graph_def {',
      ...this.nodes.map((n) => `    ${n}`),
      `    versions { producer: ${PRODUCER_VERSION} }`,
      '  }',
      '}',
      '',
    ].join('\n');
  }

  private constant(dtype: DType, shape: number[], values: string): string {
    const tensor = `tensor { dtype: ${DT[dtype]} tensor_${shapeText(shape)} ${values} }`;
    return this.node('Const', [], [attrText('dtype', `type: ${DT[dtype]}`), attrText('value', tensor)]);
  }

  private node(op: string, inputs: string[], attrs: string[], name = `${op}_${this.nodes.length}`): string {
    if (this.names.has(name)) throw new Error(`the graph already has a node ${name}`);
    this.names.add(name);
    this.nodes.push(`node { name: "${name}" op: "${op}" ${inputs.map((i) => `input: "${i}" `).join('')}${attrs.join(' ')} }`);
    return name;
  }
}

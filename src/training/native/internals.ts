// tfjs-node's insides that this project uses beyond tfjs' public API, behind one typed adapter:
// its binding (ops by name on tensor handles, sessions of SavedModels), its backend's
// executeMultipleOutputs (ops by name on tfjs tensors, which tf.customGrad can differentiate),
// the handle of a tfjs tensor (a private method) and the int64 scalar input (a deep import).
// Nothing else in the project reaches for them.
// Every member is looked up when the adapter is made, at each backend load, so a tfjs-node whose
// insides changed fails at once, naming what is missing; the probe (probe.ts) also calls each.
import type * as tfn from '@tensorflow/tfjs-node';
import type { DType, OpAttr } from './opAttrs';

/** Any TensorFlow.js: the adapter checks at run time that its backend is tfjs-node's. */
type Tf = typeof import('@tensorflow/tfjs');

/** The tfjs-node these insides were read from; another may differ. */
const WRITTEN_FOR = '4.22.0';

/** A tensor held by the binding, by id. */
export type Handle = number;

/** A SavedModel loaded as a TensorFlow session, by id. */
export type SessionId = number;

/** An attribute as the binding takes it: a name, the binding's type code, a value. */
interface BindingAttr {
  name: string;
  type: number;
  value: boolean | number;
}

/** The members of tfjs-node's binding this project calls (its typings: dist/tfjs_binding.d.ts). */
interface Binding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_INT64: number;
  TF_BOOL: number;
  TF_UINT8: number;
  TF_STRING: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_INT: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_TYPE: number;
  TF_Version: string;
  executeOp(name: string, attrs: BindingAttr[], inputs: Handle[], outputs: number): Array<{ id: Handle }>;
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array | Uint8Array): Handle;
  tensorDataSync(id: Handle): Float32Array | Int32Array;
  deleteTensor(id: Handle): void;
  loadSavedModel(dir: string, tags: string): SessionId;
  runSavedModel(id: SessionId, inputs: Handle[], inputNames: string, outputNames: string): Array<{ id: Handle }>;
  deleteSavedModel(id: SessionId): void;
  getNumOfSavedModels(): number;
}

/** The binding's constants and functions the adapter uses, each checked when it is made. */
export const BINDING_NUMBERS = [
  'TF_FLOAT',
  'TF_INT32',
  'TF_INT64',
  'TF_BOOL',
  'TF_UINT8',
  'TF_STRING',
  'TF_ATTR_BOOL',
  'TF_ATTR_INT',
  'TF_ATTR_FLOAT',
  'TF_ATTR_TYPE',
] as const;
export const BINDING_FUNCTIONS = [
  'executeOp',
  'createTensor',
  'tensorDataSync',
  'deleteTensor',
  'loadSavedModel',
  'runSavedModel',
  'deleteSavedModel',
  'getNumOfSavedModels',
] as const;

/** The backend's members (NodeJSKernelBackend, dist/nodejs_kernel_backend.d.ts). */
interface KernelBackend {
  binding: Binding;
  isUsingGpuDevice: boolean;
  executeMultipleOutputs(name: string, attrs: BindingAttr[], inputs: unknown[], outputs: number): tfn.Tensor[];
  getInputTensorIds(tensors: tfn.Tensor[]): Handle[];
}

export class TfjsNodeChangedError extends Error {
  constructor(what: string) {
    super(
      `This version of @tensorflow/tfjs-node lacks ${what}, which LSTM MNIST uses (it was written for tfjs-node ${WRITTEN_FOR}): ` +
        'reinstall the extension, or run `npm run setup` in a checkout',
    );
    this.name = 'TfjsNodeChangedError';
  }
}

/** tfjs-node's insides, typed; made once per backend by `tfjsNodeInternals`. */
export class TfjsNodeInternals {
  private readonly dtypes: Record<DType, number>;
  private readonly Int64Scalar: new (value: number) => unknown;

  private constructor(
    private readonly backend: KernelBackend,
    private readonly binding: Binding,
  ) {
    const b = binding;
    this.dtypes = { float: b.TF_FLOAT, int32: b.TF_INT32, int64: b.TF_INT64, bool: b.TF_BOOL, uint8: b.TF_UINT8, string: b.TF_STRING };
    // The backend recognises the int64 input by instanceof: the class must be this tfjs-node's own.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const int64 = require('@tensorflow/tfjs-node/dist/int64_tensors') as { Int64Scalar?: new (value: number) => unknown };
    if (typeof int64.Int64Scalar !== 'function') throw new TfjsNodeChangedError('dist/int64_tensors.Int64Scalar');
    this.Int64Scalar = int64.Int64Scalar;
  }

  /** The adapter over `tf`'s backend; throws TfjsNodeChangedError naming the first member that is missing. */
  static of(tf: Tf): TfjsNodeInternals {
    const backend = tf.backend() as unknown as Partial<KernelBackend>;
    for (const name of ['executeMultipleOutputs', 'getInputTensorIds'] as const) {
      if (typeof backend[name] !== 'function') throw new TfjsNodeChangedError(`the backend's ${name}()`);
    }
    const binding = backend.binding as Partial<Binding> | undefined;
    if (!binding) throw new TfjsNodeChangedError("the backend's binding");
    for (const name of BINDING_NUMBERS) if (typeof binding[name] !== 'number') throw new TfjsNodeChangedError(`binding.${name}`);
    for (const name of BINDING_FUNCTIONS) if (typeof binding[name] !== 'function') throw new TfjsNodeChangedError(`binding.${name}()`);
    if (typeof binding.TF_Version !== 'string') throw new TfjsNodeChangedError('binding.TF_Version');
    return new TfjsNodeInternals(backend as KernelBackend, binding as Binding);
  }

  /** TensorFlow's version, as its C library says (TF_Version()). */
  get tensorflowVersion(): string {
    return this.binding.TF_Version;
  }

  get usingGpu(): boolean {
    return this.backend.isUsingGpuDevice;
  }

  private attrs(list: OpAttr[]): BindingAttr[] {
    const b = this.binding;
    return list.map((a) => {
      switch (a.kind) {
        case 'bool':
          return { name: a.name, type: b.TF_ATTR_BOOL, value: a.value };
        case 'int':
          return { name: a.name, type: b.TF_ATTR_INT, value: a.value };
        case 'float':
          return { name: a.name, type: b.TF_ATTR_FLOAT, value: a.value };
        case 'type':
          return { name: a.name, type: b.TF_ATTR_TYPE, value: this.dtypes[a.value] };
      }
    });
  }

  /** Op `name` on tfjs tensors (and int64 scalars), through the engine: tf.customGrad can wrap it. */
  executeTensors(name: string, attrs: OpAttr[], inputs: unknown[], outputs: number): tfn.Tensor[] {
    return this.backend.executeMultipleOutputs(name, this.attrs(attrs), inputs, outputs);
  }

  /** An int64 scalar input for `executeTensors` (tfjs has no int64 dtype). */
  int64Scalar(value: number): unknown {
    return new this.Int64Scalar(value);
  }

  /** The binding's handle of a tfjs tensor (owned by tfjs: never deleted through the binding). */
  handleOf(t: tfn.Tensor): Handle {
    // Private in its typings, but the one way to a tensor's handle (it also writes data held back).
    return this.backend.getInputTensorIds([t])[0];
  }

  /** Op `name` on handles, below the engine: handles of its outputs, which the caller deletes. */
  executeOp(name: string, attrs: OpAttr[], inputs: Handle[], outputs: number): Handle[] {
    return this.binding.executeOp(name, this.attrs(attrs), inputs, outputs).map((m) => m.id);
  }

  /** A tensor of `values` (copied); int64 takes two int32 halves per value, low first. */
  createTensor(shape: number[], dtype: DType, values: Float32Array | Int32Array | Uint8Array): Handle {
    return this.binding.createTensor(shape, this.dtypes[dtype], values);
  }

  read(h: Handle): Float32Array | Int32Array {
    return this.binding.tensorDataSync(h);
  }

  deleteTensor(h: Handle): void {
    this.binding.deleteTensor(h);
  }

  /** Loads the SavedModel in `dir` (its "serve" graph) as a session, which keeps its variables. */
  loadSession(dir: string): SessionId {
    return this.binding.loadSavedModel(dir, 'serve');
  }

  runSession(id: SessionId, inputs: Handle[], inputNames: readonly string[], outputNames: readonly string[]): Handle[] {
    return this.binding.runSavedModel(id, inputs, inputNames.join(','), outputNames.join(',')).map((m) => m.id);
  }

  deleteSession(id: SessionId): void {
    this.binding.deleteSavedModel(id);
  }

  /** Sessions loaded and not yet deleted, in this process. */
  get sessions(): number {
    return this.binding.getNumOfSavedModels();
  }
}

const made = new WeakMap<object, TfjsNodeInternals>();

/** The adapter over `tf`'s current backend, made (and checked) once per backend. */
export function tfjsNodeInternals(tf: Tf): TfjsNodeInternals {
  const backend = tf.backend();
  let internals = made.get(backend);
  if (!internals) {
    internals = TfjsNodeInternals.of(tf);
    made.set(backend, internals);
  }
  return internals;
}

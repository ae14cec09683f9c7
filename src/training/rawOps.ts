// TensorFlow ops run straight through tfjs-node's binding, below the tfjs engine: a handle is a
// number, an op costs about 6 µs of overhead instead of about 35 µs through tf.*, and nothing is
// recorded for autodiff (the scheduled path writes its own backward). Every handle an op makes
// belongs to a Scope and is deleted when the scope ends, so a step leaves nothing behind however
// many intermediate tensors it made; `live` counts what is still held, for the tests. With
// profiling on, each op's time is added up by op name (TensorFlow runs CPU ops synchronously, so
// the time around the call is the op's).
import type { NodeJSKernelBackend } from '@tensorflow/tfjs-node/dist/nodejs_kernel_backend';
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from './backend';

type Binding = NodeJSKernelBackend['binding'];
type OpAttr = Parameters<Binding['executeOp']>[1][number];

/** A tensor held by the binding, by id. */
export type Handle = number;

export interface OpProfile {
  op: string;
  calls: number;
  ms: number;
}

export class RawOps {
  private readonly binding: Binding;
  private readonly backend: NodeJSKernelBackend;
  /** Handles made and not yet deleted. */
  live = 0;
  private profile: Map<string, { calls: number; ns: bigint }> | undefined;
  readonly float: OpAttr;
  readonly int32: number;

  constructor(tf: Tf) {
    this.backend = tf.backend() as unknown as NodeJSKernelBackend;
    this.binding = this.backend.binding;
    this.float = { name: 'T', type: this.binding.TF_ATTR_TYPE, value: this.binding.TF_FLOAT };
    this.int32 = this.binding.TF_INT32;
  }

  // Attribute helpers, named as TensorFlow's op definitions name them.
  bool(name: string, value: boolean): OpAttr {
    return { name, type: this.binding.TF_ATTR_BOOL, value };
  }
  int(name: string, value: number): OpAttr {
    return { name, type: this.binding.TF_ATTR_INT, value };
  }
  floatAttr(name: string, value: number): OpAttr {
    return { name, type: this.binding.TF_ATTR_FLOAT, value };
  }
  type(name: string, value: number): OpAttr {
    return { name, type: this.binding.TF_ATTR_TYPE, value };
  }

  /** Starts adding up each op's time by name (see takeProfile). */
  startProfile(): void {
    this.profile = new Map();
  }

  /** The time per op name since startProfile, slowest first; stops profiling. */
  takeProfile(): OpProfile[] {
    const entries = [...(this.profile ?? new Map()).entries()].map(([op, p]) => ({ op, calls: p.calls, ms: Number(p.ns) / 1e6 }));
    this.profile = undefined;
    return entries.sort((a, b) => b.ms - a.ms);
  }

  /** The handle of a tfjs tensor (owned by tfjs: never deleted here). */
  handleOf(t: tfn.Tensor): Handle {
    // Private in its typings, but the one way to a tfjs tensor's handle (it also writes data held back).
    return (this.backend as unknown as { getInputTensorIds(ts: tfn.Tensor[]): number[] }).getInputTensorIds([t])[0];
  }

  run(scope: Scope, op: string, attrs: OpAttr[], inputs: Handle[], outputs = 1): Handle[] {
    const start = this.profile ? process.hrtime.bigint() : 0n;
    const made = this.binding.executeOp(op, attrs, inputs, outputs).map((m) => m.id);
    if (this.profile) {
      const p = this.profile.get(op) ?? { calls: 0, ns: 0n };
      p.calls++;
      p.ns += process.hrtime.bigint() - start;
      this.profile.set(op, p);
    }
    this.live += made.length;
    scope.held.push(...made);
    return made;
  }

  floats(scope: Scope, shape: number[], values: Float32Array): Handle {
    return this.adopt(scope, this.binding.createTensor(shape, this.binding.TF_FLOAT, values));
  }

  ints(scope: Scope, shape: number[], values: Int32Array): Handle {
    return this.adopt(scope, this.binding.createTensor(shape, this.binding.TF_INT32, values));
  }

  /** TensorFlow's int64 scalar (BlockLSTM's sequence length); tfjs has no int64, the binding takes two int32 halves. */
  int64Scalar(scope: Scope, value: number): Handle {
    return this.adopt(scope, this.binding.createTensor([], this.binding.TF_INT64, Int32Array.from([value, 0])));
  }

  read(h: Handle): Float32Array {
    return this.binding.tensorDataSync(h) as Float32Array;
  }

  readInts(h: Handle): Int32Array {
    return this.binding.tensorDataSync(h) as Int32Array;
  }

  private adopt(scope: Scope, h: Handle): Handle {
    this.live++;
    scope.held.push(h);
    return h;
  }

  /** Deletes every handle the scope holds. */
  end(scope: Scope): void {
    for (const h of scope.held) this.binding.deleteTensor(h);
    this.live -= scope.held.length;
    scope.held.length = 0;
  }
}

/** The handles made for one piece of work (a step; or a run, for its constants). */
export class Scope {
  readonly held: Handle[] = [];
}

// TensorFlow ops run straight through tfjs-node's binding, below the tfjs engine: a handle is a
// number, an op costs about 6 µs of overhead instead of about 35 µs through tf.*, and nothing is
// recorded for autodiff (the scheduled path writes its own backward). A whole graph of ops
// (graphWriter.ts) runs here too, as a session, in one call. Every handle an op makes
// belongs to a Scope and is deleted when the scope ends, so a step leaves nothing behind however
// many intermediate tensors it made; `live` counts what is still held, for the tests. With
// profiling on, each op's time is added up by op name (TensorFlow runs CPU ops synchronously, so
// the time around the call is the op's).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from './backend';
import { type Handle, type SessionId, type TfjsNodeInternals, tfjsNodeInternals } from './internals';
import type { OpAttr } from './opAttrs';

export type { Handle } from './internals';

/** A graph loaded as a TensorFlow session. */
export type LoadedGraph = SessionId;

export interface OpProfile {
  op: string;
  calls: number;
  ms: number;
}

export class BindingOps {
  private readonly native: TfjsNodeInternals;
  /** Handles made and not yet deleted. */
  live = 0;
  private profile: Map<string, { calls: number; ns: bigint }> | undefined;

  constructor(tf: Tf) {
    this.native = tfjsNodeInternals(tf);
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
    return this.native.handleOf(t);
  }

  run(scope: Scope, op: string, attrs: OpAttr[], inputs: Handle[], outputs = 1): Handle[] {
    const start = this.profile ? process.hrtime.bigint() : 0n;
    const made = this.native.executeOp(op, attrs, inputs, outputs);
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
    return this.adopt(scope, this.native.createTensor(shape, 'float', values));
  }

  ints(scope: Scope, shape: number[], values: Int32Array): Handle {
    return this.adopt(scope, this.native.createTensor(shape, 'int32', values));
  }

  bytes(scope: Scope, shape: number[], values: Uint8Array): Handle {
    return this.adopt(scope, this.native.createTensor(shape, 'uint8', values));
  }

  /** TensorFlow's int64 scalar (BlockLSTM's sequence length); tfjs has no int64, the binding takes two int32 halves. */
  int64Scalar(scope: Scope, value: number): Handle {
    return this.adopt(scope, this.native.createTensor([], 'int64', Int32Array.from([value, 0])));
  }

  /**
   * Loads a graph (GraphWriter.savedModelText) as a TensorFlow session. The SavedModel goes
   * through a temporary folder, which is gone again when this returns.
   */
  loadGraph(savedModelText: string): LoadedGraph {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-graph-'));
    try {
      fs.writeFileSync(path.join(folder, 'saved_model.pbtxt'), savedModelText);
      return this.native.loadSession(folder);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }

  /** Runs `graph` with `inputs` fed to its inputs named `inputNames`; the outputs named `outputNames`, held by `scope`. */
  runGraph(scope: Scope, graph: LoadedGraph, inputs: Handle[], inputNames: readonly string[], outputNames: readonly string[]): Handle[] {
    const made = this.native.runSession(graph, inputs, inputNames, outputNames);
    this.live += made.length;
    scope.held.push(...made);
    return made;
  }

  deleteGraph(graph: LoadedGraph): void {
    this.native.deleteSession(graph);
  }

  /** Graphs loaded and not yet deleted, in this process (for the tests). */
  get loadedGraphs(): number {
    return this.native.sessions;
  }

  read(h: Handle): Float32Array {
    return this.native.read(h) as Float32Array;
  }

  readInts(h: Handle): Int32Array {
    return this.native.read(h) as Int32Array;
  }

  private adopt(scope: Scope, h: Handle): Handle {
    this.live++;
    scope.held.push(h);
    return h;
  }

  /** Deletes every handle the scope holds. */
  end(scope: Scope): void {
    for (const h of scope.held) this.native.deleteTensor(h);
    this.live -= scope.held.length;
    scope.held.length = 0;
  }
}

/** The handles made for one piece of work (a step; or a run, for its constants). */
export class Scope {
  readonly held: Handle[] = [];
}

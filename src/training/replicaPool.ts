// The training process's helpers (replica.ts): with the training process itself, one process per
// core, each single-threaded, each computing the gradient of its share of every batch. The plan
// says how many shares a batch gets; the pool gives each helper the weights (in its exchange file)
// and its rows, and hands back their gradients in order. A helper that fails or dies fails the
// step with its reason.
import { type ChildProcess, fork } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeFile } from './exchangeFile';
import { isReplicaReply, type ReplicaCommand, type ReplicaReply } from './replicaProtocol';

/**
 * The V8 flag every process of a scheduled run is started with (replicas here, the training
 * process by the extension and the npm scripts): garbage collection stays on the process's own
 * thread instead of taking the core another replica computes on (steps 5-10% faster and steadier).
 */
export const SINGLE_THREADED_GC = '--single-threaded-gc';

/** Fewer rows per replica than this cost more in messages than they save. */
const MIN_SHARD_ROWS = 25;
const MAX_REPLICAS = 4;

export interface PoolPlan {
  /** Processes computing a share of each batch, the training process included. */
  replicas: number;
  /** TensorFlow's intra-op threads per replica. */
  threads: number;
}

/** How many replicas (the training process and its helpers) for `batchSize` on `cores` cores, and how many threads each. */
export function planReplicas(batchSize: number, cores: number = os.availableParallelism()): PoolPlan {
  const replicas = Math.max(1, Math.min(cores, MAX_REPLICAS, Math.floor(batchSize / MIN_SHARD_ROWS)));
  return { replicas, threads: Math.max(1, Math.floor(cores / replicas)) };
}

/**
 * Makes this process's TensorFlow run as many threads as a replica (it computes a share too).
 * Effective only before TensorFlow loads, which reads the variables once; set ones are kept.
 */
export function useReplicaThreads(plan: PoolPlan): void {
  process.env.TF_NUM_INTRAOP_THREADS ??= String(plan.threads);
  process.env.TF_NUM_INTEROP_THREADS ??= '1';
}

/** Contiguous shares of `rows`, as equal as can be, in order. */
export function shards(rows: Int32Array, count: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * rows.length) / count);
    const end = Math.floor(((i + 1) * rows.length) / count);
    if (end > start) out.push(rows.subarray(start, end));
  }
  return out;
}

type GradientReply = Extract<ReplicaReply, { type: 'gradient' }>;

/** A helper's gradient, read from its exchange file, with what its message said. */
export type HelperGradient = GradientReply & { grad: Float32Array };

interface Replica {
  child: ChildProcess;
  exchange: ExchangeFile;
  /** The one reply being waited for. */
  pending?: { resolve(reply: ReplicaReply): void; reject(error: Error): void };
  /** Why it can no longer answer, once it cannot. */
  gone?: string;
  stderr: string[];
}

export class ReplicaPool {
  private constructor(private readonly helpers: Replica[]) {}

  get size(): number {
    return this.helpers.length;
  }

  /**
   * Starts `count` helpers for a model of `weights` weights and loads their data; `replicaPath` is
   * replica.js beside this code.
   */
  static async start(
    count: number,
    threads: number,
    weights: number,
    init: Omit<Extract<ReplicaCommand, { type: 'init' }>, 'exchange'>,
    replicaPath: string = path.join(__dirname, 'replica.js'),
  ): Promise<ReplicaPool> {
    const env = { ...process.env, TF_NUM_INTRAOP_THREADS: String(threads), TF_NUM_INTEROP_THREADS: '1', TF_CPP_MIN_LOG_LEVEL: '2' };
    const helpers = Array.from({ length: count }, (_, i) => spawnReplica(replicaPath, env, ExchangeFile.create(weights, i)));
    const pool = new ReplicaPool(helpers);
    try {
      await Promise.all(helpers.map((r) => pool.ask(r, { ...init, exchange: r.exchange.path }, 'ready').reply));
    } catch (e) {
      pool.dispose();
      throw e;
    }
    return pool;
  }

  /**
   * Gives helper i the weights and `shares[i]`; `sent` settles once every message has left,
   * `gradients` with their gradients, in order. `profileFirst` asks the first for its profile.
   */
  gradients(
    params: Float32Array,
    shares: Int32Array[],
    scale: number,
    profileFirst = false,
  ): { sent: Promise<unknown>; gradients: Promise<HelperGradient[]> } {
    const asked = shares.map((indices, i) => {
      const helper = this.helpers[i];
      helper.exchange.writeWeights(params);
      const { sent, reply } = this.ask(helper, { type: 'step', indices, scale, profile: profileFirst && i === 0 }, 'gradient');
      return { sent, gradient: reply.then((r) => ({ ...(r as GradientReply), grad: helper.exchange.readGradient() })) };
    });
    return { sent: Promise.all(asked.map((a) => a.sent)), gradients: Promise.all(asked.map((a) => a.gradient)) };
  }

  /** Sends `command`; `sent` settles when it has left, `reply` with the answer (rejected if it is not `expected`). */
  private ask(
    replica: Replica,
    command: ReplicaCommand,
    expected: ReplicaReply['type'],
  ): { sent: Promise<void>; reply: Promise<ReplicaReply> } {
    let sent!: Promise<void>;
    const reply = new Promise<ReplicaReply>((resolve, reject) => {
      if (replica.gone) {
        sent = Promise.resolve();
        reject(new Error(replica.gone));
        return;
      }
      replica.pending = {
        resolve: (answer) => {
          if (answer.type === 'failed') reject(new Error(`a training replica failed: ${answer.message}`));
          else if (answer.type !== expected) reject(new Error(`a training replica answered ${answer.type} to ${command.type}`));
          else resolve(answer);
        },
        reject,
      };
      sent = new Promise((done) => replica.child.send(command, () => done()));
    });
    return { sent, reply };
  }

  dispose(): void {
    for (const r of this.helpers) {
      r.gone ??= 'the training replicas were stopped';
      if (r.child.connected) r.child.disconnect();
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill();
      r.exchange.remove();
    }
  }
}

function spawnReplica(replicaPath: string, env: NodeJS.ProcessEnv, exchange: ExchangeFile): Replica {
  // Structured clone: the rows travel as an Int32Array. V8's collector on the main thread only: its
  // helper threads would take the other core from the replica beside it.
  const child = fork(replicaPath, [], {
    env,
    execArgv: [SINGLE_THREADED_GC],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const replica: Replica = { child, exchange, stderr: [] };
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    replica.stderr.push(...text.split('\n').filter((l) => l.trim()));
    replica.stderr.splice(0, Math.max(0, replica.stderr.length - 10));
  });
  child.on('message', (message: unknown) => {
    const pending = replica.pending;
    replica.pending = undefined;
    if (!pending) return;
    if (isReplicaReply(message)) pending.resolve(message);
    else pending.reject(new Error(`a training replica sent ${JSON.stringify(message)}`));
  });
  const fail = (why: string): void => {
    if (replica.gone) return;
    replica.gone = `a training replica ${why}${replica.stderr.length ? `: ${replica.stderr.join(' | ')}` : ''}`;
    replica.pending?.reject(new Error(replica.gone));
    replica.pending = undefined;
  };
  child.on('error', (e) => fail(`could not run (${e.message})`));
  child.on('exit', (code, signal) => fail(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  return replica;
}

// The threads the portable path computes on: one worker thread per shard of a batch, each with its
// own instance of the kernel on the one shared memory, so that a shard's buffers are written by one
// thread and the weights and images are read by all without a copy. A thread runs a list of kernel
// calls in order and answers with their results. Between runs the threads hold no reference that
// keeps the process alive.
import { Worker } from 'node:worker_threads';
import { type KernelCall, kernelModule } from './kernelModule';
import type { KernelMemory } from './kernelMemory';

/**
 * The thread's whole program, run from source (eval) so that the bundle and the unbundled tests
 * start it the same way: it instantiates the module it is given on the shared memory and runs what
 * it is sent. Plain JavaScript: nothing of this module's scope reaches it.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { exports } = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
parentPort.on('message', (calls) => {
  try {
    parentPort.postMessage({ results: calls.map(([name, ...args]) => exports[name](...args)) });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.stack || e) });
  }
});
`;

interface Reply {
  results?: number[];
  error?: string;
}

class KernelThread {
  private readonly worker: Worker;
  private pending?: { resolve: (results: number[]) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { module, memory } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply.error === undefined ? undefined : new Error(reply.error), reply.results));
    this.worker.on('error', (e) => this.settle(e));
    this.worker.on('exit', (code) => this.settle(new Error(`a portable kernel thread exited (code ${code})`)));
  }

  run(calls: KernelCall[]): Promise<number[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('a portable kernel thread was given a second run before the first ended'));
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(calls);
    });
  }

  private settle(error: Error | undefined, results?: number[]): void {
    const pending = this.pending;
    this.pending = undefined;
    this.worker.unref();
    if (error) this.failure ??= error;
    if (!pending) return;
    if (error) pending.reject(error);
    else pending.resolve(results ?? []);
  }

  terminate(): Promise<number> {
    this.failure ??= new Error('the portable kernel threads were stopped');
    return this.worker.terminate();
  }
}

export class KernelThreads {
  private readonly threads: KernelThread[];

  constructor(memory: KernelMemory, count: number) {
    const module = kernelModule();
    this.threads = Array.from({ length: count }, () => new KernelThread(module, memory.memory));
  }

  get count(): number {
    return this.threads.length;
  }

  /** Runs each thread's list of calls (one list per thread, at most), side by side; each list's results. */
  run(perThread: KernelCall[][]): Promise<number[][]> {
    if (perThread.length > this.threads.length) throw new Error(`${perThread.length} lists of calls for ${this.threads.length} threads`);
    return Promise.all(perThread.map((calls, i) => this.threads[i].run(calls)));
  }

  async dispose(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

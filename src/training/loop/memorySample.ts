// Prints the training process's memory after an epoch when MEMORY_REPORT_ENV is set (the soak
// test's probe), its heap after a full collection so that the figure is what stays alive; nothing
// otherwise.
import type * as tfjs from '@tensorflow/tfjs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { MEMORY_REPORT_ENV, memoryLine } from '../../protocol/memoryReport';

let gc: (() => void) | undefined;

/** A full collection of V8's heap, exposed at run time (node was not started with --expose-gc). */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

export function reportMemory(tf: Pick<typeof tfjs, 'memory'>, epoch: number): void {
  if (!process.env[MEMORY_REPORT_ENV]) return;
  collectGarbage();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`${memoryLine({ epoch, rss, heapUsed, tensors: tf.memory().numTensors })}\n`);
}

// The training process as the CLI runs it: the worker in a process group of its own (so that a
// terminal's Ctrl-C reaches only the CLI, which cancels the job; a second Ctrl-C kills it), with
// TensorFlow's own log lines left out unless --verbose. Only events go to stdout (--json stays
// parseable); whatever else the worker prints goes to stderr.
import * as path from 'node:path';
import { isNativeLogNoise } from '../client/nativeLog';
import { startWorker, type WorkerJob } from '../client/workerClient';
import type { TrainingEvent, WorkerCommand } from '../protocol/training';
import type { Output } from './args';
import type { TextReporter } from './report';

/** dist/cli/cli.js runs dist/training/worker.js; tsc's out/src/cli/cli.js runs out/src/training/worker.js. */
const WORKER = path.join(__dirname, '..', 'training', 'worker.js');

export function startCliWorker(
  command: Exclude<WorkerCommand, { type: 'cancel' | 'inspectRequest' }>,
  output: Output,
  reporter: TextReporter,
  onEvent: (e: TrainingEvent) => void,
  /** What the first Ctrl-C says it does. */
  cancelling = 'cancelling after this batch (Ctrl-C again to stop at once)',
): WorkerJob {
  const job = startWorker(command, {
    workerPath: WORKER,
    cwd: process.cwd(),
    env: output.verbose ? { TF_CPP_MIN_LOG_LEVEL: '0' } : undefined,
    ownProcessGroup: true,
    onEvent,
    onLog: (line, stream) => {
      if (output.verbose || stream === 'client' || !isNativeLogNoise(line)) reporter.note(line);
    },
  });
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts === 1) {
      reporter.note(cancelling);
      job.cancel();
    } else {
      job.kill();
    }
  });
  return job;
}

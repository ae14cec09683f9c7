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

/**
 * Ctrl-C for the CLI's jobs: the first asks the running job to cancel (and says `cancelling`), a
 * second kills it. One handler for the process, following whichever job runs (a sweep runs many).
 */
export class Interrupts {
  private job: WorkerJob | undefined;
  private count = 0;

  constructor(
    private readonly reporter: TextReporter,
    /** What the first Ctrl-C says it does. */
    private readonly cancelling = 'cancelling after this batch (Ctrl-C again to stop at once)',
  ) {
    process.on('SIGINT', () => {
      if (++this.count === 1) {
        this.reporter.note(this.cancelling);
        this.job?.cancel();
      } else {
        this.job?.kill();
      }
    });
  }

  /** Whether Ctrl-C was pressed: a sweep starts no further run. */
  get interrupted(): boolean {
    return this.count > 0;
  }

  follow(job: WorkerJob): void {
    this.job = job;
  }
}

export function startCliWorker(
  command: Exclude<WorkerCommand, { type: 'cancel' | 'inspectRequest' }>,
  output: Output,
  reporter: TextReporter,
  onEvent: (e: TrainingEvent) => void,
  interrupts: Interrupts = new Interrupts(reporter),
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
  interrupts.follow(job);
  return job;
}

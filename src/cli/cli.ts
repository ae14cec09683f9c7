// Terminal entry: `npm run train` / `npm run evaluate`. The job runs in the training process the
// extension forks too (dist/training/worker.js), through the same client; this process only
// parses the command line and prints the events, as text or (--json) as JSON lines. The worker
// has a process group of its own, so Ctrl-C reaches only this process: the first cancels after
// the current batch (nothing is written), a second stops the worker at once. TensorFlow's own
// log lines on the worker's stderr are left out unless --verbose.
// Exit codes: 0 done, 1 failed, 2 bad arguments, 130 cancelled.
import * as path from 'node:path';
import { isNativeLogNoise } from '../client/nativeLog';
import { type FinalEvent, startWorker } from '../client/workerClient';
import type { TrainingEvent } from '../protocol/training';
import { type Command, HELP_HINT, parseCommand, USAGE, UsageError } from './args';
import { TextReporter } from './report';

/** dist/cli/cli.js runs dist/training/worker.js; tsc's out/src/cli/cli.js runs out/src/training/worker.js. */
const WORKER = path.join(__dirname, '..', 'training', 'worker.js');

const EXIT: Record<FinalEvent['type'], number> = { done: 0, evaluation: 0, probed: 0, error: 1, diverged: 1, cancelled: 130 };

async function run(command: Exclude<Command, { kind: 'help' }>): Promise<number> {
  const { json, verbose } = command.output;
  const reporter = new TextReporter(process.stdout, process.stderr, command.kind === 'evaluate' && command.request.testSizeFromCheckpoint);
  const job = startWorker(
    command.kind === 'train' ? { type: 'train', config: command.config } : { type: 'evaluate', request: command.request },
    {
      workerPath: WORKER,
      cwd: process.cwd(),
      env: verbose ? { TF_CPP_MIN_LOG_LEVEL: '0' } : undefined,
      ownProcessGroup: true,
      onEvent: (e: TrainingEvent) => {
        if (json) process.stdout.write(`${JSON.stringify(e)}\n`);
        else reporter.handle(e);
      },
      // Only the events go to stdout (--json stays parseable): whatever else the worker prints goes to stderr.
      onLog: (line, stream) => {
        if (verbose || stream === 'client' || !isNativeLogNoise(line)) reporter.note(line);
      },
    },
  );
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts === 1) {
      reporter.note('cancelling after this batch (Ctrl-C again to stop at once)');
      job.cancel();
    } else {
      job.kill();
    }
  });
  return EXIT[(await job.finished).type];
}

function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n(${HELP_HINT})\n`);
    return Promise.resolve(2);
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve(0);
  }
  return run(command);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);

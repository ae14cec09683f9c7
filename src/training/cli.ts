// Terminal entry of the training process: `npm run train` / `npm run evaluate`. Prints the same
// TrainingEvents the extension consumes, as text or (--json) as JSON lines. Exit codes: 0 done,
// 1 failed, 2 bad arguments, 130 cancelled by Ctrl-C.
import type { TrainingEvent } from '../protocol/training';
import { parseCommand, UsageError, USAGE } from './cliArgs';
import { TextReporter } from './cliReport';
import { type JobStatus, runEvaluation, runTraining } from './jobs';

const EXIT: Record<JobStatus, number> = { done: 0, error: 1, diverged: 1, cancelled: 130 };

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const reporter = new TextReporter(process.stdout);
  const emit = command.json
    ? (e: TrainingEvent) => {
        process.stdout.write(`${JSON.stringify(e)}\n`);
      }
    : (e: TrainingEvent) => reporter.handle(e);
  // First Ctrl-C: stop after the current batch, writing nothing; a second one: stop now.
  let cancelled = false;
  process.on('SIGINT', () => {
    if (cancelled) process.exit(130);
    cancelled = true;
    process.stderr.write('\ncancelling after this batch (Ctrl-C again to stop at once)\n');
  });
  const hooks = { emit, isCancelled: () => cancelled };
  const status = command.kind === 'train' ? await runTraining(command.config, hooks) : await runEvaluation(command.request, hooks);
  return EXIT[status];
}

// Quieter native logs: TensorFlow's C++ banner is noise in a terminal.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
    process.exitCode = 1;
  },
);

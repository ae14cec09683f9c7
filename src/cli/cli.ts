// Terminal entry: `npm run train` / `evaluate` / `predict` / `export`. The job runs in the training process
// the extension forks too (dist/training/worker.js), through the same client (cliWorker.ts);
// this process only parses the command line and prints the events, as text or (--json) as JSON
// lines. Ctrl-C: the first cancels after the current batch (nothing is written), a second stops
// the worker at once. Exit codes: 0 done, 1 failed, 2 bad arguments, 130 cancelled.
import type { FinalEvent } from '../client/workerClient';
import { decodePredictions, selectImages } from '../protocol/predictions';
import type { TrainingEvent, WorkerCommand } from '../protocol/training';
import { type Command, HELP_HINT, parseCommand, USAGE, UsageError } from './args';
import { startCliWorker } from './cliWorker';
import { predict } from './predict';
import { sweep } from './sweep';
import { misclassifiedReport, TextReporter } from './report';

const EXIT: Record<FinalEvent['type'], number> = { done: 0, evaluation: 0, exported: 0, probed: 0, error: 1, diverged: 1, cancelled: 130 };

/** The worker's job for a command. */
function workerCommand(
  command: Extract<Command, { kind: 'train' | 'evaluate' | 'export' }>,
): Exclude<WorkerCommand, { type: 'cancel' | 'inspectRequest' }> {
  switch (command.kind) {
    case 'train':
      return { type: 'train', config: command.config };
    case 'evaluate':
      return { type: 'evaluate', request: command.request };
    case 'export':
      return { type: 'export', request: command.request };
  }
}

async function run(command: Extract<Command, { kind: 'train' | 'evaluate' | 'export' }>): Promise<number> {
  const { json } = command.output;
  const reporter = new TextReporter(process.stdout, process.stderr, command.kind === 'evaluate' && command.request.testSizeFromCheckpoint);
  const misclassified = command.kind === 'evaluate' ? command.misclassified : undefined;
  const job = startCliWorker(workerCommand(command), command.output, reporter, (e: TrainingEvent) => {
    if (json) process.stdout.write(`${JSON.stringify(e)}\n`);
    else reporter.handle(e);
    if (e.type === 'evaluation' && e.predictions && misclassified !== undefined) {
      const images = selectImages(decodePredictions(e.predictions), { kind: 'misclassified' }).slice(0, misclassified);
      process.stdout.write(json ? `${JSON.stringify({ type: 'misclassified', images })}\n` : `\n${misclassifiedReport(images)}\n`);
    }
  });
  return EXIT[(await job.finished).type];
}

/** A bad command line: what is wrong and where help is, exit code 2. */
function usageExit(e: unknown): Promise<number> {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`error: ${e.message}\n(${HELP_HINT})\n`);
  return Promise.resolve(2);
}

function main(argv: string[]): Promise<number> {
  if (argv[0] === 'sweep') return sweep(argv.slice(1)).catch(usageExit);
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (e) {
    return usageExit(e);
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve(0);
  }
  return command.kind === 'predict' ? predict(command) : run(command);
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

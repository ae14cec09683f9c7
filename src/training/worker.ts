// Entry of the training process forked by the extension host and the CLI. It takes one
// WorkerCommand over IPC (train, evaluate, export, probe or inspect), streams TrainingEvents back, obeys a
// later cancel, and exits when the job ends: 0 after done/cancelled, 1 after an error or a
// diverged run. An `inspect` job answers `inspectRequest`s until it is cancelled.
import type { InspectSubject } from '../protocol/inspection';
import { isWorkerCommand, type TrainingEvent, type WorkerCommand } from '../protocol/training';
import type { Inspector } from './inspector';
import { type JobStatus, openInspector, runEvaluation, runExport, runProbe, runTraining } from './jobs';
import type { JobHooks } from './loop/trainer';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

if (!process.send) {
  process.stderr.write('worker.js is started by the LSTM MNIST extension over IPC; from a terminal use `npm run train`\n');
  process.exit(2);
}

let cancelled = false;
let started = false;

/** Events go out in order; `flushed` settles once every one sent so far has left. */
let flushed: Promise<void> = Promise.resolve();

function send(event: TrainingEvent): void {
  flushed = flushed.then(
    () =>
      new Promise<void>((resolve) => {
        if (!process.connected) return resolve();
        process.send!(event, undefined, {}, () => resolve());
      }),
  );
}

/** The checkpoint an `inspect` job holds open, and how its wait for `cancel` ends. */
let inspector: Inspector | undefined;
let stopInspecting: (() => void) | undefined;

function run(command: Exclude<WorkerCommand, { type: 'cancel' | 'inspectRequest' }>): Promise<JobStatus> {
  const hooks = { emit: send, isCancelled: () => cancelled };
  switch (command.type) {
    case 'train':
      return runTraining(command.config, hooks);
    case 'evaluate':
      return runEvaluation(command.request, hooks);
    case 'export':
      return runExport(command.request, hooks);
    case 'probe':
      return runProbe(hooks);
    case 'inspect':
      return inspect(command.subject, hooks);
  }
}

/** Holds the checkpoint open until `cancel` (or the channel closes), then ends as cancelled. */
async function inspect(subject: InspectSubject, hooks: JobHooks): Promise<JobStatus> {
  inspector = await openInspector(subject, hooks);
  if (!inspector) return 'error';
  if (!cancelled) await new Promise<void>((resolve) => (stopInspecting = resolve));
  inspector.dispose();
  inspector = undefined;
  hooks.emit({ type: 'cancelled' });
  return 'cancelled';
}

function answer(id: number, request: Extract<WorkerCommand, { type: 'inspectRequest' }>['request']): void {
  if (!inspector) {
    send({ type: 'inspected', id, error: 'the checkpoint is not open (yet)' });
    return;
  }
  try {
    send({ type: 'inspected', id, result: inspector.answer(request) });
  } catch (e) {
    send({ type: 'inspected', id, error: e instanceof Error ? e.message : String(e) });
  }
}

function stop(): void {
  cancelled = true;
  stopInspecting?.();
}

process.on('message', (message: unknown) => {
  if (!isWorkerCommand(message)) {
    send({ type: 'error', message: `worker: unexpected message ${JSON.stringify(message)}` });
    return;
  }
  if (message.type === 'cancel') {
    stop();
    return;
  }
  if (message.type === 'inspectRequest') {
    answer(message.id, message.request);
    return;
  }
  if (started) {
    send({ type: 'error', message: 'worker: a job is already running' });
    return;
  }
  started = true;
  void run(message).then(async (status) => {
    await flushed;
    process.exitCode = status === 'error' || status === 'diverged' ? 1 : 0;
    if (process.connected) process.disconnect();
  });
});

// The extension host closing the channel (window closed, extension deactivated) cancels the job.
process.on('disconnect', stop);

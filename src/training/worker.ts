// Entry of the training process forked by the extension host. It takes one WorkerCommand over
// IPC (train, evaluate or probe), streams TrainingEvents back, obeys a later cancel, and exits when
// the job ends: 0 after done/cancelled, 1 after an error or a diverged run.
import { isWorkerCommand, type TrainingEvent, type WorkerCommand } from '../protocol/training';
import { type JobStatus, runEvaluation, runProbe, runTraining } from './jobs';

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

function run(command: Exclude<WorkerCommand, { type: 'cancel' }>): Promise<JobStatus> {
  const hooks = { emit: send, isCancelled: () => cancelled };
  switch (command.type) {
    case 'train':
      return runTraining(command.config, hooks);
    case 'evaluate':
      return runEvaluation(command.request, hooks);
    case 'probe':
      return runProbe(hooks);
  }
}

process.on('message', (message: unknown) => {
  if (!isWorkerCommand(message)) {
    send({ type: 'error', message: `worker: unexpected message ${JSON.stringify(message)}` });
    return;
  }
  if (message.type === 'cancel') {
    cancelled = true;
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
process.on('disconnect', () => {
  cancelled = true;
});

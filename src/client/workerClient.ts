// Runs one job in the forked training process and turns whatever happens to it into exactly
// one final event: the worker's own (`done`, `evaluation`, `cancelled`, `error`), or an `error`
// made up here when the process crashed or could not start. Free of `vscode`: the extension and
// the CLI both run their jobs through it, and it is tested with a fake worker under plain Node.
import { ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeLeftovers } from '../checkpoint/reservation';
import { seconds } from '../protocol/format';
import { TrainingEvent, WorkerCommand, isTrainingEvent } from '../protocol/training';
import { isNativeLogNoise } from './nativeLog';

export type FinalEvent = Extract<
  TrainingEvent,
  { type: 'done' | 'evaluation' | 'exported' | 'probed' | 'diverged' | 'cancelled' | 'error' }
>;

const FINAL_TYPES: ReadonlySet<TrainingEvent['type']> = new Set([
  'done',
  'evaluation',
  'exported',
  'probed',
  'diverged',
  'cancelled',
  'error',
]);

function isFinalEvent(e: TrainingEvent): e is FinalEvent {
  return FINAL_TYPES.has(e.type);
}

/** Set to a port: the training processes wait for a debugger there ("Attach to the training process"). */
const INSPECT_ENV = 'LSTM_MNIST_INSPECT_WORKER';

/** How many stderr lines a crash report quotes. */
const STDERR_TAIL = 15;

export interface WorkerOptions {
  workerPath: string;
  /** The workspace folder: relative paths in the command resolve against it. */
  cwd: string;
  /** Variables added to the process's environment (the TensorFlow runtime to load). */
  env?: Record<string, string>;
  /** Every event, including the final one, in order. */
  onEvent(event: TrainingEvent): void;
  /** A line the process printed, or a note from this client. */
  onLog(line: string, stream: 'stdout' | 'stderr' | 'client'): void;
  /** How long the process gets to exit after `cancel` (or after its final event) before it is killed. */
  graceMs?: number;
  /**
   * Starts the process in a process group of its own, so that a terminal's Ctrl-C reaches only
   * the caller, which cancels the job (the CLI); the process still ends when the caller does.
   */
  ownProcessGroup?: boolean;
}

export interface WorkerJob {
  /** Resolves once the process has exited, with the job's final event. Never rejects. */
  readonly finished: Promise<FinalEvent>;
  /** Asks the worker to stop; kills it if it has not exited within the grace period. */
  cancel(): void;
  /** Kills the process at once (the extension is shutting down). */
  kill(): void;
  /** A further message to the running job (an `inspect` job's requests); dropped once the process has gone. */
  send(message: Extract<WorkerCommand, { type: 'inspectRequest' }>): void;
}

export function startWorker(command: Exclude<WorkerCommand, { type: 'cancel' }>, options: WorkerOptions): WorkerJob {
  const graceMs = options.graceMs ?? 10_000;
  if (!fs.existsSync(options.workerPath)) {
    const finalEvent: FinalEvent = {
      type: 'error',
      message: `The training process is missing (${options.workerPath}). Build the extension first (npm run build).`,
    };
    options.onEvent(finalEvent);
    return { finished: Promise.resolve(finalEvent), cancel: () => undefined, kill: () => undefined, send: () => undefined };
  }

  const child = fork(options.workerPath, [], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Structured clone, not JSON: a loss that overflowed stays NaN instead of becoming null.
    serialization: 'advanced',
    detached: options.ownProcessGroup ?? false,
    // The extension host may run with --inspect and the like; the worker must not inherit them.
    // A developer asks for a debugger port explicitly (.vscode/launch.json, "Run Extension").
    // V8's collector on the main thread only: its helper threads would take a core from the
    // threads TensorFlow runs a batch's shards on (shardPlan.ts).
    execArgv: ['--single-threaded-gc', ...(process.env[INSPECT_ENV] ? [`--inspect=${process.env[INSPECT_ENV]}`] : [])],
  });
  const stderrTail: string[] = [];
  let finalEvent: FinalEvent | undefined;
  let cancelRequested = false;
  let killTimer: NodeJS.Timeout | undefined;

  const killLater = (why: string): void => {
    if (killTimer) return;
    killTimer = setTimeout(() => {
      options.onLog(`${why}; killing the training process (pid ${child.pid}).`, 'client');
      child.kill('SIGKILL');
    }, graceMs);
  };

  pipeLines(child, 'stdout', (line) => options.onLog(line, 'stdout'));
  pipeLines(child, 'stderr', (line) => {
    if (!isNativeLogNoise(line)) {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL) stderrTail.shift();
    }
    options.onLog(line, 'stderr');
  });

  child.on('message', (message: unknown) => {
    if (finalEvent) return; // The contract ends with the final event; anything later is noise.
    if (!isTrainingEvent(message)) {
      options.onLog(`Ignored an invalid message from the training process: ${JSON.stringify(message)}`, 'client');
      return;
    }
    if (isFinalEvent(message)) {
      finalEvent = message;
      killLater('The training process did not exit after its last event');
    }
    options.onEvent(message);
  });

  const finished = new Promise<FinalEvent>((resolve) => {
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      // 'error' means it could not be spawned, killed or messaged; 'close' still follows a spawned process.
      spawnError = err;
      options.onLog(`Training process error: ${err.message}`, 'client');
      if (child.pid === undefined) settle(null, null);
    });
    child.on('close', (code, signal) => settle(code, signal));

    function settle(code: number | null, signal: NodeJS.Signals | null): void {
      clearTimeout(killTimer);
      if (!finalEvent) {
        const staging = stagingParent(command, options.cwd);
        if (staging) removeDeadJobLeftovers(staging, options.onLog);
        finalEvent = cancelRequested
          ? { type: 'cancelled' }
          : { type: 'error', message: crashMessage(code, signal, spawnError, stderrTail) };
        options.onEvent(finalEvent);
      }
      resolve(finalEvent);
    }
  });

  child.send(command, (err) => {
    if (err) options.onLog(`Could not send the job to the training process: ${err.message}`, 'client');
  });

  return {
    finished,
    cancel() {
      if (cancelRequested || finalEvent || child.exitCode !== null || child.signalCode !== null) return;
      cancelRequested = true;
      if (child.connected) {
        child.send({ type: 'cancel' } satisfies WorkerCommand, () => undefined);
      }
      killLater(`The training process did not stop within ${seconds(graceMs / 1000)} of being cancelled`);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    send(message) {
      if (child.connected) child.send(message, () => undefined);
    },
  };
}

/** Where a job writes its staging folder: a run's weights folder, an export's parent folder. */
function stagingParent(command: Exclude<WorkerCommand, { type: 'cancel' }>, cwd: string): string | undefined {
  if (command.type === 'train') return path.resolve(cwd, command.config.weightsDir);
  if (command.type === 'export') return path.dirname(path.resolve(cwd, command.request.outDir));
  return undefined;
}

/**
 * A training process that died without its final event (killed, crashed) leaves its run-name
 * reservation and its staging folder (a run's TensorBoard logs so far, a half-written export):
 * they go now, not at the next save.
 */
function removeDeadJobLeftovers(weightsDir: string, onLog: WorkerOptions['onLog']): void {
  try {
    if (fs.existsSync(weightsDir)) removeLeftovers(weightsDir);
  } catch (e) {
    onLog(`Could not remove what the training process left in ${weightsDir}: ${(e as Error).message}`, 'client');
  }
}

function crashMessage(code: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined, stderrTail: string[]): string {
  const how = spawnError ? `could not run (${spawnError.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const tail = stderrTail.length > 0 ? ` Last output:\n${stderrTail.join('\n')}` : '';
  return `The training process ${how} before it finished.${tail}`;
}

/** Splits a child's output stream into lines (the last one flushed at the end). */
function pipeLines(child: ChildProcess, name: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  const stream = child[name];
  if (!stream) return;
  stream.setEncoding('utf8');
  let pending = '';
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

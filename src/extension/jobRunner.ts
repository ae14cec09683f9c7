// Runs at most one worker job at a time (training and evaluation compete for the same cores),
// keeps the session log for the panel, and tells the panel and status bar what happens.
import * as vscode from 'vscode';
import type { EvaluateRequest, TrainConfig, TrainingEvent } from '../protocol/training';
import type { LogEntry, PanelJob, SweepPosition } from '../protocol/webview';
import { SessionLog } from './sessionLog';
import { FinalEvent, startWorker } from '../client/workerClient';

/** A job to run; a sweep's run says which one it is. */
export type JobRequest = { kind: 'train'; config: TrainConfig; sweep?: SweepPosition } | { kind: 'evaluate'; request: EvaluateRequest };

export interface ActiveJob {
  readonly job: PanelJob;
  /** Resolves after the worker has exited. */
  readonly finished: Promise<FinalEvent>;
  /** Asks the worker to stop (it is killed if it does not, see workerClient). */
  cancel(): void;
}

/** Set while a job runs, for `when` clauses (the palette shows Cancel only then). */
const BUSY_CONTEXT = 'lstmMnist.busy';

export class JobRunner implements vscode.Disposable {
  private active: (ActiveJob & { kill(): void }) | undefined;
  private readonly log = new SessionLog();
  private readonly entryEmitter = new vscode.EventEmitter<LogEntry>();
  private readonly runningEmitter = new vscode.EventEmitter<PanelJob | null>();
  private jobCount = 0;

  /** Every event of every job, tagged with its job. */
  readonly onDidLog = this.entryEmitter.event;
  /** A job started, or the running one ended (null). */
  readonly onDidChangeRunning = this.runningEmitter.event;

  constructor(
    private readonly workerPath: string,
    private readonly output: vscode.OutputChannel,
  ) {}

  get running(): ActiveJob | undefined {
    return this.active;
  }

  snapshot(): { log: LogEntry[]; running: PanelJob | null } {
    return { log: this.log.entries(), running: this.active?.job ?? null };
  }

  /**
   * Starts a job in the given folder, its process given `env` (which names the TensorFlow
   * runtime) and the panel `warning` (e.g. why the GPU is not used); undefined when one is already running.
   */
  start(request: JobRequest, cwd: string, runtime: { env: Record<string, string>; warning?: string }): ActiveJob | undefined {
    if (this.active) return undefined;
    const startedAt = Date.now();
    const job: PanelJob = {
      id: `${startedAt.toString(36)}-${++this.jobCount}`,
      kind: request.kind,
      label: request.kind === 'train' ? request.config.runName : request.request.checkpoint,
      startedAt,
      ...(request.kind === 'train' && request.sweep ? { sweep: request.sweep } : {}),
    };
    this.log.begin(job);
    this.output.appendLine(
      request.kind === 'train'
        ? `=== Training ${job.label}: ${JSON.stringify(request.config)}`
        : `=== Evaluating ${job.label}: ${JSON.stringify(request.request)}`,
    );

    const record = (event: TrainingEvent): void => {
      // Errors and warnings also go to the log, next to the process output that explains them.
      if (event.type === 'error' || event.type === 'warning') this.output.appendLine(`[extension] ${event.type}: ${event.message}`);
      const entry = { job, event };
      this.log.add(entry);
      this.entryEmitter.fire(entry);
    };
    if (runtime.warning) record({ type: 'warning', message: runtime.warning });
    const worker = startWorker(
      request.kind === 'train' ? { type: 'train', config: request.config } : { type: 'evaluate', request: request.request },
      {
        workerPath: this.workerPath,
        cwd,
        env: runtime.env,
        onEvent: record,
        onLog: (line, stream) => this.output.appendLine(stream === 'client' ? `[extension] ${line}` : line),
      },
    );
    const finished = worker.finished.then((final) => {
      this.output.appendLine(`=== ${job.kind === 'train' ? 'Training' : 'Evaluation'} ${job.label} ended: ${final.type}`);
      this.active = undefined;
      void vscode.commands.executeCommand('setContext', BUSY_CONTEXT, false);
      this.runningEmitter.fire(null);
      return final;
    });
    this.active = { job, finished, cancel: () => worker.cancel(), kill: () => worker.kill() };
    void vscode.commands.executeCommand('setContext', BUSY_CONTEXT, true);
    this.runningEmitter.fire(job);
    return this.active;
  }

  /** Cancels the running job; resolves once it has stopped, false if nothing was running. */
  async cancel(): Promise<boolean> {
    const active = this.active;
    if (!active) return false;
    active.cancel();
    await active.finished;
    return true;
  }

  dispose(): void {
    this.active?.kill();
    this.entryEmitter.dispose();
    this.runningEmitter.dispose();
  }
}

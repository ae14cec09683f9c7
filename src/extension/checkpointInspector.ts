// The panel's questions about the evaluated checkpoint (its images, a prediction row by row, a
// drawing), answered by a training process that holds the checkpoint and its test images open
// (the worker's `inspect` job). One such process at a time: a question about another checkpoint
// (or other test images) replaces it; it is closed after a few idle minutes, when the extension
// goes, and on an error. Questions are matched to answers by id. No TensorFlow here: the
// extension host only passes messages on.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startWorker, type WorkerJob } from '../client/workerClient';
import type { InspectRequest, InspectResult, InspectSubject } from '../protocol/inspection';
import type { TrainingEvent } from '../protocol/training';
import type { InspectTarget } from '../protocol/webview';
import { readEvaluateRequest } from './settings';
import type { TensorflowRuntime } from './tensorflowRuntime';
import { settingsOf, workspaceFolder } from './workspace';

/** An open checkpoint costs memory; an idle one is closed after this long (the next question opens it again). */
const IDLE_CLOSE_MS = 5 * 60_000;

interface Session {
  key: string;
  job: WorkerJob;
  ready: Promise<void>;
  pending: Map<number, { resolve(result: InspectResult): void; reject(error: Error): void }>;
}

export class CheckpointInspector implements vscode.Disposable {
  private session: Session | undefined;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly workerPath: string,
    private readonly runtime: TensorflowRuntime,
    private readonly output: vscode.OutputChannel,
  ) {}

  /**
   * A question from the panel about the checkpoint it shows: asked of the test images its
   * evaluation used, with the data folder and device the settings name.
   */
  async askAbout(target: InspectTarget, request: InspectRequest): Promise<InspectResult> {
    if (!vscode.workspace.isTrusted)
      throw new Error('Looking inside a checkpoint runs TensorFlow on this machine: it needs a trusted folder.');
    const folder = workspaceFolder();
    const base = folder?.uri.fsPath ?? path.dirname(target.checkpoint);
    const checked = await readEvaluateRequest(settingsOf(folder), base, target.checkpoint);
    if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join(' '));
    const { dataDir, device, backend } = checked.value;
    return this.ask({ checkpoint: target.checkpoint, dataDir, testSize: target.testCount, device, backend }, request);
  }

  /** The answer, or an Error whose message says why there is none. */
  async ask(subject: InspectSubject, request: InspectRequest): Promise<InspectResult> {
    const session = await this.open(subject);
    await session.ready;
    this.touch();
    const id = this.nextId++;
    return new Promise<InspectResult>((resolve, reject) => {
      session.pending.set(id, { resolve, reject });
      session.job.send({ type: 'inspectRequest', id, request });
    });
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.close();
  }

  private async open(subject: InspectSubject): Promise<Session> {
    const key = JSON.stringify(subject);
    if (this.session?.key === key) return this.session;
    this.close();
    const runtime = await this.runtime.forJob(subject.device, subject.backend ?? 'auto', 'computing');
    if (!runtime.ok) throw new Error(runtime.message);
    if (this.session?.key === key) return this.session; // another question opened it meanwhile
    this.close();
    this.output.appendLine(`=== Inspecting ${subject.checkpoint}`);
    let markReady: () => void = () => undefined;
    let failReady: (e: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    const pending: Session['pending'] = new Map();
    const job = startWorker(
      { type: 'inspect', subject: { ...subject, backend: runtime.backend } },
      {
        workerPath: this.workerPath,
        cwd: path.dirname(subject.checkpoint),
        env: runtime.env,
        onEvent: (e: TrainingEvent) => {
          if (e.type === 'inspecting') markReady();
          else if (e.type === 'inspected') {
            const waiting = pending.get(e.id);
            pending.delete(e.id);
            if (e.result) waiting?.resolve(e.result);
            else waiting?.reject(new Error(e.error ?? 'no answer'));
          } else if (e.type === 'error' || e.type === 'cancelled') {
            const why = new Error(e.type === 'error' ? e.message : 'the checkpoint was closed');
            failReady(why);
            for (const w of pending.values()) w.reject(why);
            pending.clear();
          }
        },
        onLog: (line, stream) => this.output.appendLine(`[inspect ${stream}] ${line}`),
      },
    );
    const session: Session = { key, job, ready, pending };
    void job.finished.then(() => {
      if (this.session === session) this.session = undefined;
    });
    // A failed start must not leave an unhandled rejection when nobody waits on `ready` yet.
    ready.catch(() => undefined);
    this.session = session;
    this.touch();
    return session;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), IDLE_CLOSE_MS);
  }

  private close(): void {
    const session = this.session;
    this.session = undefined;
    session?.job.cancel();
  }
}

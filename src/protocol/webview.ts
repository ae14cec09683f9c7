// Messages between the extension host and the training panel's webview. Requests from the
// webview carry an id and get exactly one reply with the same id (as in
// vscode-pull-request-github), so the UI can tell when its action was taken or why not.
import { TrainingEvent, isTrainingEvent } from './training';
import { isPositiveInt, isRecord } from './guards';
import { type InspectRequest, type InspectResult, isInspectRequest, isInspectResult } from './inspection';

/** Commands the panel's buttons can ask the extension host for. */
export type PanelCommand = 'train' | 'cancel';

export type JobKind = 'train' | 'evaluate';

/**
 * One run of the worker. Events are tagged with their job so the panel can tell a training
 * error from an evaluation error, and a new run from the previous one (also after a reload).
 */
export interface PanelJob {
  /** Unique across window reloads (time based), so a restored panel never confuses two runs. */
  id: string;
  kind: JobKind;
  /** The run name (training) or the checkpoint folder (evaluation). */
  label: string;
  /** When the job started (ms since 1970): the panel shows the newest job first. */
  startedAt: number;
  /** A sweep's run: which one of how many. */
  sweep?: SweepPosition;
}

/** A run's place in its sweep: run `run` of `runs` (from 1) of the sweep `name`. */
export interface SweepPosition {
  name: string;
  run: number;
  runs: number;
}

function isSweepPosition(v: unknown): v is SweepPosition {
  return isRecord(v) && typeof v.name === 'string' && isPositiveInt(v.run) && isPositiveInt(v.runs) && v.run <= v.runs;
}

export interface LogEntry {
  job: PanelJob;
  event: TrainingEvent;
}

/** Which checkpoint a question is about: the evaluated one, with the test images its evaluation used. */
export interface InspectTarget {
  checkpoint: string;
  testCount: number;
}

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'request'; id: number; command: PanelCommand }
  /** A question about the evaluated checkpoint; answered by an `inspectReply` with the same id. */
  | { type: 'inspect'; id: number; target: InspectTarget; request: InspectRequest };

export type HostToWebview =
  /**
   * Everything the panel should show, sent when it (re)loads: the events of the latest training
   * run and of the latest evaluation, and the job running now.
   */
  | { type: 'snapshot'; log: LogEntry[]; running: PanelJob | null }
  /** One new event of the running job. */
  | { type: 'event'; entry: LogEntry }
  /** A job started (before its first event, which may take seconds) or ended (null). */
  | { type: 'running'; job: PanelJob | null }
  | { type: 'reply'; id: number; error?: string }
  | { type: 'inspectReply'; id: number; result?: InspectResult; error?: string };

const PANEL_COMMANDS: ReadonlySet<string> = new Set<PanelCommand>(['train', 'cancel']);

export function isPanelJob(v: unknown): v is PanelJob {
  return (
    isRecord(v) &&
    typeof v.id === 'string' &&
    (v.kind === 'train' || v.kind === 'evaluate') &&
    typeof v.label === 'string' &&
    typeof v.startedAt === 'number' &&
    (v.sweep === undefined || isSweepPosition(v.sweep))
  );
}

export function isLogEntry(v: unknown): v is LogEntry {
  return isRecord(v) && isPanelJob(v.job) && isTrainingEvent(v.event);
}

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isRecord(v)) return false;
  if (v.type === 'ready') return true;
  if (v.type === 'inspect') {
    return (
      Number.isInteger(v.id) &&
      isRecord(v.target) &&
      typeof v.target.checkpoint === 'string' &&
      Number.isInteger(v.target.testCount) &&
      isInspectRequest(v.request)
    );
  }
  return v.type === 'request' && Number.isInteger(v.id) && typeof v.command === 'string' && PANEL_COMMANDS.has(v.command);
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'snapshot':
      return Array.isArray(v.log) && v.log.every(isLogEntry) && (v.running === null || isPanelJob(v.running));
    case 'event':
      return isLogEntry(v.entry);
    case 'running':
      return v.job === null || isPanelJob(v.job);
    case 'reply':
      return Number.isInteger(v.id) && (v.error === undefined || typeof v.error === 'string');
    case 'inspectReply':
      return (
        Number.isInteger(v.id) &&
        (v.result === undefined || isInspectResult(v.result)) &&
        (v.error === undefined || typeof v.error === 'string')
      );
    default:
      return false;
  }
}

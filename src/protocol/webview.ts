// Messages between the extension host and the training panel's webview. Requests from the
// webview carry an id and get exactly one reply with the same id (as in
// vscode-pull-request-github), so the UI can tell when its action was taken or why not.
import { TrainingEvent, isTrainingEvent } from './training';

/** Commands the panel's buttons can ask the extension host for. */
export type PanelCommand = 'train' | 'cancel';

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'request'; id: number; command: PanelCommand };

export type HostToWebview =
  /** Everything the panel should show, sent when it (re)loads: the log of the session so far. */
  | { type: 'snapshot'; events: TrainingEvent[]; running: boolean }
  /** One new event of the running job. */
  | { type: 'event'; event: TrainingEvent; running: boolean }
  | { type: 'reply'; id: number; error?: string };

const PANEL_COMMANDS: ReadonlySet<string> = new Set<PanelCommand>(['train', 'cancel']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isRecord(v)) return false;
  if (v.type === 'ready') return true;
  return v.type === 'request' && Number.isInteger(v.id) && typeof v.command === 'string'
    && PANEL_COMMANDS.has(v.command);
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'snapshot':
      return Array.isArray(v.events) && v.events.every(isTrainingEvent) && typeof v.running === 'boolean';
    case 'event':
      return isTrainingEvent(v.event) && typeof v.running === 'boolean';
    case 'reply':
      return Number.isInteger(v.id) && (v.error === undefined || typeof v.error === 'string');
    default:
      return false;
  }
}

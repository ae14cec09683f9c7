// A running job as a cancellable progress notification, for Train, Evaluate and a sweep's runs
// alike: each of the job's events may change the message and the bar; Cancel asks the job to
// stop. Batch events can come faster than a notification should redraw, so updates are
// throttled unless they say `now`. A sweep follows its runs one after another in one notification.
import * as vscode from 'vscode';
import type { TrainingEvent } from '../protocol/training';
import type { ActiveJob, JobRunner } from './jobRunner';
import { Throttle } from './throttle';
import type { FinalEvent } from '../client/workerClient';

const PROGRESS_INTERVAL_MS = 150;

/** What an event changes in the notification (undefined: nothing); `fraction` of the job done, 0..1. */
export type DescribeEvent = (event: TrainingEvent) => { message: string; fraction?: number; now?: boolean } | undefined;

/** An open notification: what it says and how much of its bar is full (0..1). */
export interface ProgressNote {
  say(message: string, fraction?: number, now?: boolean): void;
}

/** Opens a cancellable notification for `body`, which reports through the note it is given. */
export function withJobProgress<T>(
  title: string,
  firstMessage: string,
  body: (note: ProgressNote, token: vscode.CancellationToken) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      let shown = 0; // percent reported so far: `increment` is relative
      let done = 0;
      let message = firstMessage;
      const throttle = new Throttle(PROGRESS_INTERVAL_MS, () => {
        progress.report({ increment: done - shown, message });
        shown = done;
      });
      throttle.flush();
      const note: ProgressNote = {
        say(text, fraction, now) {
          message = text;
          if (fraction !== undefined) done = 100 * fraction;
          if (now) throttle.flush();
          else throttle.schedule();
        },
      };
      try {
        return await body(note, token);
      } finally {
        throttle.dispose();
      }
    },
  );
}

/**
 * Tells `note` of `active`'s events as `describe` words them, its fraction mapped onto
 * `[start, start + share]` of the bar and its message after `prefix`; until the job has ended.
 */
export async function trackJob(
  active: ActiveJob,
  runner: JobRunner,
  note: ProgressNote,
  describe: DescribeEvent,
  part: { prefix?: string; start?: number; share?: number } = {},
): Promise<FinalEvent> {
  const { prefix = '', start = 0, share = 1 } = part;
  const events = runner.onDidLog(({ job, event }) => {
    if (job.id !== active.job.id) return;
    const update = describe(event);
    if (update) note.say(prefix + update.message, update.fraction === undefined ? undefined : start + share * update.fraction, update.now);
  });
  try {
    return await active.finished;
  } finally {
    events.dispose();
  }
}

/** Shows `active` until it ends; resolves with its final event. */
export function followJob(
  active: ActiveJob,
  runner: JobRunner,
  title: string,
  firstMessage: string,
  describe: DescribeEvent = () => undefined,
): Thenable<FinalEvent> {
  return withJobProgress(title, firstMessage, async (note, token) => {
    const cancellation = token.onCancellationRequested(() => {
      note.say('cancelling…', undefined, true);
      active.cancel();
    });
    try {
      return await trackJob(active, runner, note, describe);
    } finally {
      cancellation.dispose();
    }
  });
}

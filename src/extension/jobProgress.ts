// A running job as a cancellable progress notification, for Train and Evaluate alike: each of the
// job's events may change the message and the bar; Cancel asks the job to stop. Batch events can
// come faster than a notification should redraw, so updates are throttled unless they say `now`.
import * as vscode from 'vscode';
import type { TrainingEvent } from '../protocol/training';
import type { ActiveJob, JobRunner } from './jobRunner';
import { Throttle } from './throttle';
import type { FinalEvent } from '../client/workerClient';

const PROGRESS_INTERVAL_MS = 150;

/** What an event changes in the notification (undefined: nothing); `fraction` of the job done, 0..1. */
export type DescribeEvent = (event: TrainingEvent) => { message: string; fraction?: number; now?: boolean } | undefined;

/** Shows `active` until it ends; resolves with its final event. */
export function followJob(
  active: ActiveJob,
  runner: JobRunner,
  title: string,
  firstMessage: string,
  describe: DescribeEvent = () => undefined,
): Thenable<FinalEvent> {
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
      const events = runner.onDidLog(({ job, event }) => {
        if (job.id !== active.job.id) return;
        const update = describe(event);
        if (!update) return;
        message = update.message;
        if (update.fraction !== undefined) done = 100 * update.fraction;
        if (update.now) throttle.flush();
        else throttle.schedule();
      });
      const cancellation = token.onCancellationRequested(() => {
        message = 'cancelling…';
        throttle.flush();
        active.cancel();
      });
      try {
        return await active.finished;
      } finally {
        events.dispose();
        cancellation.dispose();
        throttle.dispose();
      }
    },
  );
}

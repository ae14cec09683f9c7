// What the status bar item says about the latest job, in three forms: the short text with its
// icon, the words a screen reader reads instead (no icon ids, no "1/2 ·"), and the tooltip.
// A finished job's number says whether it is a training run's test accuracy or an evaluation's;
// a run at chance level carries the warning (in all three, and as the item's colour) until it ends.
// No `vscode` import: unit-tested under plain Node.
import * as path from 'node:path';
import { capitalised, fixed, percent, sweepRunOf } from '../protocol/format';
import { runFraction, type TrainingEvent } from '../protocol/training';
import type { PanelJob } from '../protocol/webview';

/** The events that change what the item says (warnings and chance level are added by the item; inspection is never a job). */
export type StatusEvent = Exclude<TrainingEvent, { type: 'warning' | 'chanceLevel' | 'inspecting' | 'inspected' }>;

export interface StatusText {
  /** With a codicon: `$(check) LSTM MNIST: trained, 97.90% test`. */
  text: string;
  /** The item's accessible name: words only. */
  label: string;
  tooltip: string;
  /** The item's background: VS Code's statusBarItem.errorBackground or .warningBackground. */
  background?: 'error' | 'warning';
}

const NAME = 'LSTM MNIST';

/**
 * `epochs`: the run's last epoch; `first`: its first (after its checkpoint's, when it continues
 * one); `chance`: the running job's chance-level warning, if it had one (not shown once the run
 * diverged or failed: its error says more); `compute`: what computes the job and why (a line of the tooltip).
 */
export function statusText(
  job: PanelJob,
  last: StatusEvent | undefined,
  epochs: number,
  first = 1,
  chance?: string,
  compute?: string,
): StatusText {
  const plain = inSweep(job, jobText(job, last, epochs, first));
  const s = compute === undefined ? plain : { ...plain, tooltip: `${plain.tooltip}\n${compute}` };
  if (chance === undefined || s.background === 'error') return s;
  return {
    text: `$(warning) ${s.text}`,
    label: `${s.label}; warning: ${chance}`,
    tooltip: `${s.tooltip}\nWarning: ${chance}`,
    background: 'warning',
  };
}

/** A sweep's run says which one it is: "run 5/12" in the text, in full in the words and the tooltip. */
function inSweep(job: PanelJob, s: StatusText): StatusText {
  if (!job.sweep) return s;
  const { run, runs } = job.sweep;
  return {
    ...s,
    text: `${s.text} · run ${run}/${runs}`,
    label: `${s.label}; ${sweepRunOf(job.sweep)}`,
    tooltip: `${s.tooltip}\n${capitalised(sweepRunOf(job.sweep))}`,
  };
}

function jobText(job: PanelJob, last: StatusEvent | undefined, epochs: number, first: number): StatusText {
  const name = job.kind === 'train' ? job.label : path.basename(job.label);
  const item = (icon: string, words: string, label: string, tooltip: string, error?: boolean): StatusText => ({
    text: `$(${icon}) ${NAME}${words}`,
    label: `${NAME}${label}`,
    tooltip,
    ...(error ? { background: 'error' as const } : {}),
  });
  switch (last?.type) {
    case undefined:
    case 'started':
    case 'probed': // the set-up's check, never part of a job
    case 'exported': // an export runs outside the job runner
      return job.kind === 'train'
        ? item('loading~spin', ': starting', ': training is starting', `Training ${name}`)
        : item('loading~spin', ': evaluating', `: evaluating ${name}`, `Evaluating ${name}`);
    case 'batch': {
      const done = percent(runFraction(last, epochs, first), 0);
      return item(
        'loading~spin',
        ` ${last.epoch}/${epochs} · ${done}`,
        `: training, epoch ${last.epoch} of ${epochs}, ${done} done`,
        `Training ${name}: epoch ${last.epoch}/${epochs}, batch ${last.batch}/${last.batchesPerEpoch}, ` +
          `loss ${fixed(last.loss)}, accuracy ${percent(last.accuracy)}`,
      );
    }
    case 'epoch': {
      const test = percent(last.metrics.valAccuracy);
      return item(
        'loading~spin',
        ` ${last.metrics.epoch}/${epochs} · test ${test}`,
        `: training, epoch ${last.metrics.epoch} of ${epochs} done, test accuracy ${test}`,
        `Training ${name}: epoch ${last.metrics.epoch} done, test accuracy ${test}`,
      );
    }
    case 'stoppedEarly':
      return item(
        'loading~spin',
        `: stopping early`,
        `: stopping early after epoch ${last.epoch}, saving`,
        `Training ${name}: no better test accuracy for ${last.patience} epochs after epoch ${last.bestEpoch}; stopping after epoch ${last.epoch}`,
      );
    case 'done': {
      const test = percent(last.test.accuracy);
      return item('check', `: trained, ${test} test`, `: trained, test accuracy ${test}`, `${name}: trained, test accuracy ${test}`);
    }
    case 'evaluation': {
      const test = percent(last.result.accuracy);
      return item(
        'beaker',
        `: evaluated, ${test}`,
        `: evaluated ${name}, test accuracy ${test}`,
        `${name} evaluated: test accuracy ${test}`,
      );
    }
    case 'diverged':
      return item('error', ': diverged', ': training diverged', `${name} diverged: ${last.message}`, true);
    case 'cancelled': {
      const what = job.kind === 'train' ? 'training' : 'evaluation';
      return item('circle-slash', ': cancelled', `: ${what} cancelled`, `${name} was cancelled`);
    }
    case 'error': {
      const what = job.kind === 'train' ? 'training' : 'evaluation';
      return item('error', ': failed', `: ${what} failed`, `${name} failed: ${last.message}`, true);
    }
  }
}

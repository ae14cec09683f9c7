// What the panel's live region says: one sentence for the newest job's latest milestone (it
// started, an epoch ended, it finished, was cancelled or failed). The view announces a sentence
// when it differs from the last one, so batches, which change none, stay quiet. Pure: no DOM.
import { baseName, fixed, percent, plural } from '../../src/protocol/format';
import type { EvaluationView, PanelState, TrainingView } from './panelState';

/** The job shown first: the newer of the training run and the evaluation. */
export function newestView(state: PanelState): TrainingView | EvaluationView | undefined {
  const { training, evaluation } = state;
  if (!training || !evaluation) return training ?? evaluation;
  return evaluation.job.startedAt > training.job.startedAt ? evaluation : training;
}

export function announcement(state: PanelState): string {
  const view = newestView(state);
  if (!view) return '';
  return 'batches' in view ? trainingSentence(view) : evaluationSentence(view);
}

function trainingSentence(view: TrainingView): string {
  const name = view.job.label;
  const o = view.outcome;
  switch (o?.kind) {
    case 'done':
      return `Training ${name} finished: test accuracy ${percent(o.test.accuracy)}, test loss ${fixed(o.test.loss)}. Saved to ${o.checkpoint}.`;
    case 'cancelled':
      return `Training ${name} cancelled. No checkpoint was saved.`;
    case 'diverged':
      return `Training ${name} diverged: ${o.message}`;
    case 'error':
      return `Training ${name} failed: ${o.message}`;
    case 'interrupted':
      return `Training ${name} was interrupted: the window was reloaded or closed before it ended.`;
    case undefined:
      break;
  }
  const last = view.epochs[view.epochs.length - 1];
  if (!last) return `Training ${name} started.`;
  const of = view.config ? ` of ${view.config.epochs}` : '';
  return `Epoch ${last.epoch}${of} ended: test accuracy ${percent(last.valAccuracy)}, test loss ${fixed(last.valLoss)}.`;
}

function evaluationSentence(view: EvaluationView): string {
  const name = baseName(view.job.label);
  const o = view.outcome;
  if (o?.kind === 'cancelled') return `Evaluation of ${name} cancelled.`;
  if (o?.kind === 'error') return `Evaluation of ${name} failed: ${o.message}`;
  if (o?.kind === 'interrupted') return `Evaluation of ${name} was interrupted: the window was reloaded or closed before it ended.`;
  const r = view.result;
  if (!r) return `Evaluating ${name}.`;
  return `Evaluation of ${name}: test accuracy ${percent(r.accuracy)} on ${plural(r.count, 'test image')}.`;
}

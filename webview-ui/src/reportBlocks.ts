// The report blocks both sections share: the device line, a warning, and how the job ended.
import type { DatasetInfo, DeviceInfo } from '../../src/protocol/training';
import { count, fixed, kernelsText, percent, seconds } from '../../src/protocol/format';
import { PORTABLE_BACKEND } from '../../src/protocol/compute';
import { breakable, h, phrases } from './dom';
import type { EvaluationView, TrainingView } from './panelState';

export function deviceLine(device: DeviceInfo | undefined, dataset: DatasetInfo | undefined): HTMLElement | undefined {
  if (!device) return undefined;
  // Classes, not ids: the training and the evaluation reports each have a device line.
  const badge = h('vscode-badge', { className: 'device-badge' }, device.device.toUpperCase());
  return h(
    'p',
    { className: 'device' },
    badge,
    ' ',
    ...phrases(
      `${device.backend} backend (${device.package})`,
      kernelsText(device),
      device.runtime &&
        h('span', { className: 'runtime' }, device.backend === PORTABLE_BACKEND ? device.runtime : `TensorFlow from ${device.runtime}`),
      dataset &&
        `${dataset.name}: ${dataset.trainCount > 0 ? `${count(dataset.trainCount)} train, ` : ''}${count(dataset.testCount)} test images`,
    ),
  );
}

export function warning(text: string): HTMLElement {
  return h(
    'p',
    { className: 'warning' },
    h('span', { className: 'warning-mark', attrs: { 'aria-hidden': 'true' } }, '⚠ '),
    'Warning: ',
    text,
  );
}

export function outcomeBlock(view: TrainingView | EvaluationView): HTMLElement | undefined {
  const o = view.outcome;
  switch (o?.kind) {
    case undefined:
      return undefined;
    case 'done':
      return h(
        'div',
        { className: 'headline', id: 'test-result' },
        h('span', { className: 'big', id: 'test-accuracy' }, percent(o.test.accuracy)),
        ' ',
        ...phrases(
          o.bestEpoch === undefined ? 'test accuracy' : `test accuracy (epoch ${o.bestEpoch}, the best, kept)`,
          `loss ${fixed(o.test.loss)}`,
          seconds(o.seconds),
        ),
        h('p', { className: 'muted path' }, 'Saved to ', breakable(o.checkpoint)),
      );
    case 'cancelled':
      return h('p', { className: 'notice', id: 'outcome' }, 'Cancelled. No checkpoint was saved.');
    case 'interrupted':
      return h('p', { className: 'notice', id: 'outcome' }, 'Interrupted: the window was reloaded or closed before the job ended.');
    case 'diverged':
      return h('pre', { className: 'error', id: 'outcome' }, `Diverged: ${o.message}`);
    case 'error':
      return h('pre', { className: 'error', id: 'outcome' }, o.message);
  }
}

/** What a run did besides training its epochs: where it continued from, and why it stopped early. */
export function runNotes(view: TrainingView): HTMLElement[] {
  const notes: HTMLElement[] = [];
  const c = view.continued;
  if (c)
    notes.push(h('p', { className: 'muted', id: 'continued' }, `Continued from `, breakable(c.checkpoint), ` after epoch ${c.epochs}.`));
  const s = view.stoppedEarly;
  if (s)
    notes.push(
      h(
        'p',
        { className: 'notice', id: 'stopped-early' },
        `Stopped early after epoch ${s.epoch}: no better test accuracy for ${s.patience} ${s.patience === 1 ? 'epoch' : 'epochs'} since epoch ${s.bestEpoch}.`,
      ),
    );
  return notes;
}

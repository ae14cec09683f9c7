// The command line that trains a checkpoint's run again: every hyperparameter it recorded (not
// only those that differ from today's defaults, which may change), its data folder when it was
// not the embedded MNIST, and the backend and training path it computed on. Continuing is exact
// (N epochs, then M more, is N + M in one run), so a continued run's line is one run of all its
// epochs. "Copy as Command" in the Checkpoints view gives it; `npm run train -- --help` explains it.
import type { CheckpointMeta } from './checkpointFormat';
import { CELL } from './architecture';
import { PORTABLE_BACKEND } from './compute';
import { LR_SCHEDULE } from './learningRate';
import { KEEP_BEST, NUMBER_RULES, type NumberField } from './runOptions';
import { EMBEDDED_DATASET } from './training';

/** The `npm run train` arguments that train `meta`'s run again. */
export function trainAgainArgs(meta: CheckpointMeta): string[] {
  const values: Partial<Record<NumberField, number>> = { ...meta.hyperparameters, units: meta.model.units, layers: meta.model.layers };
  const args = NUMBER_RULES.flatMap((rule) => {
    const value = values[rule.field];
    return value === undefined ? [] : [`--${rule.option}`, String(value)];
  });
  if (meta.model.cell) args.push(`--${CELL.option}`, meta.model.cell);
  if (meta.hyperparameters.keepBest) args.push(`--${KEEP_BEST.option}`);
  if (meta.hyperparameters.lrSchedule) args.push(`--${LR_SCHEDULE.option}`, meta.hyperparameters.lrSchedule);
  if (meta.dataset.name !== EMBEDDED_DATASET) args.push('--data-dir', meta.dataset.source);
  if (meta.device.backend === PORTABLE_BACKEND) args.push('--backend', 'portable');
  else if (meta.device.kernels && meta.device.kernels !== 'portable') args.push('--kernels', meta.device.kernels);
  return args;
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `npm run train -- …`, ready to paste into a terminal in a checkout. */
export function trainAgainCommand(meta: CheckpointMeta): string {
  return ['npm', 'run', 'train', '--', ...trainAgainArgs(meta)].map(shellWord).join(' ');
}

// What the comparison panel shows, from the runs alone (no DOM, tested under plain Node): the
// epoch curves of every run on one epoch axis, the hyperparameters with the rows that differ
// marked, and each run's result, time per epoch and device.
import { architectureText } from '../../../src/protocol/architecture';
import { scheduleText } from '../../../src/protocol/learningRate';
import { scheduleOf } from '../../../src/protocol/runOptions';
import type { ComparedRun } from '../../../src/protocol/compare';
import { count, fixed, kernelsText, percent, seconds } from '../../../src/protocol/format';
import type { EpochMetrics } from '../../../src/protocol/training';

export type Metric = 'loss' | 'valLoss' | 'accuracy' | 'valAccuracy';

export interface CurveSet {
  metric: Metric;
  title: string;
  /** Epochs 1..the longest run's last. */
  x: number[];
  /** One series per run, in the runs' order; NaN where a run has no such epoch. */
  ys: number[][];
}

export interface TableRow {
  label: string;
  /** One cell per run. */
  values: string[];
  /** Not every run has the same value. */
  differs: boolean;
}

export interface Comparison {
  names: string[];
  curves: CurveSet[];
  hyperparameters: TableRow[];
  results: TableRow[];
}

const CURVES: { metric: Metric; title: string }[] = [
  { metric: 'loss', title: 'Training loss per epoch' },
  { metric: 'valLoss', title: 'Test loss per epoch' },
  { metric: 'accuracy', title: 'Training accuracy per epoch' },
  { metric: 'valAccuracy', title: 'Test accuracy per epoch' },
];

/** A table's rows: a label, and what one run's cell says. */
type Columns = ReadonlyArray<[label: string, cell: (run: ComparedRun) => string]>;

/** A count as people read it; none given: `none` (every image there is, by default). */
function countOr(n: number | undefined, none = 'all'): string {
  return n === undefined ? none : count(n);
}

const HYPERPARAMETERS: Columns = [
  ['dataset', (r) => r.dataset.name],
  ['model', (r) => architectureText(r.model)],
  ['units', (r) => String(r.model.units)],
  ['dropout', (r) => (r.hyperparameters.dropout ? String(r.hyperparameters.dropout) : 'off')],
  ['batch size', (r) => String(r.hyperparameters.batchSize)],
  ['epochs', (r) => String(r.hyperparameters.epochs)],
  ['learning rate', (r) => String(r.hyperparameters.learningRate)],
  ['seed', (r) => String(r.hyperparameters.seed)],
  ['training images', (r) => countOr(r.hyperparameters.trainSize)],
  ['test images', (r) => countOr(r.hyperparameters.testSize)],
  ['keeps the best epoch', (r) => (r.hyperparameters.keepBest ? 'yes' : 'no')],
  ['early stopping patience', (r) => countOr(r.hyperparameters.patience, 'off')],
  ['learning-rate schedule', (r) => scheduleText(scheduleOf(r.hyperparameters))],
  ['gradient clipping (global norm)', (r) => countOr(r.hyperparameters.clipNorm, 'off')],
  ['continued from', (r) => r.continuedFrom ?? '–'],
];

const RESULTS: Columns = [
  ['test accuracy', (r) => percent(r.test.accuracy)],
  ['test loss', (r) => fixed(r.test.loss)],
  ['epoch kept', (r) => String(r.bestEpoch ?? r.epochs.at(-1)?.epoch ?? '–')],
  ['stopped early', (r) => (r.stoppedEarly ? `after epoch ${r.stoppedEarly.afterEpoch}` : 'no')],
  [
    'time per epoch',
    (r) => {
      const s = secondsPerEpoch(r.epochs);
      return s === undefined ? '–' : seconds(s);
    },
  ],
  ['run time', (r) => seconds(r.seconds)],
  ['device', (r) => `${r.device.device.toUpperCase()}, ${kernelsText(r.device)}`],
];

/** One row per column, one cell per run; `differs` when not every run has the same value. */
function rows(columns: Columns, runs: ComparedRun[]): TableRow[] {
  return columns.map(([label, cell]) => {
    const values = runs.map(cell);
    return { label, values, differs: new Set(values).size > 1 };
  });
}

/** Mean seconds per epoch: the epochs' own times. */
export function secondsPerEpoch(epochs: EpochMetrics[]): number | undefined {
  return epochs.length === 0 ? undefined : epochs.reduce((s, e) => s + e.seconds, 0) / epochs.length;
}

export function compare(runs: ComparedRun[]): Comparison {
  const last = Math.max(0, ...runs.flatMap((r) => r.epochs.map((e) => e.epoch)));
  const x = Array.from({ length: last }, (_, i) => i + 1);
  const curves = CURVES.map(({ metric, title }) => ({
    metric,
    title,
    x,
    ys: runs.map((r) => x.map((epoch) => r.epochs.find((e) => e.epoch === epoch)?.[metric] ?? Number.NaN)),
  }));
  return { names: runs.map((r) => r.name), curves, hyperparameters: rows(HYPERPARAMETERS, runs), results: rows(RESULTS, runs) };
}

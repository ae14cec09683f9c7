// What the comparison panel shows, from the runs alone (no DOM, tested under plain Node): the
// epoch curves of every run on one epoch axis, the hyperparameters with the rows that differ
// marked, and each run's result, time per epoch and device.
import type { ComparedRun } from '../../../src/protocol/compare';
import { fixed, kernelsText, percent, seconds } from '../../../src/protocol/format';
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

function row(label: string, values: string[]): TableRow {
  return { label, values, differs: new Set(values).size > 1 };
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
  const all = (n: number | undefined, what = 'all') => (n === undefined ? what : n.toLocaleString('en-US'));
  const hyperparameters = [
    row(
      'dataset',
      runs.map((r) => r.dataset.name),
    ),
    row(
      'units',
      runs.map((r) => String(r.model.units)),
    ),
    row(
      'batch size',
      runs.map((r) => String(r.hyperparameters.batchSize)),
    ),
    row(
      'epochs',
      runs.map((r) => String(r.hyperparameters.epochs)),
    ),
    row(
      'learning rate',
      runs.map((r) => String(r.hyperparameters.learningRate)),
    ),
    row(
      'seed',
      runs.map((r) => String(r.hyperparameters.seed)),
    ),
    row(
      'training images',
      runs.map((r) => all(r.hyperparameters.trainSize)),
    ),
    row(
      'test images',
      runs.map((r) => all(r.hyperparameters.testSize)),
    ),
    row(
      'keeps the best epoch',
      runs.map((r) => (r.hyperparameters.keepBest ? 'yes' : 'no')),
    ),
    row(
      'early stopping patience',
      runs.map((r) => all(r.hyperparameters.patience, 'off')),
    ),
    row(
      'continued from',
      runs.map((r) => r.continuedFrom ?? '–'),
    ),
  ];
  const results = [
    row(
      'test accuracy',
      runs.map((r) => percent(r.test.accuracy)),
    ),
    row(
      'test loss',
      runs.map((r) => fixed(r.test.loss)),
    ),
    row(
      'epoch kept',
      runs.map((r) => String(r.bestEpoch ?? r.epochs.at(-1)?.epoch ?? '–')),
    ),
    row(
      'stopped early',
      runs.map((r) => (r.stoppedEarly ? `after epoch ${r.stoppedEarly.afterEpoch}` : 'no')),
    ),
    row(
      'time per epoch',
      runs.map((r) => {
        const s = secondsPerEpoch(r.epochs);
        return s === undefined ? '–' : seconds(s);
      }),
    ),
    row(
      'run time',
      runs.map((r) => seconds(r.seconds)),
    ),
    row(
      'device',
      runs.map((r) => `${r.device.device.toUpperCase()}, ${kernelsText(r.device)}`),
    ),
  ];
  return { names: runs.map((r) => r.name), curves, hyperparameters, results };
}

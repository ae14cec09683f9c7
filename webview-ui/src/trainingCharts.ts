// The training report's four charts: loss and accuracy per epoch (train and test) and per batch
// (the running mean of the epoch), each with what it shows before it has a point.
import { fixed, percent } from '../../src/protocol/format';
import { LineChart } from './charts';
import type { TrainingView } from './panelState';

export interface TrainingChart {
  chart: LineChart;
  /** The chart's x values and series from a training view. */
  data(view: TrainingView): [number[], number[][]];
}

export function trainingCharts(): TrainingChart[] {
  const pct = (v: number): string => percent(v, 1);
  const loss = (v: number): string => fixed(v, 3);
  const perEpochEmpty = { running: 'The first epoch has not ended yet.', ended: 'No epoch ended before the run stopped.' };
  const perBatchEmpty = { running: 'Waiting for the first batch…', ended: 'The run stopped before its first batch.' };
  return [
    {
      chart: new LineChart({
        title: 'Loss per epoch',
        perEpoch: true,
        format: loss,
        empty: perEpochEmpty,
        series: [
          { label: 'train loss', color: 'blue' },
          { label: 'test loss', color: 'orange', dashed: true },
        ],
      }),
      data: (v) => [v.epochs.map((m) => m.epoch), [v.epochs.map((m) => m.loss), v.epochs.map((m) => m.valLoss)]],
    },
    {
      chart: new LineChart({
        title: 'Accuracy per epoch',
        perEpoch: true,
        format: pct,
        empty: perEpochEmpty,
        series: [
          { label: 'train accuracy', color: 'green' },
          { label: 'test accuracy', color: 'purple', dashed: true },
        ],
      }),
      data: (v) => [v.epochs.map((m) => m.epoch), [v.epochs.map((m) => m.accuracy), v.epochs.map((m) => m.valAccuracy)]],
    },
    {
      chart: new LineChart({
        title: 'Loss per batch (running mean of the epoch)',
        format: loss,
        empty: perBatchEmpty,
        series: [{ label: 'loss', color: 'blue' }],
      }),
      data: (v) => [v.batches.x, [v.batches.loss]],
    },
    {
      chart: new LineChart({
        title: 'Accuracy per batch (running mean of the epoch)',
        format: pct,
        empty: perBatchEmpty,
        series: [{ label: 'accuracy', color: 'green' }],
      }),
      data: (v) => [v.batches.x, [v.batches.accuracy]],
    },
  ];
}

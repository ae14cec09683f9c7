// The faults of docs/TESTING.md's fault table that the training process handles, each as it happens:
// checked before the first batch (a weights folder under a file, a run name another process
// holds, a model too big for the memory), a save that fails at the end (the weights go to the
// rescue folder, and the error says where), a loss that becomes non-finite (the run stops and
// saves nothing), and a run stuck at chance level (a warning, kept in the checkpoint).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import { reservationFile } from '../../src/checkpoint/reservation';
import { numberRule } from '../../src/protocol/runOptions';
import type { TrainingEvent } from '../../src/protocol/training';
import { startWorker } from '../../src/client/workerClient';
import { loadCheckpoint } from '../../src/training/model/checkpointParams';
import { loadDataset } from '../../src/training/data/dataset';
import { runTraining } from '../../src/training/jobs';
import { disposeParams } from '../../src/training/model/recurrentModel';
import { checkMemory, estimateRunBytes } from '../../src/training/loop/memoryBudget';
import { prepareWeightsFolder } from '../../src/checkpoint/weightsFolder';
import { train } from '../../src/training/loop/trainer';
import { writeBlankMnist } from '../support/blankMnist';
import { cpuBackend, quickConfig, recorder, tempDir } from './helpers';

const WORKER = path.resolve(__dirname, '../../src/training/worker.js');

/** The events of a run, and what ended it. */
async function run(config: Parameters<typeof runTraining>[0], onEvent?: (e: TrainingEvent) => void) {
  const events: TrainingEvent[] = [];
  const status = await runTraining(config, {
    emit: (e) => {
      events.push(e);
      onEvent?.(e);
    },
    isCancelled: () => false,
  });
  return { status, events, last: events.at(-1), batches: events.filter((e) => e.type === 'batch').length };
}

describe('faults of a training run', () => {
  const dir = tempDir('faults');
  const rescue = path.join(dir, 'rescued');
  let savedRescue: string | undefined;
  before(() => {
    savedRescue = process.env.LSTM_MNIST_RESCUE_DIR;
    process.env.LSTM_MNIST_RESCUE_DIR = rescue;
  });
  after(() => {
    if (savedRescue === undefined) delete process.env.LSTM_MNIST_RESCUE_DIR;
    else process.env.LSTM_MNIST_RESCUE_DIR = savedRescue;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a weights folder under a file fails before the first batch, saying so', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a folder');
    const r = await run(quickConfig(path.join(file, 'weights'), { runName: 'under-file' }));
    assert.equal(r.status, 'error');
    assert.equal(r.batches, 0, 'nothing was trained');
    assert.ok(!r.events.some((e) => e.type === 'started'));
    assert.ok(r.last?.type === 'error');
    assert.match(
      r.last.message,
      /^The checkpoint could not be saved: .*a-file\/weights cannot be a folder: a file is in the way .*Nothing was trained\.$/,
    );
  });

  it('a run name another training process holds is refused before the first batch; the holder keeps it', async () => {
    const weights = path.join(dir, 'shared');
    // The first process: under way while the second asks for its name, and with as many epochs as
    // a run may have, it cannot end before it is cancelled, however fast the machine.
    let started!: () => void;
    const underWay = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = startWorker(
      { type: 'train', config: quickConfig(weights, { runName: 'same', epochs: numberRule('epochs').max }) },
      {
        workerPath: WORKER,
        cwd: dir,
        onLog: () => undefined,
        onEvent: (e) => {
          if (e.type === 'batch') started();
        },
      },
    );
    try {
      await underWay;
      assert.ok(fs.existsSync(reservationFile(weights, 'same')), 'the running training holds its name');
      const second = await run(quickConfig(weights, { runName: 'same' }));
      assert.equal(second.status, 'error');
      assert.equal(second.batches, 0);
      assert.ok(second.last?.type === 'error');
      assert.match(second.last.message, /^The run name "same" is taken: another training process \(pid \d+\) is running under that name\./);
    } finally {
      first.cancel();
      assert.equal((await first.finished).type, 'cancelled');
    }
    assert.deepEqual(fs.readdirSync(weights), [], 'the cancelled run saved nothing and released its name');
  });

  it('a run name a checkpoint already has is refused before the first batch', async () => {
    const weights = path.join(dir, 'existing');
    fs.mkdirSync(path.join(weights, 'kept'), { recursive: true });
    const r = await run(quickConfig(weights, { runName: 'kept' }));
    assert.equal(r.batches, 0);
    assert.ok(r.last?.type === 'error');
    assert.equal(r.last.message, `The run name "kept" is taken: ${path.join(weights, 'kept')} already exists. Choose another run name.`);
  });

  it('a disk without room for the checkpoint is refused before the first batch, with the figures', () => {
    assert.throws(
      () => prepareWeightsFolder(path.join(dir, 'no-room'), 'huge', 1e15),
      /^RunPreparationError: The checkpoint could not be saved: it takes 1,000,000,000 MB and the disk of .*no-room has [\d,.]+ MB free\. Nothing was trained\.$/,
    );
    assert.deepEqual(fs.readdirSync(path.join(dir, 'no-room')), [], 'no probe file and no reservation left');
  });

  it('a model too big for the memory fails before the first batch with the figures', async () => {
    const r = await run(quickConfig(path.join(dir, 'big'), { runName: 'big', units: 4096, batchSize: 60000, trainSize: 60000 }));
    assert.equal(r.status, 'error');
    assert.equal(r.batches, 0);
    assert.ok(r.last?.type === 'error');
    assert.match(r.last.message, /^This run needs about \d+ GB of memory and this machine has \d+(\.\d)? GB: use fewer units/);
    assert.doesNotThrow(
      () =>
        checkMemory(
          estimateRunBytes({ units: 128, inputSize: 28, timesteps: 28, classes: 10, batchSize: 100, trainCount: 60000, testCount: 10000 }),
          8 * 2 ** 30,
        ),
      'the seed run fits in 8 GB',
    );
  });

  it('a save that fails at the end puts the weights in the rescue folder and says where', async () => {
    const weights = path.join(dir, 'taken-at-the-end');
    // While the run trains, something else creates a folder of the run's name.
    const r = await run(quickConfig(weights, { runName: 'late' }), (e) => {
      if (e.type === 'epoch') fs.mkdirSync(path.join(weights, 'late', 'someone-elses'), { recursive: true });
    });
    assert.equal(r.status, 'error');
    assert.ok(r.last?.type === 'error');
    const rescued = path.join(rescue, 'late');
    assert.equal(r.last.rescued, rescued);
    assert.equal(
      r.last.message,
      `The run finished, but its checkpoint could not be saved in ${weights}: a checkpoint with this run name already exists. ` +
        `The trained weights were saved in ${rescued} instead.`,
    );
    const { tf } = cpuBackend();
    const loaded = await loadCheckpoint(tf, rescued);
    assert.equal(loaded.meta.epochs.length, 1, 'the rescued checkpoint is the whole run');
    disposeParams(loaded.params);
    assert.deepEqual(fs.readdirSync(path.join(weights, 'late')), ['someone-elses'], 'the other folder is left alone');
  });

  it('a loss that becomes non-finite stops the run at that batch and saves nothing', async () => {
    const { tf } = cpuBackend();
    const backend = cpuBackend();
    const data = await loadDataset({ trainSize: 500, testSize: 200 });
    const weights = path.join(dir, 'diverged');
    const hooks = recorder();
    const before = tf.memory().numTensors;
    // A learning rate far beyond the options' limit (10), straight to the trainer: the weights
    // overflow float32 in the second step.
    const result = await train(quickConfig(weights, { runName: 'nan', learningRate: 1e38 }), backend, data, hooks);
    assert.equal(result.status, 'diverged');
    const last = hooks.events.at(-1);
    assert.ok(last?.type === 'diverged', JSON.stringify(last));
    assert.ok(!Number.isFinite(Number(last.loss)), last.loss);
    assert.equal(last.epoch, 1);
    assert.equal(hooks.events.filter((e) => e.type === 'batch').length, last.batch - 1, 'no batch is reported after the non-finite one');
    assert.match(
      last.message,
      /^the loss became (NaN|-?Infinity) at epoch 1, batch \d+: training stopped and nothing was saved; try a smaller learning rate \(this run: 1e\+38\)$/,
    );
    assert.deepEqual(fs.readdirSync(weights), [], 'no checkpoint and no reservation');
    assert.equal(tf.memory().numTensors, before, 'every tensor of the stopped run is freed');
  });

  it('a run at chance level after its first epoch is warned about, and its checkpoint keeps the warning', async () => {
    const weights = path.join(dir, 'chance');
    // Blank images: the model cannot learn, whatever the trajectory a learning rate of 10 takes.
    const blank = path.join(dir, 'blank-mnist');
    await writeBlankMnist(blank, 500, 200);
    const r = await run(quickConfig(weights, { runName: 'lr10', learningRate: 10, dataDir: blank }));
    assert.equal(r.status, 'done');
    const warning = r.events.find((e) => e.type === 'chanceLevel');
    assert.ok(warning?.type === 'chanceLevel', 'a chanceLevel event');
    assert.equal(warning.chance, 0.1);
    assert.match(
      warning.message,
      /^after epoch 1 the test accuracy is \d+\.\d\d%, no better than guessing \(10\.00%\): .*\(this run: 10\)/,
    );
    assert.deepEqual((await readCheckpointMeta(path.join(weights, 'lr10'))).warnings, [warning.message]);
  });
});

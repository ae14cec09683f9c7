// The training loop on small subsets of the real MNIST: it learns, it is repeatable from its
// seed, cancelling writes nothing, memory stays flat, and a checkpoint evaluates to its record.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, before } from 'node:test';
import type { EpochMetrics, EvaluationResult, TrainingEvent } from '../../src/protocol/training';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import { loadDataset } from '../../src/training/data/dataset';
import { runEvaluation, runTraining } from '../../src/training/jobs';
import { train } from '../../src/training/loop/trainer';
import { cpuBackend, quickConfig, recorder, tempDir } from './helpers';

const backend = cpuBackend();
const { tf } = backend;
const ofType = <T extends TrainingEvent['type']>(events: TrainingEvent[], type: T) =>
  events.filter((e): e is Extract<TrainingEvent, { type: T }> => e.type === type);

describe('trainer', () => {
  let dir: string;
  before(() => {
    dir = tempDir('train');
  });

  describe('a 5,000-example run and its checkpoint', () => {
    // Trained once here, so that each test below stands on its own, in any order.
    let learned: { events: TrainingEvent[]; status: string };
    const checkpoint = (): string => path.join(dir, 'learns');
    before(async () => {
      const rec = recorder();
      const status = await runTraining(
        quickConfig(dir, { units: 128, batchSize: 100, trainSize: 5000, testSize: 1000, runName: 'learns' }),
        rec,
      );
      learned = { events: rec.events, status };
    });

    it('learns: test accuracy far above chance (0.1), and the checkpoint records the run', async () => {
      assert.equal(learned.status, 'done', JSON.stringify(ofType(learned.events, 'error')));
      const done = ofType(learned.events, 'done')[0];
      assert.ok(done.test.accuracy > 0.6, `accuracy ${done.test.accuracy}`);
      const started = ofType(learned.events, 'started')[0];
      assert.equal(started.batchesPerEpoch, 50);
      assert.equal(started.device.backend, 'tensorflow');
      assert.equal(started.device.device, 'cpu');
      assert.equal(ofType(learned.events, 'batch').length, 50);
      const meta = await readCheckpointMeta(done.checkpoint);
      assert.equal(meta.epochs.length, 1);
      assert.equal(meta.test.accuracy, done.test.accuracy);
      assert.equal(meta.device.package, '@tensorflow/tfjs-node');
      assert.equal(meta.dataset.trainCount, 5000);
    });

    it('evaluating the saved checkpoint reproduces its recorded test result', async () => {
      const rec = recorder();
      assert.equal(await runEvaluation({ checkpoint: checkpoint(), device: 'cpu', testSize: 1000 }, rec), 'done');
      const { result } = ofType(rec.events, 'evaluation')[0] as { result: EvaluationResult };
      const meta = await readCheckpointMeta(checkpoint());
      assert.equal(result.count, 1000);
      assert.ok(Math.abs(result.accuracy - meta.test.accuracy) < 1e-9);
      assert.ok(Math.abs(result.loss - meta.test.loss) < 1e-5);
      assert.equal(
        result.confusion.flat().reduce((a, b) => a + b, 0),
        1000,
      );
      result.perClassAccuracy.forEach((a, c) => {
        const row = result.confusion[c];
        assert.ok(Math.abs(a - row[c] / row.reduce((s, n) => s + n, 0)) < 1e-12);
      });
    });

    it('cancelling an evaluation stops it between chunks', async () => {
      // 6,000 images are three chunks of 2,000; the cancel comes at the second check, after
      // the second chunk: an evaluation that ignored it, or only looked before starting, would finish.
      let checks = 0;
      const rec = {
        events: [] as TrainingEvent[],
        emit(e: TrainingEvent) {
          this.events.push(e);
        },
        isCancelled: () => ++checks >= 2,
      };
      assert.equal(await runEvaluation({ checkpoint: checkpoint(), device: 'cpu', testSize: 6000 }, rec), 'cancelled');
      assert.deepEqual(
        rec.events.map((e) => e.type),
        ['cancelled'],
      );
      assert.equal(checks, 2, 'it stopped at the second check, between the chunks');
    });
  });

  it('is repeatable: the same seed gives the same metrics', async () => {
    const run = async (name: string) => {
      const rec = recorder();
      await runTraining(quickConfig(dir, { runName: name, epochs: 2 }), rec);
      return ofType(rec.events, 'epoch').map((e) => {
        const { seconds, ...m } = e.metrics as EpochMetrics;
        void seconds;
        return m;
      });
    };
    assert.deepEqual(await run('seed-a'), await run('seed-b'));
  });

  it('cancelling between batches stops the run and writes no checkpoint', async () => {
    const rec = recorder(3);
    const status = await runTraining(quickConfig(dir, { runName: 'cancelled' }), rec);
    assert.equal(status, 'cancelled');
    assert.equal(ofType(rec.events, 'batch').length, 3);
    assert.equal(rec.events.at(-1)?.type, 'cancelled');
    assert.ok(!fs.existsSync(path.join(dir, 'cancelled')));
    assert.ok(!fs.readdirSync(dir).some((n) => n.startsWith('.tmp-')));
  });

  for (const kernels of ['fused', 'reference'] as const) {
    it(`${kernels}: the tensor count does not grow over many batches, and returns to where it started`, async () => {
      const data = await loadDataset({ trainSize: 600, testSize: 200 });
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      const hooks = {
        emit: (e: TrainingEvent) => {
          if (e.type === 'batch') counts.push(tf.memory().numTensors);
        },
        isCancelled: () => false,
      };
      const config = quickConfig(dir, { runName: `memory-${kernels}`, batchSize: 20, epochs: 3, kernels });
      await train(config, backend, data, hooks);
      assert.equal(counts.length, 90);
      // After the first step (Adam creates its moment variables) the count stays the same.
      assert.deepEqual(new Set(counts.slice(1)).size, 1, `tensor counts: ${[...new Set(counts)].join(', ')}`);
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it('scheduled: a last batch of another size trains in the same graph; where the graph cannot be written, the run says it runs slower, and trains', async () => {
    const data = await loadDataset({ trainSize: 530, testSize: 100 });
    const run = async (name: string) => {
      const rec = recorder();
      const status = (await train(quickConfig(dir, { runName: name, kernels: 'scheduled', trainSize: 530 }), backend, data, rec)).status;
      return { status, events: rec.events };
    };
    const inGraph = await run('last-batch');
    assert.equal(inGraph.status, 'done', JSON.stringify(ofType(inGraph.events, 'error')));
    assert.deepEqual(ofType(inGraph.events, 'warning'), []);
    assert.equal(ofType(inGraph.events, 'batch').length, 11, '10 batches of 50 and one of 30');
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = path.join(dir, 'no-such-folder');
    try {
      const opByOp = await run('no-graph');
      assert.equal(opByOp.status, 'done', JSON.stringify(ofType(opByOp.events, 'error')));
      assert.match(
        ofType(opByOp.events, 'warning')[0]?.message ?? '',
        /^Training runs slower: TensorFlow could not load the training step's graph \(.*ENOENT/,
      );
      // The same function either way: the same predictions after one epoch, nearly the same loss.
      const [a, b] = [inGraph, opByOp].map((r) => ofType(r.events, 'epoch')[0].metrics as EpochMetrics);
      assert.ok(Math.abs(a.loss - b.loss) < 1e-3, `loss ${a.loss} and ${b.loss}`);
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
  });

  it('a bad dataset folder or checkpoint ends in an error event, not an exception', async () => {
    const rec = recorder();
    assert.equal(await runTraining(quickConfig(dir, { runName: 'nodata', dataDir: path.join(dir, 'missing') }), rec), 'error');
    assert.match(ofType(rec.events, 'error')[0].message, /Dataset folder not found/);
    const rec2 = recorder();
    assert.equal(await runEvaluation({ checkpoint: path.join(dir, 'missing'), device: 'cpu' }, rec2), 'error');
    assert.match(ofType(rec2.events, 'error')[0].message, /no such checkpoint folder/);
  });
});

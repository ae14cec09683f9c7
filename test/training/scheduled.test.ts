// The scheduled path against the others, on the seed model: its gradient (the hand-scheduled
// backward, the batch's shares side by side in one graph) equals the reference path's within
// 1e-4 and loss and accuracy agree; any number of shares gives the batch's gradient; its ops run
// as one graph give what they give run one by one, and run so where the graph cannot be loaded;
// Adam on the flat array equals FlatAdam; one share and two train as the fused path does; nothing
// is left behind step after step.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { FlatAdam } from '../../src/training/flatAdam';
import { correctCount, crossEntropy, disposeParams, initParams, logits, modelSpec, paramList } from '../../src/training/model';
import { loadDataset } from '../../src/training/dataset';
import { RawOps } from '../../src/training/rawOps';
import { ScheduledGradient } from '../../src/training/scheduledGradient';
import { ScheduledSteps, TapeSteps } from '../../src/training/stepRunners';
import { disposeSplit, type SplitTensors, tensorsFromSplit } from '../../src/training/tensors';
import { VectorAdam } from '../../src/training/vectorAdam';
import { cpuBackend } from './helpers';

const { tf } = cpuBackend();
const spec = modelSpec(28, 28, 128);

function flatten(params: ReturnType<typeof initParams>): Float32Array {
  return Float32Array.from(paramList(params).flatMap((v) => Array.from(v.dataSync())));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The SavedModel folders of loaded graphs still in the temporary folder. */
function graphFolders(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('lstm-mnist-graph-'));
}

describe('scheduled path', async () => {
  const data = await loadDataset({ trainSize: 400, testSize: 10 });
  const train: SplitTensors = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  const params = initParams(tf, spec, 7);
  const rows = Int32Array.from({ length: 100 }, (_, i) => (i * 3) % 400);
  const ops = new RawOps(tf);
  const images = { x: ops.handleOf(train.x), labels: ops.handleOf(train.labels), count: train.count };
  const gradient = (shares: number): ScheduledGradient => new ScheduledGradient(ops, spec, images, shares);
  after(() => {
    disposeParams(params);
    disposeSplit(train);
  });

  it("its gradient, loss and correct count equal the reference path's (tfjs autodiff of the basicLSTMCell loop) within 1e-4", () => {
    const scheduled = gradient(2);
    const mine = scheduled.compute(flatten(params), rows);
    scheduled.dispose();
    const idx = tf.tensor1d(rows, 'int32');
    const x = tf.gather(train.x, idx, 1) as tfn.Tensor3D;
    const labels = tf.gather(train.labels, idx) as tfn.Tensor1D;
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(tf, logits(tf, params, x, spec, 'reference'), labels, 'reference'),
      paramList(params),
    );
    const reference = Float32Array.from(paramList(params).flatMap((v) => Array.from(grads[v.name].dataSync())));
    assert.ok(maxDifference(mine.grad, reference) < 1e-4, `max difference ${maxDifference(mine.grad, reference)}`);
    assert.ok(Math.abs(mine.lossSum / rows.length - value.dataSync()[0]) < 1e-5);
    assert.equal(mine.correct, correctCount(tf, logits(tf, params, x, spec, 'reference'), labels).dataSync()[0]);
    tf.dispose([idx, x, labels, value, ...Object.values(grads)]);
  });

  it("one, two or three shares give the whole batch's gradient, loss and correct count", () => {
    const flat = flatten(params);
    const [one, two, three] = [1, 2, 3].map((shares) => {
      const scheduled = gradient(shares);
      const result = scheduled.compute(flat, rows);
      scheduled.dispose();
      return result;
    });
    for (const other of [two, three]) {
      assert.ok(maxDifference(other.grad, one.grad) < 1e-6, `max difference ${maxDifference(other.grad, one.grad)}`);
      assert.ok(Math.abs(other.lossSum - one.lossSum) < 1e-3);
      assert.equal(other.correct, one.correct);
    }
  });

  it('runs its ops as one graph per batch size, with the numbers they give run one by one', () => {
    const scheduled = gradient(2);
    const before = { graphs: ops.loadedGraphs, folders: graphFolders() };
    const flat = flatten(params);
    try {
      const asGraph = scheduled.compute(flat, rows);
      const opByOp = scheduled.compute(flat, rows, true);
      assert.equal(scheduled.graphUnavailable, undefined);
      assert.equal(ops.loadedGraphs, before.graphs + 1, 'one graph for batches of 100');
      assert.deepEqual(graphFolders(), before.folders, 'its SavedModel folder is removed once loaded');
      assert.ok(maxDifference(asGraph.grad, opByOp.grad) < 1e-6, `max difference ${maxDifference(asGraph.grad, opByOp.grad)}`);
      assert.equal(asGraph.correct, opByOp.correct);
      assert.ok(Math.abs(asGraph.lossSum - opByOp.lossSum) < 1e-4);
      scheduled.compute(flat, rows.subarray(0, 60));
      scheduled.compute(flat, rows);
      assert.equal(ops.loadedGraphs, before.graphs + 2, 'one more for a batch of 60, none more for 100');
    } finally {
      scheduled.dispose();
    }
    assert.equal(ops.loadedGraphs, before.graphs, 'its graphs are deleted with it');
    assert.equal(ops.live, 0, 'raw handles');
  });

  it('runs its ops one by one where the graph cannot be loaded (no temporary folder to write it to)', () => {
    const scheduled = gradient(2);
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = path.join(os.tmpdir(), 'lstm-mnist-no-such-folder');
    try {
      const flat = flatten(params);
      const fallback = scheduled.compute(flat, rows);
      assert.match(scheduled.graphUnavailable ?? '', /ENOENT/);
      assert.ok(maxDifference(fallback.grad, scheduled.compute(flat, rows, true).grad) < 1e-6);
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
      scheduled.dispose();
    }
  });

  it('Adam on the flat array updates the weights as FlatAdam (tf.train.adam) does', () => {
    const a = initParams(tf, spec, 3);
    const b = initParams(tf, spec, 3);
    const flat = new FlatAdam(tf, paramList(a), 0.01);
    const vector = new VectorAdam(flatten(b), 0.01, tf.backend().epsilon());
    for (let step = 0; step < 3; step++) {
      const grads = paramList(a).map((v, i) => tf.randomNormal(v.shape, 0, 0.1, 'float32', 100 * step + i));
      const g = Float32Array.from(grads.flatMap((t) => Array.from(t.dataSync())));
      tf.dispose(flat.minimize(() => tf.addN(paramList(a).map((v, i) => tf.sum(tf.mul(v, grads[i])))) as tfn.Scalar));
      vector.apply(g);
      tf.dispose(grads);
    }
    assert.ok(maxDifference(flatten(a), vector.params) < 1e-6, `max difference ${maxDifference(flatten(a), vector.params)}`);
    flat.dispose();
    disposeParams(a);
    disposeParams(b);
  });

  for (const shares of [1, 2]) {
    it(`${shares === 1 ? 'one share trains' : `${shares} shares train`} as the fused path does: the same weights after five steps, within 1e-4; nothing left behind`, async () => {
      const one = initParams(tf, spec, 11);
      const two = initParams(tf, spec, 11);
      const tape = new TapeSteps(tf, { params: one, spec, kernels: 'fused' }, train, 0.01);
      const scheduled = new ScheduledSteps(tf, two, spec, train, 0.01, { shares, threads: 1 });
      const tensors = tf.memory().numTensors;
      try {
        for (let step = 0; step < 5; step++) {
          const batch = rows.map((r) => (r + 17 * step) % 400);
          const expected = await tape.step(batch);
          const got = await scheduled.step(batch);
          assert.equal(got.correct, expected.correct, `step ${step}: correct predictions`);
          assert.ok(Math.abs(expected.lossSum - got.lossSum) < 1e-3, `step ${step}: loss ${expected.lossSum} and ${got.lossSum}`);
          assert.equal(scheduled.liveHandles, 0, 'raw handles between steps');
        }
        assert.equal(tf.memory().numTensors, tensors, 'tfjs tensors');
        scheduled.syncParams();
        assert.ok(maxDifference(flatten(one), flatten(two)) < 1e-4, `max difference ${maxDifference(flatten(one), flatten(two))}`);
      } finally {
        tape.dispose();
        scheduled.dispose();
        disposeParams(one);
        disposeParams(two);
      }
    });
  }
});

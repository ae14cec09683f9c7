// The scheduled path against the others, on the seed model: its gradient (the hand-scheduled
// backward, the batch's shards) equals the reference path's within 1e-4 and loss and accuracy
// agree; any number of shards gives the batch's gradient; its training step as one graph (Adam and
// the weights inside) trains as its ops run one by one with Adam in JS, which it falls back to
// where the graph cannot be loaded; Adam on the flat array equals TensorAdam; one shard and two train
// as the fused path does; nothing is left behind step after step.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { type Architecture, architectureText } from '../../src/protocol/architecture';
import { dropoutMasks } from '../../src/training/model/dropout';
import { TensorAdam } from '../../src/training/optim/tensorAdam';
import { disposeParams, initParams, modelSpec, paramList } from '../../src/training/model/recurrentModel';
import { loadDataset } from '../../src/training/data/dataset';
import { BindingOps, Scope } from '../../src/training/native/bindingOps';
import { OpByOpGradient } from '../../src/training/graph/opByOpGradient';
import { ScheduledSteps, AutodiffSteps } from '../../src/training/loop/stepRunners';
import { disposeSplit, type SplitTensors, tensorsFromSplit } from '../../src/training/data/splitTensors';
import { adamEpsilon } from '../../src/training/optim/adamState';
import { ArrayAdam } from '../../src/training/optim/arrayAdam';
import { cpuBackend, flatten, maxDifference, referenceGradient, tempDir } from './helpers';

const { tf } = cpuBackend();
const spec = modelSpec(28, 28, 128);

/** The SavedModel folders of loaded graphs still in `dir`. */
function graphFolders(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('lstm-mnist-graph-'));
}

/** Runs `make` with the temporary folder (where graphs are written) set to `dir`. */
function withTmpdir<T>(dir: string, make: () => T): T {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return make();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

describe('scheduled path', async () => {
  const data = await loadDataset({ trainSize: 400, testSize: 10 });
  const train: SplitTensors = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  const params = initParams(tf, spec, 7);
  const rows = Int32Array.from({ length: 100 }, (_, i) => (i * 3) % 400);
  const ops = new BindingOps(tf);
  // The graph's images: bytes, as the IDX file has them (the reference path's are train's floats).
  const held = new Scope();
  const images = {
    x: ops.bytes(held, [data.train.count, data.rows, data.cols], data.train.pixels),
    labels: ops.ints(held, [data.train.count], Int32Array.from(data.train.labels)),
    count: data.train.count,
  };
  const gradient = (shards: number): OpByOpGradient => new OpByOpGradient(ops, spec, images, shards);
  after(() => {
    disposeParams(params);
    disposeSplit(train);
    ops.end(held);
  });

  it("its gradient, loss and correct count equal the reference path's (tfjs autodiff of the basicLSTMCell loop) within 1e-4", () => {
    const mine = gradient(2).compute(flatten(params), rows);
    const reference = referenceGradient(params, spec, train, rows);
    assert.ok(maxDifference(mine.grad, reference.grad) < 1e-4, `max difference ${maxDifference(mine.grad, reference.grad)}`);
    assert.ok(Math.abs(mine.lossSum / rows.length - reference.loss) < 1e-5);
    assert.equal(mine.correct, reference.correct);
  });

  for (const architecture of [
    { layers: 2, cell: 'lstm' },
    { layers: 1, cell: 'gru' },
    { layers: 2, cell: 'gru' },
  ] as Architecture[]) {
    it(`a ${architectureText(architecture)} of 32 units, with and without dropout: its gradient, loss and correct count equal the reference path's within 1e-4, in one shard and two`, () => {
      const small = modelSpec(28, 28, 32, architecture);
      const weights = initParams(tf, small, 11);
      try {
        for (const masks of [undefined, dropoutMasks(small, rows.length, { rate: 0.3, seed: 5 }, 1)]) {
          const reference = referenceGradient(weights, small, train, rows, masks);
          for (const shards of [1, 2]) {
            const mine = new OpByOpGradient(ops, small, images, shards).compute(flatten(weights), rows, masks);
            assert.ok(
              maxDifference(mine.grad, reference.grad) < 1e-4,
              `${shards} shards: max difference ${maxDifference(mine.grad, reference.grad)}`,
            );
            assert.ok(Math.abs(mine.lossSum / rows.length - reference.loss) < 1e-5);
            assert.equal(mine.correct, reference.correct);
          }
        }
      } finally {
        disposeParams(weights);
      }
    });
  }

  it("the graph's gradient is the one its ops give run one by one: Adam's first moment after a first step is a tenth of it", async () => {
    const graphParams = initParams(tf, spec, 7);
    const steps = new ScheduledSteps(tf, graphParams, spec, data.train, 0.01, { shards: 2, threads: 1 }, [100]);
    try {
      const expected = gradient(2).compute(flatten(params), rows);
      const got = await steps.step(rows);
      assert.equal(steps.graphUnavailable, undefined);
      const fromGraph = steps.optimizerState().m.map((m) => m / (1 - 0.9));
      assert.ok(maxDifference(fromGraph, expected.grad) < 1e-6, `max difference ${maxDifference(fromGraph, expected.grad)}`);
      assert.equal(got.correct, expected.correct);
      assert.ok(Math.abs(got.lossSum - expected.lossSum) < 1e-4);
    } finally {
      steps.dispose();
      disposeParams(graphParams);
    }
  });

  it("one, two or three shards give the whole batch's gradient, loss and correct count", () => {
    const flat = flatten(params);
    const [one, two, three] = [1, 2, 3].map((shards) => gradient(shards).compute(flat, rows));
    for (const other of [two, three]) {
      assert.ok(maxDifference(other.grad, one.grad) < 1e-6, `max difference ${maxDifference(other.grad, one.grad)}`);
      assert.ok(Math.abs(other.lossSum - one.lossSum) < 1e-3);
      assert.equal(other.correct, one.correct);
    }
  });

  it('its step as one graph trains as its ops run one by one with Adam in JS, which it falls back to where the graph cannot be written', async () => {
    // A temporary folder of this test's own: other test files write graphs too.
    const tmp = tempDir('scheduled-graphs');
    const loaded = ops.loadedGraphs;
    const asGraph = initParams(tf, spec, 5);
    const opByOp = initParams(tf, spec, 5);
    const graphSteps = withTmpdir(tmp, () => new ScheduledSteps(tf, asGraph, spec, data.train, 0.01, { shards: 2, threads: 1 }, [100, 60]));
    const fallback = withTmpdir(
      path.join(tmp, 'no-such-folder'),
      () => new ScheduledSteps(tf, opByOp, spec, data.train, 0.01, { shards: 2, threads: 1 }, [100, 60]),
    );
    try {
      assert.equal(graphSteps.graphUnavailable, undefined);
      assert.match(fallback.graphUnavailable ?? '', /ENOENT/);
      assert.equal(ops.loadedGraphs, loaded + 1, 'one graph, for both batch sizes');
      assert.deepEqual(graphFolders(tmp), [], 'its SavedModel folder is removed once loaded');
      // Both batch sizes, on the same weights and Adam's state.
      for (const batch of [rows, rows.subarray(0, 60), rows.map((r) => (r + 1) % 400)]) {
        const a = await graphSteps.step(batch);
        const b = await fallback.step(batch);
        assert.equal(a.correct, b.correct);
        assert.ok(Math.abs(a.lossSum - b.lossSum) < 1e-4 * batch.length, `loss ${a.lossSum} and ${b.lossSum}`);
      }
      await assert.rejects(graphSteps.step(rows.subarray(0, 7)), /no training step for batches of 7/);
      graphSteps.syncParams();
      fallback.syncParams();
      // Within 1e-4, as the paths' weights are compared after five steps: Adam in float32 there and
      // in float64 in JS differ in the last bits, and the next steps' gradients carry it on.
      assert.ok(
        maxDifference(flatten(asGraph), flatten(opByOp)) < 1e-4,
        `max difference ${maxDifference(flatten(asGraph), flatten(opByOp))}`,
      );
      const [x, y] = [graphSteps.optimizerState(), fallback.optimizerState()];
      assert.equal(x.step, 3);
      assert.equal(y.step, 3);
      assert.ok(
        maxDifference(x.m, y.m) < 1e-6 && maxDifference(x.v, y.v) < 1e-8,
        `Adam's moments: ${maxDifference(x.m, y.m)}, ${maxDifference(x.v, y.v)}`,
      );
    } finally {
      graphSteps.dispose();
      fallback.dispose();
      disposeParams(asGraph);
      disposeParams(opByOp);
    }
    assert.equal(ops.loadedGraphs, loaded, 'its graph is deleted with it');
  });

  it('Adam on the flat array updates the weights as TensorAdam (tf.train.adam) does', () => {
    const a = initParams(tf, spec, 3);
    const b = initParams(tf, spec, 3);
    const flat = new TensorAdam(tf, paramList(a), 0.01);
    const vector = new ArrayAdam(flatten(b), 0.01, adamEpsilon(tf));
    for (let step = 0; step < 3; step++) {
      const grads = paramList(a).map((v, i) => tf.randomNormal(v.shape, 0, 0.1, 'float32', 100 * step + i));
      const g = Float32Array.from(grads.flatMap((t) => Array.from(t.dataSync())));
      tf.dispose(flat.minimize(() => tf.addN(paramList(a).map((v, i) => tf.sum(tf.mul(v, grads[i])))) as tfn.Scalar).loss);
      vector.apply(g);
      tf.dispose(grads);
    }
    assert.ok(maxDifference(flatten(a), vector.params) < 1e-6, `max difference ${maxDifference(flatten(a), vector.params)}`);
    flat.dispose();
    disposeParams(a);
    disposeParams(b);
  });

  for (const shards of [1, 2]) {
    it(`${shards === 1 ? 'one shard trains' : `${shards} shards train`} as the fused path does: the same weights after five steps, within 1e-4; nothing left behind`, async () => {
      const one = initParams(tf, spec, 11);
      const two = initParams(tf, spec, 11);
      const tape = new AutodiffSteps(tf, { params: one, spec, kernels: 'fused' }, data.train, 0.01);
      const scheduled = new ScheduledSteps(tf, two, spec, data.train, 0.01, { shards, threads: 1 }, [100]);
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

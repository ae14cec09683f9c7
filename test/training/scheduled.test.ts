// The scheduled path against the others, on the seed model: its gradient (raw ops, the
// hand-scheduled backward) equals the reference path's within 1e-4 and loss and accuracy agree;
// shares add up to the whole batch; Adam on the flat array equals FlatAdam; two replica processes,
// or the training process alone, train as the fused path does; nothing is left behind step after
// step; and a helper that dies fails the step with its reason.
import { strict as assert } from 'node:assert';
import { describe, it, after } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { FlatAdam } from '../../src/training/flatAdam';
import { correctCount, crossEntropy, disposeParams, initParams, logits, modelSpec, paramList } from '../../src/training/model';
import { loadDataset } from '../../src/training/dataset';
import { ReplicaPool } from '../../src/training/replicaPool';
import { ShardTrainer } from '../../src/training/shardTrainer';
import { ParallelSteps, TapeSteps } from '../../src/training/stepRunners';
import { disposeSplit, tensorsFromSplit } from '../../src/training/tensors';
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

describe('scheduled path', async () => {
  const data = await loadDataset({ trainSize: 400, testSize: 10 });
  const train = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  const params = initParams(tf, spec, 7);
  const rows = Int32Array.from({ length: 100 }, (_, i) => (i * 3) % 400);
  const shard = new ShardTrainer(tf, spec, train);
  after(() => {
    shard.dispose();
    disposeParams(params);
    disposeSplit(train);
  });

  it("its gradient, loss and correct count equal the reference path's (tfjs autodiff of the basicLSTMCell loop) within 1e-4", () => {
    const mine = shard.compute(flatten(params), rows, 1 / rows.length);
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

  it("the shares of a batch add up to the whole batch's gradient", () => {
    const flat = flatten(params);
    const whole = shard.compute(flat, rows, 1 / rows.length);
    const first = shard.compute(flat, rows.subarray(0, 37), 1 / rows.length);
    const second = shard.compute(flat, rows.subarray(37), 1 / rows.length);
    const sum = first.grad.map((g, i) => g + second.grad[i]);
    assert.ok(maxDifference(sum, whole.grad) < 1e-6, `max difference ${maxDifference(sum, whole.grad)}`);
    assert.ok(Math.abs(first.lossSum + second.lossSum - whole.lossSum) < 1e-3);
    assert.equal(first.correct + second.correct, whole.correct);
  });

  it('leaves no handle and no tensor behind, step after step', () => {
    const flat = flatten(params);
    // Its constants are made once per shard size, here.
    shard.compute(flat, rows.subarray(0, 50), 0.01);
    const handles = shard.liveHandles;
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) shard.compute(flat, rows.subarray(i, i + 50), 0.02);
    assert.equal(shard.liveHandles, handles, 'raw handles');
    assert.equal(tf.memory().numTensors, tensors, 'tfjs tensors');
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

  // Two processes on two cores; one alone where there is one core or a batch too small to share.
  for (const replicas of [2, 1]) {
    const who = replicas === 1 ? 'the training process alone trains' : `${replicas} replica processes train`;
    it(`${who} as the fused path does: the same weights after five steps, within 1e-4`, { timeout: 120_000 }, async () => {
      const one = initParams(tf, spec, 11);
      const two = initParams(tf, spec, 11);
      const tape = new TapeSteps(tf, { params: one, spec, kernels: 'fused' }, train, 0.01);
      const parallel = await ParallelSteps.start(tf, two, spec, train, { learningRate: 0.01, trainSize: 400 }, { replicas, threads: 1 });
      try {
        assert.equal(parallel.replicas, replicas);
        for (let step = 0; step < 5; step++) {
          const batch = rows.map((r) => (r + 17 * step) % 400);
          const a = await tape.step(batch);
          const b = await parallel.step(batch);
          assert.equal(b.correct, a.correct, `step ${step}: correct predictions`);
          assert.ok(Math.abs(a.lossSum - b.lossSum) < 1e-3, `step ${step}: loss ${a.lossSum} and ${b.lossSum}`);
        }
        parallel.syncParams();
        assert.ok(maxDifference(flatten(one), flatten(two)) < 1e-4, `max difference ${maxDifference(flatten(one), flatten(two))}`);
      } finally {
        tape.dispose();
        parallel.dispose();
        disposeParams(one);
        disposeParams(two);
      }
    });
  }

  it('a helper that dies fails the step with its reason', { timeout: 60_000 }, async () => {
    const pool = await ReplicaPool.start(1, 1, flatten(params).length, { type: 'init', spec, trainSize: 400 });
    try {
      const helper = (pool as unknown as { helpers: Array<{ child: { kill(s: string): void } }> }).helpers[0];
      helper.child.kill('SIGKILL');
      await assert.rejects(pool.gradients(flatten(params), [rows], 0.01).gradients, /a training replica (was killed by SIGKILL|exited)/);
    } finally {
      pool.dispose();
    }
  });
});

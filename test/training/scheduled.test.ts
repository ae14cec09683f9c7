// The scheduled path against the others, on the seed model: its gradient (raw ops, the
// hand-scheduled backward) equals the reference path's within 1e-4 and loss and accuracy agree;
// shares add up to the whole batch; Adam on the flat array equals FlatAdam; two replica processes
// train as the fused path does (the training process alone: scheduledAlone.test.ts); nothing is left behind step after
// step; and a helper that dies fails the step with its reason.
import { strict as assert } from 'node:assert';
import { describe, it, after } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { FlatAdam } from '../../src/training/flatAdam';
import { correctCount, crossEntropy, disposeParams, initParams, logits, modelSpec, paramList } from '../../src/training/model';
import { loadDataset } from '../../src/training/dataset';
import { ReplicaPool } from '../../src/training/replicaPool';
import { ShardTrainer } from '../../src/training/shardTrainer';
import { disposeSplit, tensorsFromSplit } from '../../src/training/tensors';
import { VectorAdam } from '../../src/training/vectorAdam';
import { cpuBackend } from './helpers';
import { flatten, maxDifference, trainsAsTheFusedPath } from './replicaRuns';

const { tf } = cpuBackend();
const spec = modelSpec(28, 28, 128);

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

  // Two processes on two cores (the training process alone, in scheduledAlone.test.ts).
  trainsAsTheFusedPath(2);

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

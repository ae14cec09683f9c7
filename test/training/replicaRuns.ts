// What the scheduled path's test files share: flat weights, their largest difference, and the test
// that a scheduled run with a given number of replica processes trains as the fused path does.
// That test is registered by two files, one replica count each, so that each runs in a process of
// its own, as every training run does: a process that ran a two-process run and then a one-process
// one had its heap corrupted in about half the tries (README, "Speed"; a TensorFlow or tfjs-node
// fault whose cause is not found yet), which no training process ever does.
import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import { loadDataset } from '../../src/training/dataset';
import { disposeParams, initParams, modelSpec, paramList } from '../../src/training/model';
import { ParallelSteps, TapeSteps } from '../../src/training/stepRunners';
import { disposeSplit, type SplitTensors, tensorsFromSplit } from '../../src/training/tensors';
import { cpuBackend } from './helpers';

export function flatten(params: ReturnType<typeof initParams>): Float32Array {
  return Float32Array.from(paramList(params).flatMap((v) => Array.from(v.dataSync())));
}

export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Five steps of the scheduled path on `replicas` processes end with the fused path's weights, within 1e-4. */
export function trainsAsTheFusedPath(replicas: number): void {
  const { tf } = cpuBackend();
  const spec = modelSpec(28, 28, 128);
  const rows = Int32Array.from({ length: 100 }, (_, i) => (i * 3) % 400);
  let train: SplitTensors;
  before(async () => {
    const data = await loadDataset({ trainSize: 400, testSize: 10 });
    train = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  });
  after(() => disposeSplit(train));
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

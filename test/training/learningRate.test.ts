// A learning-rate schedule reaches Adam on every training path: a run whose rate falls to almost
// nothing after its first epoch ends with its first epoch's weights (a constant rate would have
// moved them), records each epoch's rate, and its checkpoint records the schedule.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import type { TrainConfig } from '../../src/protocol/training';
import { maxDifference, quickConfig, tempDir, trainedWeights } from './helpers';

const PATHS: Array<[string, Partial<TrainConfig>]> = [
  ['scheduled', { kernels: 'scheduled' }],
  ['fused', { kernels: 'fused' }],
  ['reference', { kernels: 'reference' }],
  ['portable', { backend: 'portable' }],
];

describe('learning-rate schedules on every training path', () => {
  const dir = tempDir('schedules');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a continued run goes on with the schedule and the rates it would have had in one run', async () => {
    const base = quickConfig(dir, { units: 8, trainSize: 200, testSize: 100, seed: 3, lrSchedule: 'exponential', lrDecay: 0.5 });
    const once = await trainedWeights({ ...base, runName: 'whole', epochs: 3 });
    await trainedWeights({ ...base, runName: 'part', epochs: 1 });
    // A continued run takes its checkpoint's hyperparameters, the schedule among them.
    const rest = await trainedWeights({ ...quickConfig(dir), runName: 'continued', epochs: 2, resume: path.join(dir, 'part') });
    const meta = await readCheckpointMeta(path.join(dir, 'continued'));
    assert.deepEqual(
      meta.epochs.map((e) => e.learningRate),
      [0.01, 0.005, 0.0025],
    );
    assert.equal(meta.hyperparameters.lrSchedule, 'exponential');
    assert.ok(maxDifference(rest, once) < 1e-5, `the same weights as the run in one go (${maxDifference(rest, once)})`);
  });

  for (const [name, choice] of PATHS) {
    it(`${name}: the second epoch at the scheduled rate`, async () => {
      const base = quickConfig(dir, { units: 8, trainSize: 200, testSize: 100, seed: 3, ...choice });
      const first = await trainedWeights({ ...base, runName: `${name}-one` });
      const moved = await trainedWeights({ ...base, runName: `${name}-two`, epochs: 2 });
      const frozen = await trainedWeights({ ...base, runName: `${name}-frozen`, epochs: 2, lrSchedule: 'step', lrDecay: 1e-9 });
      assert.ok(maxDifference(moved, first) > 1e-3, `a constant rate moves the weights in epoch 2 (${maxDifference(moved, first)})`);
      assert.ok(maxDifference(frozen, first) < 1e-6, `a rate of 1e-11 leaves them (${maxDifference(frozen, first)})`);
      const meta = await readCheckpointMeta(path.join(dir, `${name}-frozen`));
      assert.deepEqual(
        meta.epochs.map((e) => e.learningRate),
        [0.01, 0.01 * 1e-9],
      );
      assert.equal(meta.hyperparameters.lrSchedule, 'step');
      assert.equal(meta.hyperparameters.lrDecay, 1e-9);
      const constant = await readCheckpointMeta(path.join(dir, `${name}-two`));
      assert.equal(constant.hyperparameters.lrSchedule, undefined, 'the seed’s constant rate records no schedule');
    });
  }
});

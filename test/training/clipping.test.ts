// Gradient clipping by global norm on every training path: the norm is capped (on arrays and on
// tensors alike), each path reports the same mean norm per epoch, and the clipped runs end with
// the same weights as the reference path's (1e-4), where an unclipped run ends elsewhere.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import type { TrainConfig } from '../../src/protocol/training';
import { clipArrayByGlobalNorm, clipTensorByGlobalNorm } from '../../src/training/optim/clipping';
import { cpuBackend, maxDifference, quickConfig, tempDir, trainedWeights } from './helpers';

const PATHS: Array<[string, Partial<TrainConfig>]> = [
  ['scheduled', { kernels: 'scheduled' }],
  ['fused', { kernels: 'fused' }],
  ['portable', { backend: 'portable' }],
];

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('gradient clipping by global norm', () => {
  const dir = tempDir('clipping');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('caps the global norm and keeps the direction, on arrays and on tensors alike; below the cap nothing changes', () => {
    const tf = cpuBackend().tf;
    const grad = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * (i % 7));
    const before = norm(grad);
    const onTensors = clipTensorByGlobalNorm(tf, tf.tensor1d(grad), 1.5);
    const clipped = grad.slice();
    assert.ok(Math.abs(clipArrayByGlobalNorm(clipped, 1.5) - before) < 1e-9 * before);
    assert.ok(Math.abs(norm(clipped) - 1.5) < 1e-4, `capped at 1.5: ${norm(clipped)}`);
    assert.ok(Math.abs(clipped[5] / grad[5] - 1.5 / before) < 1e-6, 'every value scaled alike');
    assert.ok(maxDifference(onTensors.clipped.dataSync() as Float32Array, clipped) < 1e-6);
    assert.ok(Math.abs(onTensors.norm.dataSync()[0] - before) < 1e-3);
    tf.dispose([onTensors.clipped, onTensors.norm]);
    const small = grad.slice();
    clipArrayByGlobalNorm(small, before * 2);
    assert.deepEqual(small, grad);
  });

  it('every path clips as the reference path does, and reports the same mean norm', async () => {
    const base = quickConfig(dir, { units: 8, trainSize: 300, testSize: 100, seed: 4, clipNorm: 0.02 });
    const reference = await trainedWeights({ ...base, runName: 'reference', kernels: 'reference' });
    const unclipped = await trainedWeights({ ...base, runName: 'unclipped', kernels: 'reference', clipNorm: undefined });
    assert.ok(maxDifference(unclipped, reference) > 1e-3, `clipping changes the run (${maxDifference(unclipped, reference)})`);
    const referenceMeta = await readCheckpointMeta(path.join(dir, 'reference'));
    const referenceNorm = referenceMeta.epochs[0].gradNorm!;
    assert.ok(referenceNorm > 0.02, `the norm was above the cap: ${referenceNorm}`);
    assert.equal(referenceMeta.hyperparameters.clipNorm, 0.02);
    assert.equal((await readCheckpointMeta(path.join(dir, 'unclipped'))).epochs[0].gradNorm, undefined, 'reported only when clipping');
    for (const [name, choice] of PATHS) {
      const weights = await trainedWeights({ ...base, runName: name, ...choice });
      assert.ok(maxDifference(weights, reference) < 1e-4, `${name}: the reference path's weights (${maxDifference(weights, reference)})`);
      const reported = (await readCheckpointMeta(path.join(dir, name))).epochs[0].gradNorm!;
      assert.ok(Math.abs(reported - referenceNorm) < 1e-3 * referenceNorm, `${name}: mean norm ${reported} vs ${referenceNorm}`);
    }
  });
});

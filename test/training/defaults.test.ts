// The defaults train exactly as before the model's knobs (layers, cell, dropout) existed: the
// weights after the first steps on each path equal those the previous build trained, kept in
// test/fixtures/seed-weights-golden.json (sampled values and the sum of their magnitudes).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { TrainingPathChoice } from '../../src/protocol/compute';
import { quickConfig, tempDir, trainedWeights } from './helpers';

interface Golden {
  indices: number[];
  paths: Record<string, { length: number; values: number[]; sumAbs: number }>;
}

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/seed-weights-golden.json'), 'utf8')) as Golden;

describe('the seed model trains as the previous build did', () => {
  for (const kernels of ['scheduled', 'fused', 'reference'] as TrainingPathChoice[]) {
    it(`${kernels}: the first steps' weights equal the recorded ones`, async () => {
      const want = golden.paths[kernels];
      const dir = tempDir('golden');
      const weights = await trainedWeights(quickConfig(dir, { kernels, trainSize: 200, testSize: 100, units: 16 }));
      assert.equal(weights.length, want.length);
      golden.indices.forEach((at, i) =>
        assert.ok(Math.abs(weights[at] - want.values[i]) <= 1e-5, `weight ${at}: ${weights[at]}, recorded ${want.values[i]}`),
      );
      const sumAbs = weights.reduce((s, v) => s + Math.abs(v), 0);
      assert.ok(Math.abs(sumAbs - want.sumAbs) <= 1e-3, `sum of magnitudes ${sumAbs}, recorded ${want.sumAbs}`);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});

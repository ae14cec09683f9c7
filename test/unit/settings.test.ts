import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readEvaluateRequest, readTrainConfig, readWeightsDir, runNameFor } from '../../src/extension/settings';

/** The defaults of package.json's configuration. */
const DEFAULTS: Record<string, unknown> = {
  units: 128, batchSize: 100, epochs: 2, learningRate: 0.01, seed: 42, trainSize: 0, testSize: 0,
  device: 'auto', weightsFolder: 'weights', dataFolder: '',
};

function settings(overrides: Record<string, unknown> = {}): (key: string) => unknown {
  const all = { ...DEFAULTS, ...overrides };
  return (key) => all[key];
}

describe('settings', () => {
  let ws: string;
  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-settings-'));
    fs.mkdirSync(path.join(ws, 'idx'));
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('turns the defaults into the seed configuration', async () => {
    const r = await readTrainConfig(settings(), ws, 'lstm-x');
    assert.deepEqual(r, {
      ok: true,
      value: {
        units: 128, batchSize: 100, epochs: 2, learningRate: 0.01, seed: 42, trainSize: undefined, testSize: undefined,
        dataDir: undefined, weightsDir: path.join(ws, 'weights'), runName: 'lstm-x', device: 'auto',
      },
    });
  });

  it('resolves sizes and folders', async () => {
    const r = await readTrainConfig(settings({ trainSize: 500, testSize: 100, dataFolder: 'idx', weightsFolder: 'out/w', device: 'cpu' }), ws, 'r');
    assert.ok(r.ok);
    assert.equal(r.value.trainSize, 500);
    assert.equal(r.value.testSize, 100);
    assert.equal(r.value.dataDir, path.join(ws, 'idx'));
    assert.equal(r.value.weightsDir, path.join(ws, 'out', 'w'));
    assert.equal(r.value.device, 'cpu');
  });

  it('names every bad setting at once', async () => {
    const r = await readTrainConfig(settings({
      units: 0, batchSize: 2.5, epochs: '3', learningRate: -1, seed: -4, trainSize: -1, device: 'tpu', dataFolder: 'nope',
    }), ws, 'r');
    assert.ok(!r.ok);
    const text = r.problems.join('\n');
    for (const key of ['units', 'batchSize', 'epochs', 'learningRate', 'seed', 'trainSize', 'device', 'dataFolder']) {
      assert.match(text, new RegExp(`lstmMnist\\.${key}`), `${key} is reported`);
    }
    assert.equal(r.problems.length, 8);
  });

  it('refuses a weights folder that is or contains the workspace', () => {
    assert.ok(!readWeightsDir(settings({ weightsFolder: '.' }), ws).ok);
    assert.ok(!readWeightsDir(settings({ weightsFolder: '..' }), ws).ok);
    assert.ok(!readWeightsDir(settings({ weightsFolder: '  ' }), ws).ok);
    assert.ok(readWeightsDir(settings({ weightsFolder: '../elsewhere' }), ws).ok);
  });

  it('reads an evaluation request without the training settings', async () => {
    const r = await readEvaluateRequest(settings({ batchSize: 0, testSize: 50 }), ws, '/ckpt');
    assert.deepEqual(r, { ok: true, value: { checkpoint: '/ckpt', dataDir: undefined, testSize: 50, device: 'auto' } });
  });

  it('names runs lstm-yyyyMMdd-HHmmss in local time', () => {
    assert.equal(runNameFor(new Date(2025, 0, 2, 3, 4, 5)), 'lstm-20250102-030405');
  });
});

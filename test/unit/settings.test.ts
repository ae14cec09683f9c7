import { DEFAULT_SCHEDULE, LR_SCHEDULE, SCHEDULE_CHOICES } from '../../src/protocol/learningRate';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readEvaluateRequest, readTrainConfig, readWeightsDir } from '../../src/extension/settings';
import {
  BACKEND_CHOICES,
  DEFAULT_BACKEND,
  DEFAULT_DEVICE,
  DEFAULT_WEIGHTS_FOLDER,
  defaultRunName,
  DEVICE_CHOICES,
  NUMBER_RULES,
} from '../../src/protocol/runOptions';

interface SchemaProperty {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: string[];
}

/** package.json's settings schema: what VS Code shows and checks in its settings editor. */
const SCHEMA = (
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, SchemaProperty> } };
  }
).contributes.configuration.properties;

/** The defaults of package.json's configuration, as VS Code hands them to the extension. */
const DEFAULTS: Record<string, unknown> = Object.fromEntries(
  Object.entries(SCHEMA).map(([key, p]) => [key.replace(/^lstmMnist\./, ''), p.default]),
);

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
        units: 128,
        layers: 1,
        dropout: undefined,
        batchSize: 100,
        epochs: 2,
        learningRate: 0.01,
        seed: 42,
        trainSize: undefined,
        testSize: undefined,
        patience: undefined,
        // Read by a schedule other than the seed's constant one.
        lrDecay: 0.5,
        lrStepEpochs: 1,
        lrPatience: 2,
        lrMin: 0,
        clipNorm: undefined,
        dataDir: undefined,
        weightsDir: path.join(ws, 'weights'),
        runName: 'lstm-x',
        device: 'auto',
        backend: 'auto',
        kernels: 'auto',
        origin: {
          from: 'vscode',
          // Every setting the run read, at the value it read: what its checkpoint records.
          settings: Object.fromEntries(
            [
              'weightsFolder',
              ...NUMBER_RULES.map((rule) => rule.setting),
              'dataFolder',
              'device',
              'backend',
              'cell',
              'learningRateSchedule',
              'keepBestEpoch',
              'tensorBoard',
            ].map((key) => [`lstmMnist.${key}`, DEFAULTS[key]]),
          ),
        },
      },
    });
  });

  it('resolves sizes and folders', async () => {
    const r = await readTrainConfig(
      settings({ trainSize: 500, testSize: 100, dataFolder: 'idx', weightsFolder: 'out/w', device: 'cpu' }),
      ws,
      'r',
    );
    assert.ok(r.ok);
    assert.equal(r.value.trainSize, 500);
    assert.equal(r.value.testSize, 100);
    assert.equal(r.value.dataDir, path.join(ws, 'idx'));
    assert.equal(r.value.weightsDir, path.join(ws, 'out', 'w'));
    assert.equal(r.value.device, 'cpu');
  });

  it('names every bad setting at once', async () => {
    const r = await readTrainConfig(
      settings({
        units: 0,
        batchSize: 2.5,
        epochs: '3',
        learningRate: -1,
        seed: -4,
        trainSize: -1,
        device: 'tpu',
        backend: 'wasm',
        dataFolder: 'nope',
      }),
      ws,
      'r',
    );
    assert.ok(!r.ok);
    const text = r.problems.map((p) => p.message).join('\n');
    for (const key of ['units', 'batchSize', 'epochs', 'learningRate', 'seed', 'trainSize', 'device', 'backend', 'dataFolder']) {
      assert.match(text, new RegExp(`lstmMnist\\.${key}`), `${key} is reported`);
    }
    assert.equal(r.problems.length, 9);
  });

  it('refuses a weights folder that is or contains the workspace', () => {
    assert.ok(!readWeightsDir(settings({ weightsFolder: '.' }), ws).ok);
    assert.ok(!readWeightsDir(settings({ weightsFolder: '..' }), ws).ok);
    assert.ok(!readWeightsDir(settings({ weightsFolder: '  ' }), ws).ok);
    assert.ok(readWeightsDir(settings({ weightsFolder: '../elsewhere' }), ws).ok);
  });

  it('reads the learning-rate schedule, recorded only when it is not constant, and names a bad one', async () => {
    const step = await readTrainConfig(settings({ learningRateSchedule: 'step', learningRateDecay: 0.1 }), ws, 'r');
    assert.ok(step.ok);
    assert.equal(step.value.lrSchedule, 'step');
    assert.equal(step.value.lrDecay, 0.1);
    const constant = await readTrainConfig(settings({}), ws, 'r');
    assert.ok(constant.ok && !('lrSchedule' in constant.value));
    const bad = await readTrainConfig(settings({ learningRateSchedule: 'sawtooth' }), ws, 'r');
    assert.ok(!bad.ok);
    assert.match(bad.problems[0].message, /^lstmMnist\.learningRateSchedule must be one of constant, step, exponential, cosine, plateau/);
  });

  it("reads the model's knobs: layers, cell (recorded only when it is not the LSTM) and dropout, and names a bad one", async () => {
    const gru = await readTrainConfig(settings({ cell: 'gru', layers: 2, dropout: 0.3 }), ws, 'r');
    assert.ok(gru.ok);
    assert.deepEqual([gru.value.cell, gru.value.layers, gru.value.dropout], ['gru', 2, 0.3]);
    const seed = await readTrainConfig(settings({ cell: 'lstm' }), ws, 'r');
    assert.ok(seed.ok && !('cell' in seed.value) && seed.value.layers === 1 && seed.value.dropout === undefined);
    const bad = await readTrainConfig(settings({ cell: 'transformer', layers: 0 }), ws, 'r');
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.problems.map((p) => p.setting),
      ['lstmMnist.layers', 'lstmMnist.cell'],
    );
  });

  it('reads an evaluation request without the training settings', async () => {
    const r = await readEvaluateRequest(settings({ batchSize: 0, testSize: 50 }), ws, '/ckpt');
    assert.deepEqual(r, { ok: true, value: { checkpoint: '/ckpt', dataDir: undefined, testSize: 50, device: 'auto', backend: 'auto' } });
  });

  it("package.json's schema carries the run options' defaults and limits, so the settings editor and the checks agree", () => {
    for (const rule of NUMBER_RULES) {
      const p = SCHEMA[`lstmMnist.${rule.setting}`];
      assert.ok(p, `package.json has no lstmMnist.${rule.setting}`);
      assert.equal(p.type, rule.integer ? 'integer' : 'number', rule.setting);
      assert.equal(p.default, rule.default, `${rule.setting}: default`);
      assert.equal(rule.exclusiveMin ? p.exclusiveMinimum : p.minimum, rule.min, `${rule.setting}: minimum`);
      assert.equal(rule.exclusiveMin ? p.minimum : p.exclusiveMinimum, undefined, `${rule.setting}: one kind of minimum`);
      assert.equal(p.maximum, rule.max, `${rule.setting}: maximum`);
    }
    assert.deepEqual(SCHEMA['lstmMnist.device'].enum, DEVICE_CHOICES);
    assert.equal(SCHEMA['lstmMnist.device'].default, DEFAULT_DEVICE);
    assert.deepEqual(SCHEMA['lstmMnist.backend'].enum, BACKEND_CHOICES);
    assert.equal(SCHEMA['lstmMnist.backend'].default, DEFAULT_BACKEND);
    assert.deepEqual(SCHEMA[`lstmMnist.${LR_SCHEDULE.setting}`].enum, SCHEDULE_CHOICES);
    assert.equal(SCHEMA[`lstmMnist.${LR_SCHEDULE.setting}`].default, DEFAULT_SCHEDULE);
    assert.equal(SCHEMA['lstmMnist.weightsFolder'].default, DEFAULT_WEIGHTS_FOLDER);
  });

  it('a value at a limit passes and one past it is named, whatever the setting', async () => {
    for (const rule of NUMBER_RULES) {
      const atMax = rule.max ?? 1_000_000;
      const ok = await readTrainConfig(settings({ [rule.setting]: atMax }), ws, 'r');
      assert.ok(ok.ok, `${rule.setting} = ${atMax}: ${JSON.stringify(ok)}`);
      if (rule.max === undefined) continue;
      const over = await readTrainConfig(settings({ [rule.setting]: rule.max * 2 }), ws, 'r');
      assert.ok(!over.ok);
      assert.deepEqual(
        over.problems.map((p) => p.setting),
        [`lstmMnist.${rule.setting}`],
      );
    }
  });

  it('names runs lstm-yyyyMMdd-HHmmss in local time', () => {
    assert.equal(defaultRunName(new Date(2025, 0, 2, 3, 4, 5)), 'lstm-20250102-030405');
  });
});

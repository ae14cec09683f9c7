// Saving and loading checkpoints: a round trip gives the same predictions, a crash during the
// save leaves nothing, and every kind of damage is explained rather than crashing.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, before } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointMeta,
  CheckpointError,
  META_FILE,
  WEIGHTS_FILE,
} from '../../src/protocol/checkpointFormat';
import { loadCheckpoint, paramValues } from '../../src/training/model/checkpointParams';
import { saveCheckpoint } from '../../src/checkpoint/write';
import { weightSpecs } from '../../src/protocol/architecture';
import { initParams, logits, modelSpec } from '../../src/training/model/recurrentModel';
import { trainingDevice } from '../../src/training/loop/trainingPath';
import { cpuBackend, tempDir } from './helpers';

const { tf, info } = cpuBackend();
const spec = modelSpec(28, 28, 16);

function meta(name: string): CheckpointMeta {
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    name,
    createdAt: new Date().toISOString(),
    hyperparameters: { batchSize: 100, epochs: 1, learningRate: 0.01, seed: 1 },
    model: spec,
    weights: weightSpecs(spec),
    epochs: [],
    test: { loss: 1, accuracy: 0.5 },
    device: trainingDevice(info, 'fused', undefined),
    dataset: { name: 'MNIST', source: 'x', trainCount: 1, testCount: 1 },
    seconds: 1,
  };
}

describe('checkpoint store', () => {
  /** A folder of the test's own, with a checkpoint named `name` saved in it (weights from `seed`) when asked. */
  async function folderWith(name?: string, seed = 9): Promise<string> {
    const dir = tempDir('ckpt');
    if (name) await saveCheckpoint(dir, meta(name), { weights: await paramValues(initParams(tf, spec, seed)) });
    return dir;
  }

  it('round trip: the loaded weights give exactly the same predictions', async () => {
    const dir = await folderWith();
    const params = initParams(tf, spec, 9);
    const x = tf.randomUniform([28, 8, 28], 0, 1, 'float32', 4) as tfn.Tensor3D;
    const before = logits(tf, params, x, spec, 'fused').dataSync();
    const saved = await saveCheckpoint(dir, meta('round'), { weights: await paramValues(params) });
    assert.equal(saved, path.join(dir, 'round'));
    const loaded = await loadCheckpoint(tf, saved);
    assert.deepEqual(loaded.meta.model, spec);
    assert.deepEqual(Array.from(logits(tf, loaded.params, x, spec, 'fused').dataSync()), Array.from(before));
    assert.deepEqual(fs.readdirSync(dir), ['round']);
  });

  it('refuses to overwrite an existing checkpoint', async () => {
    const dir = await folderWith('round');
    await assert.rejects(saveCheckpoint(dir, meta('round'), { weights: await paramValues(initParams(tf, spec, 1)) }), /already exists/);
  });

  it('a crash in the middle of the save leaves no checkpoint and no temporary folder', async () => {
    const dir = await folderWith('round');
    const crash = () => {
      throw new Error('simulated crash');
    };
    await assert.rejects(
      saveCheckpoint(dir, meta('crashed'), { weights: await paramValues(initParams(tf, spec, 2)) }, { afterWeights: crash }),
      /simulated crash/,
    );
    assert.deepEqual(fs.readdirSync(dir), ['round']);
  });

  it('cleans up the temporary folder of a save whose process was killed', async () => {
    const dir = await folderWith('round');
    fs.mkdirSync(path.join(dir, '.tmp-999999999-killed'));
    fs.writeFileSync(path.join(dir, '.tmp-999999999-killed', WEIGHTS_FILE), 'partial');
    await saveCheckpoint(dir, meta('after-kill'), { weights: await paramValues(initParams(tf, spec, 3)) });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['after-kill', 'round']);
  });

  describe('explains a bad checkpoint', () => {
    let dir: string;
    before(async () => {
      dir = await folderWith('round');
    });
    const damaged = async (name: string, damage: (d: string) => void) => {
      const d = path.join(dir, `bad-${name}`);
      fs.cpSync(path.join(dir, 'round'), d, { recursive: true });
      damage(d);
      return d;
    };
    const cases: Array<[string, (d: string) => void, RegExp]> = [
      ['no-meta', (d) => fs.rmSync(path.join(d, META_FILE)), /missing checkpoint\.json/],
      ['no-weights', (d) => fs.rmSync(path.join(d, WEIGHTS_FILE)), /missing weights\.bin/],
      ['not-json', (d) => fs.writeFileSync(path.join(d, META_FILE), '{ this is not json'), /not valid JSON/],
      ['foreign-json', (d) => fs.writeFileSync(path.join(d, META_FILE), '{"hello": 1}'), /not an LSTM MNIST checkpoint/],
      [
        'wrong-shape',
        (d) => {
          const m = JSON.parse(fs.readFileSync(path.join(d, META_FILE), 'utf8'));
          m.weights[0].shape = [44, 60];
          fs.writeFileSync(path.join(d, META_FILE), JSON.stringify(m));
        },
        /weight 0 is lstm\/kernel \[44, 60\], expected lstm\/kernel \[44, 64\]/,
      ],
      ['truncated-weights', (d) => fs.truncateSync(path.join(d, WEIGHTS_FILE), 100), /weights\.bin has 100 bytes, the weights need/],
      [
        'nan-weights',
        (d) => {
          const f = path.join(d, WEIGHTS_FILE);
          const b = fs.readFileSync(f);
          b.writeFloatLE(NaN, 8);
          fs.writeFileSync(f, b);
        },
        /NaN or infinite/,
      ],
    ];
    for (const [name, damage, message] of cases) {
      it(name, async () => {
        const d = await damaged(name, damage);
        await assert.rejects(
          loadCheckpoint(tf, d),
          (e: Error) => e instanceof CheckpointError && e.message.startsWith(d) && message.test(e.message),
        );
      });
    }
    it('a missing folder', async () => {
      await assert.rejects(loadCheckpoint(tf, path.join(dir, 'nope')), /no such checkpoint folder/);
    });
  });
});

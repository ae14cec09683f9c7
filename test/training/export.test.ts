// Export: the checkpoint as a TensorFlow.js Layers model that tf.loadLayersModel loads and that
// predicts what the checkpoint predicts.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, before } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import type { TrainingEvent } from '../../src/protocol/training';
import { loadCheckpoint } from '../../src/training/model/checkpointParams';
import { loadDataset } from '../../src/training/data/dataset';
import { runExport, runTraining } from '../../src/training/jobs';
import { disposeParams, logits } from '../../src/training/model/recurrentModel';
import { disposeSplit, tensorsFromSplit } from '../../src/training/data/splitTensors';
import { cpuBackend, quickConfig, recorder, tempDir } from './helpers';

const { tf } = cpuBackend();

describe('export to a TensorFlow.js Layers model', () => {
  let dir: string;
  const checkpoint = () => path.join(dir, 'trained');
  before(async () => {
    dir = tempDir('export');
    assert.equal(await runTraining(quickConfig(dir, { runName: 'trained', units: 24, trainSize: 1000 }), recorder()), 'done');
  });

  it('tf.loadLayersModel of the exported files gives the checkpoint’s probabilities and classes on 1,000 test images', async () => {
    const rec = recorder();
    const out = path.join(dir, 'exported', 'trained-tfjs');
    assert.equal(await runExport({ checkpoint: checkpoint(), outDir: out, device: 'cpu' }, rec), 'done');
    const exported = rec.events.find((e): e is Extract<TrainingEvent, { type: 'exported' }> => e.type === 'exported');
    assert.equal(exported?.dir, out);
    assert.deepEqual(fs.readdirSync(out).sort(), ['model.json', 'weights.bin']);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['trained-tfjs'], 'no temporary folder is left');

    const model = await tf.loadLayersModel(`file://${path.join(out, 'model.json')}`);
    const topology = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')).modelTopology;
    assert.deepEqual(
      topology.config.layers.map((l: { class_name: string }) => l.class_name),
      ['LSTM', 'Dense'],
    );
    const data = await loadDataset({ testSize: 1000, testOnly: true });
    const test = tensorsFromSplit(tf, data.test, data.rows, data.cols);
    const { meta, params } = await loadCheckpoint(tf, checkpoint());
    try {
      const [ours, theirs] = tf.tidy(() => [
        tf.softmax(logits(tf, params, test.x, meta.model, 'fused')),
        model.predict(tf.transpose(test.x, [1, 0, 2])) as tfn.Tensor,
      ]);
      assert.deepEqual(theirs.shape, [1000, 10]);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]);
      assert.ok(diff <= 1e-5, `largest probability difference ${diff}`);
      assert.deepEqual(
        tf.tidy(() => Array.from(tf.argMax(theirs, 1).dataSync())),
        tf.tidy(() => Array.from(tf.argMax(ours, 1).dataSync())),
      );
      tf.dispose([ours, theirs]);
    } finally {
      model.dispose();
      disposeParams(params);
      disposeSplit(test);
    }
  });

  it('refuses a folder that exists, and a missing checkpoint, with the reason', async () => {
    const taken = path.join(dir, 'taken');
    fs.mkdirSync(taken);
    const rec = recorder();
    assert.equal(await runExport({ checkpoint: checkpoint(), outDir: taken, device: 'cpu' }, rec), 'error');
    assert.match(JSON.stringify(rec.events), /already exists: export into a new folder/);
    const rec2 = recorder();
    assert.equal(await runExport({ checkpoint: path.join(dir, 'nope'), outDir: path.join(dir, 'x'), device: 'cpu' }, rec2), 'error');
    assert.match(JSON.stringify(rec2.events), /no such checkpoint folder/);
    assert.ok(!fs.existsSync(path.join(dir, 'x')));
  });
});

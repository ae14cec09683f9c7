// The model's knobs in whole runs: stacked layers, the GRU cell and dropout train on the scheduled
// path as the fused and reference paths train them; each records its model, evaluates, continues
// and exports to a Layers model that predicts what the checkpoint predicts; dropout repeats from
// the seed and is off in evaluation; on the portable backend they train on the portable kernels
// as on the scheduled path.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import { WEIGHTS_FILE } from '../../src/protocol/checkpointFormat';
import { floatsFromBase64 } from '../../src/protocol/binary';
import type { InspectResult } from '../../src/protocol/inspection';
import { Inspector } from '../../src/training/inspector';
import { openBackend } from '../../src/training/openBackend';
import type { EvaluationResult, TrainConfig, TrainingEvent } from '../../src/protocol/training';
import { loadDataset } from '../../src/training/data/dataset';
import { disposeSplit, tensorsFromSplit } from '../../src/training/data/splitTensors';
import { runEvaluation, runExport, runTraining } from '../../src/training/jobs';
import { loadCheckpoint } from '../../src/training/model/checkpointParams';
import { disposeParams, logits } from '../../src/training/model/recurrentModel';
import { cpuBackend, maxDifference, quickConfig, recorder, tempDir, trainedWeights } from './helpers';

const { tf } = cpuBackend();

describe('stacked layers, the GRU cell and dropout in whole runs', () => {
  const dir = tempDir('architectures');
  const quick = (overrides: Partial<TrainConfig>): TrainConfig =>
    quickConfig(dir, { units: 16, trainSize: 400, testSize: 200, ...overrides });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function evaluation(checkpoint: string, backend: 'native' | 'portable' = 'native'): Promise<EvaluationResult> {
    const rec = recorder();
    assert.equal(await runEvaluation({ checkpoint, device: 'cpu', backend, testSizeFromCheckpoint: true }, rec), 'done');
    return rec.events.find((x): x is Extract<TrainingEvent, { type: 'evaluation' }> => x.type === 'evaluation')!.result;
  }

  const SHAPES: Array<{ what: string; knobs: Partial<TrainConfig>; path: string }> = [
    { what: '2-layer LSTM', knobs: { layers: 2 }, path: 'scheduled' },
    { what: 'GRU', knobs: { cell: 'gru' }, path: 'scheduled' },
    { what: '2-layer GRU with dropout', knobs: { cell: 'gru', layers: 2, dropout: 0.3 }, path: 'scheduled' },
  ];
  for (const { what, knobs, path: trainedOn } of SHAPES) {
    it(`${what}: trains on the ${trainedOn} path, records its model, evaluates to its recorded result, exports within 1e-5`, async () => {
      const runName = what.replace(/\W+/g, '-');
      await trainedWeights(quick({ runName, ...knobs }));
      const checkpoint = path.join(dir, runName);
      const meta = await readCheckpointMeta(checkpoint);
      assert.equal(meta.model.layers, knobs.layers ?? 1);
      assert.equal(meta.model.cell, knobs.cell ?? 'lstm');
      assert.equal(meta.hyperparameters.dropout, knobs.dropout);
      assert.equal(meta.device.kernels, trainedOn);
      // The evaluation drops nothing: the checkpoint's own test result again, exactly.
      const again = await evaluation(checkpoint);
      assert.ok(Math.abs(again.loss - meta.test.loss) < 1e-6, `loss ${again.loss}, recorded ${meta.test.loss}`);
      assert.equal(again.accuracy, meta.test.accuracy);

      const out = path.join(dir, 'exported', runName);
      assert.equal(await runExport({ checkpoint, outDir: out, device: 'cpu' }, recorder()), 'done');
      const model = await tf.loadLayersModel(`file://${path.join(out, 'model.json')}`);
      const classes = (model.toJSON(null, false) as { config: { layers: Array<{ class_name: string }> } }).config.layers.map(
        (l) => l.class_name,
      );
      assert.deepEqual(classes, [...new Array<string>(knobs.layers ?? 1).fill(knobs.cell === 'gru' ? 'GRU' : 'LSTM'), 'Dense']);
      const data = await loadDataset({ testSize: 200, testOnly: true });
      const test = tensorsFromSplit(tf, data.test, data.rows, data.cols);
      const { params } = await loadCheckpoint(tf, checkpoint);
      const [ours, theirs] = tf.tidy(() => [
        tf.softmax(logits(tf, params, test.x, meta.model, 'fused')),
        model.predict(tf.transpose(test.x, [1, 0, 2])) as tfn.Tensor,
      ]);
      const worst = maxDifference(ours.dataSync(), theirs.dataSync());
      assert.ok(worst < 1e-5, `probabilities differ by ${worst}`);
      tf.dispose([ours, theirs]);
      disposeParams(params);
      disposeSplit(test);
      model.dispose();
    });
  }

  it('dropout repeats from the seed, changes the run, and a continued run equals one run', async () => {
    const knobs = { cell: 'gru' as const, dropout: 0.3, batchSize: 100 };
    const [a, b, none] = [
      await trainedWeights(quick({ runName: 'drop-a', ...knobs })),
      await trainedWeights(quick({ runName: 'drop-b', ...knobs })),
      await trainedWeights(quick({ runName: 'drop-none', ...knobs, dropout: undefined })),
    ];
    assert.equal(maxDifference(a, b), 0, 'the same seed drops the same inputs');
    assert.ok(maxDifference(a, none) > 1e-3, 'dropout changes what is learnt');
    const two = await trainedWeights(quick({ runName: 'drop-two', ...knobs, epochs: 2 }));
    const continued = await trainedWeights(quick({ runName: 'drop-continued', epochs: 1, resume: path.join(dir, 'drop-a') }));
    assert.ok(maxDifference(two, continued) < 1e-5, `1 + 1 epochs differ from 2 by ${maxDifference(two, continued)}`);
  });

  for (const knobs of [{ layers: 3 }, { cell: 'gru' as const, layers: 2 }, { layers: 2, dropout: 0.25 }]) {
    it(`${JSON.stringify(knobs)}: the scheduled path's weights after an epoch are the fused and reference paths' within 1e-4`, async () => {
      const name = `${knobs.cell ?? 'lstm'}${knobs.layers}${'dropout' in knobs ? 'd' : ''}`;
      const [scheduled, fused, reference] = [
        await trainedWeights(quick({ runName: `${name}-scheduled`, ...knobs, kernels: 'scheduled', trainSize: 200 })),
        await trainedWeights(quick({ runName: `${name}-fused`, ...knobs, kernels: 'fused', trainSize: 200 })),
        await trainedWeights(quick({ runName: `${name}-reference`, ...knobs, kernels: 'reference', trainSize: 200 })),
      ];
      assert.ok(maxDifference(scheduled, fused) < 1e-4, `scheduled and fused differ by ${maxDifference(scheduled, fused)}`);
      assert.ok(maxDifference(scheduled, reference) < 1e-4, `scheduled and reference differ by ${maxDifference(scheduled, reference)}`);
    });
  }

  it('on the portable backend a 2-layer LSTM with dropout trains on the portable kernels as the scheduled path trains it, and evaluates and answers inside the model there as on the native backend', async () => {
    const knobs = { layers: 2, dropout: 0.25, trainSize: 200 };
    const rec = recorder();
    assert.equal(await runTraining(quick({ runName: 'portable-stacked', ...knobs, backend: 'portable' }), rec), 'done');
    const started = rec.events.find((e): e is Extract<TrainingEvent, { type: 'started' }> => e.type === 'started');
    assert.equal(started?.device.kernels, 'portable');
    const weights = (name: string): Float32Array => {
      const bytes = fs.readFileSync(path.join(dir, name, WEIGHTS_FILE));
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    };
    const scheduled = await trainedWeights(quick({ runName: 'scheduled-stacked', ...knobs, kernels: 'scheduled' }));
    assert.ok(
      maxDifference(weights('portable-stacked'), scheduled) < 1e-4,
      `they differ by ${maxDifference(weights('portable-stacked'), scheduled)}`,
    );
    const checkpoint = path.join(dir, 'portable-stacked');
    const [native, portable] = [await evaluation(checkpoint), await evaluation(checkpoint, 'portable')];
    assert.ok(Math.abs(native.loss - portable.loss) < 1e-5, `loss ${native.loss} and ${portable.loss}`);
    // Inside the model: each row's probabilities, the same on the portable kernels as on the native backend.
    const [onNative, onPortable] = await Promise.all(
      [cpuBackend(), openBackend('cpu', 'portable')].map((b) => Inspector.open(b, { checkpoint, testSize: 10, device: 'cpu' })),
    );
    for (const index of [0, 1, 2]) {
      const [a, b] = [onNative, onPortable].map((i) => {
        const r = i.answer({ kind: 'rows', index });
        assert.equal(r.kind, 'rows');
        return floatsFromBase64((r as Extract<InspectResult, { kind: 'rows' }>).probabilities);
      });
      assert.ok(maxDifference(a, b) < 1e-5, `image ${index}: each row's probabilities differ by ${maxDifference(a, b)}`);
    }
    onNative.dispose();
    onPortable.dispose();
  });

  it('on the portable backend a GRU trains on the portable kernels as the scheduled path trains it', async () => {
    const knobs = { cell: 'gru' as const, trainSize: 200 };
    const portable = await trainedWeights(quick({ runName: 'portable-gru', ...knobs, backend: 'portable' }));
    assert.equal((await readCheckpointMeta(path.join(dir, 'portable-gru'))).device.kernels, 'portable');
    const scheduled = await trainedWeights(quick({ runName: 'scheduled-gru', ...knobs, kernels: 'scheduled' }));
    assert.ok(maxDifference(portable, scheduled) < 1e-4, `they differ by ${maxDifference(portable, scheduled)}`);
  });
});

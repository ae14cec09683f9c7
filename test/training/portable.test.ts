// The portable path (WebAssembly kernels in worker threads) against the native paths, on the seed
// model: its gradient, loss and correct count equal the reference path's (tfjs autodiff of the
// basicLSTMCell loop) within 1e-4; one, two and three threads give the same gradient; its logits,
// after the last row and after each, equal the fused path's; five steps train the weights the
// scheduled path's five steps do; nothing grows step after step. Checkpoints go from one path to
// the other: evaluated, continued with Adam's state, exported. And with no native runtime at all,
// the command line trains on it at once and says why.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { disposeParams, initParams, logits, modelSpec, rowProbabilities } from '../../src/training/model/recurrentModel';
import { loadDataset } from '../../src/training/data/dataset';
import { disposeSplit, type SplitTensors, tensorsFromSplit } from '../../src/training/data/splitTensors';
import { PortableModel } from '../../src/training/portable/portableModel';
import { PortableSteps } from '../../src/training/loop/portableSteps';
import { ScheduledSteps } from '../../src/training/loop/stepRunners';
import { runEvaluation, runExport, runTraining } from '../../src/training/jobs';
import { loadCheckpoint } from '../../src/training/model/checkpointParams';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import { OPTIMIZER_FILE, WEIGHTS_FILE } from '../../src/protocol/checkpointFormat';
import type { EvaluationResult, TrainConfig, TrainingEvent } from '../../src/protocol/training';
import { LOG_FOLDER, TRAIN_LOG } from '../../src/training/loop/tensorBoardLog';
import { readEventFiles } from './eventFiles';
import { dropoutMasks } from '../../src/training/model/dropout';
import { type Architecture, architectureText } from '../../src/protocol/architecture';
import { cpuBackend, flatten, maxDifference, quickConfig, recorder, referenceGradient, tempDir } from './helpers';

const { tf } = cpuBackend();
// A collection before each heap reading, without a flag on the test runner's command line.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const spec = modelSpec(28, 28, 128);

describe('portable path', async () => {
  const data = await loadDataset({ trainSize: 400, testSize: 300 });
  const train: SplitTensors = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  const params = initParams(tf, spec, 7);
  const rows = Int32Array.from({ length: 100 }, (_, i) => (i * 3) % 400);
  const models = [1, 2, 3].map((threads) => {
    const model = new PortableModel(spec, { train: data.train, test: data.test }, { threads, batchSize: 100, inputs: 4 });
    model.params.set(flatten(params));
    return model;
  });
  after(async () => {
    disposeParams(params);
    disposeSplit(train);
    await Promise.all(models.map((m) => m.dispose()));
  });

  it("its gradient, loss and correct count equal the reference path's within 1e-4", async () => {
    const mine = await models[1].gradient(rows);
    const reference = referenceGradient(params, spec, train, rows);
    assert.ok(maxDifference(mine.grad, reference.grad) < 1e-4, `max difference ${maxDifference(mine.grad, reference.grad)}`);
    assert.ok(Math.abs(mine.lossSum / rows.length - reference.loss) < 1e-5, `loss ${mine.lossSum / rows.length} and ${reference.loss}`);
    assert.equal(mine.correct, reference.correct);
  });

  it('a model of 31 units (no multiple of the 4 lanes of a vector) has the gradient the reference path gives it, within 1e-4', async () => {
    const small = modelSpec(28, 28, 31);
    const smallParams = initParams(tf, small, 3);
    const model = new PortableModel(small, { train: data.train }, { threads: 2, batchSize: 100, inputs: 0 });
    try {
      model.params.set(flatten(smallParams));
      const mine = await model.gradient(rows);
      const reference = referenceGradient(smallParams, small, train, rows);
      assert.ok(maxDifference(mine.grad, reference.grad) < 1e-4, `max difference ${maxDifference(mine.grad, reference.grad)}`);
      assert.ok(Math.abs(mine.lossSum / rows.length - reference.loss) < 1e-5);
      assert.equal(mine.correct, reference.correct);
    } finally {
      disposeParams(smallParams);
      await model.dispose();
    }
  });

  for (const architecture of [
    { layers: 2, cell: 'lstm' },
    { layers: 3, cell: 'lstm' },
    { layers: 1, cell: 'gru' },
    { layers: 2, cell: 'gru' },
  ] as Architecture[]) {
    it(`a ${architectureText(architecture)} of 31 units, with and without dropout masks: its gradient, loss and correct count equal the reference path's within 1e-4; its logits and each row's probabilities the fused path's`, async () => {
      const stacked = modelSpec(28, 28, 31, architecture);
      const stackedParams = initParams(tf, stacked, 13);
      const model = new PortableModel(
        stacked,
        { train: data.train, test: data.test },
        { threads: 2, batchSize: 100, inputs: 0, dropout: true },
      );
      try {
        model.params.set(flatten(stackedParams));
        for (const masks of [undefined, dropoutMasks(stacked, rows.length, { rate: 0.3, seed: 9 }, 4)]) {
          const mine = await model.gradient(rows, masks);
          const reference = referenceGradient(stackedParams, stacked, train, rows, masks);
          assert.ok(maxDifference(mine.grad, reference.grad) < 1e-4, `max difference ${maxDifference(mine.grad, reference.grad)}`);
          assert.ok(Math.abs(mine.lossSum / rows.length - reference.loss) < 1e-5);
          assert.equal(mine.correct, reference.correct);
        }
        const test = tensorsFromSplit(tf, data.test, data.rows, data.cols);
        const x = tf.slice(test.x, [0, 0, 0], [-1, 20, -1]) as tfn.Tensor3D;
        const [fused, probabilities] = [
          logits(tf, stackedParams, x, stacked, 'fused'),
          rowProbabilities(tf, stackedParams, x, stacked, 'fused'),
        ];
        const mine = await model.logits('test', 0, 20);
        assert.ok(maxDifference(mine, fused.dataSync()) < 1e-4, `logits differ by ${maxDifference(mine, fused.dataSync())}`);
        const everyRow = tf.softmax(tf.tensor3d(await model.logits('test', 0, 20, true), [28, 20, 10]));
        assert.ok(maxDifference(everyRow.dataSync(), probabilities.dataSync()) < 1e-5);
        tf.dispose([x, fused, probabilities, everyRow]);
        disposeSplit(test);
      } finally {
        disposeParams(stackedParams);
        await model.dispose();
      }
    });
  }

  it("one, two or three threads give the whole batch's gradient, loss and correct count", async () => {
    const results: { grad: Float32Array; lossSum: number; correct: number }[] = [];
    for (const model of models) {
      const g = await model.gradient(rows);
      results.push({ grad: g.grad.slice(), lossSum: g.lossSum, correct: g.correct });
    }
    for (const other of results.slice(1)) {
      assert.ok(maxDifference(other.grad, results[0].grad) < 1e-6, `max difference ${maxDifference(other.grad, results[0].grad)}`);
      assert.ok(Math.abs(other.lossSum - results[0].lossSum) < 1e-3);
      assert.equal(other.correct, results[0].correct);
    }
  });

  it("its logits after the last row and its probabilities after each equal the fused path's", async () => {
    const count = 300;
    const mine = await models[2].logits('test', 0, count);
    const test = tensorsFromSplit(tf, data.test, data.rows, data.cols);
    const fused = logits(tf, params, test.x, spec, 'fused');
    assert.ok(maxDifference(mine, fused.dataSync()) < 1e-4, `max difference ${maxDifference(mine, fused.dataSync())}`);
    const everyRow = await models[1].logits('test', 10, 3, true);
    const x = tf.slice(test.x, [0, 10, 0], [-1, 3, -1]) as tfn.Tensor3D;
    const probabilities = rowProbabilities(tf, params, x, spec, 'fused');
    const mineProbabilities = tf.softmax(tf.tensor3d(everyRow, [28, 3, 10]));
    assert.ok(maxDifference(mineProbabilities.dataSync(), probabilities.dataSync()) < 1e-5);
    tf.dispose([fused, x, probabilities, mineProbabilities]);
    disposeSplit(test);
  });

  it("five steps train the weights and Adam's state the scheduled path's five steps do, within 1e-4", async () => {
    const a = initParams(tf, spec, 11);
    const b = initParams(tf, spec, 11);
    const portable = new PortableSteps(tf, a, spec, { train: data.train, test: data.test }, 0.01, { threads: 2, batchSize: 100 });
    const scheduled = new ScheduledSteps(tf, b, spec, data.train, 0.01, { shards: 2, threads: 1 }, [100]);
    try {
      for (let step = 0; step < 5; step++) {
        const batch = rows.map((r) => (r + 17 * step) % 400);
        const [p, s] = [await portable.step(batch), await scheduled.step(batch)];
        assert.equal(p.correct, s.correct, `step ${step + 1}`);
        assert.ok(Math.abs(p.lossSum - s.lossSum) < 1e-4 * batch.length, `step ${step + 1}: loss ${p.lossSum} and ${s.lossSum}`);
      }
      portable.syncParams();
      scheduled.syncParams();
      assert.ok(maxDifference(flatten(a), flatten(b)) < 1e-4, `weights differ by ${maxDifference(flatten(a), flatten(b))}`);
      const [pm, sm] = [portable.optimizerState(), scheduled.optimizerState()];
      assert.equal(pm.step, 5);
      assert.equal(sm.step, 5);
      assert.ok(maxDifference(pm.m, sm.m) < 1e-5, `first moments differ by ${maxDifference(pm.m, sm.m)}`);
    } finally {
      portable.dispose();
      scheduled.dispose();
      disposeParams(a);
      disposeParams(b);
    }
  });

  it('90 steps and 3 evaluations leave the tensor count, the heap and the shared memory as they were after the first', async () => {
    const p = initParams(tf, spec, 3);
    const steps = new PortableSteps(tf, p, spec, { train: data.train, test: data.test }, 0.01, { threads: 2, batchSize: 100 });
    try {
      await steps.step(rows);
      await steps.evaluateTest(() => false);
      gc();
      const tensors = tf.memory().numTensors;
      const bytes = steps.model.bytes;
      const heap = process.memoryUsage().heapUsed;
      for (let step = 0; step < 90; step++) {
        await steps.step(rows.map((r) => (r + step) % 400));
        if (step % 30 === 29) await steps.evaluateTest(() => false);
      }
      steps.syncParams();
      gc();
      assert.equal(tf.memory().numTensors, tensors);
      assert.equal(steps.model.bytes, bytes);
      // Each step allocates only its message to the threads and the results; a leak of a batch's buffers would be megabytes.
      assert.ok(process.memoryUsage().heapUsed - heap < 4e6, `heap grew by ${process.memoryUsage().heapUsed - heap} bytes`);
    } finally {
      steps.dispose();
      disposeParams(p);
    }
  });
});

describe('checkpoints between the portable and the native paths', () => {
  const dir = tempDir('portable-runs');
  const quick = (overrides: Partial<TrainConfig>): TrainConfig =>
    quickConfig(dir, { seed: 5, trainSize: 600, testSize: 300, units: 32, ...overrides });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(config: TrainConfig): Promise<TrainingEvent[]> {
    const rec = recorder();
    const status = await runTraining(config, rec);
    assert.equal(status, 'done', JSON.stringify(rec.events.filter((e) => e.type === 'error')));
    return rec.events;
  }

  async function evaluation(checkpoint: string, backend: 'native' | 'portable'): Promise<EvaluationResult> {
    const rec = recorder();
    assert.equal(await runEvaluation({ checkpoint, device: 'cpu', backend, testSizeFromCheckpoint: true }, rec), 'done');
    const e = rec.events.find((x): x is Extract<TrainingEvent, { type: 'evaluation' }> => x.type === 'evaluation');
    assert.equal(e?.device.backend, backend === 'native' ? 'tensorflow' : 'portable');
    return e!.result;
  }

  it('a run on the portable kernels records them, and evaluates on either path to the same loss within 1e-5; and a native run the same', async () => {
    const events = await run(quick({ runName: 'portable', backend: 'portable' }));
    const started = events.find((e): e is Extract<TrainingEvent, { type: 'started' }> => e.type === 'started');
    assert.equal(started?.device.backend, 'portable');
    assert.equal(started?.device.kernels, 'portable');
    assert.deepEqual(
      events.filter((e) => e.type === 'warning'),
      [],
    );
    // Its TensorBoard log, as a native run's: every batch's scalars, the epoch's, the hyperparameters.
    const logged = readEventFiles(path.join(dir, 'portable', LOG_FOLDER, TRAIN_LOG));
    assert.equal(logged.filter((v) => v.tag === 'batch_loss').length, 12);
    assert.equal(logged.filter((v) => v.tag === 'epoch_accuracy').length, 1);
    assert.ok(logged.some((v) => v.tag === 'hyperparameters' && v.plugin === 'text' && /\| units \| 32 \|/.test(v.text ?? '')));
    const meta = await readCheckpointMeta(path.join(dir, 'portable'));
    assert.equal(meta.device.kernels, 'portable');
    await run(quick({ runName: 'native', backend: 'native' }));
    for (const name of ['portable', 'native']) {
      const [onNative, onPortable] = [await evaluation(path.join(dir, name), 'native'), await evaluation(path.join(dir, name), 'portable')];
      assert.ok(Math.abs(onNative.loss - onPortable.loss) < 1e-5, `${name}: loss ${onNative.loss} and ${onPortable.loss}`);
      assert.equal(onNative.accuracy, onPortable.accuracy);
    }
  });

  it("continued on the other path, a run goes on with Adam's state: 1 epoch, then 1 more, is 2 epochs in one run", async () => {
    for (const [first, then] of [
      ['portable', 'native'],
      ['native', 'portable'],
    ] as const) {
      await run(quick({ runName: `${first}-two`, backend: first, epochs: 2 }));
      await run(quick({ runName: `${first}-one`, backend: first, epochs: 1 }));
      await run(quick({ runName: `${first}-then-${then}`, backend: then, epochs: 1, resume: path.join(dir, `${first}-one`) }));
      const whole = await readCheckpointMeta(path.join(dir, `${first}-two`));
      const continued = await readCheckpointMeta(path.join(dir, `${first}-then-${then}`));
      assert.equal(continued.optimizer?.step, whole.optimizer?.step);
      assert.ok(
        Math.abs(continued.test.loss - whole.test.loss) < 1e-3,
        `${first} then ${then}: test loss ${continued.test.loss}, in one run ${whole.test.loss}`,
      );
      const floats = (name: string, file: string) => {
        const b = fs.readFileSync(path.join(dir, name, file));
        return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
      };
      const diff = maxDifference(floats(`${first}-then-${then}`, WEIGHTS_FILE), floats(`${first}-two`, WEIGHTS_FILE));
      assert.ok(diff < 1e-3, `${first} then ${then}: weights differ by ${diff}`);
      assert.equal(floats(`${first}-then-${then}`, OPTIMIZER_FILE).length, floats(`${first}-two`, OPTIMIZER_FILE).length);
    }
  });

  it('exported on the portable backend, a checkpoint loads with tf.loadLayersModel and predicts its probabilities within 1e-5', async () => {
    const checkpoint = path.join(dir, 'to-export');
    await run(quick({ runName: 'to-export', backend: 'portable' }));
    const out = path.join(dir, 'exported');
    const rec = recorder();
    assert.equal(await runExport({ checkpoint, outDir: out, device: 'cpu', backend: 'portable' }, rec), 'done', JSON.stringify(rec.events));
    assert.deepEqual(fs.readdirSync(out).sort(), ['model.json', 'weights.bin']);
    const model = await tf.loadLayersModel(`file://${path.join(out, 'model.json')}`);
    const test = await loadDataset({ testSize: 200, testOnly: true });
    const { meta, params } = await loadCheckpoint(tf, checkpoint);
    const x = tensorsFromSplit(tf, test.test, test.rows, test.cols);
    try {
      const [ours, theirs] = tf.tidy(() => [
        tf.softmax(logits(tf, params, x.x, meta.model, 'fused')),
        model.predict(tf.transpose(x.x, [1, 0, 2])) as tfn.Tensor,
      ]);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]);
      assert.ok(diff <= 1e-5, `largest probability difference ${diff}`);
      tf.dispose([ours, theirs]);
    } finally {
      model.dispose();
      disposeParams(params);
      disposeSplit(x);
    }
  });

  it('with no native runtime, the command line trains on the portable kernels at once, evaluates and predicts (a PNG file too), and says why', async () => {
    const cli = path.resolve(__dirname, '../../src/cli/cli.js');
    const env = { ...process.env, LSTM_MNIST_RUNTIME: path.join(dir, 'no-runtime-here') };
    const train = spawnSync(
      process.execPath,
      [
        cli,
        'train',
        '--train-size',
        '300',
        '--test-size',
        '100',
        '--epochs',
        '1',
        '--units',
        '16',
        '--weights-dir',
        dir,
        '--run-name',
        'offline',
      ],
      { encoding: 'utf8', env },
    );
    assert.equal(train.status, 0, train.stderr);
    assert.match(
      train.stderr,
      /TensorFlow's native runtime cannot be used \(The TensorFlow runtime at .* is missing or incomplete.*\): training with the portable kernels/,
    );
    assert.match(train.stdout, /backend portable, portable WebAssembly kernels/);
    const evaluate = spawnSync(process.execPath, [cli, 'evaluate', path.join(dir, 'offline')], { encoding: 'utf8', env });
    assert.equal(evaluate.status, 0, evaluate.stderr);
    assert.match(evaluate.stderr, /computing with the portable kernels/);
    const predict = (...args: string[]) => {
      const r = spawnSync(process.execPath, [cli, 'predict', path.join(dir, 'offline'), ...args, '--json'], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { predicted: number; rows: number[][] };
    };
    // Test image 0 as a PNG file (read in JavaScript there) is classified as the image itself.
    const test = await loadDataset({ testSize: 1, testOnly: true });
    const image = tf.tensor3d(Int32Array.from(test.test.pixels), [28, 28, 1], 'int32');
    const file = path.join(dir, 'digit.png');
    fs.writeFileSync(file, await cpuBackend().native!.node.encodePng(image));
    image.dispose();
    const [byIndex, byFile] = [predict('--index', '0'), predict('--image', file)];
    assert.equal(byFile.predicted, byIndex.predicted);
    assert.deepEqual(byFile.rows, byIndex.rows);
    const jpeg = path.join(dir, 'digit.jpg');
    fs.writeFileSync(jpeg, Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    const refused = spawnSync(process.execPath, [cli, 'predict', path.join(dir, 'offline'), '--image', jpeg], { encoding: 'utf8', env });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /on the portable kernels image files are read as PNG/);
  });
});

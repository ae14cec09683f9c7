// Looking inside a checkpoint, with real TensorFlow: an evaluation's per-image predictions agree
// with its confusion matrix; the row-by-row probabilities end in the evaluation's prediction;
// images, drawings and image files are answered by the inspecting process (in this process, and
// through the worker's IPC); `predict` on a test image saved as PNG gives the class its index
// gives; `evaluate --misclassified` lists the most confidently wrong.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWorker } from '../../src/client/workerClient';
import { bytesFromBase64, floatsFromBase64, toBase64 } from '../../src/protocol/binary';
import type { InspectResult } from '../../src/protocol/inspection';
import { decodePredictions, type Predictions, selectImages } from '../../src/protocol/predictions';
import type { EvaluationResult, TrainingEvent } from '../../src/protocol/training';
import { loadDataset, type Split } from '../../src/training/data/dataset';
import { Inspector } from '../../src/training/inspector';
import { runEvaluation, runTraining } from '../../src/training/jobs';
import { cpuBackend, quickConfig, recorder, tempDir } from './helpers';
import fc from 'fast-check';
import { damaged, fuzz } from '../unit/fuzz/fuzzing';
import { bmpHeader, gifOfFrames, jpegHeader, pngHeader } from '../support/imageFiles';

const WORKER = path.resolve(__dirname, '../../src/training/worker.js');
const CLI = path.resolve(__dirname, '../../src/cli/cli.js');
const TEST_SIZE = 200;
const PIXELS = 28 * 28;

type Rows = Extract<InspectResult, { kind: 'rows' }>;

/** The probabilities after each row: rows × 10. */
function rowsOf(r: InspectResult): Float32Array[] {
  assert.equal(r.kind, 'rows');
  const flat = floatsFromBase64((r as Rows).probabilities);
  return Array.from({ length: (r as Rows).rows }, (_, i) => flat.subarray(i * 10, (i + 1) * 10));
}

const argMax = (p: Float32Array): number => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);

/** A 28x28 grey image as a PNG file's bytes. */
async function encodePng(image: Uint8Array): Promise<Uint8Array> {
  const tf = cpuBackend().native!;
  const t = tf.tensor3d(Int32Array.from(image), [28, 28, 1], 'int32');
  try {
    return await tf.node.encodePng(t);
  } finally {
    t.dispose();
  }
}

describe('inspecting a checkpoint', () => {
  const dir = tempDir('inspect');
  const checkpoint = path.join(dir, 'quick');
  let result: EvaluationResult;
  let predictions: Predictions;
  let test: Split;
  let inspector: Inspector;

  before(async () => {
    cpuBackend();
    assert.equal(await runTraining(quickConfig(dir, { trainSize: 1000, testSize: TEST_SIZE }), recorder()), 'done');
    const hooks = recorder();
    assert.equal(await runEvaluation({ checkpoint, device: 'cpu', testSize: TEST_SIZE }, hooks), 'done');
    const evaluation = hooks.events.find((e) => e.type === 'evaluation') as Extract<TrainingEvent, { type: 'evaluation' }>;
    result = evaluation.result;
    assert.ok(evaluation.predictions, 'the evaluation carries its predictions');
    predictions = decodePredictions(evaluation.predictions);
    test = (await loadDataset({ testSize: TEST_SIZE, testOnly: true })).test;
    inspector = await Inspector.open(cpuBackend(), { checkpoint, testSize: TEST_SIZE, device: 'cpu' });
  });
  after(() => {
    inspector?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the per-image predictions agree with the confusion matrix, cell by cell', () => {
    assert.equal(predictions.labels.length, TEST_SIZE);
    assert.deepEqual(Array.from(predictions.labels), Array.from(test.labels));
    for (let t = 0; t < 10; t++) {
      for (let p = 0; p < 10; p++) {
        assert.equal(selectImages(predictions, { kind: 'cell', label: t, predicted: p }).length, result.confusion[t][p], `cell ${t},${p}`);
      }
    }
    const wrong = selectImages(predictions, { kind: 'misclassified' });
    assert.equal(wrong.length, TEST_SIZE - Math.round(result.accuracy * TEST_SIZE));
    for (let i = 1; i < wrong.length; i++) assert.ok(wrong[i - 1].probability >= wrong[i].probability, 'most confident first');
    for (const c of predictions.confidence) assert.ok(c > 0.1 && c <= 1, `a top probability of ${c}`);
  });

  it("the last row's probabilities are the evaluation's prediction, within 1e-5; every row sums to 1", () => {
    for (let index = 0; index < 40; index++) {
      const rows = rowsOf(inspector.answer({ kind: 'rows', index }));
      assert.equal(rows.length, 28);
      const last = rows[27];
      assert.equal(argMax(last), predictions.predicted[index], `image ${index}`);
      assert.ok(Math.abs(last[predictions.predicted[index]] - predictions.confidence[index]) < 1e-5, `image ${index}`);
      for (const p of rows) assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    }
  });

  it('answers images by index, a drawing and an image file the same way as the test image they hold', async () => {
    const images = inspector.answer({ kind: 'images', indices: [3, 5] });
    assert.equal(images.kind, 'images');
    assert.deepEqual(
      Array.from(bytesFromBase64(images.pixels)),
      Array.from(test.pixels.subarray(3 * PIXELS, 4 * PIXELS)).concat(Array.from(test.pixels.subarray(5 * PIXELS, 6 * PIXELS))),
    );
    const image = test.pixels.subarray(7 * PIXELS, 8 * PIXELS);
    const byIndex = rowsOf(inspector.answer({ kind: 'rows', index: 7 }));
    assert.deepEqual(rowsOf(inspector.answer({ kind: 'classify', pixels: toBase64(image) })), byIndex);
    const png = await encodePng(image);
    assert.deepEqual(rowsOf(inspector.answer({ kind: 'classifyFile', file: toBase64(png) })), byIndex);
  });

  it('says why a question cannot be answered', () => {
    assert.throws(() => inspector.answer({ kind: 'rows', index: TEST_SIZE }), /there are 200 test images; 200 is not one of them/);
    assert.throws(
      () => inspector.answer({ kind: 'classify', pixels: toBase64(new Uint8Array(10)) }),
      /a drawing has 784 pixels \(28x28\), not 10/,
    );
    assert.throws(
      () => inspector.answer({ kind: 'classifyFile', file: toBase64(new Uint8Array([1, 2, 3])) }),
      /the image could not be read/,
    );
  });

  it("image files from elsewhere, on TensorFlow's decoders: a damaged PNG or JPEG gives rows or a reason; a bomb is refused before decoding", async () => {
    const tf = cpuBackend().native!;
    const image = test.pixels.subarray(0, PIXELS);
    const grey = tf.tensor3d(Int32Array.from(image), [28, 28, 1], 'int32');
    const jpeg = await tf.node.encodeJpeg(grey);
    grey.dispose();
    const classify = (file: Uint8Array) => inspector.answer({ kind: 'classifyFile', file: toBase64(file) });
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.oneof(damaged(await encodePng(image), 64), damaged(jpeg, 64)), (bytes) => {
        try {
          assert.equal(rowsOf(classify(bytes)).length, 28);
        } catch (e) {
          assert.match((e as Error).message, /^the image could not be read/);
        }
      }),
      fuzz(0.1),
    );
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    for (const [bomb, size] of [
      [pngHeader(30000, 30000), /30000 x 30000 pixels/],
      [jpegHeader(65535, 65535), /65535 x 65535 pixels/],
      [bmpHeader(50000, 50000), /50000 x 50000 pixels/],
      [gifOfFrames(10000, 100, 100), /100 x 100 pixels in 10000 frames/],
    ] as const)
      assert.throws(
        () => classify(bomb),
        (e: Error) => e.message.startsWith('the image could not be read: the ') && size.test(e.message),
      );
  });

  it('through the worker: answers until cancelled, errors included, then ends', async () => {
    const events: TrainingEvent[] = [];
    const job = startWorker(
      { type: 'inspect', subject: { checkpoint, testSize: TEST_SIZE, device: 'cpu' } },
      {
        workerPath: WORKER,
        cwd: dir,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'inspecting') {
            job.send({ type: 'inspectRequest', id: 1, request: { kind: 'rows', index: 2 } });
            job.send({ type: 'inspectRequest', id: 2, request: { kind: 'rows', index: 999 } });
          }
          if (e.type === 'inspected' && e.id === 2) job.cancel();
        },
        onLog: () => undefined,
      },
    );
    assert.equal((await job.finished).type, 'cancelled');
    assert.deepEqual(
      events.map((e) => e.type),
      ['inspecting', 'inspected', 'inspected', 'cancelled'],
    );
    const [first, second] = events.filter((e) => e.type === 'inspected') as Array<Extract<TrainingEvent, { type: 'inspected' }>>;
    assert.ok(first.result);
    assert.equal(argMax(rowsOf(first.result)[27]), predictions.predicted[2]);
    assert.match(second.error ?? '', /999 is not one of them/);
  });

  it('the CLI: predict on a test image saved as PNG gives the class its index gives; evaluate lists the most confidently wrong', async () => {
    const file = path.join(dir, 'seven.png');
    fs.writeFileSync(file, await encodePng(test.pixels.subarray(7 * PIXELS, 8 * PIXELS)));
    const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    const byIndex = cli('predict', checkpoint, '--index', '7', '--json');
    const byFile = cli('predict', checkpoint, '--image', file, '--json');
    assert.equal(byIndex.status, 0, byIndex.stderr);
    assert.equal(byFile.status, 0, byFile.stderr);
    const a = JSON.parse(byIndex.stdout) as { predicted: number; label: number; rows: number[][] };
    const b = JSON.parse(byFile.stdout) as { predicted: number; rows: number[][] };
    assert.equal(a.predicted, predictions.predicted[7]);
    assert.equal(b.predicted, a.predicted);
    assert.equal(a.label, test.labels[7]);
    assert.equal(b.rows.length, 28);
    const text = cli('predict', checkpoint, '--index', '7');
    assert.match(text.stdout, /^test image 7 \(true \d\): predicted \d with \d+\.\d\d%\n/);
    assert.equal(text.stdout.trim().split('\n').length, 2 + 1 + 28, 'the headline, the legend, the header, a line per row');
    const missing = cli('predict', checkpoint, '--image', path.join(dir, 'none.png'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /none\.png: no such file/);

    const listed = cli('evaluate', checkpoint, '--misclassified', '3', '--json');
    assert.equal(listed.status, 0, listed.stderr);
    const record = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; images?: Array<{ index: number; probability: number }> })
      .find((r) => r.type === 'misclassified');
    assert.deepEqual(
      record?.images?.map((i) => i.index),
      selectImages(predictions, { kind: 'misclassified' })
        .slice(0, 3)
        .map((i) => i.index),
    );
  });
});

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it, before, after } from 'node:test';
import { embeddedMnistDir, loadDataset } from '../../src/training/data/dataset';
import { DatasetError, readIdxImages, readIdxLabels } from '../../src/training/data/idx';

const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

describe('IDX reader on the real MNIST files', () => {
  it('reads 60,000 training and 10,000 test images of 28x28 with the known label counts', async () => {
    const data = await loadDataset();
    assert.equal(data.train.count, 60000);
    assert.equal(data.test.count, 10000);
    assert.equal(data.rows, 28);
    assert.equal(data.cols, 28);
    assert.deepEqual(classCounts(data.train.labels), TRAIN_COUNTS);
    assert.deepEqual(classCounts(data.test.labels), TEST_COUNTS);
    assert.equal(data.train.pixels.length, 60000 * 784);
    assert.equal(Math.max(...data.test.pixels.subarray(0, 784 * 10)), 255);
    assert.equal(data.info.name, 'MNIST');
  });

  it('takes subsets and can skip the training files', async () => {
    const data = await loadDataset({ testOnly: true, testSize: 123 });
    assert.equal(data.train.count, 0);
    assert.equal(data.test.count, 123);
    assert.equal(data.test.labels.length, 123);
  });
});

describe('IDX reader on damaged files', () => {
  let dir: string;
  const src = embeddedMnistDir();
  const testImages = () => fs.readFileSync(path.join(src, 't10k-images-idx3-ubyte'));
  const testLabels = () => fs.readFileSync(path.join(src, 't10k-labels-idx1-ubyte'));

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads gzip-compressed files in a user folder (as Fashion-MNIST ships)', async () => {
    const gzDir = path.join(dir, 'gz');
    fs.mkdirSync(gzDir);
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) {
      // A small training split keeps the test fast: 50 images, 50 labels.
      const buf = fs.readFileSync(path.join(src, name));
      const isImages = name.includes('images');
      const headerLen = isImages ? 16 : 8;
      const head = Buffer.from(buf.subarray(0, headerLen));
      head.writeUInt32BE(50, 4);
      fs.writeFileSync(
        path.join(gzDir, `${name}.gz`),
        zlib.gzipSync(Buffer.concat([head, buf.subarray(headerLen, headerLen + 50 * (isImages ? 784 : 1))])),
      );
    }
    fs.writeFileSync(path.join(gzDir, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(testImages()));
    fs.writeFileSync(path.join(gzDir, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(testLabels()));
    const data = await loadDataset({ dataDir: gzDir });
    assert.equal(data.train.count, 50);
    assert.equal(data.test.count, 10000);
    assert.deepEqual(classCounts(data.test.labels), TEST_COUNTS);
    assert.equal(data.info.name, 'gz');
  });

  it('names the file when it is truncated', async () => {
    const file = path.join(dir, 'truncated');
    fs.writeFileSync(file, testImages().subarray(0, 5000));
    await assert.rejects(
      readIdxImages(file),
      (e: Error) => e instanceof DatasetError && e.message.includes(file) && /truncated/.test(e.message),
    );
  });

  it('names the file when the header itself is cut short', async () => {
    const file = path.join(dir, 'tiny');
    fs.writeFileSync(file, Buffer.from([0, 0, 8]));
    await assert.rejects(readIdxLabels(file), /tiny is truncated/);
  });

  it('rejects a wrong magic number (labels read as images)', async () => {
    const file = path.join(dir, 'labels-as-images');
    fs.writeFileSync(file, testLabels());
    await assert.rejects(readIdxImages(file), (e: Error) => e.message.includes(file) && /magic number 2049, expected 2051/.test(e.message));
  });

  it('reports a missing file and a missing folder', async () => {
    await assert.rejects(readIdxLabels(path.join(dir, 'nope')), /Dataset file not found: .*nope/);
    await assert.rejects(loadDataset({ dataDir: path.join(dir, 'no-folder') }), /Dataset folder not found/);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    await assert.rejects(loadDataset({ dataDir: empty }), /Dataset file not found: .*t10k-images-idx3-ubyte/);
  });

  it('rejects a damaged gzip file and mismatched image/label counts', async () => {
    const file = path.join(dir, 'bad.gz');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(30, 7)]));
    await assert.rejects(readIdxImages(file), /damaged gzip/);
    const mismatch = path.join(dir, 'mismatch');
    fs.mkdirSync(mismatch);
    fs.writeFileSync(path.join(mismatch, 't10k-images-idx3-ubyte'), testImages());
    const labels = testLabels();
    const head = Buffer.from(labels.subarray(0, 8));
    head.writeUInt32BE(9999, 4);
    fs.writeFileSync(path.join(mismatch, 't10k-labels-idx1-ubyte'), Buffer.concat([head, labels.subarray(8, 8 + 9999)]));
    await assert.rejects(loadDataset({ dataDir: mismatch, testOnly: true }), /holds 10000 images but .* holds 9999 labels/);
  });
});

// A data folder of MNIST's labels with blank images: a model trained on it cannot tell the digits
// apart, so it gives every test image the same class, and its test accuracy is that class's share
// of the test images (at most 14% of MNIST's first 200 or 500): chance level, whatever the
// learning rate or the arithmetic's last bits do.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset } from '../../src/training/data/dataset';
import { IMAGES_MAGIC, LABELS_MAGIC } from '../../src/training/data/idx';

function writeIdx(file: string, magic: number, dims: number[], data: Uint8Array): void {
  const header = Buffer.alloc(4 * (1 + dims.length));
  header.writeInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeInt32BE(d, 4 * (i + 1)));
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

/** Writes the folder `dir`: `train` and `test` blank 28x28 images with MNIST's first labels. */
export async function writeBlankMnist(dir: string, train: number, test: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const mnist = await loadDataset({ trainSize: train, testSize: test });
  for (const [prefix, split] of [
    ['train', mnist.train],
    ['t10k', mnist.test],
  ] as const) {
    writeIdx(path.join(dir, `${prefix}-labels-idx1-ubyte`), LABELS_MAGIC, [split.count], split.labels);
    writeIdx(
      path.join(dir, `${prefix}-images-idx3-ubyte`),
      IMAGES_MAGIC,
      [split.count, mnist.rows, mnist.cols],
      new Uint8Array(split.pixels.length),
    );
  }
}

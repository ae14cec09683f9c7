// Files the extension tests put in a workspace: a small checkpoint the view can list and
// delete without training one. Free of `vscode`: the browser and package tests write them too.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A checkpoint the view can list: valid metadata and a weights file of the right size; `meta` replaces fields of checkpoint.json. */
export function writeCheckpoint(dir: string, accuracy: number, meta: Record<string, unknown> = {}): void {
  const units = 4;
  const weights = [
    { name: 'lstm/kernel', shape: [28 + units, 4 * units] },
    { name: 'lstm/bias', shape: [4 * units] },
    { name: 'dense/kernel', shape: [units, 10] },
    { name: 'dense/bias', shape: [10] },
  ];
  const floats = weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(4 * floats));
  fs.writeFileSync(
    path.join(dir, 'checkpoint.json'),
    JSON.stringify({
      format: 'lstm-mnist-checkpoint',
      version: 1,
      name: path.basename(dir),
      createdAt: new Date().toISOString(),
      hyperparameters: { batchSize: 100, epochs: 1, learningRate: 0.01, seed: 1 },
      model: { timesteps: 28, inputSize: 28, units, classes: 10, forgetBias: 1 },
      weights,
      epochs: [],
      test: { loss: 1, accuracy },
      device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true },
      dataset: { name: 'MNIST', source: 'test', trainCount: 100, testCount: 100 },
      seconds: 1,
      ...meta,
    }),
  );
}

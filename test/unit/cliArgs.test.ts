import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseCommand, UsageError } from '../../src/training/cliArgs';

const CLI = path.resolve(__dirname, '../../src/training/cli.js');

describe('command line', () => {
  it('defaults to the seed hyperparameters and a dated run name in ./weights', () => {
    const cmd = parseCommand(['train'], '/work', new Date(2026, 10, 28, 9, 5, 7));
    assert.equal(cmd.kind, 'train');
    if (cmd.kind !== 'train') return;
    assert.deepEqual(
      { ...cmd.config },
      { units: 128, batchSize: 100, epochs: 2, learningRate: 0.01, seed: 42, trainSize: undefined, testSize: undefined,
        dataDir: undefined, weightsDir: '/work/weights', runName: 'lstm-20261128-090507', device: 'auto', kernels: 'auto' },
    );
    assert.equal(cmd.json, false);
  });

  it('takes every option', () => {
    const cmd = parseCommand(['train', '--units', '16', '--batch-size', '50', '--epochs', '3', '--learning-rate', '0.001',
      '--seed', '7', '--train-size', '500', '--test-size', '200', '--data-dir', 'fashion', '--weights-dir', 'w',
      '--run-name', 'r1', '--device', 'cpu', '--kernels', 'reference', '--json'], '/p');
    assert.equal(cmd.kind, 'train');
    if (cmd.kind !== 'train') return;
    assert.equal(cmd.config.units, 16);
    assert.equal(cmd.config.dataDir, '/p/fashion');
    assert.equal(cmd.config.weightsDir, '/p/w');
    assert.equal(cmd.config.kernels, 'reference');
    assert.equal(cmd.json, true);
    const ev = parseCommand(['evaluate', 'weights/r1', '--test-size', '100'], '/p');
    assert.deepEqual(ev, { kind: 'evaluate', request: { checkpoint: '/p/weights/r1', dataDir: undefined, testSize: 100, device: 'auto' }, json: false });
  });

  for (const [args, message] of [
    [[], /missing command/],
    [['fly'], /unknown command "fly"/],
    [['train', '--epochs', 'two'], /--epochs must be a number/],
    [['train', '--epochs', '0'], /epochs must be a positive integer/],
    [['train', '--batch-size', '2.5'], /batch size must be a positive integer/],
    [['train', '--learning-rate=-1'], /learning rate/],
    [['train', '--device', 'tpu'], /--device must be one of auto, cpu, gpu/],
    [['train', '--run-name', '../escape'], /run name/],
    [['train', '--bogus'], /Unknown option '--bogus'/],
    [['evaluate'], /exactly one checkpoint/],
  ] as const) {
    it(`rejects ${JSON.stringify(args)}`, () => {
      assert.throws(() => parseCommand([...args]), (e: Error) => e instanceof UsageError && message.test(e.message));
    });
  }

  it('prints the usage and exits with 2 on bad arguments, 0 on --help', () => {
    const bad = spawnSync(process.execPath, [CLI, 'train', '--epochs', 'x'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /error: --epochs must be a number/);
    assert.match(bad.stderr, /Usage:/);
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /npm run evaluate -- <checkpoint>/);
  });
});

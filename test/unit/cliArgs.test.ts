import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NUMBER_RULES } from '../../src/protocol/runOptions';
import { parseCommand, UsageError, USAGE } from '../../src/training/cliArgs';

const CLI = path.resolve(__dirname, '../../src/training/cli.js');

describe('command line', () => {
  it('defaults to the seed hyperparameters and a dated run name in ./weights', () => {
    const cmd = parseCommand(['train'], '/work', new Date(2026, 10, 28, 9, 5, 7));
    assert.equal(cmd.kind, 'train');
    if (cmd.kind !== 'train') return;
    assert.deepEqual(
      { ...cmd.config },
      {
        units: 128,
        batchSize: 100,
        epochs: 2,
        learningRate: 0.01,
        seed: 42,
        trainSize: undefined,
        testSize: undefined,
        dataDir: undefined,
        weightsDir: '/work/weights',
        runName: 'lstm-20261128-090507',
        device: 'auto',
        kernels: 'auto',
      },
    );
    assert.equal(cmd.json, false);
  });

  it('takes every option', () => {
    const cmd = parseCommand(
      [
        'train',
        '--units',
        '16',
        '--batch-size',
        '50',
        '--epochs',
        '3',
        '--learning-rate',
        '0.001',
        '--seed',
        '7',
        '--train-size',
        '500',
        '--test-size',
        '200',
        '--data-dir',
        'fashion',
        '--weights-dir',
        'w',
        '--run-name',
        'r1',
        '--device',
        'cpu',
        '--kernels',
        'reference',
        '--json',
      ],
      '/p',
    );
    assert.equal(cmd.kind, 'train');
    if (cmd.kind !== 'train') return;
    assert.equal(cmd.config.units, 16);
    assert.equal(cmd.config.dataDir, '/p/fashion');
    assert.equal(cmd.config.weightsDir, '/p/w');
    assert.equal(cmd.config.kernels, 'reference');
    assert.equal(cmd.json, true);
    const ev = parseCommand(['evaluate', 'weights/r1', '--test-size', '100'], '/p');
    assert.deepEqual(ev, {
      kind: 'evaluate',
      request: { checkpoint: '/p/weights/r1', dataDir: undefined, testSize: 100, device: 'auto' },
      json: false,
    });
  });

  for (const [args, message] of [
    [[], /missing command/],
    [['fly'], /unknown command "fly"/],
    [['train', '--epochs', 'two'], /^--epochs must be a whole number from 1 to 1000 \(got "two"\)$/],
    [['train', '--epochs', '0'], /^--epochs must be a whole number from 1 to 1000 \(got "0"\)$/],
    [['train', '--batch-size', '2.5'], /^--batch-size must be a whole number from 1 to 60000 \(got "2\.5"\)$/],
    [['train', '--learning-rate=-1'], /^--learning-rate must be a number above 0 and at most 10 \(got "-1"\)$/],
    [['train', '--learning-rate', '10.5'], /^--learning-rate must be a number above 0 and at most 10/],
    [['train', '--units', '1000000'], /^--units must be a whole number from 1 to 4096 \(got "1000000"\)$/],
    [['train', '--train-size=-5'], /^--train-size must be a whole number of at least 0 \(0 = all\)/],
    [['train', '--device', 'tpu'], /^--device must be one of auto, cpu, gpu \(it is "tpu"\)$/],
    [['train', '--kernels', 'fast'], /^--kernels must be one of auto, scheduled, fused, reference/],
    [['train', '--run-name', '../escape'], /^--run-name must be up to 100 letters/],
    [['train', '--bogus'], /Unknown option '--bogus'/],
    [['evaluate'], /exactly one checkpoint/],
  ] as const) {
    it(`rejects ${JSON.stringify(args)}`, () => {
      assert.throws(
        () => parseCommand([...args]),
        (e: Error) => e instanceof UsageError && message.test(e.message),
      );
    });
  }

  it('--train-size 0 means all, as the setting does', () => {
    const cmd = parseCommand(['train', '--train-size', '0', '--test-size', '300']);
    assert.ok(cmd.kind === 'train');
    assert.equal(cmd.config.trainSize, undefined);
    assert.equal(cmd.config.testSize, 300);
  });

  it('the usage lists every option of the run options with its default', () => {
    for (const rule of NUMBER_RULES) {
      assert.match(
        USAGE,
        new RegExp(`--${rule.option} [NX] +${rule.summary.replace(/[()]/g, '\\$&')} \\(${rule.zeroMeansAll ? 'all' : rule.default}\\)`),
      );
    }
  });

  it('prints the usage and exits with 2 on bad arguments, 0 on --help', () => {
    const bad = spawnSync(process.execPath, [CLI, 'train', '--epochs', 'x'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /error: --epochs must be a whole number from 1 to 1000 \(got "x"\)/);
    assert.match(bad.stderr, /Usage:/);
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /npm run evaluate -- <checkpoint>/);
  });
});

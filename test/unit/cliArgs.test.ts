import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NUMBER_RULES } from '../../src/protocol/runOptions';
import { parseCommand, UsageError, USAGE } from '../../src/cli/args';

const CLI = path.resolve(__dirname, '../../src/cli/cli.js');

describe('command line', () => {
  it('defaults to the seed hyperparameters and a dated run name in ./weights', () => {
    const cmd = parseCommand(['train'], '/work', new Date(2026, 10, 28, 9, 5, 7));
    assert.equal(cmd.kind, 'train');
    if (cmd.kind !== 'train') return;
    assert.deepEqual(
      { ...cmd.config },
      {
        units: 128,
        layers: 1,
        dropout: undefined,
        batchSize: 100,
        epochs: 2,
        learningRate: 0.01,
        seed: 42,
        trainSize: undefined,
        testSize: undefined,
        patience: undefined,
        lrDecay: 0.5,
        lrStepEpochs: 1,
        lrPatience: 2,
        lrMin: 0,
        clipNorm: undefined,
        dataDir: undefined,
        weightsDir: '/work/weights',
        runName: 'lstm-20261128-090507',
        device: 'auto',
        backend: 'auto',
        kernels: 'auto',
        origin: { from: 'cli', args: ['train'] },
      },
    );
    assert.deepEqual(cmd.output, { json: false, verbose: false });
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
        '--backend',
        'native',
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
    assert.equal(cmd.config.backend, 'native');
    assert.deepEqual(cmd.output, { json: true, verbose: false });
    const ev = parseCommand(['evaluate', 'weights/r1', '--test-size', '100', '--verbose', '--backend', 'portable'], '/p');
    assert.deepEqual(ev, {
      kind: 'evaluate',
      request: {
        checkpoint: '/p/weights/r1',
        dataDir: undefined,
        testSize: 100,
        testSizeFromCheckpoint: false,
        device: 'auto',
        backend: 'portable',
      },
      output: { json: false, verbose: true },
    });
  });

  it("evaluates on the checkpoint's own test size unless told; --test-size 0 means all", () => {
    const own = parseCommand(['evaluate', 'w/r1'], '/p');
    assert.ok(own.kind === 'evaluate');
    assert.equal(own.request.testSize, undefined);
    assert.equal(own.request.testSizeFromCheckpoint, true);
    const all = parseCommand(['evaluate', 'w/r1', '--test-size', '0'], '/p');
    assert.ok(all.kind === 'evaluate');
    assert.equal(all.request.testSize, undefined);
    assert.equal(all.request.testSizeFromCheckpoint, false);
  });

  it('predict takes a test image by index or an image file, not both; evaluate takes --misclassified', () => {
    assert.deepEqual(parseCommand(['predict', 'w/r1', '--index', '7'], '/p'), {
      kind: 'predict',
      subject: { checkpoint: '/p/w/r1', dataDir: undefined, device: 'auto', backend: 'auto' },
      input: { index: 7 },
      output: { json: false, verbose: false },
    });
    const file = parseCommand(['predict', 'w/r1', '--image', 'digit.png'], '/p');
    assert.ok(file.kind === 'predict');
    assert.deepEqual(file.input, { image: '/p/digit.png' });
    for (const [args, message] of [
      [['predict', 'w/r1'], /one of --index I and --image FILE/],
      [['predict', 'w/r1', '--index', '1', '--image', 'a.png'], /one of --index I and --image FILE/],
      [['predict', 'w/r1', '--index', '-1'], /^--index must be a whole number of at least 0 \(got "-1"\)$/],
      [['predict', '--index', '1'], /exactly one checkpoint/],
      [['evaluate', 'w/r1', '--misclassified', '0'], /^--misclassified must be a whole number of at least 1 \(got "0"\)$/],
    ] as const) {
      assert.throws(
        () => parseCommand([...args]),
        (e: Error) => e instanceof UsageError && message.test(e.message),
        JSON.stringify(args),
      );
    }
    const listed = parseCommand(['evaluate', 'w/r1', '--misclassified', '20']);
    assert.ok(listed.kind === 'evaluate');
    assert.equal(listed.misclassified, 20);
  });

  it('reads a negative number after an option as its value, for the option to judge', () => {
    for (const [option, value, rule] of [
      ['--epochs', '-3', /^--epochs must be a whole number from 1 to 1000 \(got "-3"\)$/],
      ['--learning-rate', '-0.5', /^--learning-rate must be a number above 0 and at most 10 \(got "-0\.5"\)$/],
      ['--seed', '-1e3', /^--seed must be a whole number from 0 to 2147483647 \(got "-1e3"\)$/],
    ] as const) {
      assert.throws(
        () => parseCommand(['train', option, value]),
        (e: Error) => e instanceof UsageError && rule.test(e.message),
        `${option} ${value}`,
      );
    }
    // A dash that is not a number is still an option: a missing value is said so.
    assert.throws(() => parseCommand(['train', '--epochs', '--json']), /argument is ambiguous|argument missing/);
  });

  for (const [args, message] of [
    [[], /missing command: train, evaluate, predict or export/],
    [['fly'], /unknown command "fly"/],
    [['train', '--epochs', 'two'], /^--epochs must be a whole number from 1 to 1000 \(got "two"\)$/],
    [['train', '--epochs', '0'], /^--epochs must be a whole number from 1 to 1000 \(got "0"\)$/],
    [['train', '--batch-size', '2.5'], /^--batch-size must be a whole number from 1 to 60000 \(got "2\.5"\)$/],
    [['train', '--learning-rate=-1'], /^--learning-rate must be a number above 0 and at most 10 \(got "-1"\)$/],
    [['train', '--learning-rate', '10.5'], /^--learning-rate must be a number above 0 and at most 10/],
    [['train', '--units', '1000000'], /^--units must be a whole number from 1 to 4096 \(got "1000000"\)$/],
    [['train', '--train-size=-5'], /^--train-size must be a whole number of at least 0 \(0 = all\)/],
    [['train', '--device', 'tpu'], /^--device must be one of auto, cpu, gpu \(it is "tpu"\)$/],
    [['export', 'w/r1', '--backend', 'wasm'], /^--backend must be one of auto, native, portable \(it is "wasm"\)$/],
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

  it('--resume continues a checkpoint for --epochs more; its hyperparameters cannot be given; --keep-best and --patience', () => {
    const cmd = parseCommand(['train', '--resume', 'weights/a', '--epochs', '3', '--keep-best', '--patience', '2'], '/work');
    assert.ok(cmd.kind === 'train');
    assert.equal(cmd.config.resume, '/work/weights/a');
    assert.equal(cmd.config.epochs, 3);
    assert.equal(cmd.config.keepBest, true);
    assert.equal(cmd.config.patience, 2);
    assert.throws(
      () => parseCommand(['train', '--resume', 'a', '--learning-rate', '0.1']),
      /--learning-rate cannot be given with --resume: a continued run keeps its checkpoint's/,
    );
    const plain = parseCommand(['train', '--patience', '0']);
    assert.ok(plain.kind === 'train');
    assert.equal(plain.config.patience, undefined, '0 = never stop early');
    assert.equal(plain.config.keepBest, undefined);
    assert.equal(plain.config.resume, undefined);
  });

  it("takes the model's knobs: --layers, --cell, --dropout; checks each; a continued run keeps its checkpoint's", () => {
    const cmd = parseCommand(['train', '--layers', '3', '--cell', 'gru', '--dropout', '0.2'], '/work');
    assert.ok(cmd.kind === 'train');
    assert.deepEqual([cmd.config.layers, cmd.config.cell, cmd.config.dropout], [3, 'gru', 0.2]);
    const seed = parseCommand(['train', '--cell', 'lstm', '--dropout', '0'], '/work');
    assert.ok(seed.kind === 'train');
    assert.deepEqual(
      [seed.config.layers, seed.config.cell, seed.config.dropout],
      [1, undefined, undefined],
      'the seed: one LSTM layer, no dropout',
    );
    assert.throws(() => parseCommand(['train', '--layers', '5']), /--layers must be a whole number from 1 to 4 \(got "5"\)/);
    assert.throws(() => parseCommand(['train', '--cell', 'rnn']), /--cell must be one of lstm, gru \(it is "rnn"\)/);
    assert.throws(() => parseCommand(['train', '--dropout', '1']), /--dropout must be a number from 0 to 0\.9/);
    for (const words of [
      ['--cell', 'gru'],
      ['--layers', '2'],
      ['--dropout', '0.1'],
    ])
      assert.throws(
        () => parseCommand(['train', '--resume', 'a', ...words]),
        /cannot be given with --resume: a continued run keeps its checkpoint's/,
      );
  });

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
        new RegExp(`--${rule.option} [NX] +${rule.summary.replace(/[()]/g, '\\$&')} \\(${rule.zeroMeans ?? rule.default}\\)`),
      );
    }
  });

  it('says what is wrong and where the options are, exit code 2, on bad arguments; the usage and 0 on --help', () => {
    for (const epochs of ['x', '-3']) {
      const bad = spawnSync(process.execPath, [CLI, 'train', '--epochs', epochs], { encoding: 'utf8' });
      assert.equal(bad.status, 2);
      assert.equal(
        bad.stderr,
        `error: --epochs must be a whole number from 1 to 1000 (got "${epochs}")\n(npm run train -- --help lists the options)\n`,
      );
      assert.equal(bad.stdout, '');
    }
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /npm run evaluate -- <checkpoint>/);
  });
});

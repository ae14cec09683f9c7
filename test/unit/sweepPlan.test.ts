// Sweeps: the words that plan one (grid, random samples, seeds), the runs planned and their
// names and configs, the record (sweep.json) and its guard, the folder that says which runs are
// left, and the CLI's own checks of its words.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { reservationFile, reservationHolder } from '../../src/checkpoint/reservation';
import {
  createSweepFolder,
  holdSweep,
  readSweepFolder,
  SweepFileError,
  sweepHolder,
  unfinishedSweeps,
} from '../../src/checkpoint/sweepFolder';
import { UsageError } from '../../src/cli/args';
import { parseSweep } from '../../src/cli/sweep';
import { META_FILE } from '../../src/protocol/checkpointFormat';
import { defaultConfig } from '../../src/protocol/runOptions';
import { SWEEP_FILE, SWEEP_FORMAT, SWEEP_VERSION, type SweepRecord, sweepRecordProblem } from '../../src/protocol/sweepFormat';
import { MAX_SWEEP_RUNS, parseSweepWords, planSweep, sweepBase, SweepError, sweepRunConfig } from '../../src/protocol/sweepPlan';

const base = sweepBase(defaultConfig('unused', '/w'));
const plan = (words: string[]): ReturnType<typeof planSweep> => planSweep(parseSweepWords(words).spec, base);

function record(runs = plan(['--units', '8,16', '--seeds', '2'])): SweepRecord {
  return { format: SWEEP_FORMAT, version: SWEEP_VERSION, name: 'grid', createdAt: '2026-12-07T00:00:00Z', words: [], base, runs };
}

describe('sweep plan', () => {
  it('a grid: every combination, the first option given changing slowest, each with its seeds', () => {
    const runs = plan(['--learning-rate', '0.001,0.01', '--units', '64,128', '--seeds', '2']);
    assert.equal(runs.length, 8);
    assert.deepEqual(
      runs.map((r) => r.name),
      [
        '1-lr0.001-units64-seed42',
        '2-lr0.001-units64-seed43',
        '3-lr0.001-units128-seed42',
        '4-lr0.001-units128-seed43',
        '5-lr0.01-units64-seed42',
        '6-lr0.01-units64-seed43',
        '7-lr0.01-units128-seed42',
        '8-lr0.01-units128-seed43',
      ],
    );
    assert.deepEqual(runs[2].values, { learningRate: 0.001, units: 128, seed: 42 });
  });

  it('the options that take a word vary too: --cell lstm,gru, --lr-schedule; a word it does not know is named', () => {
    const runs = plan(['--cell', 'lstm,gru', '--layers', '1,2', '--lr-schedule', 'cosine']);
    assert.deepEqual(
      runs.map((r) => r.name),
      ['1-lstm-layers1-seed42', '2-lstm-layers2-seed42', '3-gru-layers1-seed42', '4-gru-layers2-seed42'],
    );
    assert.deepEqual(runs[3].values, { cell: 'gru', layers: 2, lrSchedule: 'cosine', seed: 42 });
    const config = sweepRunConfig(base, runs[3], '/w/s');
    assert.deepEqual([config.cell, config.layers, config.lrSchedule], ['gru', 2, 'cosine']);
    assert.throws(() => plan(['--cell', 'lstm,rnn']), /--cell must be one of lstm, gru \(got "rnn"\)/);
    assert.equal(sweepRecordProblem(record(runs)), undefined);
    assert.match(sweepRecordProblem(record([{ name: 'r', values: { cell: 'rnn' } }])) ?? '', /run r's cell must be one of lstm, gru/);
  });

  it('numbers its runs with as many digits as the last needs, and names only what varies', () => {
    const runs = plan(['--units', '4,5,6,7,8,9,10,11,12,13', '--epochs', '1']);
    assert.equal(runs[0].name, '01-units4-seed42');
    assert.equal(runs[9].name, '10-units13-seed42');
    assert.deepEqual(runs[0].values, { units: 4, epochs: 1, seed: 42 });
  });

  it('seeds start at --seed; a list of seeds is an axis of its own', () => {
    assert.deepEqual(
      plan(['--seed', '7', '--seeds', '3']).map((r) => r.values.seed),
      [7, 8, 9],
    );
    assert.deepEqual(
      plan(['--seed', '1,5']).map((r) => r.name),
      ['1-seed1', '2-seed5'],
    );
  });

  it('0 means off or all in a base read from disk too', () => {
    const [run] = plan(['--units', '8']);
    const config = sweepRunConfig({ ...base, clipNorm: 0, trainSize: 0, patience: 0 }, run, '/w/s');
    assert.deepEqual([config.clipNorm, config.trainSize, config.patience], [undefined, undefined, undefined]);
  });

  it("a run's config is the base with its values, in the sweep's folder, 0 meaning all", () => {
    const [run] = plan(['--train-size', '0', '--units', '8']);
    const config = sweepRunConfig(base, run, '/w/grid');
    assert.equal(config.weightsDir, '/w/grid');
    assert.equal(config.runName, run.name);
    assert.equal(config.units, 8);
    assert.equal(config.trainSize, undefined);
    assert.equal(config.learningRate, base.learningRate);
  });

  it('random samples: repeatable from the seed, inside their ranges, rates on a log scale, whole numbers whole', () => {
    const words = ['--random', '200', '--learning-rate', '0.0001:0.1', '--units', '16:256', '--batch-size', '50,100'];
    const runs = plan(words);
    assert.deepEqual(plan(words), runs);
    assert.notDeepEqual(planSweep(parseSweepWords(words).spec, { ...base, seed: 1 }), runs);
    assert.equal(runs.length, 200);
    for (const { values } of runs) {
      assert.ok(values.learningRate! >= 0.0001 && values.learningRate! <= 0.1);
      assert.ok(Number.isInteger(values.units) && values.units! >= 16 && values.units! <= 256);
      assert.ok([50, 100].includes(values.batchSize!));
    }
    // On a log scale, about a third of the samples of 1e-4..1e-1 fall below 1e-3; uniformly, 1%.
    const small = runs.filter((r) => r.values.learningRate! < 0.001).length;
    assert.ok(small > 40 && small < 100, `${small} of 200 below 0.001`);
  });

  it('refuses what cannot be planned, naming the option', () => {
    const refused = (words: string[], pattern: RegExp): void =>
      assert.throws(
        () => plan(words),
        (e: unknown) => e instanceof SweepError && pattern.test(e.message),
      );
    refused(['--units', '0,8'], /^--units must be a whole number from 1 to 4096 \(got "0"\)/);
    refused(['--learning-rate', '0.001:0.1'], /needs --random N/);
    refused(['--units', '8', '--units', '16'], /given twice/);
    refused(['--units', '16:8', '--random', '2'], /lower to a higher/);
    refused(['--seeds', '0'], /--seeds must be a whole number from 1/);
    refused(['--seed', '1,2', '--seeds', '2'], /give one of them/);
    refused(['--name', '../x'], /--name must be up to 100/);
    refused(['--units'], /--units needs a value/);
    refused(['--units', Array.from({ length: 40 }, (_, i) => i + 1).join(','), '--seeds', '30'], new RegExp(`at most ${MAX_SWEEP_RUNS}`));
  });

  it('leaves the other words, in order, for the training options', () => {
    const { rest } = parseSweepWords(['--weights-dir', 'w', '--units=8,16', '--keep-best', '--data-dir', 'd']);
    assert.deepEqual(rest, ['--weights-dir', 'w', '--keep-best', '--data-dir', 'd']);
  });
});

describe('sweep record', () => {
  it('accepts what a sweep writes', () => {
    assert.equal(sweepRecordProblem(JSON.parse(JSON.stringify(record()))), undefined);
  });

  it('refuses a record that could name a folder outside the sweep, or train with bad options', () => {
    const bad = (change: (r: Record<string, unknown>) => void, pattern: RegExp): void => {
      const r = JSON.parse(JSON.stringify(record())) as Record<string, unknown>;
      change(r);
      const problem = sweepRecordProblem(r);
      assert.match(problem ?? 'accepted', pattern);
    };
    bad((r) => ((r.runs as Array<{ name: string }>)[0].name = '../outside'), /run 1's name must be/);
    bad((r) => ((r.runs as Array<{ values: object }>)[0].values = { units: -1 }), /units must be/);
    bad((r) => ((r.runs as Array<{ values: object }>)[0].values = { shell: 1 }), /unknown option "shell"/);
    bad((r) => ((r.base as { learningRate: unknown }).learningRate = 'fast'), /base options are wrong/);
    bad((r) => ((r.base as { dataDir: unknown }).dataDir = 3), /data folder/);
    bad((r) => (r.runs = []), /plans no runs/);
    bad((r) => ((r.runs as Array<{ name: string }>)[1].name = (r.runs as Array<{ name: string }>)[0].name), /same name/);
    bad((r) => (r.version = 2), /another version/);
    bad((r) => ((r.base as { resume: unknown }).resume = '/elsewhere/checkpoint'), /a checkpoint to continue, which only a run has/);
    bad((r) => ((r.base as { weightsDir: unknown }).weightsDir = '/elsewhere'), /name a folder, which only a run has/);
    bad((r) => (r.format = 'x'), /not a sweep record/);
  });
});

describe('sweep folder', () => {
  const weights = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));

  it('is made under a free name, and knows which runs are left from their checkpoints', () => {
    const dir = weights();
    fs.mkdirSync(path.join(dir, 'grid'));
    const made = createSweepFolder(dir, record());
    assert.equal(made.dir, path.join(dir, 'grid-2'));
    assert.equal(made.record.name, 'grid-2');
    assert.equal(made.pending.length, 4);
    const [first, second] = made.record.runs;
    fs.mkdirSync(path.join(made.dir, first.name));
    fs.writeFileSync(path.join(made.dir, first.name, META_FILE), '{}');
    fs.mkdirSync(path.join(made.dir, second.name)); // no checkpoint.json: a run that did not finish
    const read = readSweepFolder(made.dir);
    assert.deepEqual(
      read.pending.map((r) => r.name),
      made.record.runs.slice(1).map((r) => r.name),
    );
    assert.deepEqual(
      unfinishedSweeps(dir).map((s) => s.dir),
      [made.dir],
    );
    // The same sweep linked in from elsewhere is not offered: continuing it would write there.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-elsewhere-'));
    fs.cpSync(made.dir, path.join(elsewhere, 'linked'), { recursive: true });
    fs.symlinkSync(path.join(elsewhere, 'linked'), path.join(dir, 'linked'));
    assert.deepEqual(
      unfinishedSweeps(dir).map((s) => s.dir),
      [made.dir],
    );
    fs.rmSync(path.join(dir, 'linked'));
    fs.rmSync(elsewhere, { recursive: true });
    for (const run of made.record.runs.slice(1)) {
      fs.mkdirSync(path.join(made.dir, run.name), { recursive: true });
      fs.writeFileSync(path.join(made.dir, run.name, META_FILE), '{}');
    }
    assert.deepEqual(unfinishedSweeps(dir), []);
    assert.deepEqual(
      fs.readdirSync(made.dir).filter((f) => f.startsWith('.')),
      [],
      'no staging file is left',
    );
  });

  it('is not offered while a live process trains it, and is again once that process is gone', () => {
    const dir = weights();
    const made = createSweepFolder(dir, record());
    const hold = holdSweep(made.dir);
    assert.equal(sweepHolder(made.dir), process.pid);
    assert.deepEqual(unfinishedSweeps(dir), []);
    hold.release();
    assert.equal(unfinishedSweeps(dir).length, 1);
    // A holder that died (a window reloaded: its extension host is gone).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(made.dir, '.running'), dead);
    assert.equal(sweepHolder(made.dir), undefined);
    assert.equal(unfinishedSweeps(dir).length, 1);
    holdSweep(made.dir).release();
  });

  it('is held by one process at a time, this one included, and never writes through a link in its place', () => {
    const dir = weights();
    const made = createSweepFolder(dir, record());
    const hold = holdSweep(made.dir);
    assert.throws(
      () => holdSweep(made.dir),
      (e: unknown) => e instanceof SweepFileError && /this window is training/.test(e.message),
    );
    hold.release();
    const target = path.join(dir, 'outside.txt');
    fs.writeFileSync(target, 'keep me');
    fs.symlinkSync(target, path.join(made.dir, '.running'));
    assert.equal(sweepHolder(made.dir), undefined, 'a link is no holder');
    holdSweep(made.dir).release();
    assert.equal(fs.readFileSync(target, 'utf8'), 'keep me');
  });

  it('says what is wrong with a folder that is not a readable sweep', () => {
    const dir = weights();
    assert.throws(
      () => readSweepFolder(dir),
      (e: unknown) => e instanceof SweepFileError && /not a sweep folder/.test(e.message),
    );
    fs.writeFileSync(path.join(dir, SWEEP_FILE), '{');
    assert.throws(
      () => readSweepFolder(dir),
      (e: unknown) => e instanceof SweepFileError && /not valid JSON/.test(e.message),
    );
    fs.writeFileSync(path.join(dir, SWEEP_FILE), '{"format":"lstm-mnist-sweep","version":1,"name":"a/b"}');
    assert.throws(
      () => readSweepFolder(dir),
      (e: unknown) => e instanceof SweepFileError && /its name must be/.test(e.message),
    );
  });

  it("a sweep's record, its holder's file or a run's reservation planted as a link or a pipe is refused at once, never followed", () => {
    const dir = weights();
    const made = createSweepFolder(dir, record());
    const recordFile = path.join(made.dir, SWEEP_FILE);
    const elsewhere = path.join(dir, 'elsewhere.json');
    fs.renameSync(recordFile, elsewhere);
    fs.symlinkSync(elsewhere, recordFile);
    assert.throws(
      () => readSweepFolder(made.dir),
      (e: unknown) => e instanceof SweepFileError && /sweep\.json is a link, which may lead to any file: not read/.test(e.message),
    );
    if (process.platform === 'win32') return;
    // Named pipes, each with a writer that waits for a reader and then writes a live process's id
    // (its own): a reader that waited on a pipe would read that and fail the test, not hang it. A
    // writer that finds no reader (the readers here do not wait) is killed at the end.
    const writers: ChildProcess[] = [];
    const pipe = (file: string): void => {
      fs.rmSync(file, { force: true });
      execFileSync('mkfifo', [file]);
      writers.push(spawn('sh', ['-c', 'exec 3>"$0"; echo $$ >&3; sleep 2', file], { stdio: 'ignore' }));
    };
    try {
      pipe(recordFile);
      assert.throws(
        () => readSweepFolder(made.dir),
        (e: unknown) => e instanceof SweepFileError && /sweep\.json is not a file/.test(e.message),
      );
      pipe(path.join(made.dir, '.running'));
      assert.equal(sweepHolder(made.dir), undefined);
      pipe(reservationFile(dir, 'run'));
      assert.equal(reservationHolder(dir, 'run'), undefined);
      // Process 0 is no holder (signalling it reaches this process's group).
      fs.rmSync(reservationFile(dir, 'run'));
      fs.writeFileSync(reservationFile(dir, 'run'), '0');
      assert.equal(reservationHolder(dir, 'run'), undefined);
    } finally {
      for (const writer of writers) writer.kill();
    }
  });
});

describe('npm run sweep: its words', () => {
  it('plans over the training options, resolved against the current folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-cli-'));
    const job = parseSweep(['--units', '8,16', '--epochs', '1', '--weights-dir', path.basename(dir), '--name', 's'], path.dirname(dir));
    assert.equal(fs.readdirSync(dir).length, 0, 'the folder is made when the sweep starts, not when it is planned');
    const made = job.sweep();
    assert.equal(made.dir, path.join(dir, 's'));
    assert.equal(made.record.base.epochs, 2, 'the base keeps the default; each run has its own epochs');
    assert.deepEqual(
      made.record.runs.map((r) => r.values),
      [
        { units: 8, epochs: 1, seed: 42 },
        { units: 16, epochs: 1, seed: 42 },
      ],
    );
    assert.deepEqual(made.record.base.origin, {
      from: 'cli',
      args: ['sweep', '--units', '8,16', '--epochs', '1', '--weights-dir', path.basename(dir), '--name', 's'],
    });
  });

  it('refuses a run name, a checkpoint to continue, and options beside --continue', () => {
    assert.throws(
      () => parseSweep(['--run-name', 'x']),
      (e: unknown) => e instanceof UsageError && /names each run itself/.test(e.message),
    );
    assert.throws(() => parseSweep(['--resume', 'x']), UsageError);
    assert.throws(
      () => parseSweep(['--continue', 'x', '--units', '8']),
      (e: unknown) => e instanceof UsageError && /keeps its plan/.test(e.message),
    );
    assert.throws(
      () => parseSweep(['--units', 'many']),
      (e: unknown) => e instanceof UsageError && /--units must be/.test(e.message),
    );
    assert.throws(() => parseSweep(['--bogus']), UsageError);
  });
});

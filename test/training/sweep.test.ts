// `npm run sweep` with the real training process: a grid's runs trained one after another into the
// sweep's folder beside its record; --continue trains only the runs a stopped sweep lacks; Ctrl-C
// cancels the running run, drops the rest and keeps the finished ones.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { CheckpointMeta } from '../../src/protocol/checkpointFormat';
import { SWEEP_FILE, type SweepRecord } from '../../src/protocol/sweepFormat';
import { CLI, startCli } from './cliProcess';
import { tempDir } from './helpers';

const SMALL = ['--train-size', '200', '--test-size', '100', '--epochs', '1', '--no-tensorboard'];

const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('npm run sweep', () => {
  const dir = tempDir('sweep');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const grid = path.join(dir, 'grid');

  it('trains a 2x2 grid as 4 checkpoints beside its record, each with its own values, and says which run it is', () => {
    const args = ['sweep', '--units', '4,8', '--seeds', '2', ...SMALL, '--weights-dir', dir, '--name', 'grid', '--json'];
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    assert.deepEqual(
      lines.filter((l) => l.type === 'sweepRun').map((l) => [l.run, l.runs, l.name]),
      [
        [1, 4, '1-units4-seed42'],
        [2, 4, '2-units4-seed43'],
        [3, 4, '3-units8-seed42'],
        [4, 4, '4-units8-seed43'],
      ],
    );
    assert.equal(lines.filter((l) => l.type === 'done').length, 4);
    assert.deepEqual(lines.at(-1), { type: 'sweepDone', sweep: 'grid', dir: grid, done: 4, left: 0 });
    const record = JSON.parse(fs.readFileSync(path.join(grid, SWEEP_FILE), 'utf8')) as SweepRecord;
    assert.deepEqual(record.words, args.slice(1));
    assert.deepEqual(fs.readdirSync(grid).sort(), [...record.runs.map((run) => run.name), SWEEP_FILE].sort());
    for (const run of record.runs) {
      const meta = JSON.parse(fs.readFileSync(path.join(grid, run.name, 'checkpoint.json'), 'utf8')) as CheckpointMeta;
      assert.equal(meta.model.units, run.values.units);
      assert.equal(meta.hyperparameters.seed, run.values.seed);
      assert.equal(meta.hyperparameters.trainSize, 200);
      assert.deepEqual(meta.provenance?.origin, { from: 'cli', args: ['sweep', ...args.slice(1)] });
    }
  });

  it('--continue trains only the runs without a checkpoint, and a finished sweep has nothing left', () => {
    const record = JSON.parse(fs.readFileSync(path.join(grid, SWEEP_FILE), 'utf8')) as SweepRecord;
    const kept = path.join(grid, record.runs[0].name, 'checkpoint.json');
    const before = fs.statSync(kept).mtimeMs;
    fs.rmSync(path.join(grid, record.runs[2].name), { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'sweep', '--continue', grid], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Sweep grid: 4 runs in .*; 3 done, 1 to go\n/);
    assert.match(r.stdout, /=== run 3 of 4: 3-units8-seed42 \(units 8, epochs 1, seed 42, train-size 200, test-size 100\)/);
    assert.match(r.stdout, /Sweep grid: 1 of 1 run done this time\n {2}3-units8-seed42 {2}test accuracy \d+\.\d\d%\n$/);
    assert.ok(fs.existsSync(path.join(grid, record.runs[2].name, 'checkpoint.json')));
    assert.equal(fs.statSync(kept).mtimeMs, before, 'a finished run is not trained again');
    const again = spawnSync(process.execPath, [CLI, 'sweep', '--continue', grid], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /; 4 done, 0 to go\n/);
  });

  it('refuses a folder that is not a sweep, and words it cannot plan, saying why', () => {
    const notSweep = spawnSync(process.execPath, [CLI, 'sweep', '--continue', dir], { encoding: 'utf8' });
    assert.equal(notSweep.status, 1);
    assert.equal(notSweep.stderr, `error: ${path.join(dir, SWEEP_FILE)}: no ${SWEEP_FILE}: not a sweep folder\n`);
    const bad = spawnSync(process.execPath, [CLI, 'sweep', '--units', '4,0'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: --units must be a whole number from 1 to 4096 \(got "0"\)\n/);
  });

  it('Ctrl-C cancels the running run and drops the rest; the finished run stays, exit code 130', async () => {
    const weights = path.join(dir, 'stopped');
    // The third run has the most epochs a run may have: it cannot end before the signal.
    const cli = startCli([
      'sweep',
      ...['--epochs', '1,1000', '--seed', '1,2', ...SMALL.slice(0, 4), '--weights-dir', weights, '--name', 's', '--json'],
    ]);
    // The third run has started training: its sweepRun line, then a batch of it.
    const third = (out: string): number => out.indexOf('"run":3');
    await cli.until((out) => third(out) >= 0 && out.includes('"type":"batch"', third(out)));
    cli.interrupt();
    assert.equal(await cli.status, 130, cli.errors());
    assert.match(cli.errors(), /cancelling this run; the sweep stops after it/);
    const out = cli.output();
    const lines = jsonLines(out);
    assert.deepEqual(
      lines.filter((l) => l.type === 'sweepRun').map((l) => l.run),
      [1, 2, 3],
    );
    assert.equal(lines.at(-2)?.type, 'cancelled');
    assert.deepEqual(lines.at(-1), { type: 'sweepDone', sweep: 's', dir: path.join(weights, 's'), done: 2, left: 2 });
    assert.deepEqual(fs.readdirSync(path.join(weights, 's')).sort(), ['1-epochs1-seed1', '2-epochs1-seed2', SWEEP_FILE]);
  });
});

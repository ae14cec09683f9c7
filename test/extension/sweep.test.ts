// Sweeps in a real extension host: Start Sweep plans a grid over the settings and trains every run
// with the real worker, one after another; Cancel stops the running run and drops the rest,
// keeping the finished ones; Continue Sweep trains the runs a stopped sweep lacks. The Checkpoints
// view groups a sweep's runs under it, and the status bar and panel say which run is running.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LstmMnistApi, SweepResult } from '../../src/extension/api';
import { createSweepFolder } from '../../src/checkpoint/sweepFolder';
import type { CheckpointMeta } from '../../src/protocol/checkpointFormat';
import { defaultConfig } from '../../src/protocol/runOptions';
import { SWEEP_FILE, SWEEP_FORMAT, SWEEP_VERSION } from '../../src/protocol/sweepFormat';
import { parseSweepWords, planSweep, sweepBase } from '../../src/protocol/sweepPlan';
import { activatedInWorkspace } from './activation';
import { checkpointItems, checkpointTree, notifications, progressReports, waitFor } from './observe';

/** Runs of a few hundred images: a sweep of eight takes seconds. */
const SMALL = '--train-size 200 --test-size 100';

function meta(dir: string): CheckpointMeta {
  return JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as CheckpointMeta;
}

suite('sweeps', () => {
  let api: LstmMnistApi;
  let weightsDir: string;
  const made: string[] = [];

  suiteSetup(async () => {
    ({ api, weightsDir } = await activatedInWorkspace());
  });

  suiteTeardown(async () => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('lstmMnist.refreshCheckpoints');
  });

  test('A 2x2 grid with 2 seeds trains 8 checkpoints in the sweep folder, says which run is running, and the view groups them', async () => {
    const dir = path.join(weightsDir, 'ext-grid');
    made.push(dir);
    const mark = notifications.length;
    const progressMark = progressReports.length;
    const result = await vscode.commands.executeCommand<SweepResult>(
      'lstmMnist.startSweep',
      `--units 4,8 --learning-rate 0.003,0.01 --seeds 2 ${SMALL} --name ext-grid`,
    );
    assert.equal(result.status, 'done', JSON.stringify(result));
    const done = result as Extract<SweepResult, { dir: string }>;
    assert.equal(done.dir, dir);
    assert.deepEqual(done.failed, []);
    assert.equal(done.left, 0);
    assert.equal(done.checkpoints.length, 8);
    const record = JSON.parse(fs.readFileSync(path.join(dir, SWEEP_FILE), 'utf8')) as { runs: Array<{ name: string; values: object }> };
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      [...record.runs.map((r) => r.name), SWEEP_FILE].sort(),
      'each run a checkpoint, nothing else',
    );
    for (const [i, run] of record.runs.entries()) {
      const m = meta(path.join(dir, run.name));
      const values = run.values as { units: number; learningRate: number; seed: number };
      assert.equal(m.model.units, values.units, run.name);
      assert.equal(m.hyperparameters.learningRate, values.learningRate, run.name);
      assert.equal(m.hyperparameters.seed, values.seed, run.name);
      assert.equal(m.hyperparameters.trainSize, 200, 'the words beat the settings');
      assert.equal(m.hyperparameters.epochs, 1, 'what the words leave out comes from the settings');
      const origin = m.provenance?.origin;
      assert.equal(origin?.from, 'vscode');
      assert.equal(origin.from === 'vscode' && origin.settings?.['lstmMnist.epochs'], 1, 'the settings the run read are recorded');
      assert.equal(done.checkpoints[i], path.join(dir, run.name));
    }
    const progress = progressReports.slice(progressMark).filter((p) => p.title === 'Sweep ext-grid');
    for (let k = 1; k <= 8; k++)
      assert.ok(
        progress.some((p) => p.message.startsWith(`run ${k} of 8 · `)),
        `the notification says run ${k} of 8: ${JSON.stringify(progress.map((p) => p.message))}`,
      );
    const jobs = api.panelSnapshot().log.map((e) => e.job);
    assert.ok(
      jobs.some((j) => j.sweep?.name === 'ext-grid' && j.sweep.run === 8 && j.sweep.runs === 8),
      'the panel is told which run of the sweep each job is',
    );
    assert.ok(
      notifications
        .slice(mark)
        .some((n) => n.kind === 'info' && /^Sweep ext-grid finished: 8 of 8 runs trained, best \d+\.\d\d% \(/.test(n.message)),
      JSON.stringify(notifications.slice(mark)),
    );
    assert.deepEqual(
      notifications.slice(mark).filter((n) => n.kind !== 'info'),
      [],
      'no notification per run: a run at chance level is counted in the summary',
    );

    await vscode.commands.executeCommand('lstmMnist.refreshCheckpoints');
    const sweepItem = (await checkpointItems()).find((i) => i.label === 'ext-grid');
    assert.ok(sweepItem, 'the view shows the sweep');
    assert.match(String(sweepItem.description), /^8 runs · best \d+\.\d\d%$/);
    assert.equal(sweepItem.contextValue, 'sweep');
    const provider = checkpointTree();
    const node = ((await provider.getChildren()) ?? []).find((n) => (n as vscode.TreeItem).label === 'ext-grid');
    const children = ((await provider.getChildren(node)) ?? []) as vscode.TreeItem[];
    assert.deepEqual(children.map((c) => c.label).sort(), record.runs.map((r) => r.name).sort(), 'its runs are its children');
    assert.ok(children.every((c) => c.contextValue === 'checkpoint'));
    const summaries = await api.listCheckpoints();
    assert.ok(summaries.some((s) => s.name === `ext-grid/${record.runs[0].name}` && s.valid));
  });

  test("The runs table holds the grid's 8 runs; grouped, its 4 configurations with mean ± std of their checkpoints; the CSV follows the filter and sort", async () => {
    const dir = path.join(weightsDir, 'ext-grid');
    assert.ok(fs.existsSync(dir), 'needs the grid the test above trained');
    const shown = await vscode.commands.executeCommand<{ status: string; rows: number }>('lstmMnist.showRuns');
    assert.equal(shown.status, 'done');
    assert.ok(shown.rows >= 8, `the table has every valid checkpoint: ${shown.rows}`);
    const csvOf = async (view: object): Promise<string[][]> => {
      const file = path.join(dir, '..', 'runs.csv');
      made.push(file);
      const result = await vscode.commands.executeCommand<{ status: string; lines: number }>('lstmMnist.exportRunsCsv', { file, view });
      assert.equal(result.status, 'done', JSON.stringify(result));
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\r\n');
      assert.equal(result.lines, lines.length - 1);
      // No field before the last (the path) holds a comma but the device, which comes after the numbers read here.
      return lines.map((l) => l.split(','));
    };
    const sort = { key: 'accuracy', descending: true };
    const runs = await csvOf({ filter: 'name ~ ext-grid/', sort, grouped: false });
    assert.equal(runs.length, 1 + 8, 'a header and 8 runs');
    const header = runs[0];
    const at = (name: string): number => header.indexOf(name);
    const accuracies = runs.slice(1).map((r) => Number(r[at('accuracy')]));
    assert.deepEqual(
      accuracies,
      [...accuracies].sort((a, b) => b - a),
      'sorted by accuracy, best first',
    );
    for (const r of runs.slice(1)) assert.equal(Number(r[at('accuracy')]), meta(r[r.length - 1]).test.accuracy);
    assert.equal((await csvOf({ filter: 'name ~ ext-grid/, units = 8', sort, grouped: false })).length, 1 + 4);

    const groups = await csvOf({ filter: 'name ~ ext-grid/', sort, grouped: true });
    assert.equal(groups.length, 1 + 4, 'a header and 4 configurations');
    const g = groups[0];
    for (const line of groups.slice(1)) {
      const units = Number(line[g.indexOf('units')]);
      const lr = Number(line[g.indexOf('learningRate')]);
      assert.equal(line[g.indexOf('seeds')], '2');
      const own = runs.slice(1).filter((r) => Number(r[at('units')]) === units && Number(r[at('learningRate')]) === lr);
      const acc = own.map((r) => meta(r[r.length - 1]).test.accuracy);
      assert.equal(acc.length, 2);
      const mean = (acc[0] + acc[1]) / 2;
      assert.ok(Math.abs(Number(line[g.indexOf('accuracyMean')]) - mean) < 1e-12, `${units}/${lr}: the mean of its seeds`);
      assert.ok(Math.abs(Number(line[g.indexOf('accuracyStd')]) - Math.abs(acc[0] - acc[1]) / Math.SQRT2) < 1e-12, 'their sample std');
    }
    const bad = await vscode.commands.executeCommand<{ status: string }>('lstmMnist.exportRunsCsv', {
      file: path.join(dir, '..', 'never.csv'),
      view: { filter: 'units', sort, grouped: false },
    });
    assert.equal(bad.status, 'error');
    assert.ok(!fs.existsSync(path.join(dir, '..', 'never.csv')));
  });

  test('Cancel in the middle of a sweep stops the running run and drops the rest; the finished runs stay', async () => {
    const dir = path.join(weightsDir, 'ext-stop');
    made.push(dir);
    const progressMark = progressReports.length;
    // The second run has the most epochs a run may have: it cannot end before it is cancelled.
    const sweep = vscode.commands.executeCommand<SweepResult>('lstmMnist.startSweep', `--epochs 1,1000 --units 4 ${SMALL} --name ext-stop`);
    try {
      await waitFor(
        'the second run to train',
        () =>
          progressReports.slice(progressMark).some((p) => p.title === 'Sweep ext-stop' && /^run 2 of 2 · epoch 1\/1000/.test(p.message)),
        120_000,
      );
      assert.equal(await vscode.commands.executeCommand('lstmMnist.cancelTraining'), true);
      const result = await sweep;
      assert.equal(result.status, 'cancelled', JSON.stringify(result));
      const stopped = result as Extract<SweepResult, { dir: string }>;
      assert.deepEqual(stopped.checkpoints, [path.join(dir, '1-epochs1-seed42')]);
      assert.equal(stopped.left, 1);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['1-epochs1-seed42', SWEEP_FILE], 'the cancelled run left nothing');
    } finally {
      await vscode.commands.executeCommand('lstmMnist.cancelTraining');
      await Promise.resolve(sweep).catch(() => undefined);
    }
  });

  test('Continue Sweep trains only the runs a stopped sweep lacks', async () => {
    // A sweep as a crash leaves it: its record, its first run's checkpoint, the others missing.
    const base = {
      ...sweepBase(defaultConfig('unused', weightsDir)),
      trainSize: 200,
      testSize: 100,
      epochs: 1,
      origin: { from: 'vscode' as const },
    };
    const runs = planSweep(parseSweepWords(['--units', '4', '--seeds', '3']).spec, base);
    const sweep = createSweepFolder(weightsDir, {
      format: SWEEP_FORMAT,
      version: SWEEP_VERSION,
      name: 'ext-crashed',
      createdAt: new Date().toISOString(),
      words: ['--units', '4', '--seeds', '3'],
      base,
      runs,
    });
    made.push(sweep.dir);
    const whole = await vscode.commands.executeCommand<SweepResult>('lstmMnist.continueSweep', sweep.dir);
    assert.equal(whole.status, 'done', JSON.stringify(whole));
    assert.equal((whole as Extract<SweepResult, { dir: string }>).checkpoints.length, 3);
    // Its last run did not finish (a reload or a crash in its middle).
    const before = fs.statSync(path.join(sweep.dir, runs[0].name, 'checkpoint.json')).mtimeMs;
    fs.rmSync(path.join(sweep.dir, runs[2].name), { recursive: true });
    const result = await vscode.commands.executeCommand<SweepResult>('lstmMnist.continueSweep', sweep.dir);
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.deepEqual((result as Extract<SweepResult, { dir: string }>).checkpoints, [path.join(sweep.dir, runs[2].name)]);
    assert.equal(fs.statSync(path.join(sweep.dir, runs[0].name, 'checkpoint.json')).mtimeMs, before, 'a finished run is not trained again');
    const mark = notifications.length;
    const nothing = await vscode.commands.executeCommand<SweepResult>('lstmMnist.continueSweep', sweep.dir);
    assert.deepEqual(nothing, { status: 'done', dir: sweep.dir, checkpoints: [], failed: [], left: 0 });
    assert.ok(notifications.slice(mark).some((n) => n.message === 'Sweep ext-crashed has trained all its runs.'));
  });

  test('Start Sweep refuses words it cannot plan, saying why, and starts nothing', async () => {
    const before = fs.existsSync(weightsDir) ? fs.readdirSync(weightsDir).sort() : [];
    const mark = notifications.length;
    const result = await vscode.commands.executeCommand<SweepResult>('lstmMnist.startSweep', '--units 0,8');
    assert.deepEqual(result, { status: 'error', message: '--units must be a whole number from 1 to 4096 (got "0")' });
    const other = await vscode.commands.executeCommand<SweepResult>('lstmMnist.startSweep', '--units 8 --data-dir /elsewhere');
    assert.equal(other.status, 'error');
    assert.match((other as { message: string }).message, /"--data-dir" is not a sweep option here/);
    assert.deepEqual(
      notifications.slice(mark).map((n) => n.kind),
      ['error', 'error'],
    );
    assert.deepEqual(fs.existsSync(weightsDir) ? fs.readdirSync(weightsDir).sort() : [], before);
  });
});

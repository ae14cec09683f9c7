// What crosses a boundary from another process or a webview, and what a person types: the guards
// of the worker's events and commands, of every panel's messages and of sweep.json answer yes or
// no for any value, never throw; the command line's parser returns a command or a UsageError.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCommand, UsageError } from '../../../src/cli/args';
import { isCompareToHost, isHostToCompare } from '../../../src/protocol/compare';
import { isInspectRequest, isInspectResult, isInspectSubject } from '../../../src/protocol/inspection';
import { runNameProblem } from '../../../src/protocol/runOptions';
import { isHostToRuns, isRunsToHost } from '../../../src/protocol/runsTable';
import { sweepRecordProblem } from '../../../src/protocol/sweepFormat';
import { isTrainingEvent, isWorkerCommand } from '../../../src/protocol/training';
import { isHostToWebview, isWebviewToHost } from '../../../src/protocol/webview';
import { parseSweepWords, planSweep, sweepBase, SweepError } from '../../../src/protocol/sweepPlan';
import { defaultConfig } from '../../../src/protocol/runOptions';
import { fuzz } from './fuzzing';

const GUARDS = {
  isTrainingEvent,
  isWorkerCommand,
  isWebviewToHost,
  isHostToWebview,
  isHostToCompare,
  isCompareToHost,
  isHostToRuns,
  isRunsToHost,
  isInspectRequest,
  isInspectResult,
  isInspectSubject,
};

/** Values shaped like messages: a `type` the guards know, with anything in the other fields. */
const TYPES = [
  'started',
  'batch',
  'epoch',
  'done',
  'error',
  'evaluation',
  'train',
  'evaluate',
  'ready',
  'snapshot',
  'runs',
  'rows',
  'compare',
  'exportCsv',
  'inspect',
  'rows',
  'images',
  'request',
  'reply',
];
const messageLike = fc
  .tuple(fc.constantFrom(...TYPES), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }))
  .map(([type, rest]) => ({ ...rest, type }));

describe('messages from another process or a webview', () => {
  for (const [name, guard] of Object.entries(GUARDS)) {
    it(`${name} answers true or false for any value`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.anything({ maxDepth: 3 }), messageLike), (v) => {
          assert.equal(typeof guard(v as never), 'boolean');
        }),
        fuzz(0.25),
      );
    });
  }
});

describe('sweep.json from elsewhere', () => {
  const base = sweepBase(defaultConfig('unused', '/w'));
  const record = (runs: unknown, more: Record<string, unknown> = {}) => ({
    format: 'lstm-mnist-sweep',
    version: 1,
    name: 'grid',
    createdAt: '2026-12-07T00:00:00Z',
    words: [],
    base,
    runs,
    ...more,
  });

  it('the guard refuses it with a reason, or every run name is a folder name inside the sweep', () => {
    const run = fc.record({
      name: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('..', '../x', 'a/b', '.hidden', 'ok-1')),
      values: fc.jsonValue({ maxDepth: 2 }),
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.array(run, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })),
        fc.dictionary(fc.constantFrom('base', 'name', 'words', 'version'), fc.jsonValue({ maxDepth: 2 })),
        (runs, more) => {
          const v = record(runs, more);
          const problem = sweepRecordProblem(v);
          if (problem !== undefined) return assert.equal(typeof problem, 'string');
          for (const r of v.runs as Array<{ name: string }>) assert.equal(runNameProblem(r.name), undefined, r.name);
        },
      ),
      fuzz(),
    );
  });
});

describe('the command line', () => {
  const option = fc.constantFrom(
    '--units',
    '--layers',
    '--cell',
    '--dropout',
    '--epochs',
    '--learning-rate',
    '--seed',
    '--train-size',
    '--resume',
    '--kernels',
    '--backend',
    '--device',
    '--lr-schedule',
    '--clip-norm',
    '--index',
    '--image',
    '--out',
    '--keep-best',
    '--json',
    '-h',
    '--',
  );
  const word = fc.oneof(
    option,
    fc.string({ maxLength: 10 }),
    fc.constantFrom('-1', '1e9', 'NaN', '0x10', '', ' ', '--units=5', 'gru', '1,2'),
  );
  const command = fc.constantFrom('train', 'evaluate', 'predict', 'export', 'sweep', 'nonsense');

  it('parses any words into a command, or refuses them with a UsageError', () => {
    fc.assert(
      fc.property(command, fc.array(word, { maxLength: 8 }), (cmd, words) => {
        try {
          parseCommand([cmd, ...words], '/work');
        } catch (e) {
          assert.ok(e instanceof UsageError, `${(e as Error).name}: ${(e as Error).message}`);
        }
      }),
      fuzz(),
    );
  });

  it("a sweep's words plan runs with folder names, or are refused with a SweepError", () => {
    const base = sweepBase(defaultConfig('unused', '/w'));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (words) => {
        try {
          for (const run of planSweep(parseSweepWords(words).spec, base)) assert.equal(runNameProblem(run.name), undefined, run.name);
        } catch (e) {
          assert.ok(e instanceof SweepError, `${(e as Error).name}: ${(e as Error).message}`);
        }
      }),
      fuzz(),
    );
  });
});

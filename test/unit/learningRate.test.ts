// The learning-rate schedules: each one's rate per epoch, reduce-on-plateau lowering the rate after
// `patience` epochs without a better test loss (and only then), the floor, and the words for them.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseCommand, UsageError } from '../../src/cli/args';
import { epochLearningRate, type Schedule, scheduleText, showsEpochRates } from '../../src/protocol/learningRate';
import { scheduleOf } from '../../src/protocol/runOptions';

const schedule = (over: Partial<Schedule>): Schedule => ({ name: 'constant', decay: 0.5, stepEpochs: 1, patience: 2, minimum: 0, ...over });
/** The rates of epochs 1..n of a run of n epochs whose test losses are `losses` (epoch i's is losses[i-1]). */
function rates(s: Schedule, n: number, losses: number[] = []): number[] {
  const history = losses.map((valLoss, i) => ({ epoch: i + 1, valLoss }));
  return Array.from({ length: n }, (_, i) => epochLearningRate(0.01, s, i + 1, n, history));
}
const close = (a: number[], b: number[], why = ''): void =>
  assert.ok(a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-12), `${why} ${JSON.stringify(a)} != ${JSON.stringify(b)}`);

describe('learning-rate schedules', () => {
  it('constant: the seed’s rate every epoch', () => {
    close(rates(schedule({}), 3), [0.01, 0.01, 0.01]);
  });

  it('step: the factor every N epochs, not below the floor', () => {
    close(rates(schedule({ name: 'step', stepEpochs: 2, decay: 0.1 }), 5), [0.01, 0.01, 0.001, 0.001, 0.0001]);
    close(rates(schedule({ name: 'step', decay: 0.1, minimum: 0.0005 }), 4), [0.01, 0.001, 0.0005, 0.0005]);
    close(rates(schedule({ name: 'step', decay: 0.1, minimum: 0.5 }), 3), [0.01, 0.01, 0.01], 'a floor above the rate never raises it');
  });

  it('exponential: the factor each epoch', () => {
    close(rates(schedule({ name: 'exponential', decay: 0.5 }), 4), [0.01, 0.005, 0.0025, 0.00125]);
  });

  it('cosine: from the rate towards the minimum along a half cosine over the run', () => {
    const r = rates(schedule({ name: 'cosine', minimum: 0.001 }), 4);
    close(r, [0.01, 0.001 + (0.009 * (1 + Math.cos(Math.PI / 4))) / 2, 0.0055, 0.001 + (0.009 * (1 + Math.cos((3 * Math.PI) / 4))) / 2]);
  });

  it('plateau: lowers the rate after `patience` epochs without a better test loss, then waits again', () => {
    const s = schedule({ name: 'plateau', patience: 2, decay: 0.5 });
    // Better, better, flat, flat (-> lower), flat, flat (-> lower again), better.
    const losses = [0.5, 0.4, 0.4, 0.41, 0.4, 0.45, 0.3];
    close(rates(s, 8, losses), [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]);
    // A fall smaller than Keras' min_delta (1e-4) is no improvement.
    close(rates(s, 4, [0.5, 0.49995, 0.49991]), [0.01, 0.01, 0.01, 0.005]);
    // Not below the floor.
    close(rates(schedule({ name: 'plateau', patience: 1, decay: 0.1, minimum: 0.002 }), 4, [1, 1, 1]), [0.01, 0.01, 0.002, 0.002]);
  });

  it("a run's schedule: its numbers at their defaults where it leaves them out; in words", () => {
    assert.deepEqual(scheduleOf({}), schedule({}));
    assert.deepEqual(scheduleOf({ lrSchedule: 'step', lrStepEpochs: 3 }), schedule({ name: 'step', stepEpochs: 3 }));
    assert.equal(scheduleText(schedule({ name: 'step', stepEpochs: 3, minimum: 0.0001 })), 'step: × 0.5 every 3 epochs, at least 0.0001');
    assert.equal(scheduleText(schedule({ name: 'plateau' })), '× 0.5 after 2 epochs without a better test loss');
    assert.equal(showsEpochRates(undefined, [{ learningRate: 0.01 }, { learningRate: 0.01 }]), false);
    assert.equal(showsEpochRates('plateau', [{ learningRate: 0.01 }]), true);
    assert.equal(showsEpochRates(undefined, [{ learningRate: 0.01 }, { learningRate: 0.001 }]), true);
    assert.equal(showsEpochRates(undefined, [{}, { learningRate: 0.01 }]), false, 'an older checkpoint’s epochs have no rate');
  });

  it('the command line takes a schedule and its numbers, not with --resume', () => {
    const cmd = parseCommand(['train', '--lr-schedule', 'plateau', '--lr-patience', '3', '--lr-decay', '0.2', '--lr-min', '0.0001']);
    assert.ok(cmd.kind === 'train');
    assert.deepEqual(scheduleOf(cmd.config), schedule({ name: 'plateau', patience: 3, decay: 0.2, minimum: 0.0001 }));
    assert.ok(!('lrSchedule' in (parseCommand(['train', '--lr-schedule', 'constant']) as { config: object }).config));
    assert.throws(() => parseCommand(['train', '--lr-schedule', 'sawtooth']), /--lr-schedule must be one of constant, step/);
    assert.throws(() => parseCommand(['train', '--lr-decay', '0']), /--lr-decay must be a number above 0 and at most 1/);
    assert.throws(() => parseCommand(['train', '--resume', 'w/r', '--lr-schedule', 'step']), UsageError);
    assert.throws(() => parseCommand(['train', '--resume', 'w/r', '--lr-decay', '0.1']), UsageError);
  });
});

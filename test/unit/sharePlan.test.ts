// How a scheduled run splits its batches: one share per core, at least 25 rows a share, at most
// four shares, the cores left over given to each op as threads; the shares are contiguous, in
// order, as equal as can be, and cover the batch exactly.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { planShares, shareBounds } from '../../src/training/graph/shardPlan';

describe('planShares', () => {
  it('one share per core for the seed batch, each op single-threaded', () => {
    assert.deepEqual(planShares(100, 2), { shares: 2, threads: 1 });
    assert.deepEqual(planShares(100, 4), { shares: 4, threads: 1 });
  });

  it('one share where there is one core, or too few rows to share', () => {
    assert.deepEqual(planShares(100, 1), { shares: 1, threads: 1 });
    assert.deepEqual(planShares(40, 2), { shares: 1, threads: 2 });
    assert.deepEqual(planShares(1, 8), { shares: 1, threads: 8 });
  });

  it('at most four shares; the other cores become their threads', () => {
    assert.deepEqual(planShares(1000, 8), { shares: 4, threads: 2 });
    assert.deepEqual(planShares(1000, 16), { shares: 4, threads: 4 });
  });
});

describe('shareBounds', () => {
  it('contiguous shares in order that cover the batch, sizes differing by one at most', () => {
    assert.deepEqual(shareBounds(101, 3), [
      [0, 33],
      [33, 34],
      [67, 34],
    ]);
  });

  it('no empty share when there are fewer rows than shares', () => {
    assert.deepEqual(shareBounds(2, 4), [
      [0, 1],
      [1, 1],
    ]);
  });
});

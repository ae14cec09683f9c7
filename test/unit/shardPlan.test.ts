// How a scheduled run splits its batches: one shard per core, at least 25 rows a shard, at most
// four shards, the cores left over given to each op as threads; the shards are contiguous, in
// order, as equal as can be, and cover the batch exactly.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { planShards, shardBounds } from '../../src/training/graph/shardPlan';

describe('planShards', () => {
  it('one shard per core for the seed batch, each op single-threaded', () => {
    assert.deepEqual(planShards(100, 2), { shards: 2, threads: 1 });
    assert.deepEqual(planShards(100, 4), { shards: 4, threads: 1 });
  });

  it('one shard where there is one core, or too few rows to shard', () => {
    assert.deepEqual(planShards(100, 1), { shards: 1, threads: 1 });
    assert.deepEqual(planShards(40, 2), { shards: 1, threads: 2 });
    assert.deepEqual(planShards(1, 8), { shards: 1, threads: 8 });
  });

  it('at most four shards; the other cores become their threads', () => {
    assert.deepEqual(planShards(1000, 8), { shards: 4, threads: 2 });
    assert.deepEqual(planShards(1000, 16), { shards: 4, threads: 4 });
  });
});

describe('shardBounds', () => {
  it('contiguous shards in order that cover the batch, sizes differing by one at most', () => {
    assert.deepEqual(shardBounds(101, 3), [
      [0, 33],
      [33, 34],
      [67, 34],
    ]);
  });

  it('no empty shard when there are fewer rows than shards', () => {
    assert.deepEqual(shardBounds(2, 4), [
      [0, 1],
      [1, 1],
    ]);
  });
});

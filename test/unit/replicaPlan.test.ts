// How a scheduled run splits its batches: one process per core, at least 25 rows a share, at most
// four processes, the cores left over given to them as threads; the shares are contiguous,
// in order, as equal as can be, and cover the batch exactly.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { planReplicas, shards } from '../../src/training/replicaPool';

describe('planReplicas', () => {
  it('one process per core for the seed batch, each single-threaded', () => {
    assert.deepEqual(planReplicas(100, 2), { replicas: 2, threads: 1 });
    assert.deepEqual(planReplicas(100, 4), { replicas: 4, threads: 1 });
  });

  it('one process where there is one core, or too few rows to share', () => {
    assert.deepEqual(planReplicas(100, 1), { replicas: 1, threads: 1 });
    assert.deepEqual(planReplicas(40, 2), { replicas: 1, threads: 2 });
    assert.deepEqual(planReplicas(1, 8), { replicas: 1, threads: 8 });
  });

  it('at most four processes; the other cores become their threads', () => {
    assert.deepEqual(planReplicas(1000, 8), { replicas: 4, threads: 2 });
    assert.deepEqual(planReplicas(1000, 16), { replicas: 4, threads: 4 });
  });
});

describe('shards', () => {
  it('contiguous shares in order that cover the batch, sizes differing by one at most', () => {
    const rows = Int32Array.from({ length: 101 }, (_, i) => 1000 + i);
    const parts = shards(rows, 3);
    assert.deepEqual(
      parts.map((p) => p.length),
      [33, 34, 34],
    );
    assert.deepEqual(Array.from(parts.flatMap((p) => Array.from(p))), Array.from(rows));
  });

  it('no empty share when there are fewer rows than shares', () => {
    assert.deepEqual(
      shards(Int32Array.of(7, 8), 4).map((p) => Array.from(p)),
      [[7], [8]],
    );
  });
});

// How a run on the scheduled path uses the cores: each batch is split into shards, one per core,
// whose ops TensorFlow runs side by side, one shard per inter-op thread, within one graph
// (batchGradient.ts); each op on as many intra-op threads as cores are left over (one where
// every core has a shard: TensorFlow's small products are fastest single-threaded).
import * as os from 'node:os';

/** Fewer rows per shard than this cost more in scheduling than they save. */
const MIN_SHARD_ROWS = 25;
const MAX_SHARDS = 4;

export interface ShardPlan {
  /** Shards of each batch, computed side by side. */
  shards: number;
  /** TensorFlow's intra-op threads for each op. */
  threads: number;
}

/** How many shards for `batchSize` on `cores` cores, and how many threads each op gets. */
export function planShards(batchSize: number, cores: number = os.availableParallelism()): ShardPlan {
  const shards = Math.max(1, Math.min(cores, MAX_SHARDS, Math.floor(batchSize / MIN_SHARD_ROWS)));
  return { shards, threads: Math.max(1, Math.floor(cores / shards)) };
}

/** The most shards any batch gets on `cores` cores: the threads an evaluation computes on. */
export function maxShards(cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(cores, MAX_SHARDS));
}

/**
 * Gives this process's TensorFlow the plan's threads: one inter-op thread per shard, the plan's
 * intra-op threads. Effective only before TensorFlow loads, which reads the variables once; set
 * ones are kept.
 */
export function useShardThreads(plan: ShardPlan): void {
  process.env.TF_NUM_INTRAOP_THREADS ??= String(plan.threads);
  process.env.TF_NUM_INTEROP_THREADS ??= String(plan.shards);
}

/** Contiguous shards of `n` rows as [offset, size], as equal as can be, in order, none empty. */
export function shardBounds(n: number, count: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * n) / count);
    const end = Math.floor(((i + 1) * n) / count);
    if (end > start) out.push([start, end - start]);
  }
  return out;
}

// How a run on the scheduled path uses the cores: each batch is split into shares, one per core,
// whose ops TensorFlow runs side by side, one share per inter-op thread, within one graph
// (scheduledGradient.ts); each op on as many intra-op threads as cores are left over (one where
// every core has a share: TensorFlow's small products are fastest single-threaded).
import * as os from 'node:os';

/** Fewer rows per share than this cost more in scheduling than they save. */
const MIN_SHARE_ROWS = 25;
const MAX_SHARES = 4;

export interface SharePlan {
  /** Shares of each batch, computed side by side. */
  shares: number;
  /** TensorFlow's intra-op threads for each op. */
  threads: number;
}

/** How many shares for `batchSize` on `cores` cores, and how many threads each op gets. */
export function planShares(batchSize: number, cores: number = os.availableParallelism()): SharePlan {
  const shares = Math.max(1, Math.min(cores, MAX_SHARES, Math.floor(batchSize / MIN_SHARE_ROWS)));
  return { shares, threads: Math.max(1, Math.floor(cores / shares)) };
}

/**
 * Gives this process's TensorFlow the plan's threads: one inter-op thread per share, the plan's
 * intra-op threads. Effective only before TensorFlow loads, which reads the variables once; set
 * ones are kept.
 */
export function useShareThreads(plan: SharePlan): void {
  process.env.TF_NUM_INTRAOP_THREADS ??= String(plan.threads);
  process.env.TF_NUM_INTEROP_THREADS ??= String(plan.shares);
}

/** Contiguous shares of `n` rows as [offset, size], as equal as can be, in order, none empty. */
export function shareBounds(n: number, count: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * n) / count);
    const end = Math.floor(((i + 1) * n) / count);
    if (end > start) out.push([start, end - start]);
  }
  return out;
}

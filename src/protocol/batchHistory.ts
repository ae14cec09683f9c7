// Which of a run's batch reports are kept for its chart, by the panel and by the host's session
// log (what a reloaded panel is sent): every batch up to MAX_BATCH_POINTS, then every 2nd, then
// every 4th, … of the whole run, so a run of any length keeps at most that many points, spread
// evenly over all of it (downsampled, not cut). The rule depends only on the batch's number and
// the latest one, so the host and the panel keep the same points without telling each other.

/** The most batch points a run's history holds: more than a chart is pixels wide. */
export const MAX_BATCH_POINTS = 2000;

/**
 * A batch report's place in its run (from 1), counting the batches of the run's epochs before it:
 * a continued run's first epoch is `first` (protocol/training.ts's firstEpoch), so its history is
 * as fine as a new run's.
 */
export function batchNumber(report: { epoch: number; batch: number; batchesPerEpoch: number }, first: number): number {
  return (report.epoch - first) * report.batchesPerEpoch + report.batch;
}

/** Every how many batches a point is kept once the run has reached batch `latest`: a power of 2. */
function strideAt(latest: number): number {
  let stride = 1;
  while (latest > MAX_BATCH_POINTS * stride) stride *= 2;
  return stride;
}

/** Whether a history that has reached batch `latest` keeps batch `number`. */
export function keepsBatch(number: number, latest: number): boolean {
  return number % strideAt(latest) === 0;
}

/** Whether reaching batch `latest` from `previous` drops points kept so far (the stride doubled). */
export function thinsAt(latest: number, previous: number): boolean {
  return strideAt(latest) !== strideAt(previous);
}

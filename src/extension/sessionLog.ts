// What the training panel shows after it (re)loads: the events of the latest training run and
// of the latest evaluation. Older runs live on disk as checkpoints, so nothing else is kept. A
// run's batch reports are kept as the panel keeps its batch points (protocol/batchHistory.ts):
// at most MAX_BATCH_POINTS over the whole run, and the latest, so a long run's log stays small.
import { batchNumber, keepsBatch, thinsAt } from '../protocol/batchHistory';
import { firstEpoch } from '../protocol/training';
import type { LogEntry, PanelJob } from '../protocol/webview';

export class SessionLog {
  private training: LogEntry[] = [];
  private evaluation: LogEntry[] = [];
  /** The training run's first epoch (a continued run's is after its checkpoint's) and latest batch number. */
  private firstEpoch = 1;
  private latestBatch = 0;
  /** Its latest batch report, when the history does not keep it: the panel's progress. */
  private unkeptBatch: LogEntry | undefined;

  /** A new job replaces the previous job of its kind (a run that failed early included). */
  begin(job: PanelJob): void {
    if (job.kind === 'train') {
      this.training = [];
      this.firstEpoch = 1;
      this.latestBatch = 0;
      this.unkeptBatch = undefined;
    } else this.evaluation = [];
  }

  add(entry: LogEntry): void {
    const { event } = entry;
    if (entry.job.kind !== 'train') this.evaluation.push(entry);
    else if (event.type !== 'batch') {
      if (event.type === 'started') this.firstEpoch = firstEpoch(event);
      this.training.push(entry);
    } else {
      const number = batchNumber(event, this.firstEpoch);
      if (thinsAt(number, this.latestBatch))
        this.training = this.training.filter((e) => e.event.type !== 'batch' || keepsBatch(batchNumber(e.event, this.firstEpoch), number));
      this.latestBatch = number;
      if (keepsBatch(number, number)) {
        this.training.push(entry);
        this.unkeptBatch = undefined;
      } else this.unkeptBatch = entry;
    }
  }

  entries(): LogEntry[] {
    return [...this.training, ...(this.unkeptBatch ? [this.unkeptBatch] : []), ...this.evaluation];
  }
}

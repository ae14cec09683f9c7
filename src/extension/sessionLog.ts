// What the training panel shows after it (re)loads: the events of the latest training run and
// of the latest evaluation. Older runs live on disk as checkpoints, so nothing else is kept.
import type { LogEntry, PanelJob } from '../protocol/webview';

export class SessionLog {
  private training: LogEntry[] = [];
  private evaluation: LogEntry[] = [];

  /** A new job replaces the previous job of its kind (a run that failed early included). */
  begin(job: PanelJob): void {
    if (job.kind === 'train') this.training = [];
    else this.evaluation = [];
  }

  add(entry: LogEntry): void {
    (entry.job.kind === 'train' ? this.training : this.evaluation).push(entry);
  }

  entries(): LogEntry[] {
    return [...this.training, ...this.evaluation];
  }
}

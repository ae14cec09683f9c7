// Batch events can come faster than a notification or the status bar should redraw: this runs
// an update at most once per interval, always the latest one, and never drops the last.
export class Throttle {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly update: () => void,
  ) {}

  /** Runs the update soon: now if the interval has passed, else at its end. */
  schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Runs the update now (for events that must show at once, like an epoch's end). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.last = Date.now();
    this.update();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

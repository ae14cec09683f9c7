// The CLI's progress line, made to fit the terminal: it is redrawn in place with `\r`, which
// only works while it is shorter than the terminal is wide (a longer one wraps, and every
// redraw then leaves a line behind). Parts give way in order: the bar narrows, then goes; then
// the loss, the accuracy and the time left go; last, the line is cut.
import { fixed, percent, seconds } from '../protocol/format';

export interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  /** Estimated seconds until the run ends; undefined until there is enough to go on. */
  secondsLeft?: number;
}

const BAR_MAX = 30;
const BAR_MIN = 10;

export function progressBar(done: number, total: number, width = BAR_MAX): string {
  const filled = Math.round((done / total) * width);
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done === total ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
}

/** The line for `p`, at most `width` characters (the terminal's columns less one). */
export function progressLine(p: Progress, width: number): string {
  const head = `epoch ${p.epoch}/${p.epochs}`;
  const count = `${p.batch}/${p.batchesPerEpoch}`;
  const loss = `loss ${fixed(p.loss)}`;
  const accuracy = `acc ${percent(p.accuracy)}`;
  const left = p.secondsLeft === undefined ? undefined : `${seconds(p.secondsLeft)} left`;
  const present = (parts: Array<string | undefined>): string[] => parts.filter((x): x is string => x !== undefined);
  const candidates = [present([count, loss, accuracy, left]), present([count, accuracy, left]), present([count, left]), [count]];
  for (const tail of candidates) {
    const text = tail.join(' · ');
    const room = width - head.length - text.length - 2; // the spaces around the bar
    if (room >= BAR_MIN + 2) return `${head} ${progressBar(p.batch, p.batchesPerEpoch, Math.min(BAR_MAX, room - 2))} ${text}`;
    if (head.length + 1 + text.length <= width) return `${head} ${text}`;
  }
  return `${head} ${count}`.slice(0, Math.max(0, width));
}

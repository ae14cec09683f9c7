// Text rendering of TrainingEvents for a terminal: a progress bar per epoch, a table of epochs,
// the evaluation's per-class accuracy and confusion matrix: pure string functions and one
// printer.
import { fixed as f4, kernelsText } from '../protocol/format';
import type { EpochMetrics, EvaluationResult, TrainingEvent } from '../protocol/training';

export function progressBar(done: number, total: number, width = 30): string {
  const filled = Math.round((done / total) * width);
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done === total ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
}

export function epochTable(epochs: EpochMetrics[]): string {
  const best = epochs.reduce((b, e) => (e.valAccuracy > b.valAccuracy ? e : b), epochs[0]);
  // The seed notebook validates on the test set after each epoch: the columns say so.
  const rows = [['epoch', 'loss', 'accuracy', 'test_loss', 'test_acc', 'seconds']];
  for (const e of epochs) {
    rows.push([`${e.epoch}${e === best ? '*' : ''}`, f4(e.loss), f4(e.accuracy), f4(e.valLoss), f4(e.valAccuracy), e.seconds.toFixed(1)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n');
}

export function evaluationReport(r: EvaluationResult): string {
  const lines = [`test loss ${f4(r.loss)}  accuracy ${f4(r.accuracy)}  (${r.count} examples)`, '', 'per-class accuracy:'];
  lines.push(r.perClassAccuracy.map((a, i) => `${i}: ${f4(a)}`).join('  '));
  lines.push('', 'confusion matrix (rows: true class, columns: predicted):');
  const w = Math.max(4, ...r.confusion.flat().map((n) => String(n).length));
  lines.push(`    ${r.confusion.map((_, i) => String(i).padStart(w)).join(' ')}`);
  r.confusion.forEach((row, i) => lines.push(`${String(i).padStart(3)} ${row.map((n) => String(n).padStart(w)).join(' ')}`));
  return lines.join('\n');
}

/** Prints events as text; on a terminal the batch bar redraws in place, elsewhere every 10%. */
export class TextReporter {
  private readonly epochs: EpochMetrics[] = [];
  private epochStart = Date.now();
  private lastDecile = -1;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  handle(e: TrainingEvent): void {
    switch (e.type) {
      case 'started': {
        const c = e.config;
        this.out.write(
          `Training LSTM(${c.units}) on ${e.dataset.name}: ${e.dataset.trainCount} train / ${e.dataset.testCount} test examples, ` +
            `batch ${c.batchSize}, ${c.epochs} epochs, Adam ${c.learningRate}, seed ${c.seed}\n` +
            `device ${e.device.device} (${e.device.package}, backend ${e.device.backend}, ${kernelsText(e.device)})\n`,
        );
        this.epochStart = Date.now();
        break;
      }
      case 'batch': {
        if (e.batch === 1) this.epochStart = Date.now();
        const decile = Math.floor((e.batch / e.batchesPerEpoch) * 10);
        if (!this.out.isTTY && decile === this.lastDecile) return;
        this.lastDecile = decile;
        const secs = ((Date.now() - this.epochStart) / 1000).toFixed(1);
        const line = `epoch ${e.epoch} ${progressBar(e.batch, e.batchesPerEpoch)} ${e.batch}/${e.batchesPerEpoch} loss ${f4(e.loss)} acc ${f4(e.accuracy)} ${secs}s`;
        this.out.write(this.out.isTTY ? `\r${line}` : `${line}\n`);
        break;
      }
      case 'epoch': {
        const m = e.metrics;
        this.epochs.push(m);
        this.lastDecile = -1;
        this.out.write(
          `${this.out.isTTY ? '\n' : ''}epoch ${m.epoch}: loss ${f4(m.loss)} acc ${f4(m.accuracy)} test_loss ${f4(m.valLoss)} test_acc ${f4(m.valAccuracy)} (${m.seconds.toFixed(1)}s)\n`,
        );
        break;
      }
      case 'done':
        this.out.write(
          `\n${epochTable(this.epochs)}\n\ntest loss ${f4(e.test.loss)}  test accuracy ${f4(e.test.accuracy)}  (${e.seconds.toFixed(1)}s)\ncheckpoint saved: ${e.checkpoint}\n`,
        );
        break;
      case 'evaluation':
        this.out.write(
          `Evaluated ${e.checkpoint} on ${e.dataset.name} (device ${e.device.device}, backend ${e.device.backend})\n${evaluationReport(e.result)}\n`,
        );
        break;
      case 'cancelled':
        this.out.write('\ncancelled: no checkpoint was written\n');
        break;
      case 'warning':
      case 'chanceLevel':
        this.err.write(`${this.out.isTTY ? '\n' : ''}warning: ${e.message}\n`);
        break;
      case 'diverged':
        this.err.write(`${this.out.isTTY ? '\n' : ''}diverged: ${e.message}\n`);
        break;
      case 'error':
        this.err.write(`error: ${e.message}\n`);
        break;
    }
  }
}

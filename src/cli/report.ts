// Text rendering of TrainingEvents for a terminal: a progress line redrawn in place (fitted to
// the terminal's width, with the time left), a line per epoch, a table of epochs with the best
// one marked and the mark explained, the evaluation's per-digit accuracy and confusion matrix.
// Accuracies are percentages, as in the panel (src/protocol/format.ts).
import * as path from 'node:path';
import { floatsFromBase64 } from '../protocol/binary';
import { count, fixed, kernelsText, percent, plural, seconds } from '../protocol/format';
import type { InspectResult } from '../protocol/inspection';
import type { PredictedImage } from '../protocol/predictions';
import { type EpochMetrics, type EvaluationResult, firstEpoch, runFraction, type TrainingEvent } from '../protocol/training';
import { progressLine } from './progressLine';
import { type ScheduleName, showsEpochRates } from '../protocol/learningRate';
import { architectureText } from '../protocol/architecture';

/** What the reporter writes to: a terminal (isTTY, columns) or a pipe. */
export interface TextOut {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Without a terminal's width: what most terminals start with. */
const DEFAULT_COLUMNS = 80;
/** The time left is guessed from this much of the run and time at least; before, it would be a guess. */
const ETA_AFTER_FRACTION = 0.02;
const ETA_AFTER_MS = 1000;
const BEST_MARK = '*';

/** `rates`: a column of each epoch's learning rate (under a schedule). */
export function epochTable(epochs: EpochMetrics[], rates = false): string {
  // One epoch is not "best" of anything: the mark appears from two on.
  const best = epochs.length > 1 ? epochs.reduce((b, e) => (e.valAccuracy > b.valAccuracy ? e : b), epochs[0]) : undefined;
  // The seed notebook validates on the test set after each epoch: the columns say so.
  const norms = epochs.some((e) => e.gradNorm !== undefined);
  const rows = [
    [
      'epoch',
      'loss',
      'accuracy',
      'test loss',
      'test accuracy',
      'seconds',
      ...(rates ? ['learning rate'] : []),
      ...(norms ? ['gradient norm'] : []),
    ],
  ];
  for (const e of epochs) {
    rows.push([
      `${e.epoch}${e === best ? BEST_MARK : ''}`,
      fixed(e.loss),
      percent(e.accuracy),
      fixed(e.valLoss),
      percent(e.valAccuracy),
      e.seconds.toFixed(1),
      ...(rates ? [e.learningRate === undefined ? '-' : String(e.learningRate)] : []),
      ...(norms ? [e.gradNorm === undefined ? '-' : fixed(e.gradNorm, 3)] : []),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const table = rows.map((r) => r.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n');
  return best ? `${table}\n${BEST_MARK} the epoch with the best test accuracy` : table;
}

export function evaluationReport(r: EvaluationResult): string {
  const lines = [
    `test loss ${fixed(r.loss)}  test accuracy ${percent(r.accuracy)}  (${plural(r.count, 'image')})`,
    '',
    'accuracy per digit:',
  ];
  lines.push(r.perClassAccuracy.map((a, i) => `${i}: ${percent(a, 1)}`).join('  '));
  lines.push('', 'confusion matrix (rows: true digit, columns: predicted digit):');
  const w = Math.max(4, ...r.confusion.flat().map((n) => String(n).length));
  lines.push(`    ${r.confusion.map((_, i) => String(i).padStart(w)).join(' ')}`);
  r.confusion.forEach((row, i) => lines.push(`${String(i).padStart(3)} ${row.map((n) => String(n).padStart(w)).join(' ')}`));
  return lines.join('\n');
}

/** `evaluate --misclassified N`: the test images the model got most confidently wrong. */
export function misclassifiedReport(images: PredictedImage[]): string {
  if (images.length === 0) return 'No test image was misclassified.';
  const rows = [
    ['index', 'true', 'predicted', 'probability'],
    ...images.map((i) => [String(i.index), String(i.label), String(i.predicted), percent(i.probability)]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const table = rows.map((r) => r.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n');
  return `The ${plural(images.length, 'test image')} it got most confidently wrong:\n${table}`;
}

type RowsResult = Extract<InspectResult, { kind: 'rows' }>;

/** The class probabilities after each row: rows × classes. */
function rowProbabilities(result: RowsResult): number[][] {
  const flat = floatsFromBase64(result.probabilities);
  const classes = flat.length / result.rows;
  return Array.from({ length: result.rows }, (_, r) => Array.from(flat.subarray(r * classes, (r + 1) * classes)));
}

const argMax = (values: number[]): number => values.reduce((best, v, i) => (v > values[best] ? i : best), 0);

/** `predict --json`: the prediction and the probabilities after each row. */
export function predictionRecord(result: RowsResult, source: string) {
  const rows = rowProbabilities(result);
  const last = rows[rows.length - 1];
  const predicted = argMax(last);
  return { type: 'prediction', source, index: result.index, label: result.label, predicted, probability: last[predicted], rows };
}

/** `predict`: the prediction, then a line per row read with each class's probability. */
export function predictionReport(result: RowsResult, source: string): string {
  const { rows, label, predicted, probability } = predictionRecord(result, source);
  const head = `${source}${label === undefined ? '' : ` (true ${label})`}: predicted ${predicted} with ${percent(probability)}`;
  const classes = rows[0].length;
  const cell = (text: string): string => text.padStart(5);
  const lines = [
    'probability of each digit after each row is read (the last row is the prediction):',
    `row ${Array.from({ length: classes }, (_, d) => cell(String(d))).join('')}   best`,
    ...rows.map((p, r) => `${String(r + 1).padStart(3)} ${p.map((v) => cell(percent(v, 0))).join('')}   ${argMax(p)}`),
  ];
  return `${head}\n${lines.join('\n')}`;
}

/** What an evaluation says about the images it used. */
export function testImagesText(used: number, runTestSize: number | undefined, fromCheckpoint: boolean): string {
  const images = plural(used, 'test image');
  if (runTestSize === undefined) return images;
  return fromCheckpoint
    ? `${images}, as many as its run was tested on (--test-size 0 for all)`
    : `${images} (its run was tested on ${count(runTestSize)})`;
}

/** Prints events as text; on a terminal the progress line redraws in place, elsewhere a line every 10%. */
export class TextReporter {
  private readonly epochs: EpochMetrics[] = [];
  private epochCount = 0;
  /** The run's learning-rate schedule, when it has one: each epoch says its rate. */
  private schedule: ScheduleName | undefined;
  private firstEpoch = 1;
  private runStart: number | undefined;
  private lastDecile = -1;
  /** A progress line is on screen without its newline. */
  private lineOpen = false;

  constructor(
    private readonly out: TextOut,
    private readonly err: TextOut,
    /** The evaluation's test size was the checkpoint's (no --test-size given). */
    private readonly testSizeFromCheckpoint = false,
    private readonly now: () => number = Date.now,
  ) {}

  /** A line of the CLI's own (Ctrl-C cancelling), on stderr, below any progress line. */
  note(text: string): void {
    this.endLine();
    this.err.write(`${text}\n`);
  }

  handle(e: TrainingEvent): void {
    switch (e.type) {
      case 'started': {
        const c = e.config;
        const d = e.dataset;
        this.epochCount = c.epochs;
        this.schedule = c.lrSchedule;
        this.firstEpoch = firstEpoch(e);
        if (e.continued) this.out.write(`Continuing ${e.continued.checkpoint} after epoch ${e.continued.epochs}\n`);
        this.out.write(
          `Training ${architectureText(c)}(${c.units}) on ${d.name}: ${d.trainCount} train / ${d.testCount} test images, ` +
            `${c.dropout ? `dropout ${c.dropout}, ` : ''}batch ${c.batchSize}, ${plural(c.epochs, 'epoch')}, Adam ${c.learningRate}, seed ${c.seed}\n` +
            `device ${e.device.device} (${e.device.package}, backend ${e.device.backend}, ${kernelsText(e.device)})\n`,
        );
        break;
      }
      case 'batch':
        this.batch(e);
        break;
      case 'epoch': {
        const m = e.metrics;
        this.epochs.push(m);
        this.lastDecile = -1;
        this.endLine();
        this.out.write(
          `epoch ${m.epoch}/${this.epochCount}: loss ${fixed(m.loss)} · accuracy ${percent(m.accuracy)} · ` +
            `test loss ${fixed(m.valLoss)} · test accuracy ${percent(m.valAccuracy)} · ${seconds(m.seconds)}` +
            (showsEpochRates(this.schedule, this.epochs) && m.learningRate !== undefined ? ` · learning rate ${m.learningRate}` : '') +
            (m.gradNorm === undefined ? '' : ` · gradient norm ${fixed(m.gradNorm, 3)}`) +
            '\n',
        );
        break;
      }
      case 'stoppedEarly':
        this.note(
          `stopping early after epoch ${e.epoch}: no better test accuracy for ${plural(e.patience, 'epoch')} since epoch ${e.bestEpoch}`,
        );
        break;
      case 'done':
        this.endLine();
        this.out.write(
          `\n${epochTable(this.epochs, showsEpochRates(this.schedule, this.epochs))}\n\ntest loss ${fixed(e.test.loss)}  test accuracy ${percent(e.test.accuracy)}  (${seconds(e.seconds)})\n` +
            (e.bestEpoch === undefined ? '' : `the best epoch's weights were kept: epoch ${e.bestEpoch}\n`) +
            `checkpoint saved: ${e.checkpoint}\n`,
        );
        break;
      case 'evaluation':
        this.out.write(
          `Evaluated ${e.checkpoint} on ${testImagesText(e.result.count, e.runTestSize, this.testSizeFromCheckpoint)} of ${e.dataset.name} ` +
            `(device ${e.device.device}, backend ${e.device.backend})\n${evaluationReport(e.result)}\n`,
        );
        break;
      case 'cancelled':
        this.endLine();
        this.out.write('cancelled: no checkpoint was written\n');
        break;
      case 'warning':
      case 'chanceLevel':
        this.note(`warning: ${e.message}`);
        break;
      case 'diverged':
        this.note(`diverged: ${e.message}`);
        break;
      case 'error':
        this.note(`error: ${e.message}`);
        break;
      case 'exported':
        this.out.write(
          `Exported a TensorFlow.js Layers model to ${e.dir} (${e.files.join(', ')}).\n` +
            `Load it with tf.loadLayersModel('file://${path.join(e.dir, 'model.json')}'); it reads [batch, rows, cols] images scaled to [0, 1].\n`,
        );
        break;
      case 'probed':
      case 'inspecting':
      case 'inspected':
        break;
    }
  }

  private batch(e: Extract<TrainingEvent, { type: 'batch' }>): void {
    const now = this.now();
    this.runStart ??= now;
    const epochs = Math.max(this.epochCount, e.epoch);
    const fraction = runFraction(e, epochs, this.firstEpoch);
    const elapsed = now - this.runStart;
    const secondsLeft =
      fraction >= ETA_AFTER_FRACTION && elapsed >= ETA_AFTER_MS ? (elapsed / 1000) * ((1 - fraction) / fraction) : undefined;
    const progress = { ...e, epochs, secondsLeft };
    if (this.out.isTTY) {
      const width = (this.out.columns ?? DEFAULT_COLUMNS) - 1;
      // \r back to the start, the line, then ESC[K clears what a longer line before left.
      this.out.write(`\r${progressLine(progress, width)}\x1b[K`);
      this.lineOpen = true;
      return;
    }
    const decile = Math.floor((e.batch / e.batchesPerEpoch) * 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.out.write(`${progressLine(progress, DEFAULT_COLUMNS - 1)}\n`);
  }

  /** Ends an open progress line, so what follows starts on a line of its own. */
  private endLine(): void {
    if (!this.lineOpen) return;
    this.lineOpen = false;
    this.out.write('\n');
  }
}

// A run's TensorBoard event files (eventFile.ts: written in JavaScript, so a run on either backend
// logs alike), laid out as Keras' TensorBoard callback lays them out, so that
// `tensorboard --logdir weights` overlays training and test curves run by run:
//   <log dir>/train       batch_loss, batch_accuracy (step: batches so far), epoch_loss,
//                         epoch_accuracy (step: epoch), and the hyperparameters as text;
//   <log dir>/validation  epoch_loss, epoch_accuracy (on the test set, as the notebook validates),
//                         test_loss, test_accuracy.
// A batch's scalars are kept in memory and written at the end of each epoch; the files are
// complete once closed, before the checkpoint folder holding them is renamed into place.
import * as path from 'node:path';
import type { EpochMetrics, TestResult } from '../../protocol/training';
import { EventFile } from './eventFile';

export const LOG_FOLDER = 'logs';
export const TRAIN_LOG = 'train';
export const VALIDATION_LOG = 'validation';

export class TensorBoardLog {
  private closed = false;

  private constructor(
    private readonly train: EventFile,
    private readonly validation: EventFile,
  ) {}

  /** Opens the event files of a run's log folder (created as needed). */
  static open(dir: string): TensorBoardLog {
    return new TensorBoardLog(new EventFile(path.join(dir, TRAIN_LOG)), new EventFile(path.join(dir, VALIDATION_LOG)));
  }

  batch(step: number, loss: number, accuracy: number): void {
    this.train.write(step, [
      { tag: 'batch_loss', value: loss },
      { tag: 'batch_accuracy', value: accuracy },
    ]);
  }

  epoch(m: EpochMetrics): void {
    this.train.write(m.epoch, [
      { tag: 'epoch_loss', value: m.loss },
      { tag: 'epoch_accuracy', value: m.accuracy },
      // Keras' name for the rate each epoch trained with.
      ...(m.learningRate === undefined ? [] : [{ tag: 'epoch_learning_rate', value: m.learningRate }]),
      ...(m.gradNorm === undefined ? [] : [{ tag: 'epoch_gradient_norm', value: m.gradNorm }]),
    ]);
    this.validation.write(m.epoch, [
      { tag: 'epoch_loss', value: m.valLoss },
      { tag: 'epoch_accuracy', value: m.valAccuracy },
    ]);
    this.train.flush();
    this.validation.flush();
  }

  /** The final test result, at the run's last step. */
  test(result: TestResult, epoch: number): void {
    this.validation.write(epoch, [
      { tag: 'test_loss', value: result.loss },
      { tag: 'test_accuracy', value: result.accuracy },
    ]);
  }

  /** A markdown text under `tag` (TensorBoard's Text tab). */
  text(tag: string, markdown: string, step: number): void {
    this.train.write(step, [{ tag, text: markdown, plugin: 'text' }]);
  }

  /** Writes what is left; the files are complete afterwards. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.train.flush();
    this.validation.flush();
  }
}

// A run's TensorBoard event files, written as it trains with tfjs-node's own summary writer
// (tf.node.summaryFileWriter), laid out as Keras' TensorBoard callback lays them out, so that
// `tensorboard --logdir weights` overlays training and test curves run by run:
//   <log dir>/train       batch_loss, batch_accuracy (step: batches so far), epoch_loss,
//                         epoch_accuracy (step: epoch), and the hyperparameters as text;
//   <log dir>/validation  epoch_loss, epoch_accuracy (on the test set, as the notebook validates).
// tfjs-node has no text summary and no close: both are TensorFlow ops its backend runs for us
// (WriteSummary with the text plugin's metadata, CloseSummaryWriter), so the files are complete
// and closed before the checkpoint folder holding them is renamed into place.
import * as path from 'node:path';
import type { EpochMetrics, TestResult } from '../../protocol/training';
import type { NativeTf as Tf } from '../native/backend';
import { tfjsNodeInternals } from '../native/internals';
import { attr } from '../native/opAttrs';

export const LOG_FOLDER = 'logs';
export const TRAIN_LOG = 'train';
export const VALIDATION_LOG = 'validation';

type Writer = ReturnType<Tf['node']['summaryFileWriter']>;

/** The text plugin's SummaryMetadata: plugin_data { plugin_name: "text" } (protobuf: field 1 { field 1 "text" }). */
const TEXT_METADATA = Uint8Array.from([0x0a, 0x06, 0x0a, 0x04, ...Buffer.from('text')]);

export class TensorBoardLog {
  private closed = false;

  private constructor(
    private readonly tf: Tf,
    private readonly train: Writer,
    private readonly validation: Writer,
  ) {}

  /** Opens the writers of a run's log folder (created as needed). */
  static open(tf: Tf, dir: string): TensorBoardLog {
    // A large queue, flushed at the end of each epoch: a batch's scalars cost no file write.
    // tfjs-node leaves the writer's four argument scalars undisposed: a tidy frees them.
    const writer = (name: string) => {
      let w: Writer | undefined;
      tf.tidy(() => {
        w = tf.node.summaryFileWriter(path.join(dir, name), 10_000, 60_000);
        tf.keep(tfjsNodeInternals(tf).summaryResource(w));
      });
      return w!;
    };
    return new TensorBoardLog(tf, writer(TRAIN_LOG), writer(VALIDATION_LOG));
  }

  batch(step: number, loss: number, accuracy: number): void {
    this.train.scalar('batch_loss', loss, step);
    this.train.scalar('batch_accuracy', accuracy, step);
  }

  epoch(m: EpochMetrics): void {
    this.train.scalar('epoch_loss', m.loss, m.epoch);
    this.train.scalar('epoch_accuracy', m.accuracy, m.epoch);
    this.validation.scalar('epoch_loss', m.valLoss, m.epoch);
    this.validation.scalar('epoch_accuracy', m.valAccuracy, m.epoch);
    this.train.flush();
    this.validation.flush();
  }

  /** The final test result, at the run's last step. */
  test(result: TestResult, epoch: number): void {
    this.validation.scalar('test_loss', result.loss, epoch);
    this.validation.scalar('test_accuracy', result.accuracy, epoch);
  }

  /** A markdown text under `tag` (TensorBoard's Text tab). */
  text(tag: string, markdown: string, step: number): void {
    const { tf } = this;
    const native = tfjsNodeInternals(tf);
    tf.tidy(() => {
      // WriteSummary(writer, step: int64, tensor, tag, summary_metadata), as tf.summary.text
      // calls it. (The backend frees the int64 step only in its own summary calls: one scalar a run.)
      const inputs = [
        native.summaryResource(this.train),
        native.int64Scalar(step),
        tf.scalar(markdown, 'string'),
        tf.scalar(tag, 'string'),
        tf.scalar(TEXT_METADATA as unknown as string, 'string'),
      ];
      native.executeTensors('WriteSummary', [attr.type('T', 'string')], inputs, 0);
    });
  }

  /** Flushes and closes both writers; the files are complete afterwards. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const native = tfjsNodeInternals(this.tf);
    for (const w of [this.train, this.validation]) {
      w.flush();
      const resourceHandle = native.summaryResource(w);
      native.executeTensors('CloseSummaryWriter', [], [resourceHandle], 0);
      // The handle is of no use once closed (a log folder is written once per process: the
      // training process runs one job); freeing it keeps the tensor count flat.
      resourceHandle.dispose();
    }
  }
}

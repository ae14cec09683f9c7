// Test-set evaluation: loss, accuracy, per-class accuracy and the confusion matrix, computed in
// large chunks without gradients. Used after every epoch and for a saved checkpoint.
import type { EvaluationResult } from '../protocol/training';
import type { Tf } from './backend';
import { CLASSES } from './dataset';
import { crossEntropy, type Kernels, type LstmParams, logits } from './model';
import type { ModelSpec } from '../protocol/checkpoint';
import { stopIfCancelled } from './cancellation';
import { sliceBatch, type SplitTensors } from './tensors';

/** Big enough to amortise per-op overhead, small enough to keep memory modest. */
export const EVAL_BATCH = 2000;

/** Throws Cancelled (between chunks) once `isCancelled` says so. */
export async function evaluate(
  tf: Tf,
  params: LstmParams,
  spec: ModelSpec,
  kernels: Kernels,
  data: SplitTensors,
  isCancelled: () => boolean = () => false,
): Promise<EvaluationResult> {
  const confusion = Array.from({ length: CLASSES }, () => new Array<number>(CLASSES).fill(0));
  let lossSum = 0;
  for (let start = 0; start < data.count; start += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, data.count - start);
    const [loss, predicted, truth] = tf.tidy(() => {
      const b = sliceBatch(tf, data, start, size);
      const out = logits(tf, params, b.x, spec, kernels);
      return [tf.mul(crossEntropy(tf, out, b.labels, kernels), size), tf.argMax(out, 1), b.labels];
    });
    lossSum += loss.dataSync()[0];
    const p = predicted.dataSync();
    const t = truth.dataSync();
    for (let i = 0; i < size; i++) confusion[t[i]][p[i]]++;
    tf.dispose([loss, predicted, truth]);
    await stopIfCancelled(isCancelled);
  }
  const correct = confusion.reduce((s, row, i) => s + row[i], 0);
  return {
    count: data.count,
    loss: lossSum / data.count,
    accuracy: correct / data.count,
    perClassAccuracy: confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total === 0 ? 0 : row[i] / total;
    }),
    confusion,
  };
}

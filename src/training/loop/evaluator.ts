// Test-set evaluation: loss, accuracy, per-class accuracy and the confusion matrix, computed in
// large chunks without gradients. Used after every epoch and for a saved checkpoint, which also
// keeps each image's prediction and its probability (the panel's gallery of mistakes).
import type { EvaluationResult } from '../../protocol/training';
import type { Tf } from '../native/backend';
import { CLASSES } from '../data/dataset';
import { crossEntropy, type ForwardPath, type ModelParams, logits } from '../model/recurrentModel';
import type { ModelSpec } from '../../protocol/checkpointFormat';
import { stopIfCancelled } from './cancellation';
import type { Split } from '../data/dataset';
import { chunkOf } from '../data/splitTensors';

/** Big enough to amortise per-op overhead, small enough to keep memory modest. */
export const EVAL_BATCH = 250;

/** Each image's true and predicted class and the probability of the predicted one, in test-set order. */
export interface Predictions {
  labels: Uint8Array;
  predicted: Uint8Array;
  confidence: Float32Array;
}

/** What an evaluation reads: the weights, their model and forward path, the images; and when to stop. */
type EvaluationArgs = [tf: Tf, params: ModelParams, spec: ModelSpec, kernels: ForwardPath, data: Split, isCancelled?: () => boolean];

/** Throws Cancelled (between chunks) once `isCancelled` says so. */
export async function evaluate(...args: EvaluationArgs): Promise<EvaluationResult> {
  return (await evaluateChunks(false, ...args)).result;
}

/** `evaluate`, and each image's prediction (what the panel's gallery and `--misclassified` show). */
export async function evaluateWithPredictions(...args: EvaluationArgs): Promise<{ result: EvaluationResult; predictions: Predictions }> {
  const { result, predictions } = await evaluateChunks(true, ...args);
  return { result, predictions: predictions! };
}

async function evaluateChunks(
  keep: boolean,
  ...[tf, params, spec, kernels, data, isCancelled = () => false]: EvaluationArgs
): Promise<{ result: EvaluationResult; predictions?: Predictions }> {
  return tallyChunks(data.count, EVAL_BATCH, keep, isCancelled, (start, size) => {
    const [loss, predicted, truth, confidence] = tf.tidy(() => {
      const b = chunkOf(tf, data, start, size, spec.timesteps, spec.inputSize);
      const out = logits(tf, params, b.x, spec, kernels);
      const best = keep ? tf.max(tf.softmax(out), 1) : tf.zeros([0]);
      return [tf.mul(crossEntropy(tf, out, b.labels, kernels), size), tf.argMax(out, 1), b.labels, best];
    });
    const chunk = {
      lossSum: loss.dataSync()[0],
      predicted: predicted.dataSync(),
      truth: truth.dataSync(),
      confidence: confidence.dataSync(),
    };
    tf.dispose([loss, predicted, truth, confidence]);
    return chunk;
  });
}

/** One chunk of an evaluation, however its backend computed it. */
export interface EvaluatedChunk {
  /** The chunk's summed loss. */
  lossSum: number;
  predicted: ArrayLike<number>;
  truth: ArrayLike<number>;
  /** The predicted class's probability (read when predictions are kept). */
  confidence: ArrayLike<number>;
}

/**
 * An evaluation of `count` images in chunks of `chunkSize`, each computed by `chunk`: the loss,
 * accuracy, per-class accuracy and confusion matrix, and, when `keep`, each image's prediction.
 * Throws Cancelled between chunks once `isCancelled` says so.
 */
export async function tallyChunks(
  count: number,
  chunkSize: number,
  keep: boolean,
  isCancelled: () => boolean,
  chunk: (start: number, size: number) => EvaluatedChunk | Promise<EvaluatedChunk>,
): Promise<{ result: EvaluationResult; predictions?: Predictions }> {
  const confusion = Array.from({ length: CLASSES }, () => new Array<number>(CLASSES).fill(0));
  const predictions = keep
    ? { labels: new Uint8Array(count), predicted: new Uint8Array(count), confidence: new Float32Array(count) }
    : undefined;
  let lossSum = 0;
  for (let start = 0; start < count; start += chunkSize) {
    const size = Math.min(chunkSize, count - start);
    const { lossSum: loss, predicted: p, truth: t, confidence } = await chunk(start, size);
    lossSum += loss;
    for (let i = 0; i < size; i++) confusion[t[i]][p[i]]++;
    if (predictions) {
      predictions.labels.set(t, start);
      predictions.predicted.set(p, start);
      predictions.confidence.set(confidence, start);
    }
    await stopIfCancelled(isCancelled);
  }
  const correct = confusion.reduce((s, row, i) => s + row[i], 0);
  const result = {
    count,
    loss: lossSum / count,
    accuracy: correct / count,
    perClassAccuracy: confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total === 0 ? 0 : row[i] / total;
    }),
    confusion,
  };
  return { result, predictions };
}

// Evaluation on the portable kernels: the logits of a chunk of images (one round over the threads),
// scored here, tallied as every evaluation is (loop/evaluator.ts).
import type { EvaluationResult } from '../../protocol/training';
import { type EvaluatedChunk, type Predictions, tallyChunks } from './evaluator';
import type { ModelSpec } from '../../protocol/checkpointFormat';
import type { Split } from '../data/dataset';
import { maxShards } from '../graph/shardPlan';
import { PREDICT_ROWS, PortableModel } from '../portable/portableModel';

/** The loss (log-sum-exp, in double precision), the prediction (the first largest logit, as argMax) and its probability of each row. */
export function scoreLogits(logits: Float32Array, labels: Uint8Array, classes: number): EvaluatedChunk {
  const size = labels.length;
  const predicted = new Uint8Array(size);
  const confidence = new Float32Array(size);
  let lossSum = 0;
  for (let r = 0; r < size; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    let best = 0;
    for (let k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(row[k] - row[best]);
    lossSum += Math.log(sum) + row[best] - row[labels[r]];
    predicted[r] = best;
    confidence[r] = 1 / sum;
  }
  return { lossSum, predicted, truth: labels, confidence };
}

export async function evaluatePortable(
  model: PortableModel,
  keep: boolean,
  isCancelled: () => boolean,
): Promise<{ result: EvaluationResult; predictions?: Predictions }> {
  const labels = model.labels('test');
  const chunk = PREDICT_ROWS * model.threadCount;
  return tallyChunks(labels.length, chunk, keep, isCancelled, async (start, size) =>
    scoreLogits(await model.logits('test', start, size), labels.subarray(start, start + size), model.spec.classes),
  );
}

/** A checkpoint's weights evaluated on `test` with each image's prediction, on as many threads as cores (at most four). */
export async function evaluateOnPortable(
  spec: ModelSpec,
  weights: Float32Array[],
  test: Split,
  isCancelled: () => boolean,
): Promise<{ result: EvaluationResult; predictions: Predictions }> {
  const threads = maxShards();
  const model = PortableModel.withWeights(spec, weights, { test }, { threads, batchSize: 0, inputs: 0 });
  try {
    const { result, predictions } = await evaluatePortable(model, true, isCancelled);
    return { result, predictions: predictions! };
  } finally {
    await model.dispose();
  }
}

// Whether a run fits in this machine's memory, checked before its first batch: a model too big
// fails at once, naming the figures, rather than swapping or being killed an hour in.
import * as os from 'node:os';
import { RunPreparationError } from '../../checkpoint/weightsFolder';
import { EVAL_BATCH } from './evaluator';
import { architectureOf, weightSpecs } from '../../protocol/architecture';
import { type ModelSpec, ParamLayout } from '../../protocol/checkpointFormat';

/** Bytes a run needs at its peak, roughly: the data as tensors, the weights with Adam's moments and gradients, a step's activations. */
export function estimateRunBytes(
  m: Pick<ModelSpec, 'units' | 'inputSize' | 'timesteps' | 'classes' | 'layers' | 'cell'> & {
    batchSize: number;
    trainCount: number;
    testCount: number;
  },
): number {
  const weights = new ParamLayout(weightSpecs(m)).total;
  const data = (m.trainCount + m.testCount) * (m.timesteps * m.inputSize + 1) * 1.25; // float32 tensors + the uint8 source
  // BlockLSTM keeps seven [timesteps, batch, units] outputs for the backward pass, which makes as
  // many, per layer (a GRU layer fewer); evaluation runs in chunks.
  const activations = 14 * architectureOf(m).layers * m.timesteps * Math.max(m.batchSize, EVAL_BATCH) * m.units;
  return 4 * (4 * weights + data + activations);
}

/** Fails when a run cannot fit in this machine's memory, naming the figures. */
export function checkMemory(needed: number, total: number = os.totalmem()): void {
  if (needed <= 0.8 * total) return;
  const gb = (b: number): string => `${(b / 2 ** 30).toFixed(b < 2 ** 31 ? 1 : 0)} GB`;
  throw new RunPreparationError(
    `This run needs about ${gb(needed)} of memory and this machine has ${gb(total)}: ` +
      'use fewer units, a smaller batch size or fewer images.',
  );
}

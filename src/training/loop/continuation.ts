// Continuing a saved run: its weights, Adam's state, and where its shuffle order had got to, so
// that N epochs and then M more give what N + M epochs in one run give. The checkpoint's
// hyperparameters are the run's; only how many more epochs, where it is saved and on what
// device come from the new request.
import { type AdamState, type CheckpointMeta, CheckpointError, trainedEpochs } from '../../protocol/checkpointFormat';
import type { FromCheckpointField } from '../../protocol/runOptions';
import type { ContinuedFrom, EpochMetrics, TrainConfig } from '../../protocol/training';
import type { Tf } from '../native/backend';
import { loadCheckpoint } from '../model/checkpointParams';
import { readOptimizerState } from '../../checkpoint/read';
import { disposeParams, type ModelParams, modelSpec } from '../model/recurrentModel';
import { shuffledIndices } from '../data/shuffle';
import { seededRandom } from '../../protocol/seededRandom';

export interface Continuation {
  from: ContinuedFrom;
  meta: CheckpointMeta;
  params: ModelParams;
  adam?: AdamState;
  /** The epochs behind the weights, whose history the new checkpoint carries on. */
  epochs: EpochMetrics[];
}

/** Said when a checkpoint from before optimizer states were saved is continued. */
export function adamRestartNote(checkpoint: string): string {
  return (
    `${checkpoint} was saved without Adam's state (by an earlier version): Adam starts afresh, ` +
    'so the result will differ from one longer run'
  );
}

/** Loads what `config.resume` names; the config the run then has: the checkpoint's hyperparameters, `epochs` more epochs. */
export async function openContinuation(
  tf: Tf,
  config: TrainConfig & { resume: string },
): Promise<{ config: TrainConfig; continuation: Continuation }> {
  const { meta, params } = await loadCheckpoint(tf, config.resume, true);
  try {
    const adam = await readOptimizerState(config.resume, meta);
    const h = meta.hyperparameters;
    const epochs = trainedEpochs(meta);
    const spec = modelSpec(meta.model.timesteps, meta.model.inputSize, meta.model.units, meta.model);
    if (spec.forgetBias !== meta.model.forgetBias || spec.classes !== meta.model.classes) {
      throw new CheckpointError(
        config.resume,
        `its model (${meta.model.classes} classes, forget bias ${meta.model.forgetBias}) is not this version's`,
      );
    }
    // Every option the request may not give (a missing one is a type error here).
    const kept: { [K in FromCheckpointField]-?: TrainConfig[K] } = {
      units: meta.model.units,
      layers: spec.layers,
      dropout: h.dropout,
      batchSize: h.batchSize,
      learningRate: h.learningRate,
      seed: h.seed,
      trainSize: h.trainSize,
      testSize: h.testSize,
      lrDecay: h.lrDecay,
      lrStepEpochs: h.lrStepEpochs,
      lrPatience: h.lrPatience,
      lrMin: h.lrMin,
      clipNorm: h.clipNorm,
    };
    return {
      // The schedule goes on too: each epoch's rate follows from the epochs before it (a cosine's
      // curve is stretched over the longer run).
      config: { ...config, ...kept, cell: spec.cell, lrSchedule: h.lrSchedule, epochs: epochs.length + config.epochs },
      continuation: {
        from: { checkpoint: config.resume, epochs: epochs.length, adamRestored: adam !== undefined },
        meta,
        params,
        adam,
        epochs,
      },
    };
  } catch (e) {
    disposeParams(params);
    throw e;
  }
}

/** The generator of a run's shuffles, advanced past the epochs already trained (each epoch draws one permutation). */
export function shuffleGenerator(seed: number, trainCount: number, epochsDone: number): () => number {
  const random = seededRandom(seed);
  for (let e = 0; e < epochsDone; e++) shuffledIndices(trainCount, random);
  return random;
}

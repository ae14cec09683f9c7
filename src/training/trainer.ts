// The training loop: shuffled batches, Adam, the test set after every epoch, a checkpoint at
// the end. Reports through TrainingEvents and stops between batches when cancelled. Every batch
// runs inside tf.tidy, so the tensor count stays flat however long the run.
import type * as tfn from '@tensorflow/tfjs-node';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, type CheckpointMeta, type ModelSpec } from '../protocol/checkpoint';
import { percent } from '../protocol/format';
import type { EpochMetrics, TrainConfig, TrainingEvent } from '../protocol/training';
import { type Backend, chooseKernels, type Tf } from './backend';
import { checkpointBytes, rescueCheckpoint, rescueFolder, saveCheckpoint, type SaveHooks } from './checkpointStore';
import type { Dataset } from './dataset';
import { Cancelled, stopIfCancelled } from './cancellation';
import { evaluate } from './evaluator';
import { FlatAdam } from './flatAdam';
import {
  correctCount,
  crossEntropy,
  disposeParams,
  initParams,
  type Kernels,
  logits,
  type LstmParams,
  modelSpec,
  paramList,
  weightSpecs,
} from './model';
import { seededRandom, shuffledIndices } from './random';
import { checkMemory, describeFsError, estimateRunBytes, prepareWeightsFolder } from './runPreparation';
import { type Batch, disposeSplit, gatherBatch, tensorsFromSplit } from './tensors';

export interface JobHooks {
  emit(event: TrainingEvent): void;
  isCancelled(): boolean;
}

/** What one training step needs besides the batch. */
export interface StepModel {
  params: LstmParams;
  spec: ModelSpec;
  kernels: Kernels;
}

/**
 * One step of Adam on a batch. Returns the batch's mean loss and number of correct predictions
 * as scalars for the caller to read and dispose; every other tensor it makes is freed.
 */
export function trainStep(tf: Tf, model: StepModel, optimizer: FlatAdam, batch: Batch): [tfn.Scalar, tfn.Scalar] {
  return tf.tidy(() => {
    let hits: tfn.Scalar | undefined;
    const loss = optimizer.minimize(() => {
      const out = logits(tf, model.params, batch.x, model.spec, model.kernels);
      hits = tf.keep(correctCount(tf, out, batch.labels));
      return crossEntropy(tf, out, batch.labels, model.kernels);
    });
    return [loss, hits as tfn.Scalar];
  });
}

export interface TrainOutcome {
  status: 'done' | 'cancelled' | 'diverged';
  checkpoint?: string;
}

/** The run finished but its checkpoint could not be saved where asked; `rescued` says where the weights went, if anywhere. */
export class SaveFailed extends Error {
  constructor(
    message: string,
    readonly rescued?: string,
  ) {
    super(message);
    this.name = 'SaveFailed';
  }
}

/** A loss that is NaN or infinite: nothing after it can be trusted (Keras' TerminateOnNaN). */
class Diverged extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(`diverged at epoch ${epoch}, batch ${batch}`);
  }
}

/** Accuracy below this, after the first epoch, is no better than guessing among the classes. */
const CHANCE_FACTOR = 1.5;

export async function train(
  config: TrainConfig,
  backend: Backend,
  data: Dataset,
  hooks: JobHooks,
  saveHooks?: SaveHooks,
): Promise<TrainOutcome> {
  const started = Date.now();
  const kernels = chooseKernels(config, backend);
  const spec = modelSpec(data.rows, data.cols, config.units);
  // Everything that can fail for want of memory or disk fails here, before the first batch.
  checkMemory(estimateRunBytes({ ...spec, batchSize: config.batchSize, trainCount: data.train.count, testCount: data.test.count }));
  const reservation = prepareWeightsFolder(config.weightsDir, config.runName, checkpointBytes(spec));
  try {
    return await trainReserved(config, backend, data, hooks, { started, kernels, spec }, saveHooks);
  } finally {
    reservation.release();
  }
}

async function trainReserved(
  config: TrainConfig,
  backend: Backend,
  data: Dataset,
  hooks: JobHooks,
  { started, kernels, spec }: { started: number; kernels: Kernels; spec: ModelSpec },
  saveHooks?: SaveHooks,
): Promise<TrainOutcome> {
  const { tf } = backend;
  const batchesPerEpoch = Math.ceil(data.train.count / config.batchSize);
  hooks.emit({
    type: 'started',
    config,
    device: { ...backend.info, fusedKernels: kernels === 'fused' },
    dataset: data.info,
    batchesPerEpoch,
  });

  const trainSet = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  const testSet = tensorsFromSplit(tf, data.test, data.rows, data.cols);
  const params = initParams(tf, spec, config.seed);
  const model: StepModel = { params, spec, kernels };
  const optimizer = new FlatAdam(tf, paramList(params), config.learningRate);
  const random = seededRandom(config.seed);
  const epochs: EpochMetrics[] = [];
  const warnings: string[] = [];
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const epochStart = Date.now();
      const order = shuffledIndices(trainSet.count, random);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        await stopIfCancelled(hooks.isCancelled);
        const indices = order.subarray(b * config.batchSize, (b + 1) * config.batchSize);
        const batch = gatherBatch(tf, trainSet, indices);
        const [loss, hits] = trainStep(tf, model, optimizer, batch);
        tf.dispose([batch.x, batch.labels]);
        // Two scalars; the step has already run (tfjs-node executes eagerly), so this read is cheap.
        const batchLoss = (await loss.data())[0];
        const batchHits = (await hits.data())[0];
        tf.dispose([loss, hits]);
        if (!Number.isFinite(batchLoss)) throw new Diverged(epoch, b + 1, batchLoss);
        lossSum += batchLoss * indices.length;
        correct += batchHits;
        seen += indices.length;
        hooks.emit({ type: 'batch', epoch, batch: b + 1, batchesPerEpoch, loss: lossSum / seen, accuracy: correct / seen });
      }
      const val = await evaluate(tf, params, spec, kernels, testSet, hooks.isCancelled);
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / seen,
        accuracy: correct / seen,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        seconds: (Date.now() - epochStart) / 1000,
      };
      epochs.push(metrics);
      hooks.emit({ type: 'epoch', metrics });
      const chance = 1 / spec.classes;
      if (epoch === 1 && Math.max(metrics.accuracy, metrics.valAccuracy) < CHANCE_FACTOR * chance) {
        const message =
          `after epoch 1 the test accuracy is ${percent(metrics.valAccuracy)}, no better than guessing (${percent(chance)}): ` +
          `the model is not learning; a learning rate that is too high (this run: ${config.learningRate}) is the usual cause`;
        warnings.push(message);
        hooks.emit({ type: 'chanceLevel', epoch, accuracy: metrics.valAccuracy, chance, message });
      }
    }
    await stopIfCancelled(hooks.isCancelled);
    const last = epochs[epochs.length - 1];
    const test = { loss: last.valLoss, accuracy: last.valAccuracy };
    const seconds = (Date.now() - started) / 1000;
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      name: config.runName,
      createdAt: new Date().toISOString(),
      hyperparameters: {
        batchSize: config.batchSize,
        epochs: config.epochs,
        learningRate: config.learningRate,
        seed: config.seed,
        trainSize: config.trainSize,
        testSize: config.testSize,
      },
      model: spec,
      weights: weightSpecs(spec),
      epochs,
      test,
      device: { ...backend.info, fusedKernels: kernels === 'fused' },
      dataset: data.info,
      seconds,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    const checkpoint = await saveOrRescue(config.weightsDir, meta, params, saveHooks);
    hooks.emit({ type: 'done', test, checkpoint, seconds });
    return { status: 'done', checkpoint };
  } catch (e) {
    if (e instanceof Diverged) {
      hooks.emit({
        type: 'diverged',
        epoch: e.epoch,
        batch: e.batch,
        loss: e.loss,
        message:
          `the loss became ${e.loss} at epoch ${e.epoch}, batch ${e.batch}: training stopped and nothing was saved; ` +
          `try a smaller learning rate (this run: ${config.learningRate})`,
      });
      return { status: 'diverged' };
    }
    if (!(e instanceof Cancelled)) throw e;
    hooks.emit({ type: 'cancelled' });
    return { status: 'cancelled' };
  } finally {
    disposeParams(params);
    optimizer.dispose();
    disposeSplit(trainSet);
    disposeSplit(testSet);
  }
}

/** Saves the checkpoint; if that fails, saves the weights in the rescue folder and says both. */
async function saveOrRescue(weightsDir: string, meta: CheckpointMeta, params: LstmParams, saveHooks?: SaveHooks): Promise<string> {
  try {
    return await saveCheckpoint(weightsDir, meta, params, saveHooks);
  } catch (e) {
    const why = e instanceof CheckpointError ? e.reason : describeFsError(e, weightsDir);
    const failed = `The run finished, but its checkpoint could not be saved in ${weightsDir}: ${why}.`;
    try {
      const rescued = await rescueCheckpoint(meta, params);
      throw new SaveFailed(`${failed} The trained weights were saved in ${rescued} instead.`, rescued);
    } catch (rescueError) {
      if (rescueError instanceof SaveFailed) throw rescueError;
      throw new SaveFailed(`${failed} Saving them in ${rescueFolder()} failed too: ${(rescueError as Error).message}.`);
    }
  }
}

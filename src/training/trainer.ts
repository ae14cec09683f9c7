// The training loop: shuffled batches, Adam, the test set after every epoch, a checkpoint at
// the end. Reports through TrainingEvents and stops between batches when cancelled. Every batch
// runs inside tf.tidy, so the tensor count stays flat however long the run.
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, type CheckpointMeta, type ModelSpec } from '../protocol/checkpoint';
import { percent } from '../protocol/format';
import type { EpochMetrics, TrainConfig, TrainingEvent } from '../protocol/training';
import { type Backend, chooseKernels, forwardKernels, type TrainingKernels } from './backend';
import { checkpointBytes, rescueCheckpoint, rescueFolder, saveCheckpoint, type SaveHooks } from './checkpointStore';
import type { Dataset } from './dataset';
import { Cancelled, stopIfCancelled } from './cancellation';
import { evaluate } from './evaluator';
import { disposeParams, initParams, type LstmParams, modelSpec, weightSpecs } from './model';
import { seededRandom, shuffledIndices } from './random';
import { checkMemory, describeFsError, estimateRunBytes, prepareWeightsFolder } from './runPreparation';
import { planReplicas, type PoolPlan } from './replicaPool';
import { ParallelSteps, type StepRunner, TapeSteps } from './stepRunners';
import { disposeSplit, tensorsFromSplit } from './tensors';

export interface JobHooks {
  emit(event: TrainingEvent): void;
  isCancelled(): boolean;
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
  const plan = kernels === 'scheduled' ? planReplicas(config.batchSize) : undefined;
  // Everything that can fail for want of memory or disk fails here, before the first batch.
  // Each replica holds the training images and a share's activations.
  const perProcess = estimateRunBytes({ ...spec, batchSize: config.batchSize, trainCount: data.train.count, testCount: data.test.count });
  checkMemory(perProcess * (plan?.replicas ?? 1));
  const reservation = prepareWeightsFolder(config.weightsDir, config.runName, checkpointBytes(spec));
  try {
    return await trainReserved(config, backend, data, hooks, { started, kernels, spec, plan }, saveHooks);
  } finally {
    reservation.release();
  }
}

async function trainReserved(
  config: TrainConfig,
  backend: Backend,
  data: Dataset,
  hooks: JobHooks,
  { started, kernels, spec, plan }: { started: number; kernels: TrainingKernels; spec: ModelSpec; plan?: PoolPlan },
  saveHooks?: SaveHooks,
): Promise<TrainOutcome> {
  const { tf } = backend;
  const batchesPerEpoch = Math.ceil(data.train.count / config.batchSize);
  const device = { ...backend.info, fusedKernels: kernels !== 'reference', kernels, replicas: plan?.replicas };
  hooks.emit({ type: 'started', config, device, dataset: data.info, batchesPerEpoch });

  const testSet = tensorsFromSplit(tf, data.test, data.rows, data.cols);
  const params = initParams(tf, spec, config.seed);
  const trainSet = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  let steps: StepRunner | undefined;
  const random = seededRandom(config.seed);
  const epochs: EpochMetrics[] = [];
  const warnings: string[] = [];
  try {
    steps =
      kernels === 'scheduled'
        ? await ParallelSteps.start(tf, params, spec, trainSet, config, plan!)
        : new TapeSteps(tf, { params, spec, kernels: forwardKernels(kernels) }, trainSet, config.learningRate);
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const epochStart = Date.now();
      const order = shuffledIndices(data.train.count, random);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        await stopIfCancelled(hooks.isCancelled);
        const indices = order.subarray(b * config.batchSize, (b + 1) * config.batchSize);
        const step = await steps.step(indices);
        if (!Number.isFinite(step.lossSum)) throw new Diverged(epoch, b + 1, step.lossSum / indices.length);
        lossSum += step.lossSum;
        correct += step.correct;
        seen += indices.length;
        hooks.emit({ type: 'batch', epoch, batch: b + 1, batchesPerEpoch, loss: lossSum / seen, accuracy: correct / seen });
      }
      steps.syncParams();
      const val = await evaluate(tf, params, spec, forwardKernels(kernels), testSet, hooks.isCancelled);
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
      device,
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
    steps?.dispose();
    disposeParams(params);
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

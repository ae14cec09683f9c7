// The training loop: shuffled batches, Adam, the test set after every epoch, a checkpoint at
// the end (of the last epoch, or of the best one when asked; early when the test accuracy stops
// improving, when asked). A run may continue a checkpoint (continuation.ts). Reports through
// TrainingEvents and stops between batches when cancelled. Every batch runs inside tf.tidy, so
// the tensor count stays flat however long the run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  type CheckpointMeta,
  type ModelSpec,
} from '../../protocol/checkpointFormat';
import { stagingFolder } from '../../checkpoint/reservation';
import { percent } from '../../protocol/format';
import { DEFAULT_SCHEDULE, epochLearningRate, scheduleText } from '../../protocol/learningRate';
import { scheduleOf } from '../../protocol/runOptions';
import type { EpochMetrics, TrainConfig, TrainingEvent } from '../../protocol/training';
import type { Backend } from '../native/backend';
import { chooseTrainingPath, forwardPath, trainingDevice } from './trainingPath';
import type { TrainingPath } from '../../protocol/compute';
import { adamEpsilon, BETA1, BETA2 } from '../optim/adamState';
import {
  type CheckpointContents,
  checkpointBytes,
  rescueCheckpoint,
  rescueFolder,
  saveCheckpoint,
  type SaveHooks,
} from '../../checkpoint/write';
import { paramValues } from '../model/checkpointParams';
import { adamRestartNote, type Continuation, shuffleGenerator } from './continuation';
import { type Dataset, withoutTrainingImages } from '../data/dataset';
import { Cancelled, stopIfCancelled } from './cancellation';
import { evaluate } from './evaluator';
import { architectureText, weightSpecs } from '../../protocol/architecture';
import { disposeParams, initParams, modelSpec } from '../model/recurrentModel';
import { shuffledIndices } from '../data/shuffle';
import { checkMemory, estimateRunBytes } from './memoryBudget';
import { describeFsError, prepareWeightsFolder, type Reservation } from '../../checkpoint/weightsFolder';
import { planShards, type ShardPlan } from '../graph/shardPlan';
import { LOG_FOLDER, TensorBoardLog } from './tensorBoardLog';
import { ScheduledSteps, type StepRunner, AutodiffSteps } from './stepRunners';
import { PortableSteps } from './portableSteps';
import { provenance } from './provenance';
import { reportMemory } from './memorySample';

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

/**
 * Trains a run. Not async itself: it hands `data` on and keeps no hold of it, so that once the
 * steps hold the training images as tensors their bytes (47 MB for MNIST) can go.
 */
export function train(
  config: TrainConfig,
  backend: Backend,
  data: Dataset,
  hooks: JobHooks,
  saveHooks?: SaveHooks,
  continuation?: Continuation,
): Promise<TrainOutcome> {
  const started = Date.now();
  let prepared: Parameters<typeof trainPrepared>[4];
  let reservation: Reservation;
  try {
    const kernels = chooseTrainingPath(config.kernels, backend.info);
    const spec = modelSpec(data.rows, data.cols, config.units, config);
    if (continuation) checkSameData(continuation, data);
    const plan = kernels === 'scheduled' || kernels === 'portable' ? planShards(config.batchSize) : undefined;
    // Everything that can fail for want of memory or disk fails here, before the first batch.
    checkMemory(estimateRunBytes({ ...spec, batchSize: config.batchSize, trainCount: data.train.count, testCount: data.test.count }));
    reservation = prepareWeightsFolder(config.weightsDir, config.runName, checkpointBytes(weightSpecs(spec)));
    prepared = { started, kernels, spec, plan, continuation };
  } catch (e) {
    return Promise.reject(e);
  }
  return trainPrepared(config, backend, data, hooks, prepared, saveHooks).finally(() => reservation.release());
}

/** The sizes of an epoch's batches of `batchSize` over `count` images: full ones, and the last one's. */
function batchSizes(count: number, batchSize: number): number[] {
  return [...new Set([Math.min(batchSize, count), count % batchSize].filter((n) => n > 0))];
}

/** A run goes on with the images it was trained on: the same set, as many, in the same order. */
function checkSameData(continuation: Continuation, data: Dataset): void {
  const was = continuation.meta.dataset;
  if (was.name !== data.info.name || was.trainCount !== data.info.trainCount) {
    throw new CheckpointError(
      continuation.from.checkpoint,
      `it was trained on ${was.trainCount} images of ${was.name}, this run has ${data.info.trainCount} of ${data.info.name}: ` +
        'continue it on the same data',
    );
  }
}

/** The weights (and Adam's state) of the best epoch so far, kept in memory to be saved at the end. */
interface BestEpoch {
  metrics: EpochMetrics;
  contents?: CheckpointContents;
}

async function trainPrepared(
  config: TrainConfig,
  backend: Backend,
  data: Dataset,
  hooks: JobHooks,
  {
    started,
    kernels,
    spec,
    plan,
    continuation,
  }: { started: number; kernels: TrainingPath; spec: ModelSpec; plan?: ShardPlan; continuation?: Continuation },
  saveHooks?: SaveHooks,
): Promise<TrainOutcome> {
  const { tf } = backend;
  const { info } = data;
  // The repository's state as the run starts: the code that trains it.
  const record = provenance(backend, config.origin, config.weightsDir);
  const trainCount = data.train.count;
  const batchesPerEpoch = Math.ceil(trainCount / config.batchSize);
  const device = trainingDevice(backend.info, kernels, plan?.shards);
  hooks.emit({ type: 'started', config, device, dataset: info, batchesPerEpoch, continued: continuation?.from });
  const epochs: EpochMetrics[] = [...(continuation?.epochs ?? [])];
  for (const metrics of epochs) hooks.emit({ type: 'epoch', metrics });
  if (continuation && !continuation.adam) hooks.emit({ type: 'warning', message: adamRestartNote(continuation.from.checkpoint) });

  const testImages = data.test;
  const params = continuation?.params ?? initParams(tf, spec, config.seed);
  // 0 is "off", however a sender wrote it: a limit of 0 would scale every gradient to nothing.
  const clipNorm = config.clipNorm || undefined;
  // Dropout's masks follow from the run's seed (model/dropout.ts); 0 is "off" too.
  const dropout = config.dropout ? { rate: config.dropout, seed: config.seed } : undefined;
  let steps: StepRunner | undefined;
  const random = shuffleGenerator(config.seed, trainCount, epochs.length);
  const warnings: string[] = [];
  let best: BestEpoch | undefined;
  let stoppedEarly: CheckpointMeta['stoppedEarly'];
  const staging = stagingFolder(config.weightsDir, config.runName);
  let log: TensorBoardLog | undefined;
  let saved = false;
  try {
    if (config.tensorBoard !== false) {
      fs.rmSync(staging, { recursive: true, force: true });
      log = TensorBoardLog.open(path.join(staging, LOG_FOLDER));
      log.text('hyperparameters', hyperparameterTable(config, spec, continuation), 0);
      for (const m of epochs) log.epoch(m);
    }
    if (kernels === 'scheduled') {
      const scheduled = new ScheduledSteps(
        tf,
        params,
        spec,
        data.train,
        config.learningRate,
        plan!,
        batchSizes(trainCount, config.batchSize),
        continuation?.adam,
        clipNorm,
        dropout,
      );
      steps = scheduled;
      if (scheduled.graphUnavailable)
        hooks.emit({
          type: 'warning',
          message: `Training runs slower: TensorFlow could not load the training step's graph (${scheduled.graphUnavailable}).`,
        });
    } else if (kernels === 'portable') {
      steps = new PortableSteps(
        tf,
        params,
        spec,
        { train: data.train, test: data.test },
        config.learningRate,
        { threads: plan!.shards, batchSize: config.batchSize },
        continuation?.adam,
        clipNorm,
        dropout,
      );
    } else
      steps = new AutodiffSteps(
        tf,
        { params, spec, kernels: forwardPath(kernels), dropout },
        data.train,
        config.learningRate,
        continuation?.adam,
        clipNorm,
      );
    // The steps hold the training images as tensors now: this run lets go of their bytes.
    data = withoutTrainingImages(data);
    const schedule = scheduleOf(config);
    for (let epoch = epochs.length + 1; epoch <= config.epochs; epoch++) {
      const epochStart = Date.now();
      const learningRate = epochLearningRate(config.learningRate, schedule, epoch, config.epochs, epochs);
      steps.setLearningRate(learningRate);
      const order = shuffledIndices(trainCount, random);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let normSum = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        await stopIfCancelled(hooks.isCancelled);
        const indices = order.subarray(b * config.batchSize, (b + 1) * config.batchSize);
        const step = await steps.step(indices);
        if (!Number.isFinite(step.lossSum)) throw new Diverged(epoch, b + 1, step.lossSum / indices.length);
        lossSum += step.lossSum;
        correct += step.correct;
        normSum += step.gradNorm ?? 0;
        seen += indices.length;
        log?.batch((epoch - 1) * batchesPerEpoch + b + 1, step.lossSum / indices.length, step.correct / indices.length);
        hooks.emit({ type: 'batch', epoch, batch: b + 1, batchesPerEpoch, loss: lossSum / seen, accuracy: correct / seen });
      }
      steps.syncParams();
      const val = steps.evaluateTest
        ? await steps.evaluateTest(hooks.isCancelled)
        : await evaluate(tf, params, spec, forwardPath(kernels), testImages, hooks.isCancelled);
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / seen,
        accuracy: correct / seen,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        seconds: (Date.now() - epochStart) / 1000,
        learningRate,
        ...(clipNorm === undefined ? {} : { gradNorm: normSum / batchesPerEpoch }),
      };
      epochs.push(metrics);
      log?.epoch(metrics);
      hooks.emit({ type: 'epoch', metrics });
      reportMemory(tf, epoch);
      const chance = 1 / spec.classes;
      if (epoch === 1 && Math.max(metrics.accuracy, metrics.valAccuracy) < CHANCE_FACTOR * chance) {
        const message =
          `after epoch 1 the test accuracy is ${percent(metrics.valAccuracy)}, no better than guessing (${percent(chance)}): ` +
          `the model is not learning; a learning rate that is too high (this run: ${config.learningRate}) is the usual cause`;
        warnings.push(message);
        hooks.emit({ type: 'chanceLevel', epoch, accuracy: metrics.valAccuracy, chance, message });
      }
      if (!best || improves(metrics, best.metrics)) {
        // Only a run that keeps its best epoch needs that epoch's weights later.
        best = {
          metrics,
          contents: config.keepBest ? { weights: await paramValues(params), optimizer: steps.optimizerState() } : undefined,
        };
      } else if (config.patience !== undefined && epoch - best.metrics.epoch >= config.patience && epoch < config.epochs) {
        stoppedEarly = { afterEpoch: epoch, patience: config.patience };
        hooks.emit({ type: 'stoppedEarly', epoch, bestEpoch: best.metrics.epoch, patience: config.patience });
        break;
      }
    }
    await stopIfCancelled(hooks.isCancelled);
    const kept = config.keepBest && best ? best : { metrics: epochs[epochs.length - 1], contents: undefined };
    const contents = kept.contents ?? { weights: await paramValues(params), optimizer: steps.optimizerState() };
    const test = { loss: kept.metrics.valLoss, accuracy: kept.metrics.valAccuracy };
    log?.test(test, epochs[epochs.length - 1].epoch);
    // Closed before the folder holding the files is renamed into place.
    log?.close();
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
        ...(config.keepBest ? { keepBest: true } : {}),
        ...(config.patience !== undefined ? { patience: config.patience } : {}),
        ...(clipNorm !== undefined ? { clipNorm } : {}),
        ...(config.dropout ? { dropout: config.dropout } : {}),
        ...(schedule.name === DEFAULT_SCHEDULE
          ? {}
          : {
              lrSchedule: schedule.name,
              lrDecay: schedule.decay,
              lrStepEpochs: schedule.stepEpochs,
              lrPatience: schedule.patience,
              lrMin: schedule.minimum,
            }),
      },
      model: spec,
      weights: weightSpecs(spec),
      epochs,
      test,
      device,
      dataset: info,
      seconds,
      ...(warnings.length > 0 ? { warnings } : {}),
      optimizer: { name: 'adam', step: contents.optimizer!.step, beta1: BETA1, beta2: BETA2, epsilon: adamEpsilon(tf) },
      ...(continuation ? { continuedFrom: continuation.meta.name } : {}),
      ...(config.keepBest ? { bestEpoch: kept.metrics.epoch } : {}),
      ...(stoppedEarly ? { stoppedEarly } : {}),
      provenance: record,
    };
    const checkpoint = await saveOrRescue(config.weightsDir, meta, contents, saveHooks);
    saved = true;
    hooks.emit({ type: 'done', test, checkpoint, seconds, ...(config.keepBest ? { bestEpoch: kept.metrics.epoch } : {}) });
    return { status: 'done', checkpoint };
  } catch (e) {
    if (e instanceof Diverged) {
      hooks.emit({
        type: 'diverged',
        epoch: e.epoch,
        batch: e.batch,
        loss: String(e.loss),
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
    log?.close();
    // A run that saved nothing leaves nothing: its logs go with its staging folder.
    if (!saved) fs.rmSync(staging, { recursive: true, force: true });
    steps?.dispose();
    disposeParams(params);
  }
}

/** The run's settings as a markdown table: TensorBoard's Text tab shows it with the run's curves. */
function hyperparameterTable(config: TrainConfig, spec: ModelSpec, continuation?: Continuation): string {
  const rows: [string, unknown][] = [
    ['model', architectureText(spec)],
    ['units', config.units],
    ['batch size', config.batchSize],
    ['epochs', config.epochs],
    ['learning rate', config.learningRate],
    ['seed', config.seed],
    ['training images', config.trainSize ?? 'all'],
    ['test images', config.testSize ?? 'all'],
    ['keep the best epoch', config.keepBest ? 'yes' : 'no'],
    ['early stopping patience', config.patience ?? 'off'],
    ['learning-rate schedule', scheduleText(scheduleOf(config))],
    ['gradient clipping (global norm)', config.clipNorm || 'off'],
    ['dropout', config.dropout || 'off'],
    ...(continuation
      ? ([['continued from', `${continuation.meta.name} (after epoch ${continuation.from.epochs})`]] as [string, unknown][])
      : []),
  ];
  return ['| hyperparameter | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${String(v)} |`)].join('\n');
}

/** Whether an epoch beats the best so far: a higher test accuracy (as Keras' monitors, strictly). */
function improves(m: EpochMetrics, best: EpochMetrics): boolean {
  return m.valAccuracy > best.valAccuracy;
}

/** Saves the checkpoint; if that fails, saves the weights in the rescue folder and says both. */
async function saveOrRescue(
  weightsDir: string,
  meta: CheckpointMeta,
  contents: CheckpointContents,
  saveHooks?: SaveHooks,
): Promise<string> {
  try {
    return await saveCheckpoint(weightsDir, meta, contents, saveHooks);
  } catch (e) {
    const why = e instanceof CheckpointError ? e.reason : describeFsError(e, weightsDir);
    const failed = `The run finished, but its checkpoint could not be saved in ${weightsDir}: ${why}.`;
    try {
      const rescued = await rescueCheckpoint(meta, contents);
      throw new SaveFailed(`${failed} The trained weights were saved in ${rescued} instead.`, rescued);
    } catch (rescueError) {
      if (rescueError instanceof SaveFailed) throw rescueError;
      throw new SaveFailed(`${failed} Saving them in ${rescueFolder()} failed too: ${(rescueError as Error).message}.`);
    }
  }
}

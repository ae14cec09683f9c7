// The training loop: shuffled batches, Adam, the test set after every epoch, a checkpoint at
// the end. Reports through TrainingEvents and stops between batches when cancelled. Every batch
// runs inside tf.tidy, so the tensor count stays flat however long the run.
import type * as tfn from '@tensorflow/tfjs-node';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointMeta, type ModelSpec } from '../protocol/checkpoint';
import type { EpochMetrics, TrainConfig, TrainingEvent } from '../protocol/training';
import type { Backend, Tf } from './backend';
import { assertCheckpointFree, saveCheckpoint, type SaveHooks } from './checkpointStore';
import type { Dataset } from './dataset';
import { Cancelled, stopIfCancelled } from './cancellation';
import { evaluate } from './evaluator';
import { FlatAdam } from './flatAdam';
import { correctCount, crossEntropy, disposeParams, initParams, type Kernels, logits, type LstmParams, modelSpec, paramList, weightSpecs } from './model';
import { seededRandom, shuffledIndices } from './random';
import { type Batch, disposeSplit, gatherBatch, splitTensors } from './tensors';

export interface JobHooks {
  emit(event: TrainingEvent): void;
  isCancelled(): boolean;
}

export function chooseKernels(config: Pick<TrainConfig, 'kernels'>, backend: Backend): Kernels {
  if (config.kernels === 'fused' && !backend.info.fusedKernels) {
    throw new Error(`--kernels fused needs the native tensorflow backend; this backend is ${backend.info.backend}`);
  }
  if (config.kernels === 'reference') return 'reference';
  return backend.info.fusedKernels ? 'fused' : 'reference';
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

export interface TrainResult {
  status: 'done' | 'cancelled';
  checkpoint?: string;
}

export async function train(
  config: TrainConfig, backend: Backend, data: Dataset, hooks: JobHooks, saveHooks?: SaveHooks,
): Promise<TrainResult> {
  const { tf } = backend;
  const started = Date.now();
  assertCheckpointFree(config.weightsDir, config.runName);
  const kernels = chooseKernels(config, backend);
  const spec = modelSpec(data.rows, data.cols, config.units);
  const batchesPerEpoch = Math.ceil(data.train.count / config.batchSize);
  hooks.emit({ type: 'started', config, device: { ...backend.info, fusedKernels: kernels === 'fused' }, dataset: data.info, batchesPerEpoch });

  const trainSet = splitTensors(tf, data.train, data.rows, data.cols);
  const testSet = splitTensors(tf, data.test, data.rows, data.cols);
  const params = initParams(tf, spec, config.seed);
  const model: StepModel = { params, spec, kernels };
  const optimizer = new FlatAdam(tf, paramList(params), config.learningRate);
  const random = seededRandom(config.seed);
  const epochs: EpochMetrics[] = [];
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
        lossSum += (await loss.data())[0] * indices.length;
        correct += (await hits.data())[0];
        seen += indices.length;
        tf.dispose([loss, hits]);
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
    };
    const checkpoint = await saveCheckpoint(config.weightsDir, meta, params, saveHooks);
    hooks.emit({ type: 'done', test, checkpoint, seconds });
    return { status: 'done', checkpoint };
  } catch (e) {
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

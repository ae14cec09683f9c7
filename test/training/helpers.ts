// Shared set-up for the tests that run TensorFlow: one CPU backend per test process, and a
// quick training configuration on a subset of MNIST.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainConfig, TrainingEvent } from '../../src/protocol/training';
import { strict as assert } from 'node:assert';
import { type Backend, loadBackend } from '../../src/training/native/backend';
import type * as tfn from '@tensorflow/tfjs-node';
import { type ModelSpec, WEIGHTS_FILE } from '../../src/protocol/checkpointFormat';
import { runTraining } from '../../src/training/jobs';
import type { SplitTensors } from '../../src/training/data/splitTensors';
import { correctCount, crossEntropy, logits, type ModelParams, paramList } from '../../src/training/model/recurrentModel';
import type { Mask } from '../../src/training/model/dropout';

let backend: Backend | undefined;

export function cpuBackend(): Backend {
  backend ??= loadBackend('cpu');
  return backend;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `lstm-mnist-${prefix}-`));
}

export function quickConfig(weightsDir: string, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    units: 32,
    batchSize: 50,
    epochs: 1,
    learningRate: 0.01,
    seed: 1,
    trainSize: 500,
    testSize: 200,
    weightsDir,
    runName: 'quick',
    device: 'cpu',
    kernels: 'auto',
    ...overrides,
  };
}

/** Trains `config` in this process (the worker's job) and reads the checkpoint's weights back, flat. */
export async function trainedWeights(config: TrainConfig): Promise<Float32Array> {
  const rec = recorder();
  const status = await runTraining(config, rec);
  assert.equal(status, 'done', JSON.stringify(rec.events.filter((e) => e.type === 'error')));
  const bytes = fs.readFileSync(path.join(config.weightsDir, config.runName, WEIGHTS_FILE));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Hooks that record every event, optionally cancelling once `cancelAfter` batches have run. */
export function recorder(cancelAfter?: number) {
  const events: TrainingEvent[] = [];
  let batches = 0;
  return {
    events,
    emit(e: TrainingEvent) {
      events.push(e);
      if (e.type === 'batch') batches++;
    },
    isCancelled: () => cancelAfter !== undefined && batches >= cancelAfter,
  };
}

/** The model's weights one after another, as the checkpoint and the flat paths lay them out. */
export function flatten(params: ModelParams): Float32Array {
  return Float32Array.from(paramList(params).flatMap((v) => Array.from(v.dataSync())));
}

/** The largest difference between two equally long arrays. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/**
 * The reference for every gradient: tfjs' autodiff of the basicLSTMCell loop on the training rows
 * `rows` (each layer's inputs dropped by `masks` when given), in the flat layout, with the batch's
 * mean loss and correct count (of the dropped forward pass, as a training step counts them).
 */
export function referenceGradient(
  params: ModelParams,
  spec: ModelSpec,
  train: SplitTensors,
  rows: Int32Array,
  masks?: Mask[],
): { grad: Float32Array; loss: number; correct: number } {
  const { tf } = cpuBackend();
  return tf.tidy(() => {
    const idx = tf.tensor1d(rows, 'int32');
    const x = tf.gather(train.x, idx, 1) as tfn.Tensor3D;
    const labels = tf.gather(train.labels, idx) as tfn.Tensor1D;
    const dropped = masks?.map((m) => tf.tensor2d(m.values, m.shape));
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(tf, logits(tf, params, x, spec, 'reference', dropped), labels, 'reference'),
      paramList(params),
    );
    return {
      grad: Float32Array.from(paramList(params).flatMap((v) => Array.from(grads[v.name].dataSync()))),
      loss: value.dataSync()[0],
      correct: correctCount(tf, logits(tf, params, x, spec, 'reference', dropped), labels).dataSync()[0],
    };
  });
}

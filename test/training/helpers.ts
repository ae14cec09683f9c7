// Shared set-up for the tests that run TensorFlow: one CPU backend per test process, and a
// quick training configuration on a subset of MNIST.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainConfig, TrainingEvent } from '../../src/protocol/training';
import { type Backend, loadBackend } from '../../src/training/native/backend';

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

// The set-up's check of a new runtime, run in the training process: one training step of a tiny
// model on the fused path (BlockLSTM, BlockLSTMGrad, the fused softmax cross-entropy, Adam) and one
// on the scheduled path (its graph, LSTMBlockCellGrad and the rest), so that a runtime is accepted
// only if it loads and has every native op a real run needs.
import * as fs from 'node:fs';
import type { Backend } from './native/backend';
import { FlatAdam } from './optim/tensorAdam';
import { disposeParams, initParams, modelSpec, paramList } from './model/lstmModel';
import { ScheduledSteps, trainStep } from './loop/stepRunners';

export interface Probed {
  tensorflow: string;
  gpu: boolean;
  /** The native files this process has loaded (Linux), so the set-up can see they are the new runtime's. */
  loaded?: string[];
}

/** Paths of the tfjs-node addon and TensorFlow libraries mapped into this process, where the system says. */
function loadedNativeFiles(): string[] | undefined {
  let maps: string;
  try {
    maps = fs.readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return undefined;
  }
  const files = maps
    .split('\n')
    .map((line) => line.trim().split(/\s+/).slice(5).join(' '))
    .filter((f) => /tfjs_binding\.node$|libtensorflow/.test(f));
  return [...new Set(files)];
}

export async function probeBackend({ tf, info }: Backend): Promise<Probed> {
  if (info.backend !== 'tensorflow') throw new Error(`TensorFlow loaded on the ${info.backend} backend, not the native one`);
  const spec = modelSpec(3, 2, 4);
  const params = initParams(tf, spec, 1);
  const optimizer = new FlatAdam(tf, paramList(params), 0.01);
  try {
    const batch = { x: tf.ones([spec.timesteps, 2, spec.inputSize]) as never, labels: tf.tensor1d([1, 7], 'int32') };
    const [loss, hits] = trainStep(tf, { params, spec, kernels: 'fused' }, optimizer, batch);
    const value = (await loss.data())[0];
    tf.dispose([loss, hits]);
    if (!Number.isFinite(value)) throw new Error(`a training step on the new runtime gave a loss of ${value}`);
    // The scheduled path's step (LSTMBlockCellGrad, Unpack, Pack, ... in two shares, and Adam), as a
    // run takes it: one graph, or its ops one by one where the runtime cannot load the graph.
    const scheduled = new ScheduledSteps(tf, params, spec, { count: 2, ...batch }, 0.01, { shares: 2, threads: 1 }, [2]);
    try {
      const { lossSum } = await scheduled.step(Int32Array.of(0, 1));
      if (!Number.isFinite(lossSum)) throw new Error(`a scheduled training step on the new runtime gave a loss of ${lossSum}`);
    } finally {
      scheduled.dispose();
      tf.dispose([batch.x, batch.labels]);
    }
  } finally {
    optimizer.dispose();
    disposeParams(params);
  }
  const binding = tf.backend() as unknown as { binding: { TF_Version: string }; isUsingGpuDevice: boolean };
  return { tensorflow: binding.binding.TF_Version, gpu: binding.isUsingGpuDevice, loaded: loadedNativeFiles() };
}

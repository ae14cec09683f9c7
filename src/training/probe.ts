// The set-up's check of a new runtime, run in the training process: one training step of a tiny
// model on the fused path (BlockLSTM, BlockLSTMGrad, the fused softmax cross-entropy, Adam), one
// on the scheduled path (its graph, LSTMBlockCellGrad and the rest) and its gradient op by op: a
// runtime is accepted only if it loads, has every native op a real run needs, and tfjs-node's
// insides (native/internals.ts) answer every call made of them.
import * as fs from 'node:fs';
import { ScheduledSteps, trainStep } from './loop/stepRunners';
import { disposeParams, initParams, modelSpec, paramList } from './model/recurrentModel';
import type { Backend } from './native/backend';
import { tfjsNodeInternals } from './native/internals';
import { TensorAdam } from './optim/tensorAdam';

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

export async function probeBackend({ tf, native: nativeTf, info }: Backend): Promise<Probed> {
  if (info.backend !== 'tensorflow' || !nativeTf) throw new Error(`TensorFlow loaded on the ${info.backend} backend, not the native one`);
  const spec = modelSpec(3, 2, 4);
  const params = initParams(tf, spec, 1);
  const optimizer = new TensorAdam(tf, paramList(params), 0.01);
  try {
    const batch = { x: tf.ones([spec.timesteps, 2, spec.inputSize]) as never, labels: tf.tensor1d([1, 7], 'int32') };
    const { loss, hits } = trainStep(tf, { params, spec, kernels: 'fused' }, optimizer, batch);
    const value = (await loss.data())[0];
    tf.dispose([loss, hits]);
    if (!Number.isFinite(value)) throw new Error(`a training step on the new runtime gave a loss of ${value}`);
    // The scheduled path's step (LSTMBlockCellGrad, Unpack, Pack, ... in two shards, and Adam), as a
    // run takes it: one graph, or its ops one by one where the runtime cannot load the graph.
    const images = { count: 2, pixels: new Uint8Array(2 * spec.timesteps * spec.inputSize).fill(255), labels: Uint8Array.of(1, 7) };
    const scheduled = new ScheduledSteps(tf, params, spec, images, 0.01, { shards: 2, threads: 1 }, [2]);
    try {
      const { lossSum } = await scheduled.step(Int32Array.of(0, 1));
      if (!Number.isFinite(lossSum)) throw new Error(`a scheduled training step on the new runtime gave a loss of ${lossSum}`);
      // The same gradient with its ops run one by one (the path where a runtime cannot load the graph).
      if (scheduled.profileGradient(Int32Array.of(0, 1)).ops.length === 0) throw new Error('the scheduled gradient ran no op one by one');
    } finally {
      scheduled.dispose();
      tf.dispose([batch.x, batch.labels]);
    }
  } finally {
    optimizer.dispose();
    disposeParams(params);
  }
  const native = tfjsNodeInternals(tf);
  return { tensorflow: native.tensorflowVersion, gpu: native.usingGpu, loaded: loadedNativeFiles() };
}

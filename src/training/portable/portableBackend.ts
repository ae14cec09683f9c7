// The portable backend: plain TensorFlow.js (its JavaScript CPU backend) for the model's small
// parts (the weights' initial values, their variables, the Layers export), the WebAssembly kernels
// for everything a step and an evaluation compute. Nothing native is loaded.
import { PORTABLE_BACKEND } from '../../protocol/compute';
import type { Backend, Tf } from '../native/backend';
import { KERNEL_FILE, kernelModule } from './kernelModule';

export const PORTABLE_PACKAGE = '@tensorflow/tfjs';

export function loadPortableBackend(warning?: string): Backend {
  // The kernel is compiled first: a missing or damaged file fails here, before a run starts.
  kernelModule();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf: Tf = require('@tensorflow/tfjs');
  // Production mode: no debug checks, and no advice to install tfjs-node on the console.
  tf.enableProdMode();
  return {
    tf,
    info: {
      device: 'cpu',
      backend: PORTABLE_BACKEND,
      package: PORTABLE_PACKAGE,
      runtime: `no native TensorFlow: WebAssembly with SIMD (${KERNEL_FILE})`,
    },
    warning,
  };
}

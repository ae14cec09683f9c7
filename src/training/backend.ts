// Chooses the TensorFlow.js backend package for the requested device: tfjs-node-gpu when it is
// installed and a CUDA GPU is present, else tfjs-node (CPU). The choice is a pure function so
// its rules are tested on machines without a GPU.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { DeviceChoice, DeviceInfo } from '../protocol/training';

export type Tf = typeof import('@tensorflow/tfjs-node');

export const CPU_PACKAGE = '@tensorflow/tfjs-node';
export const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

export interface DeviceProbe {
  gpuPackageInstalled: boolean;
  cudaGpuPresent: boolean;
}

export interface DeviceDecision {
  device: 'cpu' | 'gpu';
  /** Set when `auto` fell back to the CPU although a GPU was partly there. */
  warning?: string;
}

export function chooseDevice(requested: DeviceChoice, probe: DeviceProbe): DeviceDecision {
  const gpuReady = probe.gpuPackageInstalled && probe.cudaGpuPresent;
  if (requested === 'cpu' || (requested === 'auto' && gpuReady)) return { device: requested === 'cpu' ? 'cpu' : 'gpu' };
  if (requested === 'gpu') {
    if (gpuReady) return { device: 'gpu' };
    throw new DeviceError(!probe.gpuPackageInstalled
      ? `--device gpu needs ${GPU_PACKAGE} (CUDA 11.2 + cuDNN 8.1): run \`npm install ${GPU_PACKAGE}\`, or use --device cpu|auto`
      : `--device gpu: ${GPU_PACKAGE} is installed but no CUDA GPU was found (nvidia-smi lists none); use --device cpu|auto`);
  }
  if (probe.gpuPackageInstalled) return { device: 'cpu', warning: `${GPU_PACKAGE} is installed but no CUDA GPU was found: training on the CPU` };
  if (probe.cudaGpuPresent) return { device: 'cpu', warning: `a CUDA GPU is present but ${GPU_PACKAGE} is not installed: training on the CPU` };
  return { device: 'cpu' };
}

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

export function probeDevices(): DeviceProbe {
  const nvidia = fs.existsSync('/proc/driver/nvidia/gpus')
    || spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000 }).stdout?.includes('GPU');
  return { gpuPackageInstalled: isInstalled(GPU_PACKAGE), cudaGpuPresent: Boolean(nvidia) };
}

/** The package loaded by loadBackend: the native op helpers must come from the same one. */
let loadedPackage: typeof CPU_PACKAGE | typeof GPU_PACKAGE = CPU_PACKAGE;

/**
 * An int64 scalar op input (tfjs has no int64 dtype). The backend recognises it with
 * instanceof, so the class must be the loaded package's own.
 */
export function int64Scalar(value: number): unknown {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Int64Scalar } = loadedPackage === GPU_PACKAGE
    ? require('@tensorflow/tfjs-node-gpu/dist/int64_tensors')
    : require('@tensorflow/tfjs-node/dist/int64_tensors');
  return new Int64Scalar(value);
}

export interface Backend {
  tf: Tf;
  info: DeviceInfo;
  warning?: string;
}

/** Loads the backend package for `requested`; `fusedKernels` says whether the native LSTM ops can run. */
export function loadBackend(requested: DeviceChoice): Backend {
  const decision = chooseDevice(requested, requested === 'cpu' ? { gpuPackageInstalled: false, cudaGpuPresent: false } : probeDevices());
  const pkg = decision.device === 'gpu' ? GPU_PACKAGE : CPU_PACKAGE;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf: Tf = decision.device === 'gpu' ? require('@tensorflow/tfjs-node-gpu') : require('@tensorflow/tfjs-node');
  loadedPackage = pkg;
  const backend = tf.getBackend();
  return {
    tf,
    info: { device: decision.device, backend, package: pkg, fusedKernels: backend === 'tensorflow' },
    warning: decision.warning,
  };
}

// Which device a run uses: the GPU build of TensorFlow when it is ready and a CUDA GPU is present,
// else the CPU. A pure rule (tested on machines without a GPU), shared by the extension (where
// "ready" means the GPU runtime is set up) and the training process in a developer's checkout
// (where it means @tensorflow/tfjs-node-gpu is installed). Free of TensorFlow and of VS Code.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { DeviceChoice } from '../protocol/compute';

export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

export interface DeviceProbe {
  /** Whether the GPU build can be loaded, and if not, why (with what to do about it). */
  gpuBuild: { ready: true } | { ready: false; why: string };
  cudaGpuPresent: boolean;
}

export interface DeviceDecision {
  device: 'cpu' | 'gpu';
  /** Set when `auto` fell back to the CPU although a GPU was partly there. */
  warning?: string;
}

export function chooseDevice(requested: DeviceChoice, probe: DeviceProbe): DeviceDecision {
  if (requested === 'cpu') return { device: 'cpu' };
  const { gpuBuild, cudaGpuPresent } = probe;
  if (gpuBuild.ready && cudaGpuPresent) return { device: 'gpu' };
  if (requested === 'gpu') {
    throw new DeviceError(
      !cudaGpuPresent
        ? 'device "gpu": no CUDA GPU was found (nvidia-smi lists none); use device "cpu" or "auto"'
        : `device "gpu": ${(gpuBuild as { why: string }).why}; use device "cpu" or "auto"`,
    );
  }
  if (!cudaGpuPresent) {
    return gpuBuild.ready
      ? { device: 'cpu', warning: 'the GPU build of TensorFlow is there but no CUDA GPU was found: running on the CPU' }
      : { device: 'cpu' };
  }
  return { device: 'cpu', warning: `a CUDA GPU is present but ${(gpuBuild as { why: string }).why}: running on the CPU` };
}

/** Whether an NVIDIA GPU with a driver is visible (the driver's /proc entry, else nvidia-smi). */
export function cudaGpuPresent(): boolean {
  if (fs.existsSync('/proc/driver/nvidia/gpus')) return true;
  const res = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000 });
  return res.status === 0 && /GPU \d/.test(res.stdout ?? '');
}

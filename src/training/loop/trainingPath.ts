// Which training path a run takes: the scheduled path on tfjs-node's CPU build, the fused one on
// its GPU build, the portable kernels on the portable backend, the reference loop on any other
// backend, unless the run asks for one.
import { type DeviceChoice, PORTABLE_BACKEND, type TrainingPath, type TrainingPathChoice } from '../../protocol/compute';
import type { DeviceInfo } from '../../protocol/training';
import type { ForwardPath } from '../model/recurrentModel';
import type { BackendInfo } from '../native/backend';

/** The path a run on `device` takes for `choice`; a native path asked of another backend is an error. */
export function chooseTrainingPath(choice: TrainingPathChoice | undefined, device: Pick<BackendInfo, 'backend' | 'device'>): TrainingPath {
  const native = device.backend === 'tensorflow';
  if ((choice === 'fused' || choice === 'scheduled') && !native) {
    throw new Error(`kernels "${choice}" need the native tensorflow backend; this backend is ${device.backend}`);
  }
  if (device.backend === PORTABLE_BACKEND) {
    if (choice === 'reference') throw new Error('kernels "reference" need a TensorFlow.js backend; this backend is the portable kernels');
    return 'portable';
  }
  if (choice !== undefined && choice !== 'auto') return choice;
  if (!native) return 'reference';
  return device.device === 'gpu' ? 'fused' : 'scheduled';
}

/**
 * Whether a run asked for `choice` on `device` may take the scheduled path, known before
 * TensorFlow loads (its threads are set then): the rule above, for a native backend on a CPU.
 */
export function mayTrainScheduled(choice: TrainingPathChoice | undefined, device: DeviceChoice): boolean {
  return device !== 'gpu' && chooseTrainingPath(choice, { backend: 'tensorflow', device: 'cpu' }) === 'scheduled';
}

/** The forward pass of a training path on TensorFlow.js (for evaluation): the scheduled path's is the fused one. */
export function forwardPath(path: TrainingPath): ForwardPath {
  if (path === 'portable') throw new Error('the portable kernels compute their own forward pass, not one of TensorFlow.js');
  return path === 'reference' ? 'reference' : 'fused';
}

/** What a training run reports and records of how it computed: the backend, its path and the batch's shards. */
export function trainingDevice(backend: BackendInfo, path: TrainingPath, shards: number | undefined): DeviceInfo {
  return { ...backend, fusedKernels: path === 'scheduled' || path === 'fused', kernels: path, shares: shards };
}

/** What an evaluation reports of how it computed: the backend and its forward pass (the portable kernels' own on that backend). */
export function evaluationDevice(backend: BackendInfo, forward?: ForwardPath): DeviceInfo {
  return { ...backend, fusedKernels: forward === 'fused' };
}

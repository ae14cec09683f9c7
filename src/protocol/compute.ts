// Where and how a run computes: the choices a user makes (a setting, an option) and what they
// resolve to. The training process resolves them (src/training/backendChoice.ts and
// src/training/loop/trainingPath.ts).

export type DeviceChoice = 'auto' | 'cpu' | 'gpu';

/**
 * What computes: `native`, TensorFlow's C library through tfjs-node (set up on the user's machine);
 * `portable`, the WebAssembly kernels that ship in the package and run on every platform; `auto`,
 * native where its runtime is set up, else portable.
 */
export type BackendChoice = 'auto' | 'native' | 'portable';

/** The backend of a run that used the portable kernels (DeviceInfo.backend). */
export const PORTABLE_BACKEND = 'portable';

/**
 * How a run computes its gradient: `scheduled`, the hand-scheduled backward as one TensorFlow
 * graph, the batch's shards side by side; `fused`, TensorFlow's BlockLSTM with BlockLSTMGrad as
 * its gradient (both tfjs-node only); `reference`, the plain tfjs stepwise loop (any backend);
 * `portable`, the WebAssembly kernels, the batch's shards on worker threads (the portable backend's).
 */
export type TrainingPath = 'scheduled' | 'fused' | 'reference' | 'portable';

/** A native training path, or `auto`: scheduled on a CPU, fused on a GPU (the `--kernels` option). */
export type TrainingPathChoice = 'auto' | Exclude<TrainingPath, 'portable'>;

// Where and how a run computes: the choices a user makes (a setting, an option) and what they
// resolve to. The training process resolves them (src/training/loop/trainingPath.ts).

export type DeviceChoice = 'auto' | 'cpu' | 'gpu';

/**
 * How a run computes its gradient: `scheduled`, the hand-scheduled backward as one TensorFlow
 * graph, the batch's shards side by side; `fused`, TensorFlow's BlockLSTM with BlockLSTMGrad as
 * its gradient (both tfjs-node only); `reference`, the plain tfjs stepwise loop (any backend).
 */
export type TrainingPath = 'scheduled' | 'fused' | 'reference';

/** A training path, or `auto`: scheduled on a CPU, fused on a GPU (the `--kernels` option). */
export type TrainingPathChoice = 'auto' | TrainingPath;

// The jobs of the training process (the worker runs them for the extension and the CLI): each
// loads the backend and data, runs, and reports everything, failures included, as TrainingEvents.
import { readCheckpointMeta } from '../checkpoint/read';
import { configProblems } from '../protocol/runOptions';
import { toBase64 } from '../protocol/binary';
import type { InspectSubject } from '../protocol/inspection';
import type { EvaluateRequest, ExportRequest, TrainConfig } from '../protocol/training';
import { chooseTrainingPath, evaluationDevice, forwardPath, mayTrainScheduled } from './loop/trainingPath';
import { loadBackend } from './native/backend';
import { Cancelled } from './loop/cancellation';
import { asVariables } from './model/checkpointParams';
import { readWeights } from '../checkpoint/read';
import { openBackend } from './openBackend';
import { evaluateOnPortable } from './loop/portableEvaluation';
import { openContinuation } from './loop/continuation';
import { loadDataset } from './data/dataset';
import { evaluateWithPredictions } from './loop/evaluator';
import { Inspector } from './inspector';
import { exportLayersModel, LAYERS_FILES } from './model/layersExport';
import { probeBackend } from './probe';
import { planShards, useShardThreads } from './graph/shardPlan';
import { disposeParams, type ModelParams } from './model/recurrentModel';
import { type JobHooks, SaveFailed, train } from './loop/trainer';

export type JobStatus = 'done' | 'cancelled' | 'diverged' | 'error';

async function reportErrors(hooks: JobHooks, job: () => Promise<JobStatus>): Promise<JobStatus> {
  try {
    return await job();
  } catch (e) {
    if (e instanceof Cancelled) {
      hooks.emit({ type: 'cancelled' });
      return 'cancelled';
    }
    hooks.emit({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      rescued: e instanceof SaveFailed ? e.rescued : undefined,
    });
    return 'error';
  }
}

export function runTraining(config: TrainConfig, hooks: JobHooks): Promise<JobStatus> {
  return reportErrors(hooks, async () => {
    // The CLI and the extension check with the same rules; this is for any other sender.
    const problems = configProblems(config, (r) => r.setting);
    if (problems.length) throw new Error(`Invalid settings: ${problems.join('; ')}`);
    // The scheduled path (the default on a CPU) runs a batch's shards on as many TensorFlow threads.
    if (config.backend !== 'portable' && mayTrainScheduled(config.kernels, config.device)) {
      const batchSize = config.resume ? (await readCheckpointMeta(config.resume)).hyperparameters.batchSize : config.batchSize;
      useShardThreads(planShards(batchSize));
    }
    const backend = openBackend(config.device, config.backend, 'training');
    if (backend.warning) hooks.emit({ type: 'warning', message: backend.warning });
    if (config.resume === undefined) return (await train(config, backend, await loadDataset(config), hooks)).status;
    const { config: continued, continuation } = await openContinuation(backend.tf, { ...config, resume: config.resume });
    try {
      return (await train(continued, backend, await loadDataset(continued), hooks, undefined, continuation)).status;
    } catch (e) {
      // train() disposes the weights it was given once it has started; before that they are ours.
      if (!continuation.params.denseBias.isDisposed) disposeParams(continuation.params);
      throw e;
    }
  });
}

export function runEvaluation(request: EvaluateRequest, hooks: JobHooks): Promise<JobStatus> {
  return reportErrors(hooks, async () => {
    const backend = openBackend(request.device, request.backend);
    if (backend.warning) hooks.emit({ type: 'warning', message: backend.warning });
    const { tf } = backend;
    // The weights as arrays: the portable kernels read them so, TensorFlow.js as variables.
    const { meta, weights } = await readWeights(request.checkpoint);
    const runTestSize = meta.hyperparameters.testSize;
    const testSize = request.testSize ?? (request.testSizeFromCheckpoint ? runTestSize : undefined);
    const data = await loadDataset({ dataDir: request.dataDir, testSize, testOnly: true });
    if (data.rows !== meta.model.timesteps || data.cols !== meta.model.inputSize) {
      throw new Error(
        `${data.info.source} holds ${data.rows}x${data.cols} images; the checkpoint's model reads ${meta.model.timesteps}x${meta.model.inputSize}`,
      );
    }
    const path = chooseTrainingPath('auto', backend.info);
    const kernels = path === 'portable' ? undefined : forwardPath(path);
    const { result, predictions } = kernels
      ? await withVariables(asVariables(tf, meta, weights), (params) =>
          evaluateWithPredictions(tf, params, meta.model, kernels, data.test, hooks.isCancelled),
        )
      : await evaluateOnPortable(meta.model, weights, data.test, hooks.isCancelled);
    hooks.emit({
      type: 'evaluation',
      checkpoint: request.checkpoint,
      device: evaluationDevice(backend.info, kernels),
      dataset: data.info,
      result,
      runTestSize,
      predictions: {
        labels: toBase64(predictions.labels),
        predicted: toBase64(predictions.predicted),
        confidence: toBase64(predictions.confidence),
      },
    });
    return 'done';
  });
}

/** `use` of the variables, which are disposed afterwards however it ends. */
async function withVariables<T>(params: ModelParams, use: (params: ModelParams) => Promise<T>): Promise<T> {
  try {
    return await use(params);
  } finally {
    disposeParams(params);
  }
}

/**
 * Opens a checkpoint for inspection; emits `inspecting` when it is ready, or an `error` (and
 * resolves undefined) when it cannot be opened.
 */
export async function openInspector(subject: InspectSubject, hooks: JobHooks): Promise<Inspector | undefined> {
  let inspector: Inspector | undefined;
  const status = await reportErrors(hooks, async () => {
    const backend = openBackend(subject.device, subject.backend);
    if (backend.warning) hooks.emit({ type: 'warning', message: backend.warning });
    inspector = await Inspector.open(backend, subject);
    hooks.emit({ type: 'inspecting', count: inspector.count });
    return 'done';
  });
  return status === 'done' ? inspector : undefined;
}

export function runExport(request: ExportRequest, hooks: JobHooks): Promise<JobStatus> {
  return reportErrors(hooks, async () => {
    const backend = openBackend(request.device, request.backend);
    if (backend.warning) hooks.emit({ type: 'warning', message: backend.warning });
    const dir = await exportLayersModel(backend.tf, request.checkpoint, request.outDir);
    hooks.emit({ type: 'exported', dir, files: [...LAYERS_FILES] });
    return 'done';
  });
}

/** The set-up's check: the runtime this process was given loads and trains a tiny model. */
export function runProbe(hooks: JobHooks): Promise<JobStatus> {
  return reportErrors(hooks, async () => {
    const probed = await probeBackend(loadBackend('auto'));
    hooks.emit({ type: 'probed', ...probed });
    return 'done';
  });
}

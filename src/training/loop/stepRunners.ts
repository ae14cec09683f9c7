// The two ways a run takes a training step, behind one interface for the trainer and the benchmark:
// - AutodiffSteps: the gradient by tfjs's autodiff (tf.variableGrads) on the fused or the reference
//   kernels, and TensorAdam, in this process;
// - ScheduledSteps: the scheduled path, a whole step as one TensorFlow graph (trainingGraph.ts:
//   the batch's shards side by side, then Adam, the weights in the graph's variables), or, where
//   the runtime cannot load it, the same gradient op by op (graph/opByOpGradient.ts) and Adam on the
//   flat weights in JS (optim/arrayAdam.ts). The model's variables are brought up to date only when
//   they are read: before an evaluation and before the save (syncParams).
import type * as tfn from '@tensorflow/tfjs-node';
import type { AdamState, ModelSpec, ParamLayout } from '../../protocol/checkpointFormat';
import type { EvaluationResult } from '../../protocol/training';
import { adamEpsilon, freshAdamState } from '../optim/adamState';
import type { Tf } from '../native/backend';
import { TensorAdam } from '../optim/tensorAdam';
import { correctCount, crossEntropy, type ForwardPath, logits, type ModelParams, paramLayout, paramList } from '../model/recurrentModel';
import { BindingOps, type OpProfile, Scope } from '../native/bindingOps';
import { OpByOpGradient } from '../graph/opByOpGradient';
import { TrainingGraph } from '../graph/trainingGraph';
import type { ShardPlan } from '../graph/shardPlan';
import type { Split } from '../data/dataset';
import { type Batch, disposeSplit, gatherBatch, type SplitTensors, tensorsFromSplit } from '../data/splitTensors';
import { ArrayAdam } from '../optim/arrayAdam';
import { clipArrayByGlobalNorm } from '../optim/clipping';
import { setParamValues } from '../model/checkpointParams';
import { type Dropout, dropoutMasks, type Mask } from '../model/dropout';

/** What one training step needs besides the batch. */
export interface StepModel {
  params: ModelParams;
  spec: ModelSpec;
  kernels: ForwardPath;
  /** The fraction of each layer's inputs dropped, and the run's seed its masks follow from (undefined: no dropout). */
  dropout?: Dropout;
}

/**
 * One step of Adam on a batch. Returns the batch's mean loss, its number of correct predictions
 * and (when the steps clip) the gradient's global norm, as scalars for the caller to read and
 * dispose; every other tensor it makes is freed.
 */
export function trainStep(
  tf: Tf,
  model: StepModel,
  optimizer: TensorAdam,
  batch: Batch,
): { loss: tfn.Scalar; hits: tfn.Scalar; norm?: tfn.Scalar } {
  return tf.tidy(() => {
    let hits: tfn.Scalar | undefined;
    // The masks of the step about to be taken: its number is Adam's next one, continued runs included.
    const masks =
      model.dropout &&
      dropoutMasks(model.spec, batch.labels.shape[0], model.dropout, optimizer.step + 1).map((m) => tf.tensor2d(m.values, m.shape));
    const { loss, norm } = optimizer.minimize(() => {
      const out = logits(tf, model.params, batch.x, model.spec, model.kernels, masks);
      hits = tf.keep(correctCount(tf, out, batch.labels));
      return crossEntropy(tf, out, batch.labels, model.kernels);
    });
    return { loss, hits: hits as tfn.Scalar, ...(norm ? { norm } : {}) };
  });
}

export interface StepResult {
  /** The batch's summed loss (not its mean) and its correct predictions. */
  lossSum: number;
  correct: number;
  /** The gradient's global norm before clipping, when the steps clip. */
  gradNorm?: number;
}

export interface StepRunner {
  /** One step of Adam on the training rows `indices`. */
  step(indices: Int32Array): Promise<StepResult>;
  /** Makes the model's variables hold the current weights (before they are read). */
  syncParams(): void;
  /** The test set at the current weights, where the steps hold it themselves (the portable path's). */
  evaluateTest?(isCancelled: () => boolean): Promise<EvaluationResult>;
  /** A copy of Adam's state after the last step (saved with the checkpoint, to continue from). */
  optimizerState(): AdamState;
  /** The learning rate of the steps from now on (a schedule's, set before each epoch). */
  setLearningRate(rate: number): void;
  dispose(): void;
}

export class AutodiffSteps implements StepRunner {
  private readonly optimizer: TensorAdam;
  /** The training images, float32 and time-major as tfjs' ops take them. */
  private readonly trainSet: SplitTensors;

  constructor(
    private readonly tf: Tf,
    private readonly model: StepModel,
    train: Split,
    learningRate: number,
    adam?: AdamState,
    clipNorm?: number,
  ) {
    this.trainSet = tensorsFromSplit(tf, train, model.spec.timesteps, model.spec.inputSize);
    this.optimizer = new TensorAdam(tf, paramList(model.params), learningRate, adam, clipNorm);
  }

  async step(indices: Int32Array): Promise<StepResult> {
    const { tf } = this;
    const batch = gatherBatch(tf, this.trainSet, indices);
    const { loss, hits, norm } = trainStep(tf, this.model, this.optimizer, batch);
    tf.dispose([batch.x, batch.labels]);
    // Scalars; the step has already run (tfjs-node executes eagerly), so this read is cheap.
    const result = {
      lossSum: (await loss.data())[0] * indices.length,
      correct: (await hits.data())[0],
      ...(norm ? { gradNorm: (await norm.data())[0] } : {}),
    };
    tf.dispose([loss, hits, ...(norm ? [norm] : [])]);
    return result;
  }

  syncParams(): void {
    // The variables are the weights.
  }

  setLearningRate(rate: number): void {
    this.optimizer.learningRate = rate;
  }

  optimizerState(): AdamState {
    return this.optimizer.snapshot();
  }

  dispose(): void {
    this.optimizer.dispose();
    disposeSplit(this.trainSet);
  }
}

/** Where the scheduled path keeps the weights and Adam's state between steps. */
type ScheduledStore =
  /** In TensorFlow's variables, inside the training step's graph; Adam's step count here. */
  | { kind: 'graph'; graph: TrainingGraph; step: number }
  /** In arrays here, the steps' ops run one by one: where the runtime cannot load the graph. */
  | { kind: 'ops'; adam: ArrayAdam; reason: string };

export class ScheduledSteps implements StepRunner {
  private readonly ops: BindingOps;
  private readonly gradient: OpByOpGradient;
  private readonly store: ScheduledStore;
  private readonly layout: ParamLayout;
  /** The run's training images, deleted with the steps. */
  private readonly images = new Scope();
  /** tf.train.adam's epsilon: the backend's. */
  private readonly epsilon: number;

  /**
   * From the model's current weights (and `adam`, where a continued run's Adam left off), on the
   * training images `train`, for batches of the sizes `batchSizes` (the run's, and its last one's).
   */
  constructor(
    private readonly tf: Tf,
    private readonly params: ModelParams,
    private readonly spec: ModelSpec,
    train: Split,
    private learningRate: number,
    plan: ShardPlan,
    batchSizes: readonly number[],
    adam?: AdamState,
    /** Clip each step's gradient to this global norm (undefined: never). */
    private readonly clipNorm?: number,
    /** Drop each layer's inputs (undefined: never); the masks are the autodiff paths' own. */
    private readonly dropout?: Dropout,
  ) {
    this.ops = new BindingOps(tf);
    this.epsilon = adamEpsilon(tf);
    // The training images as bytes, held for the run (the graph scales a batch's rows itself).
    const images = {
      x: this.ops.bytes(this.images, [train.count, spec.timesteps, spec.inputSize], train.pixels),
      labels: this.ops.ints(this.images, [train.count], Int32Array.from(train.labels)),
      count: train.count,
    };
    this.gradient = new OpByOpGradient(this.ops, spec, images, plan.shards);
    this.layout = paramLayout(spec);
    const flat = this.layout.join(paramList(params).map((v) => v.dataSync() as Float32Array));
    const state = adam ?? freshAdamState(flat.length);
    let graph: TrainingGraph | undefined;
    try {
      graph = TrainingGraph.load(this.ops, spec, images, plan.shards, batchSizes, { clipNorm, dropout: dropout !== undefined });
      graph.init({ params: flat, m: state.m, v: state.v });
      this.store = { kind: 'graph', graph, step: state.step };
    } catch (e) {
      graph?.dispose();
      this.store = {
        kind: 'ops',
        adam: new ArrayAdam(flat, learningRate, this.epsilon, state),
        reason: e instanceof Error ? e.message : String(e),
      };
    }
  }

  setLearningRate(rate: number): void {
    this.learningRate = rate;
    if (this.store.kind === 'ops') this.store.adam.learningRate = rate;
  }

  /** The dropout masks of Adam's step `step` on the batch `indices`, when the run drops inputs. */
  private masks(indices: Int32Array, step: number): Mask[] | undefined {
    return this.dropout && dropoutMasks(this.spec, indices.length, this.dropout, step);
  }

  /** Why the steps run their ops one by one (the graph could not be loaded), if they do. */
  get graphUnavailable(): string | undefined {
    return this.store.kind === 'ops' ? this.store.reason : undefined;
  }

  /** Handles the steps still hold besides the run's training images (none between steps). */
  get liveHandles(): number {
    return this.ops.live - this.images.held.length;
  }

  async step(indices: Int32Array): Promise<StepResult> {
    const { store } = this;
    if (store.kind === 'graph') {
      const step = store.step + 1;
      const result = store.graph.step(indices, { learningRate: this.learningRate, epsilon: this.epsilon, step }, this.masks(indices, step));
      store.step = step;
      return result;
    }
    const { grad, lossSum, correct } = this.gradient.compute(store.adam.params, indices, this.masks(indices, store.adam.step + 1));
    const gradNorm = this.clipNorm === undefined ? undefined : clipArrayByGlobalNorm(grad, this.clipNorm);
    store.adam.apply(grad);
    return { lossSum, correct, ...(gradNorm === undefined ? {} : { gradNorm }) };
  }

  /**
   * Where the gradient of the batch `indices` spends its time: its ops run one by one on this
   * thread, each timed, and the whole (reading the gradient included). The weights do not change.
   * For the bench.
   */
  profileGradient(indices: Int32Array): { ops: OpProfile[]; opByOpMs: number } {
    const params = this.current().params;
    const started = process.hrtime.bigint();
    this.ops.startProfile();
    this.gradient.compute(params, indices);
    return { ops: this.ops.takeProfile(), opByOpMs: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  /** The weights and Adam's state as they are now. */
  private current(): AdamState & { params: Float32Array } {
    const { store } = this;
    if (store.kind === 'graph') return { ...store.graph.read(), step: store.step };
    return { ...store.adam.snapshot(), params: store.adam.params };
  }

  syncParams(): void {
    setParamValues(this.tf, this.params, this.layout.split(this.current().params));
  }

  optimizerState(): AdamState {
    const { step, m, v } = this.current();
    return { step, m, v };
  }

  dispose(): void {
    if (this.store.kind === 'graph') this.store.graph.dispose();
    this.ops.end(this.images);
  }
}

// The two ways a run takes a training step, behind one interface for the trainer and the benchmark:
// - TapeSteps: the gradient by tfjs's autodiff (tf.variableGrads) on the fused or the reference
//   kernels, and FlatAdam, in this process;
// - ScheduledSteps: the scheduled gradient (scheduledGradient.ts), the batch's shares side by side
//   in one TensorFlow graph, and Adam on the flat weights (vectorAdam.ts). The model's variables
//   are brought up to date only when they are read: before an evaluation and before the save
//   (syncParams).
import type * as tfn from '@tensorflow/tfjs-node';
import type { ModelSpec } from '../protocol/checkpoint';
import type { AdamState } from './adamState';
import type { Tf } from './backend';
import { FlatAdam } from './flatAdam';
import { correctCount, crossEntropy, type Kernels, logits, type LstmParams, paramList } from './model';
import { type OpProfile, RawOps } from './rawOps';
import { ScheduledGradient } from './scheduledGradient';
import type { SharePlan } from './sharePlan';
import { type Batch, gatherBatch, type SplitTensors } from './tensors';
import { VectorAdam } from './vectorAdam';

/** What one training step needs besides the batch. */
export interface StepModel {
  params: LstmParams;
  spec: ModelSpec;
  kernels: Kernels;
}

/**
 * One step of Adam on a batch. Returns the batch's mean loss and number of correct predictions
 * as scalars for the caller to read and dispose; every other tensor it makes is freed.
 */
export function trainStep(tf: Tf, model: StepModel, optimizer: FlatAdam, batch: Batch): [tfn.Scalar, tfn.Scalar] {
  return tf.tidy(() => {
    let hits: tfn.Scalar | undefined;
    const loss = optimizer.minimize(() => {
      const out = logits(tf, model.params, batch.x, model.spec, model.kernels);
      hits = tf.keep(correctCount(tf, out, batch.labels));
      return crossEntropy(tf, out, batch.labels, model.kernels);
    });
    return [loss, hits as tfn.Scalar];
  });
}

export interface StepResult {
  /** The batch's summed loss (not its mean) and its correct predictions. */
  lossSum: number;
  correct: number;
}

export interface StepRunner {
  /** One step of Adam on the training rows `indices`. */
  step(indices: Int32Array): Promise<StepResult>;
  /** Makes the model's variables hold the current weights (before they are read). */
  syncParams(): void;
  /** A copy of Adam's state after the last step (saved with the checkpoint, to continue from). */
  optimizerState(): AdamState;
  dispose(): void;
}

export class TapeSteps implements StepRunner {
  private readonly optimizer: FlatAdam;

  constructor(
    private readonly tf: Tf,
    private readonly model: StepModel,
    private readonly trainSet: SplitTensors,
    learningRate: number,
    adam?: AdamState,
  ) {
    this.optimizer = new FlatAdam(tf, paramList(model.params), learningRate, adam);
  }

  async step(indices: Int32Array): Promise<StepResult> {
    const { tf } = this;
    const batch = gatherBatch(tf, this.trainSet, indices);
    const [loss, hits] = trainStep(tf, this.model, this.optimizer, batch);
    tf.dispose([batch.x, batch.labels]);
    // Two scalars; the step has already run (tfjs-node executes eagerly), so this read is cheap.
    const result = { lossSum: (await loss.data())[0] * indices.length, correct: (await hits.data())[0] };
    tf.dispose([loss, hits]);
    return result;
  }

  syncParams(): void {
    // The variables are the weights.
  }

  optimizerState(): AdamState {
    return this.optimizer.snapshot();
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** Where a scheduled step's time went. */
export interface StepTiming {
  /** The batch's gradient: the graph, and reading what it gives. */
  gradientMs: number;
  /** Adam updating the weights. */
  adamMs: number;
}

export class ScheduledSteps implements StepRunner {
  private readonly ops: RawOps;
  private readonly gradient: ScheduledGradient;
  private readonly adam: VectorAdam;

  /** From the model's current weights, on the training images `train`; `adam` where a continued run's Adam left off. */
  constructor(
    private readonly tf: Tf,
    private readonly params: LstmParams,
    spec: ModelSpec,
    train: SplitTensors,
    learningRate: number,
    plan: SharePlan,
    adam?: AdamState,
  ) {
    this.ops = new RawOps(tf);
    const images = { x: this.ops.handleOf(train.x), labels: this.ops.handleOf(train.labels), count: train.count };
    this.gradient = new ScheduledGradient(this.ops, spec, images, plan.shares);
    const values = paramList(params).map((v) => v.dataSync() as Float32Array);
    const flat = new Float32Array(values.reduce((n, v) => n + v.length, 0));
    let at = 0;
    for (const v of values) {
      flat.set(v, at);
      at += v.length;
    }
    // tf.train.adam's epsilon is the backend's.
    this.adam = new VectorAdam(flat, learningRate, tf.backend().epsilon(), adam);
  }

  /** The shares of each batch, computed side by side. */
  get shares(): number {
    return this.gradient.shares;
  }

  /** Handles still held by the raw ops (none between steps). */
  get liveHandles(): number {
    return this.ops.live;
  }

  async step(indices: Int32Array): Promise<StepResult> {
    const { lossSum, correct } = this.timedStep(indices);
    return { lossSum, correct };
  }

  /** One step, timed in its parts (StepTiming). */
  timedStep(indices: Int32Array): StepResult & StepTiming {
    const started = process.hrtime.bigint();
    const { grad, lossSum, correct } = this.gradient.compute(this.adam.params, indices);
    const computed = process.hrtime.bigint();
    this.adam.apply(grad);
    const ms = (from: bigint, to: bigint): number => Number(to - from) / 1e6;
    return { lossSum, correct, gradientMs: ms(started, computed), adamMs: ms(computed, process.hrtime.bigint()) };
  }

  /**
   * Where the gradient of the batch `indices` spends its time: its ops run one by one on this
   * thread, each timed, and the whole (reading the gradient included). The weights do not change.
   * For the bench.
   */
  profileGradient(indices: Int32Array): { ops: OpProfile[]; opByOpMs: number } {
    const started = process.hrtime.bigint();
    this.ops.startProfile();
    this.gradient.compute(this.adam.params, indices, true);
    return { ops: this.ops.takeProfile(), opByOpMs: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  syncParams(): void {
    const { tf } = this;
    let at = 0;
    for (const v of paramList(this.params)) {
      const values = this.adam.params.subarray(at, at + v.size);
      at += v.size;
      // A copy: tfjs-node may keep the array it is given, and Adam updates this one in place.
      tf.tidy(() => v.assign(tf.tensor(values.slice(), v.shape, 'float32') as tfn.Tensor));
    }
  }

  optimizerState(): AdamState {
    return this.adam.snapshot();
  }

  dispose(): void {
    this.gradient.dispose();
  }
}

// The two ways a run takes a training step, behind one interface for the trainer and the benchmark:
// - TapeSteps: the gradient by tfjs's autodiff (tf.variableGrads) on the fused or the reference
//   kernels, and FlatAdam, in this process;
// - ParallelSteps: the scheduled gradient (scheduledGradient.ts) of each share of the batch in the
//   replica processes (replicaPool.ts), added here, and Adam on the flat weights (vectorAdam.ts).
//   The model's variables are brought up to date only when they are read: before an evaluation
//   and before the save (syncParams).
import type * as tfn from '@tensorflow/tfjs-node';
import type { ModelSpec } from '../protocol/checkpoint';
import type { AdamState } from './adamState';
import type { Tf } from './backend';
import { FlatAdam } from './flatAdam';
import { correctCount, crossEntropy, type Kernels, logits, type LstmParams, paramList } from './model';
import { type PoolPlan, ReplicaPool, shards as split } from './replicaPool';
import { ShardTrainer } from './shardTrainer';
import type { StepProfile } from './replicaProtocol';
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

export class ParallelSteps implements StepRunner {
  private constructor(
    private readonly tf: Tf,
    private readonly params: LstmParams,
    private readonly local: ShardTrainer,
    private readonly helpers: ReplicaPool,
    private readonly adam: VectorAdam,
  ) {}

  /**
   * Starts the helpers on the run's training images (this process computes the first share on
   * `train`), from the model's current weights. This process's TensorFlow should run `plan.threads`
   * threads too (TF_NUM_INTRAOP_THREADS, set before it loads: see jobs.ts).
   */
  static async start(
    tf: Tf,
    params: LstmParams,
    spec: ModelSpec,
    train: SplitTensors,
    run: { learningRate: number; dataDir?: string; trainSize?: number },
    plan: PoolPlan,
    adam?: AdamState,
  ): Promise<ParallelSteps> {
    const values = paramList(params).map((v) => v.dataSync() as Float32Array);
    const flat = new Float32Array(values.reduce((n, v) => n + v.length, 0));
    const helpers = await ReplicaPool.start(plan.replicas - 1, plan.threads, flat.length, {
      type: 'init',
      spec,
      dataDir: run.dataDir,
      trainSize: run.trainSize,
    });
    let at = 0;
    for (const v of values) {
      flat.set(v, at);
      at += v.length;
    }
    // tf.train.adam's epsilon is the backend's.
    return new ParallelSteps(
      tf,
      params,
      new ShardTrainer(tf, spec, train),
      helpers,
      new VectorAdam(flat, run.learningRate, tf.backend().epsilon(), adam),
    );
  }

  /** The processes that compute a share of each batch, this one included. */
  get replicas(): number {
    return this.helpers.size + 1;
  }

  async step(indices: Int32Array): Promise<StepResult> {
    const { lossSum, correct } = await this.gradientStep(indices, false);
    return { lossSum, correct };
  }

  /** One step, timed in its parts: this process's share (its ops), the wait for the helpers, Adam. */
  async profiledStep(indices: Int32Array): Promise<{ replica: StepProfile; replicasMs: number; adamMs: number }> {
    const { profile, gradientMs, adamMs } = await this.gradientStep(indices, true);
    return { replica: profile!, replicasMs: gradientMs, adamMs };
  }

  /** The helpers' shares go out first; this process computes its own meanwhile; Adam adds the gradients in share order. */
  private async gradientStep(indices: Int32Array, profile: boolean) {
    const started = process.hrtime.bigint();
    const shares = split(indices, this.replicas);
    const scale = 1 / indices.length;
    const params = this.adam.params;
    const others = this.helpers.gradients(params, shares.slice(1), scale);
    await others.sent;
    const mine = this.local.compute(params, shares[0], scale, profile);
    let { lossSum, correct } = mine;
    const theirs = await others.gradients;
    for (const other of theirs) {
      lossSum += other.lossSum;
      correct += other.correct;
    }
    const gathered = process.hrtime.bigint();
    // Added in share order, inside Adam's loop.
    this.adam.apply(mine.grad, ...theirs.map((o) => o.grad));
    const ms = (from: bigint, to: bigint): number => Number(to - from) / 1e6;
    return { lossSum, correct, profile: mine.profile, gradientMs: ms(started, gathered), adamMs: ms(gathered, process.hrtime.bigint()) };
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
    this.helpers.dispose();
    this.local.dispose();
  }
}

// One share of each batch, computed where the training images are: the scheduled gradient
// (scheduledGradient.ts) of the given rows of the training set, for the given weights. The
// training process runs one (its own share) and each replica process another (replica.ts).
import type { ModelSpec } from '../protocol/checkpoint';
import type { Tf } from './backend';
import { RawOps } from './rawOps';
import type { StepProfile } from './replicaProtocol';
import { type ShardGradient, ScheduledGradient } from './scheduledGradient';
import { gatherBatch, type SplitTensors } from './tensors';

export class ShardTrainer {
  private readonly ops: RawOps;
  private readonly gradient: ScheduledGradient;

  constructor(
    private readonly tf: Tf,
    spec: ModelSpec,
    private readonly train: SplitTensors,
  ) {
    this.ops = new RawOps(tf);
    this.gradient = new ScheduledGradient(this.ops, spec);
  }

  /** The gradient of `rows` for `params`, scaled by `scale`; with `profile`, where its time went. */
  compute(params: Float32Array, rows: Int32Array, scale: number, profile = false): ShardGradient & { profile?: StepProfile } {
    const { tf, ops } = this;
    const started = process.hrtime.bigint();
    if (profile) ops.startProfile();
    const batch = gatherBatch(tf, this.train, rows);
    try {
      const result = this.gradient.compute(params, ops.handleOf(batch.x), ops.handleOf(batch.labels), rows.length, scale);
      return profile ? { ...result, profile: { ops: ops.takeProfile(), stepMs: Number(process.hrtime.bigint() - started) / 1e6 } } : result;
    } finally {
      tf.dispose([batch.x, batch.labels]);
    }
  }

  /** How many weights the model has (the length of `params` and of the gradient). */
  get weightCount(): number {
    return this.gradient.sizes.reduce((a, b) => a + b, 0);
  }

  /** Handles still held by the raw ops (the constants only, between steps). */
  get liveHandles(): number {
    return this.ops.live;
  }

  dispose(): void {
    this.gradient.dispose();
  }
}

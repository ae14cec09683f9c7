// The scheduled path's gradient (batchGradient.ts) with its ops run one by one from JavaScript,
// each as it is written: the bench times each op this way, and a run takes it where its runtime
// cannot load the training step's graph.
import type { ModelSpec } from '../../protocol/checkpointFormat';
import { paramLayout } from '../model/recurrentModel';
import { type BindingOps, Scope } from '../native/bindingOps';
import { type TrainingImages, writeBatch } from './batchGradient';
import { bindingWriter } from './opWriter';
import type { Mask } from '../model/dropout';

export interface BatchGradient {
  /** d(the batch's mean loss)/d(parameters), flat in file order. */
  grad: Float32Array;
  /** The batch's summed loss (not scaled) and how many it predicted right. */
  lossSum: number;
  correct: number;
}

/**
 * The batch's gradient with its ops run one by one from JavaScript: to time each op (the bench's
 * profile), and the scheduled path's steps where a runtime cannot load its graph.
 */
export class OpByOpGradient {
  constructor(
    private readonly ops: BindingOps,
    private readonly spec: ModelSpec,
    private readonly train: TrainingImages,
    /** Shards of each batch (shardPlan.ts): one after the other here. */
    private readonly shards: number,
  ) {}

  /**
   * The gradient of the batch `rows` (numbers of training images) for the parameters `params`
   * (flat, file order), each layer's inputs dropped by `masks` when given.
   */
  compute(params: Float32Array, rows: Int32Array, masks?: Mask[]): BatchGradient {
    const { ops } = this;
    const s = new Scope();
    try {
      const layout = paramLayout(this.spec);
      const weights = layout.split(params).map((values, i) => ops.floats(s, layout.weights[i].shape, values));
      const out = writeBatch(bindingWriter(ops, s), this.spec, rows.length, this.shards, {
        params: weights,
        trainX: this.train.x,
        trainLabels: this.train.labels,
        rows: ops.ints(s, [rows.length], rows),
        masks: masks?.map((m) => ops.floats(s, m.shape, m.values)),
      });
      const grad = layout.join(out.grads.map((h) => ops.read(h)));
      return { grad, lossSum: ops.read(out.lossSum)[0], correct: ops.readInts(out.correct)[0] };
    } finally {
      ops.end(s);
    }
  }
}

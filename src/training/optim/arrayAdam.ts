// Adam on a plain Float32Array of all the weights: tf.train.adam's update (the same as TensorAdam's,
// bias corrections folded the same way) in one loop, about 0.25 ms for the seed model's 82,000
// weights. The scheduled path's steps use it where the runtime cannot load their graph (whose
// ResourceApplyAdam folds them the same way): the gradient is an array there.
import type { AdamState } from '../../protocol/checkpointFormat';
import { BETA1, BETA2, copyState, correctedStep, freshAdamState } from './adamState';

export class ArrayAdam {
  private readonly state: AdamState;

  constructor(
    /** The weights, updated in place. */
    readonly params: Float32Array,
    /** The rate of the next steps: a schedule changes it between epochs. */
    public learningRate: number,
    /** tf.train.adam's default: the backend's epsilon (1e-7 for float32). */
    private readonly epsilon = 1e-7,
    /** Where a continued run's Adam left off (copied); a fresh state otherwise. */
    initial?: AdamState,
  ) {
    this.state = initial ? copyState(initial) : freshAdamState(params.length);
    if (this.state.m.length !== params.length)
      throw new Error(`Adam state for ${this.state.m.length} weights, the model has ${params.length}`);
  }

  /** One step on `grad` (the same length and order as the weights). */
  apply(grad: Float32Array): void {
    const { params } = this;
    if (grad.length !== params.length) throw new Error(`gradient of ${grad.length} values for ${params.length} weights`);
    const { m, v } = this.state;
    this.state.step += 1;
    const { lrT, epsT } = correctedStep(this.learningRate, this.epsilon, this.state.step);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      const mi = (m[i] = BETA1 * m[i] + (1 - BETA1) * g);
      const vi = (v[i] = BETA2 * v[i] + (1 - BETA2) * g * g);
      params[i] -= (lrT * mi) / (Math.sqrt(vi) + epsT);
    }
  }

  /** Steps taken so far (continued runs' included). */
  get step(): number {
    return this.state.step;
  }

  /** A copy of the state, to save. */
  snapshot(): AdamState {
    return copyState(this.state);
  }
}

// Adam, exactly as tf.train.adam computes it, but over all weights at once: the gradients are
// concatenated into one vector, the moments are one vector each, and the update is split back.
// tf.train.adam issues about a dozen small ops per weight; with four weights that was 8% of a
// training step here, since each small op costs ~0.1 ms of overhead on this machine.
import type * as tfn from '@tensorflow/tfjs-node';
import type { AdamState } from '../../protocol/checkpointFormat';
import { adamEpsilon, BETA1, BETA2, correctedStep } from './adamState';
import type { Tf } from '../native/backend';
import { clipTensorByGlobalNorm } from './clipping';

export class TensorAdam {
  private readonly m: tfn.Variable;
  private readonly v: tfn.Variable;
  private readonly sizes: number[];
  private readonly epsilon: number;
  private t: number;

  constructor(
    private readonly tf: Tf,
    private readonly vars: tfn.Variable[],
    /** The rate of the next steps: a schedule changes it between epochs. */
    public learningRate: number,
    /** Where a continued run's Adam left off; a fresh state (zero moments) otherwise. */
    initial?: AdamState,
    /** Clip the gradient to this global norm before the step (undefined: never). */
    private readonly clipNorm?: number,
  ) {
    this.sizes = vars.map((w) => w.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    if (initial && initial.m.length !== total) throw new Error(`Adam state for ${initial.m.length} weights, the model has ${total}`);
    const moment = (values?: Float32Array) => tf.tidy(() => tf.variable(values ? tf.tensor1d(values.slice()) : tf.zeros([total]), false));
    this.m = moment(initial?.m);
    this.v = moment(initial?.v);
    this.t = initial?.step ?? 0;
    this.epsilon = adamEpsilon(tf);
  }

  /**
   * One step on the gradient of `loss` with respect to the weights; returns the loss, and the
   * gradient's global norm before clipping when the steps clip (scalars the caller disposes).
   */
  minimize(loss: () => tfn.Scalar): { loss: tfn.Scalar; norm?: tfn.Scalar } {
    const { tf } = this;
    const { value, grads } = tf.variableGrads(loss, this.vars);
    this.t += 1;
    const { lrT, epsT } = correctedStep(this.learningRate, this.epsilon, this.t);
    let norm: tfn.Scalar | undefined;
    tf.tidy(() => {
      let g = tf.concat(this.vars.map((w) => tf.reshape(grads[w.name], [-1]))) as tfn.Tensor1D;
      if (this.clipNorm !== undefined) {
        const clipped = clipTensorByGlobalNorm(tf, g, this.clipNorm);
        g = clipped.clipped;
        norm = tf.keep(clipped.norm);
      }
      const m = tf.add(tf.mul(this.m, BETA1), tf.mul(g, 1 - BETA1));
      const v = tf.add(tf.mul(this.v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
      this.m.assign(m);
      this.v.assign(v);
      const update = tf.div(tf.mul(m, lrT), tf.add(tf.sqrt(v), epsT));
      tf.split(update, this.sizes).forEach((u, i) => this.vars[i].assign(tf.sub(this.vars[i], tf.reshape(u, this.vars[i].shape))));
    });
    tf.dispose(Object.values(grads));
    return { loss: value, norm };
  }

  /** Steps taken so far (continued runs' included). */
  get step(): number {
    return this.t;
  }

  /** A copy of the state, to save. */
  snapshot(): AdamState {
    return { step: this.t, m: this.m.dataSync() as Float32Array, v: this.v.dataSync() as Float32Array };
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

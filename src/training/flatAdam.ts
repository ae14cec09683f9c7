// Adam, exactly as tf.train.adam computes it, but over all weights at once: the gradients are
// concatenated into one vector, the moments are one vector each, and the update is split back.
// tf.train.adam issues about a dozen small ops per weight; with four weights that was 8% of a
// training step here, since each small op costs ~0.1 ms of overhead on this machine.
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from './backend';

export class FlatAdam {
  private readonly m: tfn.Variable;
  private readonly v: tfn.Variable;
  private readonly sizes: number[];
  private readonly epsilon: number;
  private t = 0;

  constructor(
    private readonly tf: Tf,
    private readonly vars: tfn.Variable[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
  ) {
    this.sizes = vars.map((w) => w.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    // tf.train.adam's default epsilon is the backend's (1e-7 for float32).
    this.epsilon = tf.backend().epsilon();
  }

  /** One step on the gradient of `loss` with respect to the weights; returns the loss. */
  minimize(loss: () => tfn.Scalar): tfn.Scalar {
    const { tf } = this;
    const { value, grads } = tf.variableGrads(loss, this.vars);
    this.t += 1;
    // Adam's bias corrections folded into the step size and epsilon:
    // lr * m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) = lrT * m / (sqrt(v) + eps * sqrt(1-b2^t)).
    const c2 = Math.sqrt(1 - this.beta2 ** this.t);
    const lrT = (this.learningRate * c2) / (1 - this.beta1 ** this.t);
    tf.tidy(() => {
      const g = tf.concat(this.vars.map((w) => tf.reshape(grads[w.name], [-1])));
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      this.m.assign(m);
      this.v.assign(v);
      const update = tf.div(tf.mul(m, lrT), tf.add(tf.sqrt(v), this.epsilon * c2));
      tf.split(update, this.sizes).forEach((u, i) => this.vars[i].assign(tf.sub(this.vars[i], tf.reshape(u, this.vars[i].shape))));
    });
    tf.dispose(Object.values(grads));
    return value;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

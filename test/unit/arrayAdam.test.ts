// Adam on the flat weights: a step is tf.train.adam's update (bias corrections folded into the
// learning rate and epsilon), written out here for a few weights; a run continued from a saved
// state goes on exactly as the run would have; a state or a gradient of the wrong length is refused.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ArrayAdam } from '../../src/training/optim/arrayAdam';

const LENGTH = 1000;

/** Deterministic values in [-0.5, 0.5) (a small linear congruential generator). */
function values(seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: LENGTH }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
}

describe('ArrayAdam', () => {
  it("two steps move each weight as Adam's formulas say", () => {
    const start = values(1);
    const adam = new ArrayAdam(start.slice(), 0.01, 1e-7);
    const grads = [values(2), values(3)];
    for (const g of grads) adam.apply(g);
    for (const i of [0, 1, 500, LENGTH - 1]) {
      let p = start[i];
      let m = 0;
      let v = 0;
      grads.forEach((g, t) => {
        m = Math.fround(0.9 * m + 0.1 * g[i]);
        v = Math.fround(0.999 * v + 0.001 * g[i] * g[i]);
        const mHat = m / (1 - 0.9 ** (t + 1));
        const vHat = v / (1 - 0.999 ** (t + 1));
        p = Math.fround(p - (0.01 * mHat) / (Math.sqrt(vHat) + 1e-7));
      });
      assert.ok(Math.abs(adam.params[i] - p) < 1e-6, `weight ${i}: ${adam.params[i]} against ${p}`);
    }
  });

  it('continued from its saved state, a run goes on exactly as it would have', () => {
    const whole = new ArrayAdam(values(1), 0.01);
    const first = new ArrayAdam(values(1), 0.01);
    whole.apply(values(2));
    first.apply(values(2));
    const continued = new ArrayAdam(first.params.slice(), 0.01, 1e-7, first.snapshot());
    for (const seed of [3, 4]) {
      whole.apply(values(seed));
      continued.apply(values(seed));
    }
    assert.deepEqual(continued.params, whole.params);
    assert.deepEqual(continued.snapshot(), whole.snapshot());
  });

  it('refuses a gradient or a saved state of the wrong length', () => {
    const adam = new ArrayAdam(values(1), 0.01);
    assert.throws(() => adam.apply(new Float32Array(3)), /gradient of 3 values for 1000 weights/);
    assert.throws(
      () => new ArrayAdam(values(1), 0.01, 1e-7, new ArrayAdam(new Float32Array(3), 0.01).snapshot()),
      /Adam state for 3 weights/,
    );
  });
});

// Adam on the flat weights adds the processes' gradients inside its loop: the result must be
// exactly what adding them into one array first (in share order, in float32) and then one step
// gives, for one, two and more parts; parts of the wrong length are refused.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { VectorAdam } from '../../src/training/vectorAdam';

const LENGTH = 1000;

/** Deterministic values in [-0.5, 0.5) (a small linear congruential generator). */
function values(seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: LENGTH }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
}

/** The parts added one after another into a float32 array, as the gradients once were. */
function summed(parts: Float32Array[]): Float32Array {
  const sum = parts[0].slice();
  for (const part of parts.slice(1)) for (let i = 0; i < sum.length; i++) sum[i] += part[i];
  return sum;
}

describe('VectorAdam', () => {
  for (const count of [1, 2, 3, 4]) {
    it(`a step on ${count} part(s) equals a step on their float32 sum, bit for bit, over three steps`, () => {
      const fused = new VectorAdam(values(1), 0.01);
      const plain = new VectorAdam(values(1), 0.01);
      for (let step = 0; step < 3; step++) {
        const parts = Array.from({ length: count }, (_, k) => values(100 * step + k + 2));
        fused.apply(...parts);
        plain.apply(summed(parts));
      }
      assert.deepEqual(fused.params, plain.params);
      assert.deepEqual(fused.snapshot(), plain.snapshot());
    });
  }

  it('refuses a part of the wrong length, and no part at all', () => {
    const adam = new VectorAdam(values(1), 0.01);
    assert.throws(() => adam.apply(values(2), new Float32Array(3)), /gradient of 3 values for 1000 weights/);
    assert.throws(() => adam.apply(), /gradient of 0 values/);
  });
});

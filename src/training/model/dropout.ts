// Dropout on the inputs of each recurrent layer while training (the image rows into the first,
// each layer's outputs into the next): one mask per sequence, the same at every row (Keras'
// `dropout` of a recurrent layer), the kept values scaled by 1 / (1 - rate) so that evaluation,
// which drops nothing, sees the same expected inputs. The masks are drawn here, in JavaScript, from
// the run's seed, the step's number and the layer alone: every path (tfjs' autodiff, the scheduled
// path's graph, which takes them as inputs) drops the same inputs, a run repeats exactly, and a
// continued run draws what one run would have.
import type { ModelSpec } from '../../protocol/checkpointFormat';
import { architectureOf } from '../../protocol/architecture';
import { seededRandom } from '../../protocol/seededRandom';

/** A run's dropout: the fraction dropped, and the seed its masks follow from. */
export interface Dropout {
  rate: number;
  /** The run's seed. */
  seed: number;
}

/** A 32-bit seed of its own for each (run seed, step, layer), mixed so that neighbouring steps draw unrelated masks. */
export function maskSeed(seed: number, step: number, layer: number): number {
  let h = seed >>> 0;
  for (const part of [step, layer]) {
    h = Math.imul(h ^ (part >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** One layer's mask: its shape [batch, the layer's input size] and values, row-major. */
export interface Mask {
  shape: [number, number];
  values: Float32Array;
}

/**
 * The masks of Adam's step `step` (from 1, continued across a continued run) on a batch of
 * `batch` images, one per layer: 0 where an input is dropped, 1 / (1 - rate) where it is kept.
 */
export function dropoutMasks(spec: Pick<ModelSpec, 'inputSize' | 'units' | 'layers'>, batch: number, d: Dropout, step: number): Mask[] {
  const { layers } = architectureOf(spec);
  const kept = 1 / (1 - d.rate);
  return Array.from({ length: layers }, (_, l) => {
    const size = l === 0 ? spec.inputSize : spec.units;
    const random = seededRandom(maskSeed(d.seed, step, l));
    return { shape: [batch, size], values: Float32Array.from({ length: batch * size }, () => (random() >= d.rate ? kept : 0)) };
  });
}

// A split's images as the model reads them, time-major [rows, count, cols] floats in [0, 1]: the
// training images of the fused and reference paths resident once per run, so that a batch is one
// gather along axis 1; an evaluation's chunk made from the split's bytes when it is read, so that
// no float copy of the test images is held (the scheduled path keeps its images as bytes too).
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from '../native/backend';
import type { Split } from './dataset';

export interface SplitTensors {
  count: number;
  /** [rows, count, cols]: time-major images scaled to [0, 1]. */
  x: tfn.Tensor3D;
  labels: tfn.Tensor1D;
}

export interface Batch {
  x: tfn.Tensor3D;
  /** int32 class of each example [batch]. */
  labels: tfn.Tensor1D;
}

/** Images start..start+count-1 of `pixels` (row-major bytes), time-major and scaled to [0, 1]. */
function timeMajorFloats(pixels: Uint8Array, start: number, count: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(count * rows * cols);
  for (let n = 0; n < count; n++) {
    for (let r = 0; r < rows; r++) {
      const src = ((start + n) * rows + r) * cols;
      const dst = (r * count + n) * cols;
      for (let c = 0; c < cols; c++) out[dst + c] = pixels[src + c] / 255;
    }
  }
  return out;
}

export function tensorsFromSplit(tf: Tf, split: Split, rows: number, cols: number): SplitTensors {
  const { count, pixels } = split;
  return {
    count,
    x: tf.tensor3d(timeMajorFloats(pixels, 0, count, rows, cols), [rows, count, cols]),
    labels: tf.tensor1d(Int32Array.from(split.labels), 'int32'),
  };
}

export function disposeSplit(s: SplitTensors): void {
  s.x.dispose();
  s.labels.dispose();
}

/** The examples at `indices` (a training batch); the caller disposes both tensors. */
export function gatherBatch(tf: Tf, s: SplitTensors, indices: Int32Array): Batch {
  return tf.tidy(() => {
    const idx = tf.tensor1d(indices, 'int32');
    return { x: tf.gather(s.x, idx, 1), labels: tf.gather(s.labels, idx) };
  });
}

/** Examples start..start+size-1 of a split, made from its bytes (an evaluation chunk); the caller disposes both tensors. */
export function chunkOf(tf: Tf, split: Split, start: number, size: number, rows: number, cols: number): Batch {
  return {
    x: tf.tensor3d(timeMajorFloats(split.pixels, start, size, rows, cols), [rows, size, cols]),
    labels: tf.tensor1d(Int32Array.from(split.labels.subarray(start, start + size)), 'int32'),
  };
}

// Dataset splits as resident tensors, laid out once per run: time-major [rows, count, cols]
// floats in [0, 1], so a batch is one gather along axis 1 and goes to the model without a
// transpose or a copy from JavaScript.
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

export function tensorsFromSplit(tf: Tf, split: Split, rows: number, cols: number): SplitTensors {
  const { count, pixels } = split;
  const timeMajor = new Float32Array(count * rows * cols);
  for (let n = 0; n < count; n++) {
    for (let r = 0; r < rows; r++) {
      const src = (n * rows + r) * cols;
      const dst = (r * count + n) * cols;
      for (let c = 0; c < cols; c++) timeMajor[dst + c] = pixels[src + c] / 255;
    }
  }
  return {
    count,
    x: tf.tensor3d(timeMajor, [rows, count, cols]),
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

/** Examples start..start+size-1 (an evaluation chunk). */
export function sliceBatch(tf: Tf, s: SplitTensors, start: number, size: number): Batch {
  const [rows, , cols] = s.x.shape;
  return { x: tf.slice(s.x, [0, start, 0], [rows, size, cols]), labels: tf.slice(s.labels, [start], [size]) };
}

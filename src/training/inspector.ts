// A checkpoint held open for questions (the worker's `inspect` job): its weights and the test
// images its evaluation used stay in memory, and each request is answered at once: images by
// index, an image's prediction row by row, a drawn digit classified row by row. Forward only,
// on the same kernels as evaluation, so the last row's probabilities are the prediction.
import type * as tfn from '@tensorflow/tfjs-node';
import { toBase64, bytesFromBase64 } from '../protocol/binary';
import type { ModelSpec } from '../protocol/checkpointFormat';
import type { InspectRequest, InspectResult, InspectSubject } from '../protocol/inspection';
import type { Backend } from './native/backend';
import { chooseTrainingPath, forwardPath } from './loop/trainingPath';
import { asVariables, type LoadedCheckpoint } from './model/checkpointParams';
import { readWeights } from '../checkpoint/read';

import { loadDataset, type Split } from './data/dataset';
import { imageProblem, isPng } from './data/imageHeader';
import { decodePngGrey } from './data/pngImage';

import { disposeParams, rowProbabilities } from './model/recurrentModel';
import { PortableModel } from './portable/portableModel';

/** Said when an image file other than a PNG is sent to a checkpoint held by the portable kernels. */
export const PNG_ONLY =
  "on the portable kernels image files are read as PNG (JPEG, BMP and GIF need TensorFlow's native runtime): save the image as a PNG";

/** How an image is read row by row: the class probabilities after each row [rows, classes]. */
interface RowReader {
  probabilities(pixels: Uint8Array): Float32Array;
  dispose(): void;
}

/** The checkpoint's weights on TensorFlow.js, the evaluation's forward pass. */
function tfReader(backend: Backend, loaded: LoadedCheckpoint): RowReader {
  const { tf } = backend;
  const { params, meta } = loaded;
  const spec = meta.model;
  const kernels = forwardPath(chooseTrainingPath('auto', backend.info));
  return {
    probabilities(pixels) {
      const out = tf.tidy(() => {
        // Time-major [rows, 1, cols] in [0, 1], as the evaluation feeds it.
        const x = tf.tensor3d(
          Float32Array.from(pixels, (p) => p / 255),
          [spec.timesteps, 1, spec.inputSize],
        );
        return rowProbabilities(tf, params, x, spec, kernels);
      });
      const values = out.dataSync() as Float32Array;
      out.dispose();
      return values;
    },
    dispose: () => disposeParams(params),
  };
}

/** The checkpoint's weights on the portable kernels, computed on this thread (one image is quick). */
function portableReader(spec: ModelSpec, weights: Float32Array[]): RowReader {
  const model = PortableModel.withWeights(spec, weights, {}, { threads: 0, batchSize: 0, inputs: 1 });
  return {
    probabilities: (pixels) => model.rowProbabilitiesNow(pixels),
    dispose: () => void model.dispose(),
  };
}

export class Inspector {
  private constructor(
    private readonly backend: Backend,
    private readonly reader: RowReader,
    private readonly spec: ModelSpec,
    private readonly test: Split,
  ) {}

  /** Loads the checkpoint and the test images; throws (with the reason) when either cannot be used. */
  static async open(backend: Backend, subject: InspectSubject): Promise<Inspector> {
    const { meta, weights } = await readWeights(subject.checkpoint);
    const reader =
      chooseTrainingPath('auto', backend.info) === 'portable'
        ? portableReader(meta.model, weights)
        : tfReader(backend, { meta, params: asVariables(backend.tf, meta, weights) });
    try {
      const data = await loadDataset({ dataDir: subject.dataDir, testSize: subject.testSize, testOnly: true });
      if (data.rows !== meta.model.timesteps || data.cols !== meta.model.inputSize) {
        throw new Error(
          `${data.info.source} holds ${data.rows}x${data.cols} images; the checkpoint's model reads ${meta.model.timesteps}x${meta.model.inputSize}`,
        );
      }
      return new Inspector(backend, reader, meta.model, data.test);
    } catch (e) {
      reader.dispose();
      throw e;
    }
  }

  get count(): number {
    return this.test.count;
  }

  /** Throws with a message for the user when the request cannot be answered (an index out of range, a wrong size). */
  answer(request: InspectRequest): InspectResult {
    const { timesteps: rows, inputSize: cols } = this.spec;
    const size = rows * cols;
    switch (request.kind) {
      case 'images': {
        const pixels = new Uint8Array(request.indices.length * size);
        request.indices.forEach((index, i) => pixels.set(this.image(index), i * size));
        return { kind: 'images', rows, cols, pixels: toBase64(pixels) };
      }
      case 'rows': {
        const pixels = this.image(request.index);
        return { ...this.rows(pixels), label: this.test.labels[request.index], index: request.index };
      }
      case 'classify': {
        const pixels = bytesFromBase64(request.pixels);
        if (pixels.length !== size) throw new Error(`a drawing has ${size} pixels (${rows}x${cols}), not ${pixels.length}`);
        return this.rows(pixels);
      }
      case 'classifyFile':
        return this.rows(this.fromFile(bytesFromBase64(request.file)));
    }
  }

  dispose(): void {
    this.reader.dispose();
  }

  private image(index: number): Uint8Array {
    if (index >= this.test.count) throw new Error(`there are ${this.test.count} test images; ${index} is not one of them`);
    const size = this.spec.timesteps * this.spec.inputSize;
    return this.test.pixels.subarray(index * size, (index + 1) * size);
  }

  /**
   * An image file as the model's input: grey, resized to rows × cols; a dark digit on a light
   * page is inverted, as MNIST's digits are light on black.
   */
  private fromFile(file: Uint8Array): Uint8Array {
    const { tf, native } = this.backend;
    const { timesteps: rows, inputSize: cols } = this.spec;
    let decoded: tfn.Tensor3D;
    if (native) {
      // The decoder allocates what the header promises: its size is checked first.
      const problem = imageProblem(file);
      if (problem) throw new Error(`the image could not be read: ${problem}`);
      try {
        decoded = native.node.decodeImage(file, 1, 'int32', false) as tfn.Tensor3D;
      } catch (e) {
        throw new Error(`the image could not be read (PNG, JPEG, BMP or GIF): ${(e as Error).message}`);
      }
    } else {
      // Without tfjs-node's decoders (the portable kernels): PNG, in JavaScript.
      if (!isPng(file)) throw new Error(PNG_ONLY);
      const { width, height, pixels } = decodePngGrey(file);
      decoded = tf.tensor3d(Int32Array.from(pixels), [height, width, 1], 'int32');
    }
    const grey = tf.tidy(() => {
      const resized = tf.image.resizeBilinear(tf.cast(decoded, 'float32'), [rows, cols]);
      const light = tf.mean(resized).dataSync()[0] > 127.5;
      return tf.clipByValue(tf.round(light ? tf.sub(255, resized) : resized), 0, 255);
    });
    decoded.dispose();
    const bytes = Uint8Array.from(grey.dataSync());
    grey.dispose();
    return bytes;
  }

  /** The probabilities after each row of one image (grey bytes), as the model reads it. */
  private rows(pixels: Uint8Array): Extract<InspectResult, { kind: 'rows' }> {
    const { timesteps: rows, inputSize: cols } = this.spec;
    return { kind: 'rows', rows, cols, pixels: toBase64(pixels), probabilities: toBase64(this.reader.probabilities(pixels)) };
  }
}

// The seed model on the portable kernel: its weights as one flat vector in the shared memory (the
// checkpoint's layout, which Adam updates in place), the run's images as bytes beside them, and
// per thread the buffers of one shard of a batch. A batch's gradient is its shards' gradients,
// computed side by side (one thread each) and summed; logits for evaluation and inspection are
// computed the same way over chunks of images.
import type { ModelSpec, ParamLayout } from '../../protocol/checkpointFormat';
import type { Split } from '../data/dataset';
import { shardBounds } from '../graph/shardPlan';
import { paramLayout } from '../model/recurrentModel';
import { KernelMemory, type Layout } from './kernelMemory';
import { instantiate, type KernelCall, kernelModule, type LstmKernel, type Ptr } from './kernelModule';
import { KernelThreads } from './kernelThreads';

/** Images per thread in one round of evaluation or inspection. */
export const PREDICT_ROWS = 250;

/** The image sets a model holds: the run's training and test images, and room for images sent to it. */
export type ImageSetName = 'train' | 'test' | 'input';

interface ImageSet {
  pixels: Ptr;
  count: number;
}

/** One thread's buffers for one shard of a training batch. */
interface ShardBuffers {
  indices: Ptr;
  labels: Ptr;
  x: Ptr;
  gates: Ptr;
  cells: Ptr;
  tanhCells: Ptr;
  hidden: Ptr;
  logits: Ptr;
  grads: Ptr;
  dh: Ptr;
  dc: Ptr;
  recurrentT: Ptr;
  correct: Ptr;
}

/** One thread's buffers for the forward pass over a chunk of images. */
interface PredictBuffers {
  indices: Ptr;
  x: Ptr;
  z: Ptr;
  c: Ptr;
  tc: Ptr;
  h: Ptr;
  logits: Ptr;
}

export interface PortableSizes {
  /** The threads a batch is split over (graph/shardPlan.ts's rule, as on the native path). */
  threads: number;
  /** The largest batch a gradient is asked of (0: a model that only predicts). */
  batchSize: number;
  /** How many images `input` holds. */
  inputs: number;
}

export interface Gradient {
  /** The batch's gradient of the mean loss, in the flat layout (valid until the next call). */
  grad: Float32Array;
  lossSum: number;
  correct: number;
}

/** The seed's model's weights in file order: the one model the kernels compute. */
const SEED_WEIGHTS = ['kernel', 'bias', 'denseKernel', 'denseBias'] as const;

export class PortableLstm {
  readonly layout: ParamLayout;
  /** The weights, in the checkpoint's flat layout: read and written in place. */
  readonly params: Float32Array;
  private readonly memory: KernelMemory;
  private readonly threads: KernelThreads;
  /** Where each weight starts in the shared memory (the kernel reads them by pointer). */
  private readonly weights: Record<(typeof SEED_WEIGHTS)[number], Ptr>;
  private readonly sets: Record<ImageSetName, ImageSet>;
  private readonly shards: ShardBuffers[];
  private readonly predicting: PredictBuffers[];
  private readonly labelsOf: Partial<Record<ImageSetName, Uint8Array>>;
  /** An instance on this thread, for a single image's answer at once (inspection). */
  private local?: LstmKernel;

  constructor(
    readonly spec: ModelSpec,
    images: { train?: Split; test?: Split },
    private readonly sizes: PortableSizes,
  ) {
    this.layout = paramLayout(spec);
    const { timesteps: T, inputSize: I, units: H, classes: C } = spec;
    const imageBytes = T * I;
    const shardRows = Math.ceil(sizes.batchSize / sizes.threads);
    const { memory, buffers } = KernelMemory.create((l: Layout) => {
      const set = (count: number): ImageSet => ({ pixels: l.bytes(count * imageBytes), count });
      return {
        params: l.words(this.layout.total),
        sets: { train: set(images.train?.count ?? 0), test: set(images.test?.count ?? 0), input: set(sizes.inputs) },
        shards: Array.from({ length: shardRows > 0 ? sizes.threads : 0 }, () => ({
          indices: l.words(shardRows),
          labels: l.bytes(shardRows),
          x: l.words(T * shardRows * I),
          gates: l.words(T * shardRows * 4 * H),
          cells: l.words(T * shardRows * H),
          tanhCells: l.words(T * shardRows * H),
          hidden: l.words(T * shardRows * H),
          logits: l.words(shardRows * C),
          grads: l.words(this.layout.total),
          dh: l.words(shardRows * H),
          dc: l.words(shardRows * H),
          recurrentT: l.words(4 * H * H),
          correct: l.words(1),
        })),
        // At least one: rowLogitsNow computes on this thread with the first.
        predicting: Array.from({ length: Math.max(1, sizes.threads) }, () => ({
          indices: l.words(PREDICT_ROWS),
          x: l.words(T * PREDICT_ROWS * I),
          z: l.words(PREDICT_ROWS * 4 * H),
          c: l.words(PREDICT_ROWS * H),
          tc: l.words(PREDICT_ROWS * H),
          h: l.words(PREDICT_ROWS * H),
          logits: l.words(T * PREDICT_ROWS * C),
        })),
      };
    });
    this.memory = memory;
    this.weights = Object.fromEntries(
      SEED_WEIGHTS.map((name, i) => [name, buffers.params + 4 * this.layout.offsets[i]]),
    ) as PortableLstm['weights'];
    this.params = memory.f32(buffers.params, this.layout.total);
    this.sets = buffers.sets;
    this.shards = buffers.shards;
    this.predicting = buffers.predicting;
    this.labelsOf = {};
    for (const name of ['train', 'test'] as const) {
      const split = images[name];
      if (!split) continue;
      memory.u8(this.sets[name].pixels, split.pixels.length).set(split.pixels);
      this.labelsOf[name] = split.labels;
    }
    this.threads = new KernelThreads(memory, sizes.threads);
  }

  get threadCount(): number {
    return this.threads.count;
  }

  /** A model holding `weights` (one array per weight, in file order). */
  static withWeights(spec: ModelSpec, weights: readonly Float32Array[], images: { test?: Split }, sizes: PortableSizes): PortableLstm {
    const model = new PortableLstm(spec, images, sizes);
    model.params.set(model.layout.join(weights));
    return model;
  }

  /** The shared memory's size in bytes. */
  get bytes(): number {
    return this.memory.bytes;
  }

  /**
   * The gradient of the mean loss over the training images `indices` at the current weights, each
   * thread computing one contiguous shard.
   */
  async gradient(indices: Int32Array): Promise<Gradient> {
    const { timesteps: T, inputSize: I, units: H, classes: C, forgetBias } = this.spec;
    const train = this.sets.train;
    const labels = this.labels('train');
    if (indices.length > this.sizes.batchSize)
      throw new Error(`a batch of ${indices.length} is larger than the ${this.sizes.batchSize} this model was laid out for`);
    const bounds = shardBounds(indices.length, this.shards.length);
    const calls = bounds.map(([start, size], s): KernelCall[] => {
      const b = this.shards[s];
      const part = indices.subarray(start, start + size);
      this.memory.i32(b.indices, size).set(part);
      const shardLabels = this.memory.u8(b.labels, size);
      for (let i = 0; i < size; i++) shardLabels[i] = labels[part[i]];
      return [
        ['gatherImages', train.pixels, b.indices, size, T, I, b.x],
        ['lstmForward', T, size, I, H, forgetBias, b.x, this.weights.kernel, this.weights.bias, b.gates, b.cells, b.tanhCells, b.hidden],
        ['dense', size, H, C, b.hidden + 4 * (T - 1) * size * H, this.weights.denseKernel, this.weights.denseBias, b.logits],
        ['softmaxCrossEntropy', size, C, b.logits, b.labels, 1 / indices.length, b.correct],
        [
          'lstmBackward',
          T,
          size,
          I,
          H,
          C,
          b.x,
          this.weights.kernel,
          this.weights.denseKernel,
          b.gates,
          b.cells,
          b.tanhCells,
          b.hidden,
          b.logits,
          b.grads,
          b.dh,
          b.dc,
          b.recurrentT,
        ],
      ];
    });
    const results = await this.threads.run(calls);
    const total = this.layout.total;
    const grad = this.memory.f32(this.shards[0].grads, total);
    for (let s = 1; s < bounds.length; s++) {
      const other = this.memory.f32(this.shards[s].grads, total);
      for (let i = 0; i < total; i++) grad[i] += other[i];
    }
    let lossSum = 0;
    let correct = 0;
    results.forEach((r, s) => {
      lossSum += r[3];
      correct += this.memory.i32(this.shards[s].correct, 1)[0];
    });
    return { grad, lossSum, correct };
  }

  /** Copies images (`rows * cols` bytes each) into the `input` set, from its first image. */
  private setInputs(pixels: Uint8Array): number {
    const count = pixels.length / (this.spec.timesteps * this.spec.inputSize);
    if (!Number.isInteger(count) || count > this.sets.input.count)
      throw new Error(
        `${pixels.length} bytes are not up to ${this.sets.input.count} images of ${this.spec.timesteps}x${this.spec.inputSize}`,
      );
    this.memory.u8(this.sets.input.pixels, pixels.length).set(pixels);
    return count;
  }

  /**
   * The logits of images start..start+count of a set: [count, classes], or, when `everyRow`, after
   * each row [timesteps, count, classes]. Split over the threads, PREDICT_ROWS images each a round.
   */
  async logits(set: ImageSetName, start: number, count: number, everyRow = false): Promise<Float32Array> {
    const { timesteps: T, classes: C } = this.spec;
    const images = this.sets[set];
    if (start < 0 || start + count > images.count) throw new Error(`images ${start}..${start + count} of ${images.count} in ${set}`);
    const rowsOut = everyRow ? T : 1;
    const out = new Float32Array(rowsOut * count * C);
    const perRound = PREDICT_ROWS * this.threads.count;
    for (let round = 0; round < count; round += perRound) {
      const bounds = shardBounds(Math.min(perRound, count - round), this.threads.count);
      const calls = bounds.map(([offset, size], t): KernelCall[] => {
        const b = this.predicting[t];
        const ids = this.memory.i32(b.indices, size);
        for (let i = 0; i < size; i++) ids[i] = start + round + offset + i;
        return this.predictCalls(b, images.pixels, size, everyRow);
      });
      await this.threads.run(calls);
      bounds.forEach(([offset, size], t) => {
        const logits = this.memory.f32(this.predicting[t].logits, rowsOut * size * C);
        for (let r = 0; r < rowsOut; r++) out.set(logits.subarray(r * size * C, (r + 1) * size * C), (r * count + round + offset) * C);
      });
    }
    return out;
  }

  /**
   * The logits after each row [timesteps, classes] of one image (`rows * cols` bytes), computed on
   * this thread at once: the inspector's answers are synchronous, and one image takes well under a millisecond.
   */
  rowLogitsNow(pixels: Uint8Array): Float32Array {
    const { timesteps: T, classes: C } = this.spec;
    if (this.setInputs(pixels) !== 1) throw new Error('one image at a time');
    const b = this.predicting[0];
    this.memory.i32(b.indices, 1)[0] = 0;
    this.local ??= instantiate(kernelModule(), this.memory.memory);
    for (const [name, ...args] of this.predictCalls(b, this.sets.input.pixels, 1, true)) {
      (this.local[name] as (...a: typeof args) => unknown)(...args);
    }
    return this.memory.f32(b.logits, T * C).slice();
  }

  /** The class probabilities after each row [timesteps, classes] of one image, at once (rowLogitsNow's, softmaxed). */
  rowProbabilitiesNow(pixels: Uint8Array): Float32Array {
    return softmaxRows(this.rowLogitsNow(pixels), this.spec.classes);
  }

  /** The calls that compute the logits of `count` images (by b.indices) of the set at `pixels` into b.logits. */
  private predictCalls(b: PredictBuffers, pixels: Ptr, count: number, everyRow: boolean): KernelCall[] {
    const { timesteps: T, inputSize: I, units: H, classes: C, forgetBias } = this.spec;
    const { kernel, bias, denseKernel, denseBias } = this.weights;
    return [
      ['gatherImages', pixels, b.indices, count, T, I, b.x],
      ['predict', T, count, I, H, C, forgetBias, b.x, kernel, bias, denseKernel, denseBias, b.z, b.c, b.tc, b.h, b.logits, everyRow],
    ];
  }

  /** The labels of a set's images (the training and test sets'). */
  labels(set: 'train' | 'test'): Uint8Array {
    const labels = this.labelsOf[set];
    if (!labels) throw new Error(`this model holds no ${set} images`);
    return labels;
  }

  dispose(): Promise<void> {
    return this.threads.dispose();
  }
}

/** Softmax of each row of `classes` logits, in a new array. */
function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[r + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += out[r + k] = Math.exp(logits[r + k] - max);
    for (let k = 0; k < classes; k++) out[r + k] /= sum;
  }
  return out;
}

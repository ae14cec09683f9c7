// The model (LSTM or GRU layers, one, the seed's, or a stack of them, with dropout on their
// inputs) on the portable kernel: its weights as one flat vector in the shared memory (the
// checkpoint's layout, which Adam updates in place), the run's images as bytes beside them, and
// per thread the buffers of one shard of a batch. A batch's gradient is its shards' gradients, computed side by side (one
// thread each) and summed; logits for evaluation and inspection are computed the same way over
// chunks of images.
import type { ModelSpec, ParamLayout } from '../../protocol/checkpointFormat';
import type { Split } from '../data/dataset';
import { shardBounds } from '../graph/shardPlan';
import { architectureOf, type CellName, weightsPerLayer } from '../../protocol/architecture';
import type { Mask } from '../model/dropout';
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

/**
 * What one layer's forward pass keeps for its backward pass, over a shard [timesteps, rows, …]:
 * an LSTM's gates, cells and their tanh; a GRU's r and u (in `gates`), candidate (in `cells`) and
 * r times the previous h (in `tanhCells`).
 */
interface LayerBuffers {
  /**
   * The layer's input as it computes with it: the images (the first layer), or the layer below's
   * outputs after dropout (laid out only with room for dropout; without masks the layer reads the
   * layer below's hidden states where they are).
   */
  input?: Ptr;
  gates: Ptr;
  cells: Ptr;
  tanhCells: Ptr;
  hidden: Ptr;
}

/** One thread's buffers for one shard of a training batch. */
interface ShardBuffers {
  indices: Ptr;
  labels: Ptr;
  layers: LayerBuffers[];
  /** Each layer's dropout mask, this shard's rows of it [rows, the layer's input size] (with dropout). */
  masks: Ptr[];
  logits: Ptr;
  grads: Ptr;
  dh: Ptr;
  dc: Ptr;
  recurrentT: Ptr;
  /** A GRU's gradient of r times h, a row at a time [rows, units]. */
  scratch: Ptr;
  /** The gradients of the layers' inputs, two in turn [timesteps, rows, units], and the input kernel transposed (stacked layers). */
  dx: [Ptr, Ptr];
  kernelT: Ptr;
  correct: Ptr;
}

/**
 * One thread's buffers for the forward pass over a chunk of images: one row's state (one layer:
 * the `predict` kernel), or every row's of a layer in turn (stacked layers, two hidden states).
 */
interface PredictBuffers {
  indices: Ptr;
  x: Ptr;
  z: Ptr;
  c: Ptr;
  tc: Ptr;
  h: Ptr;
  /** Stacked layers: a second hidden state of every row, the other layer's. */
  h2: Ptr;
  logits: Ptr;
}

export interface PortableSizes {
  /** The threads a batch is split over (graph/shardPlan.ts's rule, as on the native path). */
  threads: number;
  /** The largest batch a gradient is asked of (0: a model that only predicts). */
  batchSize: number;
  /** How many images `input` holds. */
  inputs: number;
  /** Whether the gradients drop the layers' inputs (room for the masks). */
  dropout?: boolean;
}

export interface Gradient {
  /** The batch's gradient of the mean loss, in the flat layout (valid until the next call). */
  grad: Float32Array;
  lossSum: number;
  correct: number;
}

/** Where a layer's weights start in the shared memory (the kernel reads them by pointer): a GRU's four from the first. */
interface LayerWeights {
  kernel: Ptr;
  bias: Ptr;
}

export class PortableModel {
  readonly layout: ParamLayout;
  /** The weights, in the checkpoint's flat layout: read and written in place. */
  readonly params: Float32Array;
  private readonly memory: KernelMemory;
  private readonly threads: KernelThreads;
  private readonly cell: CellName;
  /** Where each weight starts in the shared memory: each layer's, and the dense layer's. */
  private readonly weights: { layers: LayerWeights[]; dense: LayerWeights };
  /** Where each layer's kernel's gradient starts in a shard's gradient, and the dense kernel's (in floats). */
  private readonly gradOffsets: { layers: number[]; dense: number };
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
    const { layers, cell } = architectureOf(spec);
    this.cell = cell;
    const imageBytes = T * I;
    const shardRows = Math.ceil(sizes.batchSize / sizes.threads);
    const stacked = layers > 1;
    // An LSTM's four gates a unit, a GRU's two.
    const gateWidth = cell === 'lstm' ? 4 * H : 2 * H;
    // Evaluation keeps one row's state with the `predict` kernel (one LSTM layer), else every row's of a layer in turn.
    const rowState = layers === 1 && cell === 'lstm';
    const inputSize = (l: number): number => (l === 0 ? I : H);
    const { memory, buffers } = KernelMemory.create((l: Layout) => {
      const set = (count: number): ImageSet => ({ pixels: l.bytes(count * imageBytes), count });
      return {
        params: l.words(this.layout.total),
        sets: { train: set(images.train?.count ?? 0), test: set(images.test?.count ?? 0), input: set(sizes.inputs) },
        shards: Array.from({ length: shardRows > 0 ? sizes.threads : 0 }, () => ({
          indices: l.words(shardRows),
          labels: l.bytes(shardRows),
          layers: Array.from({ length: layers }, (_, k) => ({
            ...(k === 0 || sizes.dropout ? { input: l.words(T * shardRows * inputSize(k)) } : {}),
            gates: l.words(T * shardRows * gateWidth),
            cells: l.words(T * shardRows * H),
            tanhCells: l.words(T * shardRows * H),
            hidden: l.words(T * shardRows * H),
          })),
          masks: sizes.dropout ? Array.from({ length: layers }, (_, k) => l.words(shardRows * inputSize(k))) : [],
          logits: l.words(shardRows * C),
          grads: l.words(this.layout.total),
          dh: l.words(shardRows * H),
          dc: l.words(shardRows * H),
          recurrentT: l.words(4 * H * H),
          scratch: cell === 'gru' ? l.words(shardRows * H) : 0,
          dx: (stacked ? [l.words(T * shardRows * H), l.words(T * shardRows * H)] : [0, 0]) as [Ptr, Ptr],
          kernelT: stacked ? l.words(4 * H * H) : 0,
          correct: l.words(1),
        })),
        // At least one: rowLogitsNow computes on this thread with the first.
        predicting: Array.from({ length: Math.max(1, sizes.threads) }, () => ({
          indices: l.words(PREDICT_ROWS),
          x: l.words(T * PREDICT_ROWS * I),
          z: l.words((rowState ? 1 : T) * PREDICT_ROWS * gateWidth),
          c: l.words((rowState ? 1 : T) * PREDICT_ROWS * H),
          tc: l.words((rowState ? 1 : T) * PREDICT_ROWS * H),
          h: l.words((rowState ? 1 : T) * PREDICT_ROWS * H),
          h2: stacked ? l.words(T * PREDICT_ROWS * H) : 0,
          logits: l.words(T * PREDICT_ROWS * C),
        })),
      };
    });
    this.memory = memory;
    // The flat layout: each layer's weights (an LSTM's two, a GRU's four), then the dense layer's.
    const per = weightsPerLayer(cell);
    const at = (weight: number): Ptr => buffers.params + 4 * this.layout.offsets[weight];
    this.weights = {
      layers: Array.from({ length: layers }, (_, k) => ({ kernel: at(per * k), bias: at(per * k + 1) })),
      dense: { kernel: at(per * layers), bias: at(per * layers + 1) },
    };
    this.gradOffsets = {
      layers: Array.from({ length: layers }, (_, k) => this.layout.offsets[per * k]),
      dense: this.layout.offsets[per * layers],
    };
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
  static withWeights(spec: ModelSpec, weights: readonly Float32Array[], images: { test?: Split }, sizes: PortableSizes): PortableModel {
    const model = new PortableModel(spec, images, sizes);
    model.params.set(model.layout.join(weights));
    return model;
  }

  /** The shared memory's size in bytes. */
  get bytes(): number {
    return this.memory.bytes;
  }

  /**
   * The gradient of the mean loss over the training images `indices` at the current weights, each
   * thread computing one contiguous shard; with `masks` (dropout: each layer's, a row per image of
   * the batch), each layer's inputs dropped by them.
   */
  async gradient(indices: Int32Array, masks?: Mask[]): Promise<Gradient> {
    const { timesteps: T, inputSize: I, units: H, classes: C } = this.spec;
    const train = this.sets.train;
    const labels = this.labels('train');
    if (indices.length > this.sizes.batchSize)
      throw new Error(`a batch of ${indices.length} is larger than the ${this.sizes.batchSize} this model was laid out for`);
    if (masks && !this.sizes.dropout) throw new Error('this model was laid out without room for dropout masks');
    const bounds = shardBounds(indices.length, this.shards.length);
    const calls = bounds.map(([start, size], s): KernelCall[] => {
      const b = this.shards[s];
      const part = indices.subarray(start, start + size);
      this.memory.i32(b.indices, size).set(part);
      const shardLabels = this.memory.u8(b.labels, size);
      for (let i = 0; i < size; i++) shardLabels[i] = labels[part[i]];
      // The shard's rows of each mask.
      masks?.forEach((m, l) => {
        const width = m.shape[1];
        this.memory.f32(b.masks[l], size * width).set(m.values.subarray(start * width, (start + size) * width));
      });
      const top = b.layers.length - 1;
      const lastHidden = b.layers[top].hidden + 4 * (T - 1) * size * H;
      const forward: KernelCall[] = [['gatherImages', train.pixels, b.indices, size, T, I, b.layers[0].input!]];
      if (masks) forward.push(['scaleRows', b.layers[0].input!, b.masks[0], T, size, I, b.layers[0].input!]);
      b.layers.forEach((layer, l) => {
        if (l > 0 && masks) forward.push(['scaleRows', b.layers[l - 1].hidden, b.masks[l], T, size, H, layer.input!]);
        forward.push(this.layerForward(l, size, this.inputOf(b, l, masks !== undefined), layer));
      });
      const backward: KernelCall[] = [
        ['dense', size, H, C, lastHidden, this.weights.dense.kernel, this.weights.dense.bias, b.logits],
        ['softmaxCrossEntropy', size, C, b.logits, b.labels, 1 / indices.length, b.correct],
        ['denseBackward', size, H, C, lastHidden, this.weights.dense.kernel, b.logits, b.grads + 4 * this.gradOffsets.dense, b.dh],
      ];
      for (let l = top; l >= 0; l--) {
        const layer = b.layers[l];
        // The layer above's input gradient reaches this layer's every row (through the mask it was dropped by).
        const above = l === top ? 0 : b.dx[(l + 1) % 2];
        const dx = l > 0 ? b.dx[l % 2] : 0;
        const input = this.inputOf(b, l, masks !== undefined);
        const gradient = b.grads + 4 * this.gradOffsets.layers[l];
        const [rows, inputs, w] = [T, l === 0 ? I : H, this.weights.layers[l].kernel];
        const { gates, cells, tanhCells, hidden } = layer;
        // The two cells' backward passes take the same arguments but a GRU's scratch row.
        const common = [rows, size, inputs, H, input, w, gates, cells, tanhCells, hidden, above, l === top, gradient, b.dh, b.dc] as const;
        backward.push(
          this.cell === 'lstm'
            ? ['lstmLayerBackward', ...common, b.recurrentT, dx, b.kernelT]
            : ['gruLayerBackward', ...common, b.scratch, b.recurrentT, dx, b.kernelT],
        );
        if (dx && masks) backward.push(['scaleRows', dx, b.masks[l], T, size, H, dx]);
      }
      return [...forward, ...backward];
    });
    const results = await this.threads.run(calls);
    const total = this.layout.total;
    const grad = this.memory.f32(this.shards[0].grads, total);
    for (let s = 1; s < bounds.length; s++) {
      const other = this.memory.f32(this.shards[s].grads, total);
      for (let i = 0; i < total; i++) grad[i] += other[i];
    }
    // softmaxCrossEntropy's result: the call after the forward pass's.
    const lossAt = calls[0].findIndex((c) => c[0] === 'softmaxCrossEntropy');
    let lossSum = 0;
    let correct = 0;
    results.forEach((r, s) => {
      lossSum += r[lossAt];
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
    const { layers, dense } = this.weights;
    const gather: KernelCall = ['gatherImages', pixels, b.indices, count, T, I, b.x];
    if (layers.length === 1 && this.cell === 'lstm')
      return [
        gather,
        [
          'predict',
          T,
          count,
          I,
          H,
          C,
          forgetBias,
          b.x,
          layers[0].kernel,
          layers[0].bias,
          dense.kernel,
          dense.bias,
          b.z,
          b.c,
          b.tc,
          b.h,
          b.logits,
          everyRow,
        ],
      ];
    // Otherwise each layer over every row in turn, its hidden states the next one's input (two buffers in turn).
    const hidden = [b.h, b.h2];
    const calls: KernelCall[] = [gather];
    layers.forEach((_, l) => {
      const input = l === 0 ? b.x : hidden[(l - 1) % 2];
      calls.push(this.layerForward(l, count, input, { gates: b.z, cells: b.c, tanhCells: b.tc, hidden: hidden[l % 2] }));
    });
    const top = hidden[(layers.length - 1) % 2];
    // Every row's logits [timesteps, count, classes] are the dense layer on all of them at once.
    calls.push(
      everyRow
        ? ['dense', T * count, H, C, top, dense.kernel, dense.bias, b.logits]
        : ['dense', count, H, C, top + 4 * (T - 1) * count * H, dense.kernel, dense.bias, b.logits],
    );
    return calls;
  }

  /** The call of layer `l`'s forward pass over `count` images' rows at `input`, into `out`. */
  private layerForward(l: number, count: number, input: Ptr, out: LayerBuffers): KernelCall {
    const { timesteps: T, inputSize: I, units: H, forgetBias } = this.spec;
    const w = this.weights.layers[l];
    const inputs = l === 0 ? I : H;
    return this.cell === 'lstm'
      ? ['lstmForward', T, count, inputs, H, forgetBias, input, w.kernel, w.bias, out.gates, out.cells, out.tanhCells, out.hidden]
      : ['gruForward', T, count, inputs, H, input, w.kernel, out.gates, out.cells, out.tanhCells, out.hidden];
  }

  /** Where layer `l` of a shard reads its input: the images, its own copy after dropout (`dropped`), or the layer below's hidden states. */
  private inputOf(b: ShardBuffers, l: number, dropped: boolean): Ptr {
    return l === 0 || dropped ? b.layers[l].input! : b.layers[l - 1].hidden;
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

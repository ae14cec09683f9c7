// The scheduled path's whole training step as one TensorFlow graph, with the weights and Adam's
// moments in TensorFlow variables that its session keeps between steps. A step is one call: the
// batch's rows go in; the rows are gathered, the shards' gradients computed side by side and added
// (batchGradient.ts's writeBatch), Adam applied (TensorFlow's ResourceApplyAdam, one pass over
// each weight); the loss and the correct count come out. Nothing else crosses to JavaScript until
// the weights are read (before an evaluation or a save). One graph holds a step per batch size,
// all on the same variables. Recorded by GraphWriter, loaded and run through BindingOps.
import type { ModelSpec } from '../../protocol/checkpointFormat';
import { BETA1, BETA2, correctedStep } from '../optim/adamState';
import { GraphWriter } from './graphWriter';
import { attr, FLOAT_T } from '../native/opAttrs';
import { type Handle, type LoadedGraph, type BindingOps, Scope } from '../native/bindingOps';
import { maskShapes, type TrainingImages, writeBatch } from './batchGradient';
import type { Mask } from '../model/dropout';
import { weightSpecs } from '../../protocol/architecture';
import { paramLayout } from '../model/recurrentModel';

/** The weights and Adam's moments, flat in file order. */
export interface TrainingState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** The variables: each parameter, and Adam's two moments of it (TrainingState's keys). */
const KINDS = ['params', 'm', 'v'] as const;
type Kind = (typeof KINDS)[number];
/** The inputs every step takes besides its rows; Adam's step size and bias corrections change each step. */
const STEP_INPUTS = ['trainX', 'trainLabels', 'learningRate', 'beta1Power', 'beta2Power', 'epsilon'] as const;

const variableName = (kind: Kind, param: number): string => `${kind}_${param}`;
/** The input of layer `layer`'s dropout mask for batches of `n`. */
const maskInput = (layer: number, n: number): string => `mask_${layer}_${n}`;

/**
 * The gradients scaled to a global norm of at most `clipNorm`, as tf.clip_by_global_norm (and
 * optim/clipping.ts on arrays) computes it, and the norm before.
 */
function writeClip(g: GraphWriter, grads: string[], shapes: number[][], clipNorm: number): { grads: string[]; norm: string } {
  const squares = grads.map(
    (grad, p) =>
      g.run(
        'Sum',
        [FLOAT_T, attr.type('Tidx', 'int32'), attr.bool('keep_dims', false)],
        [g.run('Square', [FLOAT_T], [grad])[0], g.ints([shapes[p].length], Int32Array.from(shapes[p].keys()))],
      )[0],
  );
  const norm = g.run('Sqrt', [FLOAT_T], [g.run('AddN', [attr.int('N', squares.length), FLOAT_T], squares)[0]])[0];
  const limit = g.fill([], clipNorm);
  const scale = g.run('RealDiv', [FLOAT_T], [limit, g.run('Maximum', [FLOAT_T], [norm, limit])[0]])[0];
  return { grads: grads.map((grad) => g.run('Mul', [FLOAT_T], [grad, scale])[0]), norm };
}

export class TrainingGraph {
  private constructor(
    private readonly ops: BindingOps,
    private readonly graph: LoadedGraph,
    private readonly images: TrainingImages,
    private readonly spec: ModelSpec,
    /** The batch sizes it has a step for. */
    readonly sizes: readonly number[],
    /** Whether its steps clip the gradient (and say its norm). */
    private readonly clips: boolean,
    /** Whether its steps take dropout masks. */
    private readonly drops: boolean,
  ) {}

  /**
   * Records and loads the graph (throws where the runtime cannot load it); its variables are set
   * by `init`. With `clipNorm`, each step clips the gradient to that global norm before Adam; with
   * `dropout`, each step takes each layer's dropout mask for its batch (dropout.ts draws them).
   */
  static load(
    ops: BindingOps,
    spec: ModelSpec,
    images: TrainingImages,
    shards: number,
    sizes: readonly number[],
    { clipNorm, dropout = false }: { clipNorm?: number; dropout?: boolean } = {},
  ): TrainingGraph {
    const { timesteps: T, inputSize: I } = spec;
    const shapes = weightSpecs(spec).map((w) => w.shape);
    const g = new GraphWriter();
    const variables = shapes.map((shape, p) => KINDS.map((kind) => g.variable(variableName(kind, p), shape)));
    const read = (p: number): string => g.run('ReadVariableOp', [attr.type('dtype', 'float')], [variables[p][0]])[0];
    const params = shapes.map((_, p) => read(p));
    const trainX = g.input('trainX', 'uint8', [images.count, T, I]);
    const trainLabels = g.input('trainLabels', 'int32', [images.count]);
    const [learningRate, beta1Power, beta2Power, epsilon] = STEP_INPUTS.slice(2).map((name) => g.input(name, 'float', []));
    const beta1 = g.fill([], BETA1);
    const beta2 = g.fill([], BETA2);
    for (const n of sizes) {
      const rows = g.input(`rows_${n}`, 'int32', [n]);
      const masks = dropout ? maskShapes(spec, n).map((shape, l) => g.input(maskInput(l, n), 'float', shape)) : undefined;
      const out = writeBatch(g, spec, n, shards, { params, trainX, trainLabels, rows, masks });
      const clip = clipNorm === undefined ? undefined : writeClip(g, out.grads, shapes, clipNorm);
      const applied = (clip?.grads ?? out.grads).map((grad, p) =>
        g.effect('ResourceApplyAdam', [FLOAT_T], [...variables[p], beta1Power, beta2Power, learningRate, beta1, beta2, epsilon, grad]),
      );
      g.output(`lossSum_${n}`, out.lossSum, 'float', applied);
      g.output(`correct_${n}`, out.correct, 'int32', applied);
      if (clip) g.output(`gradNorm_${n}`, clip.norm, 'float', applied);
    }
    const assigned = variables.flatMap((handles, p) =>
      handles.map((handle, k) =>
        g.effect(
          'AssignVariableOp',
          [attr.type('dtype', 'float')],
          [handle, g.input(`set_${variableName(KINDS[k], p)}`, 'float', shapes[p])],
        ),
      ),
    );
    g.done('assigned', assigned);
    for (const [p, handles] of variables.entries())
      handles.forEach((handle, k) =>
        g.output(`get_${variableName(KINDS[k], p)}`, g.run('ReadVariableOp', [attr.type('dtype', 'float')], [handle])[0], 'float'),
      );
    return new TrainingGraph(ops, ops.loadGraph(g.savedModelText()), images, spec, [...sizes], clipNorm !== undefined, dropout);
  }

  /** Sets the weights and Adam's moments. */
  init(state: TrainingState): void {
    const { ops } = this;
    const s = new Scope();
    try {
      const names: string[] = [];
      const values: Handle[] = [];
      this.forEachVariable((name, shape, kind, offset, size) => {
        names.push(`set_${name}`);
        values.push(ops.floats(s, shape, state[kind].subarray(offset, offset + size)));
      });
      ops.runGraph(s, this.graph, values, names, ['assigned']);
    } finally {
      ops.end(s);
    }
  }

  /** The weights and Adam's moments as they are now. */
  read(): TrainingState {
    const { ops } = this;
    const { total } = paramLayout(this.spec);
    const state: TrainingState = { params: new Float32Array(total), m: new Float32Array(total), v: new Float32Array(total) };
    const s = new Scope();
    try {
      const names: string[] = [];
      const places: Array<[Kind, number]> = [];
      this.forEachVariable((name, _shape, kind, offset) => {
        names.push(`get_${name}`);
        places.push([kind, offset]);
      });
      ops.runGraph(s, this.graph, [], [], names).forEach((h, i) => {
        const [kind, offset] = places[i];
        state[kind].set(ops.read(h), offset);
      });
      return state;
    } finally {
      ops.end(s);
    }
  }

  /**
   * One training step on the batch `rows` (a size this graph has), Adam's `step`-th; `epsilon` is
   * tf.train.adam's (the backend's), folded with the bias correction as ArrayAdam folds it;
   * `masks`, each layer's dropout mask, when the graph drops inputs.
   */
  step(
    rows: Int32Array,
    adam: { learningRate: number; epsilon: number; step: number },
    masks?: Mask[],
  ): { lossSum: number; correct: number; gradNorm?: number } {
    const { ops } = this;
    const n = rows.length;
    if (!this.sizes.includes(n)) throw new Error(`no training step for batches of ${n} in this graph`);
    if (this.drops !== (masks !== undefined))
      throw new Error(this.drops ? 'this graph drops inputs: it needs masks' : 'this graph drops nothing');
    const s = new Scope();
    try {
      const scalar = (value: number): Handle => ops.floats(s, [], Float32Array.of(value));
      const { epsT } = correctedStep(adam.learningRate, adam.epsilon, adam.step);
      const inputs = [
        this.images.x,
        this.images.labels,
        scalar(adam.learningRate),
        scalar(BETA1 ** adam.step),
        scalar(BETA2 ** adam.step),
        scalar(epsT),
      ];
      const [lossSum, correct, norm] = ops.runGraph(
        s,
        this.graph,
        [...inputs, ops.ints(s, [n], rows), ...(masks ?? []).map((m) => ops.floats(s, m.shape, m.values))],
        [...STEP_INPUTS, `rows_${n}`, ...(masks ?? []).map((_, l) => maskInput(l, n))],
        [`lossSum_${n}`, `correct_${n}`, ...(this.clips ? [`gradNorm_${n}`] : [])],
      );
      return {
        lossSum: ops.read(lossSum)[0],
        correct: ops.readInts(correct)[0],
        ...(norm ? { gradNorm: ops.read(norm)[0] } : {}),
      };
    } finally {
      ops.end(s);
    }
  }

  private forEachVariable(visit: (name: string, shape: number[], kind: Kind, offset: number, size: number) => void): void {
    const { weights, offsets, sizes } = paramLayout(this.spec);
    for (const [p, { shape }] of weights.entries()) {
      for (const kind of KINDS) visit(variableName(kind, p), shape, kind, offsets[p], sizes[p]);
    }
  }

  dispose(): void {
    this.ops.deleteGraph(this.graph);
  }
}

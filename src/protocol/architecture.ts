// The model's shape beyond its units: how many recurrent layers are stacked and which cell they
// use, and the weights that makes, by name and shape, in file order. The seed's model is one LSTM
// layer; a checkpoint written before these knobs existed leaves both out and is that model. Free
// of Node: the checkpoint's guard, the runs table and the comparison's webview read it too.

/** One weight of a model: its name and shape (checkpoint.json lists them, weights.bin holds them in this order). */
export interface WeightSpec {
  name: string;
  shape: number[];
}

/** What of a model description (checkpointFormat.ts' ModelSpec) decides its weights. */
export interface ModelShape {
  inputSize: number;
  units: number;
  classes: number;
  /** Stacked recurrent layers; absent in checkpoints from before it was a knob: 1. */
  layers?: number;
  /** The recurrent cell; absent in checkpoints from before it was a knob: lstm. */
  cell?: CellName;
}

export type CellName = 'lstm' | 'gru';
export const CELL_CHOICES: readonly CellName[] = ['lstm', 'gru'];
export const DEFAULT_CELL: CellName = 'lstm';
/** The choice's names: `lstmMnist.cell`, `--cell`. */
export const CELL = { setting: 'cell', option: 'cell' } as const;
/** The most layers a model may stack (`layers`' rule in runOptions.ts holds the same limit). */
export const MAX_LAYERS = 4;

export interface Architecture {
  layers: number;
  cell: CellName;
}

/** A model's layers and cell, the seed's where its description leaves them out (older checkpoints). */
export function architectureOf(spec: Pick<ModelShape, 'layers' | 'cell'>): Architecture {
  return { layers: spec.layers ?? 1, cell: spec.cell ?? DEFAULT_CELL };
}

/** The model in words: "LSTM", "2-layer GRU". */
export function architectureText(spec: Pick<ModelShape, 'layers' | 'cell'>): string {
  const { layers, cell } = architectureOf(spec);
  return `${layers > 1 ? `${layers}-layer ` : ''}${cell.toUpperCase()}`;
}

/** Why a model description's layers or cell cannot be read, or undefined. */
export function architectureProblem(model: { layers?: unknown; cell?: unknown }): string | undefined {
  const { layers, cell } = model;
  if (layers !== undefined && !(Number.isInteger(layers) && (layers as number) >= 1 && (layers as number) <= MAX_LAYERS))
    return `its model has ${JSON.stringify(layers)} layers (1 to ${MAX_LAYERS} are known)`;
  if (cell !== undefined && !CELL_CHOICES.includes(cell as CellName)) return `its model has an unknown cell ${JSON.stringify(cell)}`;
  return undefined;
}

/**
 * The weights of layer `layer` (from 0) in TensorFlow's layouts, each kernel over the layer's
 * input and the previous hidden state concatenated:
 * - LSTM (LSTMCell, BlockLSTM): kernel [input + units, 4 units], gates i, j, f, o; bias [4 units];
 * - GRU (GRUBlockCell): the gates' kernel [input + units, 2 units], r then u, and bias; the
 *   candidate's kernel [input + units, units] (over the input and r * h) and bias.
 * The first layer's names are the seed's (`lstm/kernel`), the next ones Keras' (`lstm_1/kernel`).
 */
export function layerWeightSpecs(cell: CellName, layer: number, inputSize: number, units: number): WeightSpec[] {
  const prefix = layer === 0 ? cell : `${cell}_${layer}`;
  const rows = inputSize + units;
  if (cell === 'lstm')
    return [
      { name: `${prefix}/kernel`, shape: [rows, 4 * units] },
      { name: `${prefix}/bias`, shape: [4 * units] },
    ];
  return [
    { name: `${prefix}/gates/kernel`, shape: [rows, 2 * units] },
    { name: `${prefix}/gates/bias`, shape: [2 * units] },
    { name: `${prefix}/candidate/kernel`, shape: [rows, units] },
    { name: `${prefix}/candidate/bias`, shape: [units] },
  ];
}

/** How many weights one layer of `cell` has. */
export function weightsPerLayer(cell: CellName): number {
  return cell === 'lstm' ? 2 : 4;
}

/** Every weight of the model in file order: each layer's, first to last, then the dense layer's. */
export function weightSpecs(spec: ModelShape): WeightSpec[] {
  const { layers, cell } = architectureOf(spec);
  const recurrent = Array.from({ length: layers }, (_, l) => layerWeightSpecs(cell, l, l === 0 ? spec.inputSize : spec.units, spec.units));
  return [...recurrent.flat(), { name: 'dense/kernel', shape: [spec.units, spec.classes] }, { name: 'dense/bias', shape: [spec.classes] }];
}

// Export: a checkpoint as a TensorFlow.js Layers model (model.json + weights.bin) that
// tf.loadLayersModel loads in a browser or in Node, and that Keras users recognise: its `lstm` or
// `gru` layers and a `dense` layer with softmax. The checkpoint keeps TensorFlow's cell layouts
// (one kernel over [x, h]; an LSTM's gates i, j, f, o, forget_bias added at run time); a Layers
// layer has a kernel and a recurrent kernel, its own gate order, and no forget bias, so the
// columns are reordered, the kernel split, and the forget bias folded into f's bias.
// The model reads images batch-major, [batch, rows, cols], pixels scaled to [0, 1].
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfn from '@tensorflow/tfjs-node';
import { architectureOf, type CellName } from '../../protocol/architecture';
import type { CheckpointMeta } from '../../protocol/checkpointFormat';
import { stagingFolder } from '../../checkpoint/reservation';
import type { Tf } from '../native/backend';
import { loadCheckpoint } from './checkpointParams';
import { disposeParams, type ModelParams } from './recurrentModel';

/** The files a Layers model is saved as. */
export const LAYERS_FILES = ['model.json', 'weights.bin'] as const;

/** Gate blocks of the LSTMCell layout (i, j, f, o) in the Layers order (i, f, c = j, o). */
const LAYERS_GATE_ORDER = [0, 2, 1, 3];

/**
 * One recurrent layer's weights in the Layers layout, [kernel, recurrentKernel, bias], from the
 * checkpoint's (its kernels over [input, h] split into the two).
 * - LSTM: the gates reordered to i, f, c, o, and the forget bias folded into f's bias.
 * - GRU (Layers' GRU with resetAfter false: the only one tfjs has): the gates' and the candidate's
 *   columns side by side in the order z (= u), r, h (= c).
 */
export function layersRecurrentWeights(
  tf: Tf,
  cell: CellName,
  weights: readonly tfn.Tensor[],
  inputSize: number,
  forgetBias: number,
): tfn.Tensor[] {
  return tf.tidy(() => {
    if (cell === 'gru') {
      const [gatesKernel, gatesBias, candidateKernel, candidateBias] = weights;
      const [r, u] = tf.split(gatesKernel, 2, 1);
      const [br, bu] = tf.split(gatesBias, 2, 0);
      const [kernel, recurrent] = tf.split(tf.concat([u, r, candidateKernel], 1), [inputSize, -1], 0);
      return [kernel, recurrent, tf.concat([bu, br, candidateBias])];
    }
    const [cellKernel, cellBias] = weights;
    const units = cellBias.shape[0]! / 4;
    const reorder = (t: tfn.Tensor, axis: number) => {
      const gates = tf.split(t, 4, axis);
      return tf.concat(
        LAYERS_GATE_ORDER.map((g) => gates[g]),
        axis,
      );
    };
    const [kernel, recurrent] = tf.split(reorder(cellKernel, 1), [inputSize, units], 0);
    // forget_bias is added to f's pre-activation at every step: the same as a bias that holds it.
    const shift = tf.concat([tf.zeros([units]), tf.fill([units], forgetBias), tf.zeros([2 * units])]);
    return [kernel, recurrent, tf.add(reorder(cellBias, 0), shift)];
  });
}

/** The checkpoint's model as a Layers model, its weights set: its recurrent layers (all steps but the top one's last), then dense softmax. */
export function layersModel(tf: Tf, meta: CheckpointMeta, params: ModelParams): tfn.LayersModel {
  const { timesteps, inputSize, units, classes, forgetBias } = meta.model;
  const { layers, cell } = architectureOf(meta.model);
  const recurrent = Array.from({ length: layers }, (_, l) => {
    const options = {
      units,
      recurrentActivation: 'sigmoid' as const,
      returnSequences: l < layers - 1,
      name: l === 0 ? cell : `${cell}_${l}`,
      ...(l === 0 ? { inputShape: [timesteps, inputSize] } : {}),
    };
    // tfjs' GRU resets before its product (resetAfter false), as GRUBlockCell does; it knows no other.
    return cell === 'gru' ? tf.layers.gru(options) : tf.layers.lstm({ ...options, unitForgetBias: false });
  });
  const model = tf.sequential({
    name: meta.name.replace(/[^A-Za-z0-9_]/g, '_'),
    layers: [...recurrent, tf.layers.dense({ units: classes, activation: 'softmax', name: 'dense' })],
  });
  const weights = params.layers.flatMap((w, l) => layersRecurrentWeights(tf, cell, w, l === 0 ? inputSize : units, forgetBias));
  model.setWeights([...weights, params.denseKernel, params.denseBias]);
  tf.dispose(weights);
  model.setUserDefinedMetadata({
    input: `[batch, ${timesteps}, ${inputSize}] float32: image rows as time steps, pixels / 255`,
    output: `[batch, ${classes}] class probabilities`,
    checkpoint: meta.name,
    testAccuracy: meta.test.accuracy,
  });
  return model;
}

/**
 * A save handler that writes model.json and weights.bin into `dir` (created), as tfjs-node's
 * `file://` handler lays them out; the portable backend's plain TensorFlow.js has no file handler.
 */
function saveToFolder(tf: Tf, dir: string): ReturnType<Tf['io']['withSaveHandler']> {
  const [modelFile, weightsFile] = LAYERS_FILES;
  return tf.io.withSaveHandler(async (artifacts) => {
    const { modelTopology, format, generatedBy, convertedBy, trainingConfig, signature, userDefinedMetadata } = artifacts;
    const modelJson = {
      modelTopology,
      weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
      format,
      generatedBy,
      convertedBy,
      ...(trainingConfig != null ? { trainingConfig } : {}),
      ...(signature != null ? { signature } : {}),
      ...(userDefinedMetadata != null ? { userDefinedMetadata } : {}),
    };
    await fs.promises.mkdir(dir, { recursive: true });
    await fs.promises.writeFile(path.join(dir, modelFile), JSON.stringify(modelJson));
    const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    await fs.promises.writeFile(path.join(dir, weightsFile), Buffer.from(weights));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/**
 * Writes the checkpoint at `checkpoint` as a Layers model into the folder `outDir`, which must
 * not exist yet; written beside it and renamed, so a failure leaves nothing.
 */
export async function exportLayersModel(tf: Tf, checkpoint: string, outDir: string): Promise<string> {
  const dest = path.resolve(outDir);
  if (fs.existsSync(dest)) throw new Error(`${dest} already exists: export into a new folder`);
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  const { meta, params } = await loadCheckpoint(tf, checkpoint);
  // Hidden beside it, named as a checkpoint's staging folder: removed by the same rule if this process dies.
  const tmp = stagingFolder(path.dirname(dest), path.basename(dest));
  try {
    const model = layersModel(tf, meta, params);
    try {
      await model.save(saveToFolder(tf, tmp));
    } finally {
      model.dispose();
    }
    await fs.promises.rename(tmp, dest);
    return dest;
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    disposeParams(params);
  }
}

// The model's knobs against a plain TypeScript model in float64: stacked LSTM and GRU layers,
// their outputs against it, their gradients (both TensorFlow.js paths, dropout masks included)
// against its central finite differences, and the fused path against the reference path.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { type Architecture, weightSpecs } from '../../src/protocol/architecture';
import type { ModelSpec } from '../../src/protocol/checkpointFormat';
import { dropoutMasks } from '../../src/training/model/dropout';
import { crossEntropy, type ForwardPath, initParams, logits, modelSpec, paramList } from '../../src/training/model/recurrentModel';
import { cpuBackend, maxDifference } from './helpers';

const { tf } = cpuBackend();
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

type Matrix = number[][];

/** [x, h] (rows of the batch) times a kernel stored row-major as the checkpoint holds it, plus the bias. */
function affine(inputs: Matrix, kernel: Float64Array, bias: Float64Array): Matrix {
  const cols = bias.length;
  return inputs.map((row) => {
    const out = Array.from(bias);
    row.forEach((v, r) => {
      for (let k = 0; k < cols; k++) out[k] += v * kernel[r * cols + k];
    });
    return out;
  });
}

/** One layer of TensorFlow's LSTMCell (gates i, j, f, o, forget bias on f) or GRUBlockCell (r, u; candidate over [x, r h]). */
function plainLayer(cell: Architecture['cell'], xs: Matrix[], w: Float64Array[], units: number, forgetBias: number): Matrix[] {
  const batch = xs[0].length;
  let h: Matrix = Array.from({ length: batch }, () => new Array<number>(units).fill(0));
  let c: Matrix = h.map((r) => [...r]);
  const out: Matrix[] = [];
  for (const x of xs) {
    if (cell === 'lstm') {
      const z = affine(
        x.map((row, b) => [...row, ...h[b]]),
        w[0],
        w[1],
      );
      c = c.map((row, b) =>
        row.map((cv, u) => cv * sigmoid(z[b][2 * units + u] + forgetBias) + sigmoid(z[b][u]) * Math.tanh(z[b][units + u])),
      );
      h = c.map((row, b) => row.map((cv, u) => Math.tanh(cv) * sigmoid(z[b][3 * units + u])));
    } else {
      const ru = affine(
        x.map((row, b) => [...row, ...h[b]]),
        w[0],
        w[1],
      ).map((row) => row.map(sigmoid));
      const cand = affine(
        x.map((row, b) => [...row, ...h[b].map((hv, u) => ru[b][u] * hv)]),
        w[2],
        w[3],
      ).map((row) => row.map(Math.tanh));
      h = h.map((row, b) => row.map((hv, u) => ru[b][units + u] * hv + (1 - ru[b][units + u]) * cand[b][u]));
    }
    out.push(h);
  }
  return out;
}

/** The mean cross-entropy of the plain model on x [timesteps][batch][input], each layer's inputs times its mask. */
function plainLoss(spec: ModelSpec, weights: Float64Array[], x: Matrix[], labels: number[], masks?: Matrix[]): number {
  const per = spec.cell === 'gru' ? 4 : 2;
  let rows = x;
  for (let l = 0; l < spec.layers!; l++) {
    const mask = masks?.[l];
    if (mask) rows = rows.map((m) => m.map((row, b) => row.map((v, i) => v * mask[b][i])));
    rows = plainLayer(spec.cell!, rows, weights.slice(l * per, (l + 1) * per), spec.units, spec.forgetBias);
  }
  const out = affine(rows[rows.length - 1], weights[weights.length - 2], weights[weights.length - 1]);
  return (
    out.reduce((sum, row, b) => {
      const top = Math.max(...row);
      const logSum = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
      return sum + logSum - row[labels[b]];
    }, 0) / out.length
  );
}

/** Every weight's gradient by central differences of the plain model, in float64. */
function finiteDifferences(weights: Float64Array[], loss: (w: Float64Array[]) => number): Float64Array[] {
  const eps = 1e-6;
  return weights.map((w) =>
    w.map((v, k) => {
      w[k] = v + eps;
      const up = loss(weights);
      w[k] = v - eps;
      const down = loss(weights);
      w[k] = v;
      return (up - down) / (2 * eps);
    }),
  );
}

const SHAPES: Array<Architecture & { what: string }> = [
  { what: '2-layer LSTM', layers: 2, cell: 'lstm' },
  { what: 'GRU', layers: 1, cell: 'gru' },
  { what: '3-layer GRU', layers: 3, cell: 'gru' },
];

for (const shape of SHAPES) {
  describe(`${shape.what} against a plain TypeScript model`, () => {
    const spec = modelSpec(4, 3, 5, shape);
    const batch = 3;
    // Weights away from their initial values (the GRU's gate bias of 1, zero biases), so every gate matters.
    const params = initParams(tf, spec, 7);
    paramList(params).forEach((v, i) => v.assign(tf.randomUniform(v.shape, -0.6, 0.6, 'float32', 100 + i)));
    const x = tf.randomUniform([4, batch, 3], 0, 1, 'float32', 21) as tfn.Tensor3D;
    const labels = tf.tensor1d([0, 3, 9], 'int32');
    const weights = paramList(params).map((v) => Float64Array.from(v.dataSync()));
    const xs = x.arraySync() as Matrix[];
    const drawn = dropoutMasks(spec, batch, { rate: 0.4, seed: 3 }, 1);
    const masks = drawn.map((m) => tf.tensor2d(m.values, m.shape));
    const plainMasks = masks.map((m) => m.arraySync() as Matrix);

    it('the weights are the ones the architecture names', () => {
      assert.deepEqual(
        paramList(params).map((v) => v.shape),
        weightSpecs(spec).map((w) => w.shape),
      );
    });

    for (const withDropout of [false, true]) {
      const plain = finiteDifferences(weights, (w) => plainLoss(spec, w, xs, [0, 3, 9], withDropout ? plainMasks : undefined));
      for (const kernels of ['reference', 'fused'] as ForwardPath[]) {
        it(`${kernels}${withDropout ? ', dropout masks' : ''}: the loss and every gradient match the plain model's within 1e-4`, () => {
          const used = withDropout ? masks : undefined;
          const { value, grads } = tf.variableGrads(
            () => crossEntropy(tf, logits(tf, params, x, spec, kernels, used), labels, kernels),
            paramList(params),
          );
          const loss = plainLoss(spec, weights, xs, [0, 3, 9], withDropout ? plainMasks : undefined);
          assert.ok(Math.abs(value.dataSync()[0] - loss) < 1e-5, `loss ${value.dataSync()[0]} vs ${loss}`);
          paramList(params).forEach((v, i) => {
            const worst = maxDifference(grads[v.name].dataSync(), plain[i]);
            assert.ok(worst < 1e-4, `${weightSpecs(spec)[i].name}: max difference ${worst}`);
          });
          tf.dispose([value, ...Object.values(grads)]);
        });
      }
    }
  });
}

describe('the fused path against the reference path (128 units, 28 rows, random inputs)', () => {
  for (const shape of [
    { layers: 2, cell: 'lstm' },
    { layers: 2, cell: 'gru' },
  ] as Architecture[]) {
    it(`${shape.layers}-layer ${shape.cell}: logits and gradients agree within 1e-4`, () => {
      const spec = modelSpec(28, 28, 128, shape);
      const params = initParams(tf, spec, 3);
      const x = tf.randomUniform([28, 16, 28], 0, 1, 'float32', 31) as tfn.Tensor3D;
      const labels = tf.randomUniform([16], 0, 10, 'int32', 32) as tfn.Tensor1D;
      const run = (kernels: ForwardPath) =>
        tf.variableGrads(() => crossEntropy(tf, logits(tf, params, x, spec, kernels), labels, kernels), paramList(params));
      const [fused, reference] = [run('fused'), run('reference')];
      assert.ok(Math.abs(fused.value.dataSync()[0] - reference.value.dataSync()[0]) < 1e-4);
      for (const v of paramList(params))
        assert.ok(maxDifference(fused.grads[v.name].dataSync(), reference.grads[v.name].dataSync()) < 1e-4, v.name);
      tf.dispose([fused.value, reference.value, ...Object.values(fused.grads), ...Object.values(reference.grads), x, labels]);
      tf.dispose(paramList(params));
    });
  }
});

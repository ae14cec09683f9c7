// The recurrence itself: both implementations against a plain TypeScript LSTM, gradients against
// finite differences, and the fused path against the reference path on random inputs.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type * as tfn from '@tensorflow/tfjs-node';
import { TensorAdam } from '../../src/training/optim/tensorAdam';
import { fusedLstmLayer } from '../../src/training/native/fusedLstm';
import { referenceLayer } from '../../src/training/model/referenceLayers';
import { crossEntropy, type ForwardPath, initParams, logits, modelSpec, paramList } from '../../src/training/model/recurrentModel';
import { cpuBackend } from './helpers';

const { tf } = cpuBackend();
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** TensorFlow's LSTMCell written out: z = [x, h] K + b, gates i, j, f, o, forget bias on f. */
function plainLstm(x: number[][][], kernel: number[][], bias: number[], forgetBias: number): number[][] {
  const units = bias.length / 4;
  const batch = x[0].length;
  let c = Array.from({ length: batch }, () => new Array<number>(units).fill(0));
  let h = c.map((r) => [...r]);
  for (const xt of x) {
    const nc: number[][] = [];
    const nh: number[][] = [];
    for (let b = 0; b < batch; b++) {
      const input = [...xt[b], ...h[b]];
      const z = bias.map((bv, k) => input.reduce((s, v, r) => s + v * kernel[r][k], bv));
      nc.push([]);
      nh.push([]);
      for (let u = 0; u < units; u++) {
        const i = sigmoid(z[u]);
        const j = Math.tanh(z[units + u]);
        const f = sigmoid(z[2 * units + u] + forgetBias);
        const o = sigmoid(z[3 * units + u]);
        nc[b][u] = c[b][u] * f + i * j;
        nh[b][u] = Math.tanh(nc[b][u]) * o;
      }
    }
    c = nc;
    h = nh;
  }
  return h;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tol, `${what}: max difference ${worst} > ${tol}`);
}

describe('LSTM step', () => {
  const T = 3,
    B = 2,
    D = 4,
    U = 3;
  const x = tf.randomUniform([T, B, D], -1, 1, 'float32', 11) as tfn.Tensor3D;
  const kernel = tf.randomUniform([D + U, 4 * U], -0.8, 0.8, 'float32', 12) as tfn.Tensor2D;
  const bias = tf.randomUniform([4 * U], -0.5, 0.5, 'float32', 13) as tfn.Tensor1D;
  const expected = plainLstm(x.arraySync(), kernel.arraySync(), Array.from(bias.dataSync()), 1.0).flat();

  it('the stepwise tf.basicLSTMCell loop matches a plain TypeScript LSTM', () => {
    assertClose(
      referenceLayer(tf, 'lstm', tf.unstack(x) as tfn.Tensor2D[], [kernel, bias], 1.0)[T - 1].dataSync(),
      expected,
      1e-5,
      'reference h',
    );
  });

  it('the fused BlockLSTM kernel matches a plain TypeScript LSTM', () => {
    assertClose(fusedLstmLayer(tf, x, kernel, bias, 1.0, 'last').dataSync(), expected, 1e-5, 'fused h');
  });
});

describe('gradients', () => {
  const spec = modelSpec(4, 3, 5);
  const x = tf.randomUniform([4, 6, 3], 0, 1, 'float32', 21) as tfn.Tensor3D;
  const y = tf.oneHot(tf.tensor1d([0, 3, 9, 1, 3, 7], 'int32'), 10) as tfn.Tensor2D;

  for (const kernels of ['reference', 'fused'] as ForwardPath[]) {
    it(`${kernels}: analytic gradients match central finite differences`, () => {
      const params = initParams(tf, spec, 5);
      const loss = () => tf.losses.softmaxCrossEntropy(y, logits(tf, params, x, spec, kernels)) as tfn.Scalar;
      const { grads } = tf.variableGrads(loss, paramList(params));
      const eps = 1e-2;
      for (const v of paramList(params)) {
        const analytic = grads[v.name].dataSync();
        const values = v.dataSync().slice();
        // A spread of entries of every weight, including gate boundaries of the kernel.
        const picks = [0, 1, Math.floor(values.length / 2), values.length - 1];
        for (const k of picks) {
          const at = (delta: number) => {
            const copy = values.slice();
            copy[k] += delta;
            v.assign(tf.tensor(copy, v.shape));
            return loss().dataSync()[0];
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          v.assign(tf.tensor(values, v.shape));
          assert.ok(Math.abs(numeric - analytic[k]) < 2e-3, `${v.name}[${k}]: numeric ${numeric} vs analytic ${analytic[k]}`);
        }
      }
    });
  }
});

describe('fused path against the reference path (seed model size, random inputs)', () => {
  const spec = modelSpec(28, 28, 128);
  const params = initParams(tf, spec, 3);
  const x = tf.randomUniform([28, 32, 28], 0, 1, 'float32', 31) as tfn.Tensor3D;
  const y = tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 32) as tfn.Tensor1D, 10) as tfn.Tensor2D;

  it('outputs agree within 1e-4', () => {
    assertClose(logits(tf, params, x, spec, 'fused').dataSync(), logits(tf, params, x, spec, 'reference').dataSync(), 1e-4, 'logits');
  });

  it('gradients of every weight agree within 1e-4', () => {
    const gradsOf = (kernels: ForwardPath) =>
      tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, logits(tf, params, x, spec, kernels)) as tfn.Scalar, paramList(params)).grads;
    const fused = gradsOf('fused');
    const reference = gradsOf('reference');
    for (const v of paramList(params)) assertClose(fused[v.name].dataSync(), reference[v.name].dataSync(), 1e-4, `grad ${v.name}`);
  });
});

describe('cross-entropy', () => {
  it('the native fused op and the tfjs composition agree in value and gradient', () => {
    const out = tf.randomNormal([16, 10], 0, 3, 'float32', 41) as tfn.Tensor2D;
    const labels = tf.randomUniform([16], 0, 10, 'int32', 42) as tfn.Tensor1D;
    const valueAndGrad = (kernels: ForwardPath) => {
      const { value, grad } = tf.valueAndGrad((o: tfn.Tensor) => crossEntropy(tf, o as tfn.Tensor2D, labels, kernels))(out);
      return [value.dataSync()[0], grad.dataSync()] as const;
    };
    const [fv, fg] = valueAndGrad('fused');
    const [rv, rg] = valueAndGrad('reference');
    assert.ok(Math.abs(fv - rv) < 1e-5, `loss ${fv} vs ${rv}`);
    assertClose(fg, rg, 1e-6, 'gradient');
  });
});

describe('TensorAdam', () => {
  it('updates the weights exactly as tf.train.adam does', () => {
    const shapes = [[12, 8], [8], [4, 3], [3]];
    const make = () => shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.5, 'float32', 50 + i)));
    const [a, b, start] = [make(), make(), make()];
    const target = tf.randomNormal([8], 0, 1, 'float32', 60);
    const lossOf = (w: tfn.Variable[]) => () =>
      tf.addN([
        tf.sum(tf.square(tf.sub(tf.sum(w[0], 0), target))),
        tf.sum(tf.square(w[1])),
        tf.sum(tf.cos(w[2])),
        tf.sum(tf.sin(w[3])),
      ]) as tfn.Scalar;
    const reference = tf.train.adam(0.01);
    const flat = new TensorAdam(tf, b, 0.01);
    for (let k = 0; k < 20; k++) {
      reference.minimize(lossOf(a), false, a);
      flat.minimize(lossOf(b)).loss.dispose();
    }
    a.forEach((w, i) => {
      assertClose(b[i].dataSync(), w.dataSync(), 1e-5, `weight ${i}`);
      assert.ok(tf.max(tf.abs(tf.sub(w, start[i]))).dataSync()[0] > 0.05, `weight ${i} moved`);
    });
  });
});

// The GRU layer on TensorFlow's native cell ops, run by name through tfjs-node's backend:
// `GRUBlockCell` per row, and as its gradient (tf.customGrad) `GRUBlockCellGrad` per row backwards,
// which gives the gradients of the rows, of the previous state and of the pre-activations; the
// weights' gradients are then two products over every row at once (as TensorFlow's own gradient
// of the cell computes them per row). Same layout and function as the GRU of
// model/referenceLayers.ts.
import type * as tfn from '@tensorflow/tfjs-node';
import type { Tf } from './backend';
import { tfjsNodeInternals } from './internals';
import { FLOAT_T } from './opAttrs';
import { GRU_CELL_GRAD_OUTPUTS, GRU_CELL_OUTPUTS, named } from './nativeOps';

/**
 * The GRU over x [timesteps, batch, input] from zero state: every step's hidden state
 * [timesteps, batch, units]. Differentiable with respect to x and the four weights (the gates'
 * kernel and bias, the candidate's kernel and bias).
 */
export function fusedGruLayer(tf: Tf, x: tfn.Tensor3D, weights: readonly tfn.Tensor[]): tfn.Tensor3D {
  const native = tfjsNodeInternals(tf);
  const [timesteps, batch, input] = x.shape;
  const units = weights[3].shape[0]!;
  const f = tf.customGrad((...args: unknown[]) => {
    const [xs, wru, bru, wc, bc, save] = args as [
      tfn.Tensor3D,
      tfn.Tensor2D,
      tfn.Tensor1D,
      tfn.Tensor2D,
      tfn.Tensor1D,
      (t: tfn.Tensor[]) => void,
    ];
    const rows = tf.unstack(xs);
    const gates: Record<'r' | 'u' | 'c' | 'h', tfn.Tensor[]> = { r: [], u: [], c: [], h: [] };
    let h: tfn.Tensor = tf.zeros([batch, units]);
    for (const row of rows) {
      const out = named(GRU_CELL_OUTPUTS, native.executeTensors('GRUBlockCell', [FLOAT_T], [row, h, wru, wc, bru, bc], 4));
      for (const k of GRU_CELL_OUTPUTS) gates[k].push(out[k]);
      h = out.h;
    }
    const [r, u, c, hs] = GRU_CELL_OUTPUTS.map((k) => tf.stack(gates[k]));
    save([xs, wru, bru, wc, bc, r, u, c, hs]);
    return {
      value: hs as tfn.Tensor3D,
      gradFunc: (dy: tfn.Tensor, saved: tfn.Tensor[]) => {
        const [sx, swru, sbru, swc, sbc, sr, su, sc, sh] = saved;
        const [xRows, rRows, uRows, cRows, hRows, dyRows] = [sx, sr, su, sc, sh, dy].map((t) => tf.unstack(t));
        const zero = tf.zeros([batch, units]);
        const dx: tfn.Tensor[] = [];
        const dcBar: tfn.Tensor[] = [];
        const druBar: tfn.Tensor[] = [];
        let dh: tfn.Tensor = zero;
        for (let t = timesteps - 1; t >= 0; t--) {
          const hPrev = t === 0 ? zero : hRows[t - 1];
          const g = named(
            GRU_CELL_GRAD_OUTPUTS,
            native.executeTensors(
              'GRUBlockCellGrad',
              [FLOAT_T],
              [xRows[t], hPrev, swru, swc, sbru, sbc, rRows[t], uRows[t], cRows[t], tf.add(dyRows[t], dh)],
              4,
            ),
          );
          dx[t] = g.x;
          dcBar[t] = g.cBar;
          druBar[t] = g.ruBar;
          dh = g.hPrev;
        }
        // Every row's input and previous state at once: [timesteps * batch, input + units].
        const flatX = tf.reshape(sx, [timesteps * batch, input]);
        const hPrevs = tf.reshape(tf.concat([tf.expandDims(zero, 0), tf.slice(sh, [0, 0, 0], [timesteps - 1, batch, units])], 0), [
          timesteps * batch,
          units,
        ]);
        const ruBar = tf.reshape(tf.stack(druBar), [timesteps * batch, 2 * units]);
        const cBar = tf.reshape(tf.stack(dcBar), [timesteps * batch, units]);
        const rFlat = tf.reshape(sr, [timesteps * batch, units]);
        return [
          tf.stack(dx),
          tf.matMul(tf.concat([flatX, hPrevs], 1), ruBar, true, false),
          tf.sum(ruBar, 0),
          tf.matMul(tf.concat([flatX, tf.mul(hPrevs, rFlat)], 1), cBar, true, false),
          tf.sum(cBar, 0),
        ];
      },
    };
  });
  return f(x, ...(weights as tfn.Tensor[])) as tfn.Tensor3D;
}

// The portable path's arithmetic, in AssemblyScript (built to a platform-independent WebAssembly
// module with 128-bit SIMD by scripts/build-kernel.js): the forward and backward passes of LSTM
// and GRU layers (stacked, with dropout on their inputs), the dense layer, and the products they
// are made of. No allocation and no state: every buffer is a
// byte offset into the memory the instances share, laid out by ../kernelMemory.ts, so each
// worker thread's instance computes its shard of the batch in its own buffers.
//
// An LSTM layer is TensorFlow's LSTMCell: kernel [inputs + units, 4 * units] with the gates i, j,
// f, o, the forget bias added to f; a GRU layer is TensorFlow's GRUBlockCell (below). The top
// layer's last hidden state goes into Dense(classes) and softmax cross-entropy against integer labels.

// ---------------------------------------------------------------------------------------------
// Vector maths. exp is Cephes' single-precision one (range reduction by ln 2 in two parts, a
// degree-6 polynomial, 2^n from the exponent bits): about 1e-7 relative error, as float32 is.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.3762626647949;
const EXP_MIN: f32 = -87.3365478515625;

@inline function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

@inline function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/** tanh(x) = 1 - 2 / (1 + e^2x): exact at both ends, about 1e-7 off near zero. */
@inline function vtanh(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(one, vexp(f32x4.add(x, x)))));
}

/**
 * `lanes` (1 to 4) floats at p as a vector, the rest zero: a row's last, partial vector (a number
 * of units that is no multiple of 4) is computed as the full ones are. With `lanes` a constant 4,
 * as in the loops' bodies, this is one load.
 */
@inline function ld(p: usize, lanes: i32): v128 {
  if (lanes == 4) return v128.load(p);
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first `lanes` floats of v at p (all four: one store). */
@inline function st(p: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// ---------------------------------------------------------------------------------------------
// Products. C[m x n] = A[m x k] B[k x n] (plus C when `accumulate`), B and C row-major with
// leading dimensions ldb and ldc, A read through strides (element (i, p) at a + i*sai + p*sak),
// so that A^T B needs no transpose: A's four rows of a block are four neighbouring values then.
// Blocks of 4 rows x 16 columns keep 16 sums in registers; the columns left over, 4 at a time,
// then the last 1 to 3.

/** C[m x n] (+)= A B; all sizes and strides in elements, pointers in bytes. */
export function gemm(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  sai: i32,
  sak: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  accumulate: bool,
): void {
  const ai = <usize>sai << 2;
  const ak = <usize>sak << 2;
  const bk = <usize>ldb << 2;
  const ci = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const ar = a + <usize>i * ai;
    const cr = c + <usize>i * ci;
    let j = 0;
    for (; j + 16 <= n; j += 16) block4x16(k, ar, ai, ak, b + (<usize>j << 2), bk, cr + (<usize>j << 2), ci, accumulate);
    for (; j + 4 <= n; j += 4) block4x4(k, ar, ai, ak, b + (<usize>j << 2), bk, cr + (<usize>j << 2), ci, accumulate, 4);
    if (j < n) block4x4(k, ar, ai, ak, b + (<usize>j << 2), bk, cr + (<usize>j << 2), ci, accumulate, n - j);
  }
  for (; i < m; i++) {
    const ar = a + <usize>i * ai;
    const cr = c + <usize>i * ci;
    let j = 0;
    for (; j + 4 <= n; j += 4) block1x4(k, ar, ak, b + (<usize>j << 2), bk, cr + (<usize>j << 2), accumulate, 4);
    if (j < n) block1x4(k, ar, ak, b + (<usize>j << 2), bk, cr + (<usize>j << 2), accumulate, n - j);
  }
}

@inline function block4x16(k: i32, a: usize, ai: usize, ak: usize, b: usize, bk: usize, c: usize, ci: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c22 = f32x4.splat(0), c23 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0), c32 = f32x4.splat(0), c33 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16), b2 = v128.load(b, 32), b3 = v128.load(b, 48);
    let x = f32x4.splat(load<f32>(a));
    c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
    c02 = f32x4.add(c02, f32x4.mul(x, b2)); c03 = f32x4.add(c03, f32x4.mul(x, b3));
    x = f32x4.splat(load<f32>(a + ai));
    c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
    c12 = f32x4.add(c12, f32x4.mul(x, b2)); c13 = f32x4.add(c13, f32x4.mul(x, b3));
    x = f32x4.splat(load<f32>(a + 2 * ai));
    c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
    c22 = f32x4.add(c22, f32x4.mul(x, b2)); c23 = f32x4.add(c23, f32x4.mul(x, b3));
    x = f32x4.splat(load<f32>(a + 3 * ai));
    c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
    c32 = f32x4.add(c32, f32x4.mul(x, b2)); c33 = f32x4.add(c33, f32x4.mul(x, b3));
    a += ak;
    b += bk;
  }
  store4(c, accumulate, c00, c01, c02, c03);
  store4(c + ci, accumulate, c10, c11, c12, c13);
  store4(c + 2 * ci, accumulate, c20, c21, c22, c23);
  store4(c + 3 * ci, accumulate, c30, c31, c32, c33);
}

@inline function store4(c: usize, accumulate: bool, v0: v128, v1: v128, v2: v128, v3: v128): void {
  if (accumulate) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
    v2 = f32x4.add(v2, v128.load(c, 32));
    v3 = f32x4.add(v3, v128.load(c, 48));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
  v128.store(c, v2, 32);
  v128.store(c, v3, 48);
}

@inline function block4x4(k: i32, a: usize, ai: usize, ak: usize, b: usize, bk: usize, c: usize, ci: usize, accumulate: bool, lanes: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const bv = ld(b, lanes);
    c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(a)), bv));
    c1 = f32x4.add(c1, f32x4.mul(f32x4.splat(load<f32>(a + ai)), bv));
    c2 = f32x4.add(c2, f32x4.mul(f32x4.splat(load<f32>(a + 2 * ai)), bv));
    c3 = f32x4.add(c3, f32x4.mul(f32x4.splat(load<f32>(a + 3 * ai)), bv));
    a += ak;
    b += bk;
  }
  store1(c, accumulate, c0, lanes);
  store1(c + ci, accumulate, c1, lanes);
  store1(c + 2 * ci, accumulate, c2, lanes);
  store1(c + 3 * ci, accumulate, c3, lanes);
}

@inline function block1x4(k: i32, a: usize, ak: usize, b: usize, bk: usize, c: usize, accumulate: bool, lanes: i32): void {
  let c0 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(a)), ld(b, lanes)));
    a += ak;
    b += bk;
  }
  store1(c, accumulate, c0, lanes);
}

@inline function store1(c: usize, accumulate: bool, v: v128, lanes: i32): void {
  st(c, accumulate ? f32x4.add(v, ld(c, lanes)) : v, lanes);
}

/** dst[cols x rows] = src[rows x cols]^T (row-major, in elements). */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + ((<usize>c * rows + r) << 2), load<f32>(src + ((<usize>r * cols + c) << 2)));
  }
}

// ---------------------------------------------------------------------------------------------
// The model.

/**
 * A batch's images as the time-major input [rows, count, cols] in [0, 1]: image `indices[b]` of
 * `images` (bytes, `rows * cols` each) becomes column b of every row.
 */
export function gatherImages(images: usize, indices: usize, count: i32, rows: i32, cols: i32, x: usize): void {
  const size = <usize>rows * cols;
  const scale: f32 = 1.0 / 255.0;
  for (let b = 0; b < count; b++) {
    const image = images + <usize>load<i32>(indices + (<usize>b << 2)) * size;
    for (let t = 0; t < rows; t++) {
      const out = x + ((<usize>(t * count + b) * cols) << 2);
      const row = image + <usize>t * cols;
      for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), <f32>load<u8>(row + c) * scale);
    }
  }
}

/**
 * One step's gates from their pre-activations z [count, 4 units] (bias not yet added), in place:
 * i, j, f, o become sigmoid(i), tanh(j), sigmoid(f + forgetBias), sigmoid(o); the new cell state
 * c = c_prev f + i j (c_prev 0 where cPrev is 0), tanh(c) and h = tanh(c) o are written out.
 */
function cellStep(count: i32, units: i32, z: usize, bias: usize, forgetBias: f32, cPrev: usize, c: usize, tc: usize, h: usize): void {
  const gate = <usize>units << 2;
  for (let b = 0; b < count; b++) {
    const zr = z + <usize>b * 4 * gate;
    const hr = <usize>b * gate;
    let u: usize = 0;
    for (; u + 16 <= gate; u += 16) cellLanes(gate, zr, hr, u, bias, forgetBias, cPrev, c, tc, h, 4);
    if (u < gate) cellLanes(gate, zr, hr, u, bias, forgetBias, cPrev, c, tc, h, <i32>((gate - u) >> 2));
  }
}

/** cellStep's work on `lanes` units from byte offset u of a row. */
@inline function cellLanes(
  gate: usize,
  zr: usize,
  hr: usize,
  u: usize,
  bias: usize,
  forgetBias: f32,
  cPrev: usize,
  c: usize,
  tc: usize,
  h: usize,
  lanes: i32,
): void {
  const i = vsigmoid(f32x4.add(ld(zr + u, lanes), ld(bias + u, lanes)));
  const j = vtanh(f32x4.add(ld(zr + gate + u, lanes), ld(bias + gate + u, lanes)));
  const f = vsigmoid(f32x4.add(f32x4.add(ld(zr + 2 * gate + u, lanes), ld(bias + 2 * gate + u, lanes)), f32x4.splat(forgetBias)));
  const o = vsigmoid(f32x4.add(ld(zr + 3 * gate + u, lanes), ld(bias + 3 * gate + u, lanes)));
  const ij = f32x4.mul(i, j);
  const cell = cPrev ? f32x4.add(f32x4.mul(ld(cPrev + hr + u, lanes), f), ij) : ij;
  const t = vtanh(cell);
  st(zr + u, i, lanes);
  st(zr + gate + u, j, lanes);
  st(zr + 2 * gate + u, f, lanes);
  st(zr + 3 * gate + u, o, lanes);
  st(c + hr + u, cell, lanes);
  st(tc + hr + u, t, lanes);
  st(h + hr + u, f32x4.mul(t, o), lanes);
}

/**
 * The recurrence over a batch x [rows, count, inputs], keeping what the backward pass needs:
 * gates [rows, count, 4 units] (activated), cells, tanh of cells and hidden states
 * [rows, count, units]. The input's products for every row are one product before the loop;
 * each row then adds h_prev times the recurrent weights (none at the first row: h is zero).
 */
export function lstmForward(
  rows: i32,
  count: i32,
  inputs: i32,
  units: i32,
  forgetBias: f32,
  x: usize,
  kernel: usize,
  bias: usize,
  gates: usize,
  cells: usize,
  tanhCells: usize,
  hidden: usize,
): void {
  const width = 4 * units;
  const recurrent = kernel + ((<usize>inputs * width) << 2);
  gemm(rows * count, width, inputs, x, inputs, 1, kernel, width, gates, width, false);
  const gateStep = (<usize>count * width) << 2;
  const step = (<usize>count * units) << 2;
  for (let t = 0; t < rows; t++) {
    const z = gates + <usize>t * gateStep;
    const at = <usize>t * step;
    if (t > 0) gemm(count, width, units, hidden + at - step, units, 1, recurrent, width, z, width, true);
    cellStep(count, units, z, bias, forgetBias, t > 0 ? cells + at - step : 0, cells + at, tanhCells + at, hidden + at);
  }
}

// ---------------------------------------------------------------------------------------------
// The GRU layer: TensorFlow's GRUBlockCell. Its weights follow one another from `w` as the flat
// layout has them: the gates' kernel [inputs + units, 2 units] (r, then u), their bias [2 units],
// the candidate's kernel [inputs + units, units] (over [x, r h]) and its bias [units].

/** The pointers of a GRU layer's four weights (or their gradients) from the first. */
@inline function gruGatesBias(w: usize, inputs: i32, units: i32): usize {
  return w + ((<usize>(inputs + units) * 2 * units) << 2);
}
@inline function gruCandidate(w: usize, inputs: i32, units: i32): usize {
  return gruGatesBias(w, inputs, units) + ((<usize>2 * units) << 2);
}
@inline function gruCandidateBias(w: usize, inputs: i32, units: i32): usize {
  return gruCandidate(w, inputs, units) + ((<usize>(inputs + units) * units) << 2);
}

/**
 * The GRU over x [rows, count, inputs] from zero state, keeping what the backward pass needs:
 * ru [rows, count, 2 units] (r and u, activated), c (the candidate, activated), rh (r times the
 * previous h) and hidden [rows, count, units]. The input's products for every row are two products
 * before the loop; each row then adds the previous state's.
 */
export function gruForward(rows: i32, count: i32, inputs: i32, units: i32, x: usize, w: usize, ru: usize, c: usize, rh: usize, hidden: usize): void {
  const width = 2 * units;
  const gatesBias = gruGatesBias(w, inputs, units);
  const candidate = gruCandidate(w, inputs, units);
  const candidateBias = gruCandidateBias(w, inputs, units);
  gemm(rows * count, width, inputs, x, inputs, 1, w, width, ru, width, false);
  gemm(rows * count, units, inputs, x, inputs, 1, candidate, units, c, units, false);
  const step = (<usize>count * units) << 2;
  const ruStep = step << 1;
  const gate = <usize>units << 2;
  for (let t = 0; t < rows; t++) {
    const z = ru + <usize>t * ruStep;
    const at = <usize>t * step;
    const hPrev = t > 0 ? hidden + at - step : 0;
    if (t > 0) gemm(count, width, units, hPrev, units, 1, w + ((<usize>inputs * width) << 2), width, z, width, true);
    for (let b = 0; b < count; b++) {
      const zr = z + <usize>b * 2 * gate;
      const hr = <usize>b * gate;
      for (let u: usize = 0; u < gate; u += 16) {
        const lanes = gate - u >= 16 ? 4 : <i32>((gate - u) >> 2);
        const r = vsigmoid(f32x4.add(ld(zr + u, lanes), ld(gatesBias + u, lanes)));
        st(zr + u, r, lanes);
        st(zr + gate + u, vsigmoid(f32x4.add(ld(zr + gate + u, lanes), ld(gatesBias + gate + u, lanes))), lanes);
        st(rh + at + hr + u, hPrev ? f32x4.mul(r, ld(hPrev + hr + u, lanes)) : f32x4.splat(0), lanes);
      }
    }
    if (t > 0) gemm(count, units, units, rh + at, units, 1, candidate + ((<usize>inputs * units) << 2), units, c + at, units, true);
    for (let b = 0; b < count; b++) {
      const zr = z + <usize>b * 2 * gate;
      const hr = <usize>b * gate;
      for (let u: usize = 0; u < gate; u += 16) {
        const lanes = gate - u >= 16 ? 4 : <i32>((gate - u) >> 2);
        const cand = vtanh(f32x4.add(ld(c + at + hr + u, lanes), ld(candidateBias + u, lanes)));
        st(c + at + hr + u, cand, lanes);
        const update = ld(zr + gate + u, lanes);
        const h = hPrev ? f32x4.add(f32x4.mul(update, ld(hPrev + hr + u, lanes)), f32x4.mul(f32x4.sub(f32x4.splat(1), update), cand)) : f32x4.mul(f32x4.sub(f32x4.splat(1), update), cand);
        st(hidden + at + hr + u, h, lanes);
      }
    }
  }
}

/**
 * The backward pass of one gruForward layer, as lstmLayerBackward is of an LSTM one: the gradient
 * reaching the hidden states from outside (the last row's in dh when `dhIn`, each row's in `above`
 * when it is not 0); ru and c become their pre-activations' gradients on the way. Writes (not adds)
 * the four weights' gradients from `g` (the flat layout's order) and, when `dx` is not 0, the
 * gradient of x. Scratch: dh, dhPrev and drh [count, units]; recurrentT [3 units, units];
 * kernelT [2 units, inputs] (with dx).
 */
export function gruLayerBackward(
  rows: i32,
  count: i32,
  inputs: i32,
  units: i32,
  x: usize,
  w: usize,
  ru: usize,
  c: usize,
  rh: usize,
  hidden: usize,
  above: usize,
  dhIn: bool,
  g: usize,
  dh: usize,
  dhPrev: usize,
  drh: usize,
  recurrentT: usize,
  dx: usize,
  kernelT: usize,
): void {
  const width = 2 * units;
  const step = (<usize>count * units) << 2;
  const ruStep = step << 1;
  const gate = <usize>units << 2;
  const candidate = gruCandidate(w, inputs, units);
  // The recurrent rows of both kernels, transposed: [2 units, units] then [units, units].
  const gatesT = recurrentT;
  const candidateT = recurrentT + ((<usize>width * units) << 2);
  transpose(w + ((<usize>inputs * width) << 2), units, width, gatesT);
  transpose(candidate + ((<usize>inputs * units) << 2), units, units, candidateT);
  if (!dhIn) memory.fill(dh, 0, step);
  const one = f32x4.splat(1);
  for (let t = rows - 1; t >= 0; t--) {
    const z = ru + <usize>t * ruStep;
    const at = <usize>t * step;
    const hPrev = t > 0 ? hidden + at - step : 0;
    if (above) addInto(dh, above + at, count * units);
    // The candidate's and u's pre-activation gradients; what reaches h_prev through u.
    for (let b = 0; b < count; b++) {
      const zr = z + <usize>b * 2 * gate;
      const hr = <usize>b * gate;
      for (let u: usize = 0; u < gate; u += 16) {
        const lanes = gate - u >= 16 ? 4 : <i32>((gate - u) >> 2);
        const d = ld(dh + hr + u, lanes);
        const update = ld(zr + gate + u, lanes);
        const cand = ld(c + at + hr + u, lanes);
        const hp = hPrev ? ld(hPrev + hr + u, lanes) : f32x4.splat(0);
        st(c + at + hr + u, f32x4.mul(f32x4.mul(d, f32x4.sub(one, update)), f32x4.sub(one, f32x4.mul(cand, cand))), lanes);
        st(zr + gate + u, f32x4.mul(f32x4.mul(d, f32x4.sub(hp, cand)), f32x4.mul(update, f32x4.sub(one, update))), lanes);
        st(dhPrev + hr + u, f32x4.mul(d, update), lanes);
      }
    }
    // d(r h) = dc W_c,h^T; then r's pre-activation gradient, and what reaches h_prev through r h.
    gemm(count, units, units, c + at, units, 1, candidateT, units, drh, units, false);
    for (let b = 0; b < count; b++) {
      const zr = z + <usize>b * 2 * gate;
      const hr = <usize>b * gate;
      for (let u: usize = 0; u < gate; u += 16) {
        const lanes = gate - u >= 16 ? 4 : <i32>((gate - u) >> 2);
        const d = ld(drh + hr + u, lanes);
        const r = ld(zr + u, lanes);
        const hp = hPrev ? ld(hPrev + hr + u, lanes) : f32x4.splat(0);
        st(zr + u, f32x4.mul(f32x4.mul(d, hp), f32x4.mul(r, f32x4.sub(one, r))), lanes);
        st(dhPrev + hr + u, f32x4.add(ld(dhPrev + hr + u, lanes), f32x4.mul(d, r)), lanes);
      }
    }
    if (t > 0) {
      // And through the gates' product: [dr, du] W_ru,h^T.
      gemm(count, units, width, z, width, 1, gatesT, units, dhPrev, units, true);
      memory.copy(dh, dhPrev, step);
    }
  }

  // The weights' gradients as products over every row at once, and the biases' as sums.
  const all = rows * count;
  gemm(inputs, width, all, x, 1, inputs, ru, width, g, width, false);
  gemm(units, width, (rows - 1) * count, hidden, 1, units, ru + ruStep, width, g + ((<usize>inputs * width) << 2), width, false);
  columnSums(ru, all, width, gruGatesBias(g, inputs, units));
  const gCandidate = gruCandidate(g, inputs, units);
  gemm(inputs, units, all, x, 1, inputs, c, units, gCandidate, units, false);
  gemm(units, units, all, rh, 1, units, c, units, gCandidate + ((<usize>inputs * units) << 2), units, false);
  columnSums(c, all, units, gruCandidateBias(g, inputs, units));

  // The input's gradient: [dr, du] W_ru,x^T + dc W_c,x^T.
  if (dx) {
    transpose(w, inputs, width, kernelT);
    gemm(all, inputs, width, ru, width, 1, kernelT, inputs, dx, inputs, false);
    transpose(candidate, inputs, units, kernelT);
    gemm(all, inputs, units, c, units, 1, kernelT, inputs, dx, inputs, true);
  }
}

/** dst[0..width) = the sums of the `count` rows of src [count, width]. */
function columnSums(src: usize, count: i32, width: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>width << 2);
  for (let r = 0; r < count; r++) {
    const row = src + ((<usize>r * width) << 2);
    for (let k = 0; k < width; k++) {
      const at = <usize>k << 2;
      store<f32>(dst + at, load<f32>(dst + at) + load<f32>(row + at));
    }
  }
}

/**
 * Dense(classes) on the hidden states h [count, units]: logits [count, classes] (scalar: ten
 * columns are too few to fill vectors, and this is a small part of the work).
 */
export function dense(count: i32, units: i32, classes: i32, h: usize, kernel: usize, bias: usize, logits: usize): void {
  for (let b = 0; b < count; b++) {
    for (let k = 0; k < classes; k++) {
      let sum = load<f32>(bias + (<usize>k << 2));
      for (let u = 0; u < units; u++) sum += load<f32>(h + ((<usize>b * units + u) << 2)) * load<f32>(kernel + ((<usize>u * classes + k) << 2));
      store<f32>(logits + ((<usize>b * classes + k) << 2), sum);
    }
  }
}

/**
 * Softmax cross-entropy of logits [count, classes] against labels (bytes), in place: the logits
 * become the loss's gradient scaled by `scale` (1 / the whole batch's size, for a mean over it).
 * Returns the loss summed over the rows; the number of rows whose largest logit (the first, on a
 * tie, as argMax) is the label is stored at `correct`.
 */
export function softmaxCrossEntropy(count: i32, classes: i32, logits: usize, labels: usize, scale: f32, correct: usize): f64 {
  let loss: f64 = 0;
  let right = 0;
  for (let b = 0; b < count; b++) {
    const row = logits + ((<usize>b * classes) << 2);
    const label = <i32>load<u8>(labels + b);
    let best = 0;
    let max = load<f32>(row);
    for (let k = 1; k < classes; k++) {
      const v = load<f32>(row + (<usize>k << 2));
      if (v > max) {
        max = v;
        best = k;
      }
    }
    if (best === label) right++;
    let sum: f32 = 0;
    for (let k = 0; k < classes; k++) sum += Mathf.exp(load<f32>(row + (<usize>k << 2)) - max);
    loss += <f64>(Mathf.log(sum) + max - load<f32>(row + (<usize>label << 2)));
    for (let k = 0; k < classes; k++) {
      const p = Mathf.exp(load<f32>(row + (<usize>k << 2)) - max) / sum;
      store<f32>(row + (<usize>k << 2), (p - (k === label ? <f32>1 : <f32>0)) * scale);
    }
  }
  store<i32>(correct, right);
  return loss;
}

/**
 * The dense layer's backward pass from the logits' gradient dLogits [count, classes], for the
 * hidden states h [count, units] it read: its kernel's gradient written (not added) at gDense and
 * its bias's right after (the flat layout's order), and the gradient of h, dh = dLogits
 * denseKernel^T [count, units].
 */
export function denseBackward(count: i32, units: i32, classes: i32, h: usize, denseKernel: usize, dLogits: usize, gDense: usize, dh: usize): void {
  const gDenseBias = gDense + ((<usize>units * classes) << 2);
  for (let u = 0; u < units; u++) {
    for (let k = 0; k < classes; k++) {
      let sum: f32 = 0;
      for (let b = 0; b < count; b++) sum += load<f32>(h + ((<usize>b * units + u) << 2)) * load<f32>(dLogits + ((<usize>b * classes + k) << 2));
      store<f32>(gDense + ((<usize>u * classes + k) << 2), sum);
    }
  }
  for (let k = 0; k < classes; k++) {
    let sum: f32 = 0;
    for (let b = 0; b < count; b++) sum += load<f32>(dLogits + ((<usize>b * classes + k) << 2));
    store<f32>(gDenseBias + (<usize>k << 2), sum);
  }
  for (let b = 0; b < count; b++) {
    for (let u = 0; u < units; u++) {
      let sum: f32 = 0;
      for (let k = 0; k < classes; k++) sum += load<f32>(dLogits + ((<usize>b * classes + k) << 2)) * load<f32>(denseKernel + ((<usize>u * classes + k) << 2));
      store<f32>(dh + ((<usize>b * units + u) << 2), sum);
    }
  }
}

/**
 * The backward pass of one lstmForward layer over x [rows, count, inputs]. The gradient reaching
 * the hidden states from outside the recurrence: the last row's in dh when `dhIn` (the dense
 * layer's, for the top layer; dh starts at zero otherwise), and each row's in `above` [rows,
 * count, units] when it is not 0 (the layer above's input gradient, added row by row). The gates
 * become their pre-activations' gradients on the way. Writes (not adds) the kernel's gradient at
 * gKernel and the bias's right after it (the flat layout's order), and, when `dx` is not 0, the
 * gradient of x [rows, count, inputs] (for the layer below). Scratch: dh and dc [count, units];
 * recurrentT [4 units, units]; kernelT [4 units, inputs] (with dx).
 */
export function lstmLayerBackward(
  rows: i32,
  count: i32,
  inputs: i32,
  units: i32,
  x: usize,
  kernel: usize,
  gates: usize,
  cells: usize,
  tanhCells: usize,
  hidden: usize,
  above: usize,
  dhIn: bool,
  gKernel: usize,
  dh: usize,
  dc: usize,
  recurrentT: usize,
  dx: usize,
  kernelT: usize,
): void {
  const width = 4 * units;
  const gBias = gKernel + ((<usize>(inputs + units) * width) << 2);
  const step = (<usize>count * units) << 2;
  const gateStep = (<usize>count * width) << 2;
  if (!dhIn) memory.fill(dh, 0, step);
  memory.fill(dc, 0, step);
  transpose(kernel + ((<usize>inputs * width) << 2), units, width, recurrentT);

  // The recurrence backwards: each row's gate gradients, then dh for the row before.
  const gate = <usize>units << 2;
  for (let t = rows - 1; t >= 0; t--) {
    const z = gates + <usize>t * gateStep;
    const at = <usize>t * step;
    if (above) addInto(dh, above + at, count * units);
    const cPrev = t > 0 ? cells + at - step : 0;
    for (let b = 0; b < count; b++) {
      const zr = z + <usize>b * 4 * gate;
      const hr = <usize>b * gate;
      let u: usize = 0;
      for (; u + 16 <= gate; u += 16) gateGradientLanes(gate, zr, hr, u, tanhCells + at, dh, dc, cPrev, 4);
      if (u < gate) gateGradientLanes(gate, zr, hr, u, tanhCells + at, dh, dc, cPrev, <i32>((gate - u) >> 2));
    }
    if (t > 0) gemm(count, units, width, z, width, 1, recurrentT, units, dh, units, false);
  }

  // The weights' gradients as two products over every row at once, and the bias's as sums.
  gemm(inputs, width, rows * count, x, 1, inputs, gates, width, gKernel, width, false);
  gemm(units, width, (rows - 1) * count, hidden, 1, units, gates + gateStep, width, gKernel + ((<usize>inputs * width) << 2), width, false);
  memory.fill(gBias, 0, <usize>width << 2);
  const all = rows * count;
  for (let r = 0; r < all; r++) {
    const zr = gates + <usize>r * (<usize>width << 2);
    for (let g: usize = 0; g < (<usize>width << 2); g += 16) v128.store(gBias + g, f32x4.add(v128.load(gBias + g), v128.load(zr + g)));
  }

  // The input's gradient, one product over every row: dGates W_x^T.
  if (dx) {
    transpose(kernel, inputs, width, kernelT);
    gemm(rows * count, inputs, width, gates, width, 1, kernelT, inputs, dx, inputs, false);
  }
}

/** a[0..n) += b[0..n) (floats). */
function addInto(a: usize, b: usize, n: i32): void {
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(a + at, f32x4.add(v128.load(a + at), v128.load(b + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(a + at, load<f32>(a + at) + load<f32>(b + at));
  }
}

/**
 * Dropout: each value of x [rows, count, size] times its image's mask mask[b, i] (the same at
 * every row), written to dst (which may be x).
 */
export function scaleRows(x: usize, mask: usize, rows: i32, count: i32, size: i32, dst: usize): void {
  const perRow = count * size;
  for (let t = 0; t < rows; t++) {
    const at = <usize>t * perRow;
    for (let i = 0; i < perRow; i++) {
      const p = (at + i) << 2;
      store<f32>(dst + p, load<f32>(x + p) * load<f32>(mask + (<usize>i << 2)));
    }
  }
}

/**
 * One row's gate gradients on `lanes` units from byte offset u, in place of the activated gates,
 * and the cell state's gradient carried to the row before (dc times f).
 */
@inline function gateGradientLanes(gate: usize, zr: usize, hr: usize, u: usize, tanhCells: usize, dh: usize, dc: usize, cPrev: usize, lanes: i32): void {
  const one = f32x4.splat(1);
  const i = ld(zr + u, lanes);
  const j = ld(zr + gate + u, lanes);
  const f = ld(zr + 2 * gate + u, lanes);
  const o = ld(zr + 3 * gate + u, lanes);
  const tc = ld(tanhCells + hr + u, lanes);
  const dhv = ld(dh + hr + u, lanes);
  const dcv = f32x4.add(ld(dc + hr + u, lanes), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  const c = cPrev ? ld(cPrev + hr + u, lanes) : f32x4.splat(0);
  st(zr + u, f32x4.mul(f32x4.mul(dcv, j), f32x4.mul(i, f32x4.sub(one, i))), lanes);
  st(zr + gate + u, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(j, j))), lanes);
  st(zr + 2 * gate + u, f32x4.mul(f32x4.mul(dcv, c), f32x4.mul(f, f32x4.sub(one, f))), lanes);
  st(zr + 3 * gate + u, f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(o, f32x4.sub(one, o))), lanes);
  st(dc + hr + u, f32x4.mul(dcv, f), lanes);
}

/**
 * Forward only, for evaluation and inspection: the recurrence over x [rows, count, inputs] with
 * only one row's state kept (z [count, 4 units], c, tanh c and h [count, units] as scratch), then
 * the logits [count, classes] of the last hidden state, or, when `everyRow`, of every row's
 * ([rows, count, classes]).
 */
export function predict(
  rows: i32,
  count: i32,
  inputs: i32,
  units: i32,
  classes: i32,
  forgetBias: f32,
  x: usize,
  kernel: usize,
  bias: usize,
  denseKernel: usize,
  denseBias: usize,
  z: usize,
  c: usize,
  tc: usize,
  h: usize,
  logits: usize,
  everyRow: bool,
): void {
  const width = 4 * units;
  const recurrent = kernel + ((<usize>inputs * width) << 2);
  const rowLogits = (<usize>count * classes) << 2;
  for (let t = 0; t < rows; t++) {
    const xt = x + ((<usize>t * count * inputs) << 2);
    gemm(count, width, inputs, xt, inputs, 1, kernel, width, z, width, false);
    if (t > 0) gemm(count, width, units, h, units, 1, recurrent, width, z, width, true);
    cellStep(count, units, z, bias, forgetBias, t > 0 ? c : 0, c, tc, h);
    if (everyRow || t === rows - 1) dense(count, units, classes, h, denseKernel, denseBias, logits + (everyRow ? <usize>t * rowLogits : 0));
  }
}

// ---------------------------------------------------------------------------------------------
// For the bench: this machine's WebAssembly SIMD peak on one thread, as a loop of independent
// multiply-adds on registers (8 accumulators of 4 lanes, 64 operations an iteration, no memory).

/** Runs `iterations` iterations; returns a sum of the accumulators, so that nothing is left out. */
export function simdPeak(iterations: i32): f32 {
  const m = f32x4.splat(0.999);
  const a = f32x4.splat(1e-3);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(1), c2 = f32x4.splat(2), c3 = f32x4.splat(3);
  let c4 = f32x4.splat(4), c5 = f32x4.splat(5), c6 = f32x4.splat(6), c7 = f32x4.splat(7);
  for (let i = 0; i < iterations; i++) {
    c0 = f32x4.add(f32x4.mul(c0, m), a); c1 = f32x4.add(f32x4.mul(c1, m), a);
    c2 = f32x4.add(f32x4.mul(c2, m), a); c3 = f32x4.add(f32x4.mul(c3, m), a);
    c4 = f32x4.add(f32x4.mul(c4, m), a); c5 = f32x4.add(f32x4.mul(c5, m), a);
    c6 = f32x4.add(f32x4.mul(c6, m), a); c7 = f32x4.add(f32x4.mul(c7, m), a);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

// The portable kernel (kernel/lstmKernel.ts, built by scripts/build-kernel.js into lstm.wasm beside
// the training bundle): found, compiled once per process, and instantiated on a shared memory by
// each thread that computes with it. Its exports, typed.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const KERNEL_FILE = 'lstm.wasm';

/** A pointer into the shared memory, in bytes. */
export type Ptr = number;

/** The kernel's exports (see kernel/lstmKernel.ts for what each computes). */
export interface LstmKernel {
  gemm(
    m: number,
    n: number,
    k: number,
    a: Ptr,
    sai: number,
    sak: number,
    b: Ptr,
    ldb: number,
    c: Ptr,
    ldc: number,
    accumulate: boolean,
  ): void;
  gatherImages(images: Ptr, indices: Ptr, count: number, rows: number, cols: number, x: Ptr): void;
  lstmForward(
    rows: number,
    count: number,
    inputs: number,
    units: number,
    forgetBias: number,
    x: Ptr,
    kernel: Ptr,
    bias: Ptr,
    gates: Ptr,
    cells: Ptr,
    tanhCells: Ptr,
    hidden: Ptr,
  ): void;
  dense(count: number, units: number, classes: number, h: Ptr, kernel: Ptr, bias: Ptr, logits: Ptr): void;
  softmaxCrossEntropy(count: number, classes: number, logits: Ptr, labels: Ptr, scale: number, correct: Ptr): number;
  denseBackward(count: number, units: number, classes: number, h: Ptr, denseKernel: Ptr, dLogits: Ptr, gDense: Ptr, dh: Ptr): void;
  lstmLayerBackward(
    rows: number,
    count: number,
    inputs: number,
    units: number,
    x: Ptr,
    kernel: Ptr,
    gates: Ptr,
    cells: Ptr,
    tanhCells: Ptr,
    hidden: Ptr,
    above: Ptr,
    dhIn: boolean,
    gKernel: Ptr,
    dh: Ptr,
    dc: Ptr,
    recurrentT: Ptr,
    dx: Ptr,
    kernelT: Ptr,
  ): void;
  scaleRows(x: Ptr, mask: Ptr, rows: number, count: number, size: number, dst: Ptr): void;
  gruForward(rows: number, count: number, inputs: number, units: number, x: Ptr, w: Ptr, ru: Ptr, c: Ptr, rh: Ptr, hidden: Ptr): void;
  gruLayerBackward(
    rows: number,
    count: number,
    inputs: number,
    units: number,
    x: Ptr,
    w: Ptr,
    ru: Ptr,
    c: Ptr,
    rh: Ptr,
    hidden: Ptr,
    above: Ptr,
    dhIn: boolean,
    g: Ptr,
    dh: Ptr,
    dhPrev: Ptr,
    drh: Ptr,
    recurrentT: Ptr,
    dx: Ptr,
    kernelT: Ptr,
  ): void;
  predict(
    rows: number,
    count: number,
    inputs: number,
    units: number,
    classes: number,
    forgetBias: number,
    x: Ptr,
    kernel: Ptr,
    bias: Ptr,
    denseKernel: Ptr,
    denseBias: Ptr,
    z: Ptr,
    c: Ptr,
    tc: Ptr,
    h: Ptr,
    logits: Ptr,
    everyRow: boolean,
  ): void;
  /** The bench's measure of this machine's SIMD peak: 64 floating-point operations an iteration. */
  simdPeak(iterations: number): number;
}

export type KernelCall = { [K in keyof LstmKernel]: [K, ...Parameters<LstmKernel[K]>] }[keyof LstmKernel];

/** The first byte the kernel's own constants (its data segments, below 64 KiB) leave free. */
export const FIRST_FREE_BYTE = 65536;

export class KernelMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelMissingError';
  }
}

/**
 * Where lstm.wasm is: beside this file in the bundle (dist/training), or, for the unbundled code the
 * tests run (out/src/training/portable), in the checkout's dist/training, where `npm run build` puts it.
 */
export function kernelFile(): string {
  const candidates = [path.join(__dirname, KERNEL_FILE), path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'training', KERNEL_FILE)];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found)
    throw new KernelMissingError(
      `The portable kernel ${KERNEL_FILE} is missing (looked in ${candidates.join(', ')}): run \`npm run build\``,
    );
  return found;
}

let compiled: WebAssembly.Module | undefined;

/** The kernel, compiled once per process (a Module can be sent to worker threads). */
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(fs.readFileSync(kernelFile()));
  return compiled;
}

/** An instance on `memory` (shared: every thread's instance sees the same bytes). */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): LstmKernel {
  // Its only import: built without a runtime or an abort handler (scripts/build-kernel.js).
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as LstmKernel;
}

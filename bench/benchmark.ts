// `npm run bench`: steady-state time of one training step (forward, backward, Adam; batch 100;
// the seed model) and of evaluation, for each way of running the model, measured in one run on
// one machine and reported as ratios to the tf.layers.lstm baseline; then the profile of the
// scheduled path (its step, and the time per op type with its gradient's ops run one by one),
// so that what limits it is measured here; then the model's knobs (a 2-layer LSTM, a GRU) on the
// scheduled path, the fused one and the portable kernels, each against tf.layers with the same layers.
// `--json` prints one object.
import { fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type * as tfn from '@tensorflow/tfjs-node';
import type { Architecture } from '../src/protocol/architecture';
import { count } from '../src/protocol/format';
import { defaultConfig } from '../src/protocol/runOptions';
import type { TrainConfig, TrainingEvent, WorkerCommand } from '../src/protocol/training';
import { loadBackend, type Tf } from '../src/training/native/backend';
import { loadDataset, type Split } from '../src/training/data/dataset';
import { disposeParams, initParams, type ForwardPath, logits, modelSpec } from '../src/training/model/recurrentModel';
import { planShards, useShardThreads } from '../src/training/graph/shardPlan';
import { ScheduledSteps, AutodiffSteps } from '../src/training/loop/stepRunners';
import { chunkOf, disposeSplit, gatherBatch, tensorsFromSplit, type SplitTensors } from '../src/training/data/splitTensors';
import { PortableSteps } from '../src/training/loop/portableSteps';
import { instantiate, kernelModule } from '../src/training/portable/kernelModule';
import { medianOf } from './median';

const BATCH = 100;
const EVAL_EXAMPLES = 2000;

interface PathResult {
  name: string;
  description: string;
  trainStepMs: number;
  evalMsPer1000: number;
  trainStepRatio: number;
  evalRatio: number;
  tensorsBefore: number;
  tensorsAfter: number;
}

/** A model of the knobs against tf.layers with the same layers, each step timed in the same run. */
interface KnobResult {
  model: string;
  layersStepMs: number;
  scheduledStepMs: number;
  fusedStepMs: number;
  portableStepMs: number;
}

/** Something that trains one batch (rows of the training set) and evaluates a chunk, leaving nothing behind. */
interface Runner {
  step(rows: Int32Array): Promise<void>;
  evaluate(x: tfn.Tensor3D): void | Promise<void>;
  dispose(): void;
}

/** V8's collector, exposed where the bench runs with --expose-gc (as `npm run bench` does). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** The models of the knobs the bench compares with tf.layers with the same layers. */
const KNOB_MODELS: Array<{ name: string; architecture: Architecture }> = [
  { name: '2-layer-lstm', architecture: { layers: 2, cell: 'lstm' } },
  { name: 'gru', architecture: { layers: 1, cell: 'gru' } },
];

const SEED_ARCHITECTURE: Architecture = { layers: 1, cell: 'lstm' };

function layersRunner(tf: Tf, train: SplitTensors, { layers, cell }: Architecture = SEED_ARCHITECTURE): Runner {
  // The same functions as ours: sigmoid gates (tfjs' GRU defaults to a hard sigmoid).
  const recurrent = Array.from({ length: layers }, (_, l) => {
    const options = { units: 128, returnSequences: l < layers - 1, ...(l === 0 ? { inputShape: [28, 28] } : {}) };
    return cell === 'gru' ? tf.layers.gru({ ...options, recurrentActivation: 'sigmoid' }) : tf.layers.lstm(options);
  });
  const model = tf.sequential({ layers: [...recurrent, tf.layers.dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  // tf.layers wants batch-major input; the transpose is part of what this path costs.
  const batchMajor = (x: tfn.Tensor3D) => tf.transpose(x, [1, 0, 2]);
  return {
    step: async (rows) => {
      const { x, labels } = gatherBatch(tf, train, rows);
      const xb = batchMajor(x);
      const y = tf.oneHot(labels, 10);
      await model.trainOnBatch(xb, y);
      tf.dispose([x, labels, xb, y]);
    },
    evaluate: (x) =>
      tf.tidy(() => {
        (model.predict(batchMajor(x)) as tfn.Tensor).dataSync();
      }),
    dispose: () => {
      model.optimizer.dispose();
      model.dispose();
    },
  };
}

function evaluator(
  tf: Tf,
  params: ReturnType<typeof initParams>,
  kernels: ForwardPath,
  spec = modelSpec(28, 28, 128),
): (x: tfn.Tensor3D) => void {
  return (x) =>
    tf.tidy(() => {
      tf.argMax(logits(tf, params, x, spec, kernels), 1).dataSync();
    });
}

/** The trainer's own step on one process's tape (the fused or the reference kernels), reads included. */
function tapeRunner(tf: Tf, kernels: ForwardPath, train: Split, architecture: Architecture = SEED_ARCHITECTURE): Runner {
  const spec = modelSpec(28, 28, 128, architecture);
  const params = initParams(tf, spec, 42);
  const steps = new AutodiffSteps(tf, { params, spec, kernels }, train, 0.01);
  return {
    step: async (rows) => {
      await steps.step(rows);
    },
    evaluate: evaluator(tf, params, kernels, spec),
    dispose: () => {
      steps.dispose();
      disposeParams(params);
    },
  };
}

/** The trainer's scheduled step: one graph, the batch's shards side by side, then Adam, the weights in its variables. */
function scheduledRunner(tf: Tf, train: Split, architecture: Architecture = SEED_ARCHITECTURE): Runner & { steps: ScheduledSteps } {
  const spec = modelSpec(28, 28, 128, architecture);
  const params = initParams(tf, spec, 42);
  const steps = new ScheduledSteps(tf, params, spec, train, 0.01, planShards(BATCH), [BATCH]);
  return {
    steps,
    step: async (rows) => {
      await steps.step(rows);
    },
    // The scheduled path evaluates with the fused forward pass.
    evaluate: (x) => {
      steps.syncParams();
      evaluator(tf, params, 'fused', spec)(x);
    },
    dispose: () => {
      steps.dispose();
      disposeParams(params);
    },
  };
}

/**
 * The portable path: the batch's shards on the kernel's worker threads, Adam in JS. It evaluates
 * the same first images of the test set, which it holds itself (the chunk's tensor is not its input).
 */
function portableRunner(
  tf: Tf,
  data: { train: Split; test: Split },
  architecture: Architecture = SEED_ARCHITECTURE,
): Runner & { steps: PortableSteps } {
  const spec = modelSpec(28, 28, 128, architecture);
  const params = initParams(tf, spec, 42);
  const steps = new PortableSteps(tf, params, spec, data, 0.01, { threads: planShards(BATCH).shards, batchSize: BATCH });
  return {
    steps,
    step: async (rows) => {
      await steps.step(rows);
    },
    evaluate: async () => {
      await steps.model.logits('test', 0, EVAL_EXAMPLES);
    },
    dispose: () => {
      steps.dispose();
      disposeParams(params);
    },
  };
}

/** The floating-point operations of one training step of the seed model on `batch` images (the products; the rest is a few percent). */
function stepFlops(
  batch: number,
  { timesteps: T, inputSize: I, units: H }: { timesteps: number; inputSize: number; units: number },
): number {
  const gates = 4 * H;
  const forward = 2 * batch * T * I * gates + 2 * batch * (T - 1) * H * gates;
  const backward = 2 * batch * (T - 1) * gates * H + 2 * I * gates * batch * T + 2 * H * gates * batch * (T - 1);
  return forward + backward;
}

/** This machine's WebAssembly SIMD peak on one thread (the kernel's own loop of multiply-adds), in GFLOP/s: the best of 5. */
function simdPeakGflops(): number {
  const kernel = instantiate(kernelModule(), new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true }));
  const iterations = 20_000_000;
  kernel.simdPeak(1_000_000);
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    kernel.simdPeak(iterations);
    best = Math.max(best, (64 * iterations) / Number(process.hrtime.bigint() - t0));
  }
  return best;
}

type TfjsWasmTiming = { version: string; trainStepMs: number };
type TfjsWasmReference = TfjsWasmTiming | { skipped: string };

/**
 * What a TensorFlow.js user would try for a portable path: the seed's stepwise loop through tf.*
 * and tf.train.adam (the reference path) on @tensorflow/tfjs-backend-wasm (SIMD), in a process of
 * its own (a backend is global to TensorFlow.js), this bench run with --tfjs-wasm.
 */
function tfjsWasmReference(opts: { warmup: number; reps: number }): TfjsWasmReference {
  const run = spawnSync(
    process.execPath,
    [__filename, '--tfjs-wasm', '--json', '--warmup', '2', '--reps', String(Math.min(opts.reps, 3))],
    {
      encoding: 'utf8',
      timeout: 600_000,
    },
  );
  try {
    const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as TfjsWasmTiming;
    if (run.status === 0 && Number.isFinite(out.trainStepMs)) return out;
  } catch {
    // Reported below with what it printed.
  }
  return { skipped: `the tfjs-backend-wasm run failed (exit ${run.status}): ${run.stderr.trim().split('\n').pop() ?? ''}` };
}

/** The child of tfjsWasmReference: TensorFlow.js and its WebAssembly backend from node_modules (a checkout), nothing native. */
async function measureTfjsWasm(opts: { warmup: number; reps: number }): Promise<TfjsWasmTiming> {
  const load = createRequire(path.join(__dirname, '..', '..', 'package.json'));
  const tf = load('@tensorflow/tfjs') as Tf;
  const wasm = load('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void; version_wasm: string };
  wasm.setWasmPaths(`${path.dirname(load.resolve('@tensorflow/tfjs-backend-wasm'))}${path.sep}`);
  tf.enableProdMode();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  const data = await loadDataset({ trainSize: BATCH * 3, testSize: 10 });
  const runner = tapeRunner(tf, 'reference', data.train);
  const rows = Int32Array.from({ length: BATCH }, (_, k) => k);
  for (let i = 0; i < opts.warmup; i++) await runner.step(rows);
  const times: number[] = [];
  for (let r = 0; r < opts.reps; r++) {
    const t0 = process.hrtime.bigint();
    await runner.step(rows);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  runner.dispose();
  return { version: wasm.version_wasm, trainStepMs: medianOf(times) };
}

interface Measured {
  name: string;
  description: string;
  runner: Runner;
  stepTimes: number[];
  evalTimes: number[];
  tensorsBefore: number;
}

/**
 * Runs the paths round-robin: every repetition times each path once, so a burst of load on this
 * shared machine slows all of them alike and the ratios stay meaningful; each repetition of a path
 * starts with the garbage of the others collected. `beforeDispose` sees the
 * runners while they still run (for the profile).
 */
async function measureInterleaved(
  tf: Tf,
  paths: Array<[string, string, () => Runner | Promise<Runner>]>,
  data: SplitTensors,
  test: Split,
  opts: { warmup: number; reps: number; steps: number; rewarm: number },
  beforeDispose: (runners: Runner[]) => Promise<void>,
): Promise<{ results: Array<Omit<PathResult, 'trainStepRatio' | 'evalRatio'>>; peakRssMiB: number }> {
  const batches = Array.from({ length: opts.steps }, (_, i) => Int32Array.from({ length: BATCH }, (_, k) => (i * BATCH + k) % data.count));
  const chunk = chunkOf(tf, test, 0, EVAL_EXAMPLES, 28, 28);
  const measured: Measured[] = [];
  for (const [name, description, make] of paths) {
    const tensorsBefore = tf.memory().numTensors;
    const runner = await make();
    for (let i = 0; i < opts.warmup; i++) await runner.step(batches[i % batches.length]);
    await runner.evaluate(chunk.x);
    measured.push({ name, description, runner, stepTimes: [], evalTimes: [], tensorsBefore });
  }
  let peak = process.memoryUsage().rss;
  for (let r = 0; r < opts.reps; r++) {
    for (const m of measured) {
      // The garbage the path before left (tf.layers' makes scavenges of about 3 ms) is collected
      // here, not inside this path's timing: each path pays for its own.
      collectGarbage?.();
      // Untimed steps first: a path on two cores finds the second idle after the single-threaded
      // paths, and its first steps wait for it to come back up to speed (6.5, 5.7, 5.4 ms, then 4.8).
      for (let i = 0; i < opts.rewarm; i++) await m.runner.step(batches[i % batches.length]);
      let t0 = process.hrtime.bigint();
      for (const b of batches) await m.runner.step(b);
      m.stepTimes.push(Number(process.hrtime.bigint() - t0) / 1e6 / batches.length);
      t0 = process.hrtime.bigint();
      await m.runner.evaluate(chunk.x);
      m.evalTimes.push(Number(process.hrtime.bigint() - t0) / 1e6 / (EVAL_EXAMPLES / 1000));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  const results = measured.map((m) => ({
    name: m.name,
    description: m.description,
    trainStepMs: medianOf(m.stepTimes),
    evalMsPer1000: medianOf(m.evalTimes),
    tensorsBefore: m.tensorsBefore,
    tensorsAfter: 0,
  }));
  await beforeDispose(measured.map((m) => m.runner));
  // Each path's tensors are counted before it was built and after it is disposed, in reverse
  // order of creation, so a leak shows as after > before.
  for (let i = measured.length - 1; i >= 0; i--) {
    measured[i].runner.dispose();
    results[i].tensorsAfter = tf.memory().numTensors;
  }
  tf.dispose([chunk.x, chunk.labels]);
  return { results, peakRssMiB: peak / 2 ** 20 };
}

type PytorchTiming = { version: string; threads: number; trainStepMs: number };
type PytorchReference = PytorchTiming | { skipped: string };

/**
 * The same step in PyTorch (bench/pytorch_reference.py), timed alike, after the paths above (not
 * interleaved: another runtime, another process), when the Python found (`PYTHON`, else python3)
 * has torch. The product does not depend on it; it is the figure users compare with.
 */
function pytorchReference(opts: { warmup: number; reps: number; steps: number }): PytorchReference {
  const python = process.env.PYTHON ?? 'python3';
  const script = path.join(__dirname, '..', '..', 'bench', 'pytorch_reference.py');
  const args = ['--json', '--warmup', String(opts.warmup), '--reps', String(opts.reps), '--steps', String(opts.steps)];
  const run = spawnSync(python, [script, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (run.error) return { skipped: `${python} could not run (${run.error.message})` };
  if (run.status === 3) return { skipped: `${python} has no torch (pip install torch, or PYTHON=<a Python with torch>)` };
  try {
    const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as PytorchTiming;
    if (run.status === 0 && Number.isFinite(out.trainStepMs)) return out;
  } catch {
    // Reported below with what it printed.
  }
  return { skipped: `${path.basename(script)} failed (exit ${run.status}): ${run.stderr.trim().split('\n').pop() ?? ''}` };
}

type TrainingProcessMemory = { peakKiB: number; epochSeconds: number } | { skipped: string };

/**
 * The peak resident memory of a training process as a run has it: the bundled worker (as the
 * extension and the CLI fork it) trains one epoch of the seed's model on all 60,000 training
 * images, evaluates the 10,000 test images and saves, TensorBoard on. Its high-water mark
 * (VmHWM, in kibibytes, as GNU time reports "kbytes") is read from /proc, so Linux only.
 */
async function trainingProcessMemory(): Promise<TrainingProcessMemory> {
  if (process.platform !== 'linux') return { skipped: 'the high-water mark is read from /proc (Linux)' };
  const weightsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-bench-'));
  const config: TrainConfig = { ...defaultConfig('memory', weightsDir), epochs: 1, device: 'cpu' };
  const child = fork(path.join(__dirname, 'worker.js'), [], {
    execArgv: ['--single-threaded-gc'],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  let peakKiB = 0;
  const watch = setInterval(() => {
    const status = fs.existsSync(`/proc/${child.pid}/status`) ? fs.readFileSync(`/proc/${child.pid}/status`, 'utf8') : '';
    peakKiB = Math.max(peakKiB, Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0));
  }, 50);
  try {
    const epochSeconds = await new Promise<number>((resolve, reject) => {
      let seconds = Number.NaN;
      child.on('message', (e: TrainingEvent) => {
        if (e.type === 'epoch') seconds = e.metrics.seconds;
        // The save is the run's last step: its high-water mark is the run's.
        if (e.type === 'done') resolve(seconds);
        if (e.type === 'error') reject(new Error(e.message));
      });
      child.on('exit', (code) => reject(new Error(`the training process exited with code ${code}`)));
      child.send({ type: 'train', config } satisfies WorkerCommand);
    });
    return { peakKiB, epochSeconds };
  } catch (e) {
    return { skipped: (e as Error).message };
  } finally {
    clearInterval(watch);
    child.kill();
    fs.rmSync(weightsDir, { recursive: true, force: true });
  }
}

/** Where a step of the scheduled path goes: the median of 20 steps, and of `runs` op-by-op profiles of its gradient. */
async function profileScheduled(steps: ScheduledSteps, rows: Int32Array, runs = 5) {
  const stepTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = process.hrtime.bigint();
    await steps.step(rows);
    stepTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const profiles = Array.from({ length: runs }, () => steps.profileGradient(rows)).sort((a, b) => a.opByOpMs - b.opByOpMs);
  const { ops, opByOpMs } = profiles[Math.floor(runs / 2)];
  return {
    /** The step as one graph (the gradient and Adam), where the runtime loads it. */
    stepMs: medianOf(stepTimes),
    graph: steps.graphUnavailable === undefined,
    /** The gradient's ops run one by one on one thread, each timed, and the time outside them (reading the gradient, JS). */
    ops,
    opByOpMs,
    otherMs: opByOpMs - ops.reduce((sum, p) => sum + p.ms, 0),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      reps: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      rewarm: { type: 'string' },
      'tfjs-wasm': { type: 'boolean' },
    },
  });
  const opts = {
    reps: Number(values.reps ?? 5),
    steps: Number(values.steps ?? 10),
    warmup: Number(values.warmup ?? 5),
    rewarm: Number(values.rewarm ?? 3),
  };
  if (values['tfjs-wasm']) {
    process.stdout.write(`${JSON.stringify(await measureTfjsWasm(opts))}\n`);
    return;
  }
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // As in a training run on the scheduled path: this process's TensorFlow runs the plan's threads
  // (one each on two cores), for every path alike; the fused path is itself fastest so (README).
  useShardThreads(planShards(BATCH));
  const { tf, info } = loadBackend('cpu');
  const data = await loadDataset({ trainSize: BATCH * opts.steps, testSize: EVAL_EXAMPLES });
  const train = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  let scheduled: (Runner & { steps: ScheduledSteps }) | undefined;
  const plan = planShards(BATCH);
  const paths: Array<[string, string, () => Runner | Promise<Runner>]> = [
    ['layers-lstm', 'tf.layers.lstm + dense, model.trainOnBatch (baseline)', () => layersRunner(tf, train)],
    [
      'stepwise-basicLSTMCell',
      'explicit loop of tf.basicLSTMCell over 28 steps (reference path)',
      () => tapeRunner(tf, 'reference', data.train),
    ],
    [
      'fused-BlockLSTM',
      'the same loop as one native BlockLSTM op, BlockLSTMGrad as its gradient',
      () => tapeRunner(tf, 'fused', data.train),
    ],
    [
      'scheduled-graph',
      `BlockLSTM, a hand-scheduled backward and Adam as one TensorFlow graph whose ${plan.shards} shards of the batch run side by side`,
      () => (scheduled = scheduledRunner(tf, data.train)),
    ],
    [
      'portable-wasm',
      `the portable WebAssembly kernels (SIMD): the batch's ${plan.shards} shards on as many worker threads, Adam in JS`,
      () => portableRunner(tf, data),
    ],
  ];
  if (!values.json) process.stderr.write(`measuring ${paths.map((p) => p[0]).join(', ')} (interleaved)...\n`);
  let profile: Awaited<ReturnType<typeof profileScheduled>> | undefined;
  const { results: raw, peakRssMiB } = await measureInterleaved(tf, paths, train, data.test, opts, async () => {
    if (scheduled)
      profile = await profileScheduled(
        scheduled.steps,
        Int32Array.from({ length: BATCH }, (_, k) => k),
      );
  });
  const knobs: KnobResult[] = [];
  for (const { name, architecture } of KNOB_MODELS) {
    if (!values.json)
      process.stderr.write(`measuring a ${name} on the scheduled, fused and portable paths against tf.layers (interleaved)...\n`);
    const { results: four } = await measureInterleaved(
      tf,
      [
        [`layers-${name}`, `tf.layers with the same layers + dense, model.trainOnBatch`, () => layersRunner(tf, train, architecture)],
        [`scheduled-${name}`, 'the scheduled path (the default on a CPU)', () => scheduledRunner(tf, data.train, architecture)],
        [`fused-${name}`, 'the fused path (on a GPU)', () => tapeRunner(tf, 'fused', data.train, architecture)],
        [`portable-${name}`, 'the portable WebAssembly kernels', () => portableRunner(tf, data, architecture)],
      ],
      train,
      data.test,
      opts,
      async () => {},
    );
    const [layers, scheduledStep, fused, portable] = four.map((r) => r.trainStepMs);
    knobs.push({ model: name, layersStepMs: layers, scheduledStepMs: scheduledStep, fusedStepMs: fused, portableStepMs: portable });
  }
  disposeSplit(train);
  if (!values.json) process.stderr.write('measuring the seed loop on tfjs-backend-wasm (another process)...\n');
  const tfjsWasm = tfjsWasmReference(opts);
  const simdPeak = simdPeakGflops();
  if (!values.json) process.stderr.write('measuring the PyTorch reference...\n');
  const pytorch = pytorchReference(opts);
  if (!values.json) process.stderr.write("measuring a training process's memory (one epoch of all 60,000 images)...\n");
  const trainingProcess = await trainingProcessMemory();
  const base = raw[0];
  const results: PathResult[] = raw.map((r) => ({
    ...r,
    // >1 means faster than the baseline.
    trainStepRatio: base.trainStepMs / r.trainStepMs,
    evalRatio: base.evalMsPer1000 / r.evalMsPer1000,
  }));
  const report = {
    backend: info,
    batchSize: BATCH,
    settings: opts,
    paths: results,
    knobs,
    profile,
    pytorch,
    portable: { tfjsWasm, simdPeakGflopsPerThread: simdPeak, stepGflops: stepFlops(BATCH, modelSpec(28, 28, 128)) / 1e9 },
    memory: { peakRssMiB, tensorsAtEnd: tf.memory().numTensors, bytesAtEnd: tf.memory().numBytes, trainingProcess },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const rows = [['path', 'train step (ms)', 'speed-up', 'eval (ms/1000 examples)', 'speed-up', 'tensors before/after']];
  for (const r of results) {
    rows.push([
      r.name,
      r.trainStepMs.toFixed(1),
      `${r.trainStepRatio.toFixed(2)}x`,
      r.evalMsPer1000.toFixed(1),
      `${r.evalRatio.toFixed(2)}x`,
      `${r.tensorsBefore}/${r.tensorsAfter}`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  console.log([line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n'));
  console.log(
    `\nbatch ${BATCH}, median of ${opts.reps} repetitions of ${opts.steps} steps after ${opts.warmup} warm-up steps (and ${opts.rewarm} untimed ones before each); speed-up relative to ${base.name}; backend ${info.backend} (${info.package}); peak RSS ${peakRssMiB.toFixed(0)} MiB`,
  );
  const fused = results.find((r) => r.name === 'fused-BlockLSTM');
  const sched = results.find((r) => r.name === 'scheduled-graph');
  if (fused && sched) console.log(`scheduled-graph against fused-BlockLSTM: ${(fused.trainStepMs / sched.trainStepMs).toFixed(2)}x`);
  console.log(
    'skipped' in trainingProcess
      ? `a training process's memory: skipped, ${trainingProcess.skipped}`
      : `a training process (one seed epoch of 60,000 images and the 10,000 test images, TensorBoard on): peak RSS ${count(trainingProcess.peakKiB)} kB, the epoch ${trainingProcess.epochSeconds.toFixed(1)} s`,
  );
  const portable = results.find((r) => r.name === 'portable-wasm');
  if (portable) {
    const gflops = stepFlops(BATCH, modelSpec(28, 28, 128)) / 1e9;
    const reached = gflops / (portable.trainStepMs / 1000) / plan.shards;
    console.log(
      `portable-wasm: ${gflops.toFixed(2)} GFLOP a step, ${reached.toFixed(1)} GFLOP/s a thread (${plan.shards} threads) against ` +
        `this machine's WebAssembly SIMD peak of ${simdPeak.toFixed(1)} GFLOP/s a thread (${((100 * reached) / simdPeak).toFixed(0)}%)` +
        (sched ? `; it takes ${(portable.trainStepMs / sched.trainStepMs).toFixed(2)}x scheduled-graph's time` : ''),
    );
    console.log(
      'skipped' in tfjsWasm
        ? `the seed loop on tfjs-backend-wasm: skipped, ${tfjsWasm.skipped}`
        : `the seed loop through tf.* on @tensorflow/tfjs-backend-wasm ${tfjsWasm.version} (SIMD, another process): ` +
            `${tfjsWasm.trainStepMs.toFixed(1)} ms a step; portable-wasm is ${(tfjsWasm.trainStepMs / portable.trainStepMs).toFixed(1)}x faster`,
    );
  }
  for (const k of knobs)
    console.log(
      `${k.model}: tf.layers' step ${k.layersStepMs.toFixed(1)} ms; the scheduled path's ${k.scheduledStepMs.toFixed(1)} ms ` +
        `(${(k.layersStepMs / k.scheduledStepMs).toFixed(2)}x faster), the fused path's ${k.fusedStepMs.toFixed(1)} ms ` +
        `(${(k.layersStepMs / k.fusedStepMs).toFixed(2)}x), the portable kernels' ${k.portableStepMs.toFixed(1)} ms ` +
        `(${(k.layersStepMs / k.portableStepMs).toFixed(2)}x)`,
    );
  if ('skipped' in pytorch) console.log(`PyTorch reference: skipped, ${pytorch.skipped}`);
  else
    console.log(
      `PyTorch ${pytorch.version} reference (bench/pytorch_reference.py, ${pytorch.threads} threads, after the paths above): ` +
        `${pytorch.trainStepMs.toFixed(1)} ms a step` +
        (sched ? `; scheduled-graph takes ${(sched.trainStepMs / pytorch.trainStepMs).toFixed(2)}x its time` : ''),
    );
  if (profile) {
    console.log(
      `\nprofile of the scheduled step: ${profile.stepMs.toFixed(2)} ms (median of 20), ` +
        (profile.graph
          ? `as one graph (the batch's ${plan.shards} shards side by side, then Adam).`
          : 'its ops run one by one (this runtime could not load its graph).'),
    );
    console.log(`Its gradient's ops run one by one on one thread, each timed (median of 5: ${profile.opByOpMs.toFixed(2)} ms):`);
    const opRows = [
      ['op', 'calls', 'ms', 'shard'],
      ...profile.ops.map((p) => [p.op, String(p.calls), p.ms.toFixed(2), `${((100 * p.ms) / profile!.opByOpMs).toFixed(0)}%`]),
      ['(reading the gradient, JS)', '', profile.otherMs.toFixed(2), `${((100 * profile.otherMs) / profile.opByOpMs).toFixed(0)}%`],
    ];
    const w = opRows[0].map((_, c) => Math.max(...opRows.map((row) => row[c].length)));
    console.log(
      opRows.map((row) => `  ${row.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  ')}`).join('\n'),
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

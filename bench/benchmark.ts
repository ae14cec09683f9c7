// `npm run bench`: steady-state time of one training step (forward, backward, Adam; batch 100;
// the seed model) and of evaluation, for each way of running the model, measured in one run on
// one machine and reported as ratios to the tf.layers.lstm baseline. `--json` prints one object.
import { parseArgs } from 'node:util';
import type * as tfn from '@tensorflow/tfjs-node';
import { loadBackend, type Tf } from '../src/training/backend';
import { loadDataset } from '../src/training/dataset';
import { FlatAdam } from '../src/training/flatAdam';
import { disposeParams, initParams, type Kernels, logits, modelSpec, paramList } from '../src/training/model';
import { type Batch, disposeSplit, gatherBatch, sliceBatch, tensorsFromSplit, type SplitTensors } from '../src/training/tensors';
import { trainStep } from '../src/training/trainer';

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

/** Something that trains one batch and evaluates a chunk, returning nothing it leaves behind. */
interface Runner {
  step(batch: Batch): Promise<void> | void;
  evaluate(x: tfn.Tensor3D): void;
  dispose(): void;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function layersRunner(tf: Tf): Runner {
  const model = tf.sequential({
    layers: [tf.layers.lstm({ units: 128, inputShape: [28, 28] }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  // tf.layers wants batch-major input; the transpose is part of what this path costs.
  const batchMajor = (x: tfn.Tensor3D) => tf.transpose(x, [1, 0, 2]);
  return {
    step: async ({ x, labels }) => {
      const xb = batchMajor(x);
      const y = tf.oneHot(labels, 10);
      await model.trainOnBatch(xb, y);
      tf.dispose([xb, y]);
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

function modelRunner(tf: Tf, kernels: Kernels): Runner {
  const spec = modelSpec(28, 28, 128);
  const params = initParams(tf, spec, 42);
  const model = { params, spec, kernels };
  const optimizer = new FlatAdam(tf, paramList(params), 0.01);
  return {
    // Exactly the trainer's step, loss and accuracy read back included.
    step: (batch) => {
      const [loss, hits] = trainStep(tf, model, optimizer, batch);
      loss.dataSync();
      hits.dataSync();
      tf.dispose([loss, hits]);
    },
    evaluate: (x) =>
      tf.tidy(() => {
        tf.argMax(logits(tf, params, x, spec, kernels), 1).dataSync();
      }),
    dispose: () => {
      disposeParams(params);
      optimizer.dispose();
    },
  };
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
 * shared machine slows all of them alike and the ratios stay meaningful.
 */
async function measureInterleaved(
  tf: Tf,
  paths: Array<[string, string, () => Runner]>,
  data: SplitTensors,
  test: SplitTensors,
  opts: { warmup: number; reps: number; steps: number },
): Promise<{ results: Array<Omit<PathResult, 'trainStepRatio' | 'evalRatio'>>; peakRssMiB: number }> {
  const batches = Array.from({ length: opts.steps }, (_, i) => {
    const idx = Int32Array.from({ length: BATCH }, (_, k) => (i * BATCH + k) % data.count);
    return gatherBatch(tf, data, idx);
  });
  const chunk = sliceBatch(tf, test, 0, EVAL_EXAMPLES);
  const measured: Measured[] = [];
  for (const [name, description, make] of paths) {
    const tensorsBefore = tf.memory().numTensors;
    const runner = make();
    for (let i = 0; i < opts.warmup; i++) await runner.step(batches[i % batches.length]);
    runner.evaluate(chunk.x);
    measured.push({ name, description, runner, stepTimes: [], evalTimes: [], tensorsBefore });
  }
  let peak = process.memoryUsage().rss;
  for (let r = 0; r < opts.reps; r++) {
    for (const m of measured) {
      let t0 = process.hrtime.bigint();
      for (const b of batches) await m.runner.step(b);
      m.stepTimes.push(Number(process.hrtime.bigint() - t0) / 1e6 / batches.length);
      t0 = process.hrtime.bigint();
      m.runner.evaluate(chunk.x);
      m.evalTimes.push(Number(process.hrtime.bigint() - t0) / 1e6 / (EVAL_EXAMPLES / 1000));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  const results = measured.map((m) => ({
    name: m.name,
    description: m.description,
    trainStepMs: median(m.stepTimes),
    evalMsPer1000: median(m.evalTimes),
    tensorsBefore: m.tensorsBefore,
    tensorsAfter: 0,
  }));
  // Each path's tensors are counted before it was built and after it is disposed, in reverse
  // order of creation, so a leak shows as after > before.
  for (let i = measured.length - 1; i >= 0; i--) {
    measured[i].runner.dispose();
    results[i].tensorsAfter = tf.memory().numTensors;
  }
  tf.dispose([chunk.x, chunk.labels, ...batches.flatMap((b) => [b.x, b.labels])]);
  return { results, peakRssMiB: peak / 2 ** 20 };
}

async function main() {
  const { values } = parseArgs({
    options: { json: { type: 'boolean' }, reps: { type: 'string' }, steps: { type: 'string' }, warmup: { type: 'string' } },
  });
  const opts = { reps: Number(values.reps ?? 5), steps: Number(values.steps ?? 10), warmup: Number(values.warmup ?? 5) };
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  const { tf, info } = loadBackend('cpu');
  const data = await loadDataset({ trainSize: BATCH * opts.steps, testSize: EVAL_EXAMPLES });
  const train = tensorsFromSplit(tf, data.train, data.rows, data.cols);
  const test = tensorsFromSplit(tf, data.test, data.rows, data.cols);
  const paths: Array<[string, string, () => Runner]> = [
    ['layers-lstm', 'tf.layers.lstm + dense, model.trainOnBatch (baseline)', () => layersRunner(tf)],
    ['stepwise-basicLSTMCell', 'explicit loop of tf.basicLSTMCell over 28 steps (reference path)', () => modelRunner(tf, 'reference')],
    ['fused-BlockLSTM', 'the same loop as one native BlockLSTM op, BlockLSTMGrad as its gradient', () => modelRunner(tf, 'fused')],
  ];
  if (!values.json) process.stderr.write(`measuring ${paths.map((p) => p[0]).join(', ')} (interleaved)...\n`);
  const { results: raw, peakRssMiB } = await measureInterleaved(tf, paths, train, test, opts);
  disposeSplit(train);
  disposeSplit(test);
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
    memory: { peakRssMiB, tensorsAtEnd: tf.memory().numTensors, bytesAtEnd: tf.memory().numBytes },
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
    `\nbatch ${BATCH}, median of ${opts.reps} repetitions of ${opts.steps} steps after ${opts.warmup} warm-up steps; speed-up relative to ${base.name}; backend ${info.backend} (${info.package}); peak RSS ${peakRssMiB.toFixed(0)} MiB`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

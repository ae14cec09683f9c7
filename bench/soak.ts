// `npm run soak`: a long run, watched the way the extension watches it. The training process (the
// extension's own worker, started by its WorkerClient) trains many epochs on a subset with
// TensorBoard logging on and reports its memory after each epoch (MEMORY_REPORT_ENV); this
// process plays the extension host and the panel: every event goes into the host's SessionLog
// and, as the panel's message, into the panel's state (webview-ui/src/panelState.ts, the
// panel's own code without its DOM), saved as the panel saves it. Sampled after each epoch:
// the training process's RSS, heap and tensors; this process's heap after a collection; the
// log's and the panel's sizes; the longest time the panel took over a message in that epoch. (The
// memory line comes on the process's output and the events over IPC, in no fixed order between
// them: a sample's log and panel figures may already include a batch or two of the next epoch.)
//
// `npm run soak` trains 100 epochs of 6,000 images (6,000 batch reports) and prints the samples
// at epochs 1, 10, 50 and 100 and how far each measure rose after epoch 10; `--epochs`, `--train-size`,
// `--test-size`, `--units`, `--batch-size` change it, `--json` prints every sample. test/training/soak.test.ts
// runs a short one in CI.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startWorker } from '../src/client/workerClient';
import { SessionLog } from '../src/extension/sessionLog';
import { collectGarbage } from '../src/training/loop/memorySample';
import { LOG_FOLDER } from '../src/training/loop/tensorBoardLog';
import { MEMORY_REPORT_ENV, type MemoryReport, parseMemoryLine } from '../src/protocol/memoryReport';
import { encodeNonFinite } from '../src/protocol/nonFinite';
import type { TrainConfig, TrainingEvent } from '../src/protocol/training';
import type { HostToWebview, PanelJob } from '../src/protocol/webview';
import { applyMessage, initialState, savesAtOnce } from '../webview-ui/src/panelState';

export interface SoakOptions {
  epochs: number;
  trainSize: number;
  testSize: number;
  units: number;
  batchSize: number;
}

export interface SoakSample {
  epoch: number;
  worker: MemoryReport;
  /** This process's heap in use after a full collection (the host's and the panel's state live here), bytes. */
  hostHeap: number;
  /** Entries the host's session log keeps (what a reloaded panel is sent). */
  logEntries: number;
  /** Batch points the panel's chart holds. */
  panelPoints: number;
  /** Bytes of the panel's state as it saves it (setState). */
  panelStateBytes: number;
  /** The longest the panel took over one message of this epoch (applying it, and saving the state where it does), ms. */
  slowestMessageMs: number;
}

export interface SoakResult {
  samples: SoakSample[];
  batchReports: number;
  /** Bytes of the TensorBoard log folder the run wrote. */
  tensorBoardBytes: number;
  outcome: string;
}

const WORKER = path.resolve(__dirname, '..', 'src', 'training', 'worker.js');

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-soak-'));
  const config: TrainConfig = {
    units: options.units,
    batchSize: options.batchSize,
    epochs: options.epochs,
    learningRate: 0.01,
    seed: 42,
    trainSize: options.trainSize,
    testSize: options.testSize,
    weightsDir: dir,
    runName: 'soak',
    device: 'cpu',
    kernels: 'auto',
    tensorBoard: true,
  };
  const job: PanelJob = { id: 'soak', kind: 'train', label: config.runName, startedAt: Date.now() };
  const log = new SessionLog();
  log.begin(job);
  let state = applyMessage(initialState(), { type: 'running', job });
  let slowest = 0;
  let batchReports = 0;
  const samples: SoakSample[] = [];
  const panelReceives = (event: TrainingEvent): void => {
    // What the webview receives: the host's message as JSON, its non-finite numbers encoded.
    const message = JSON.parse(JSON.stringify(encodeNonFinite({ type: 'event', entry: { job, event } }))) as HostToWebview;
    const start = process.hrtime.bigint();
    state = applyMessage(state, message);
    if (savesAtOnce(message)) JSON.stringify(encodeNonFinite(state));
    slowest = Math.max(slowest, Number(process.hrtime.bigint() - start) / 1e6);
  };
  try {
    const worker = startWorker(
      { type: 'train', config },
      {
        workerPath: WORKER,
        cwd: dir,
        env: { [MEMORY_REPORT_ENV]: '1' },
        onEvent: (event) => {
          if (event.type === 'batch') batchReports++;
          log.add({ job, event });
          panelReceives(event);
        },
        onLog: (line) => {
          const report = parseMemoryLine(line);
          if (!report) return;
          collectGarbage();
          samples.push({
            epoch: report.epoch,
            worker: report,
            hostHeap: process.memoryUsage().heapUsed,
            logEntries: log.entries().length,
            panelPoints: state.training?.batches.x.length ?? 0,
            panelStateBytes: JSON.stringify(encodeNonFinite(state)).length,
            slowestMessageMs: slowest,
          });
          slowest = 0;
        },
      },
    );
    const final = await worker.finished;
    return {
      samples,
      batchReports,
      tensorBoardBytes: folderBytes(path.join(dir, config.runName, LOG_FOLDER)),
      outcome: final.type === 'error' ? `error: ${final.message}` : final.type,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + fs.statSync(path.join(d.parentPath, d.name)).size, 0);
}

/** How far a measure rose: by how much (bytes, or tensors) and as a fraction of its highest before. */
export interface Rise {
  by: number;
  fraction: number;
}

export type Measure = 'rss' | 'workerHeap' | 'tensors' | 'hostHeap';

const MEASURES: Record<Measure, (s: SoakSample) => number> = {
  rss: (s) => s.worker.rss,
  workerHeap: (s) => s.worker.heapUsed,
  tensors: (s) => s.worker.tensors,
  hostHeap: (s) => s.hostHeap,
};

/**
 * How far each measure rose after epoch `from` above the highest it had reached by then (0 when it
 * did not): a bounded history that fills and thins again does not count, a leak does.
 */
export function growthAfter(samples: SoakSample[], from: number): Record<Measure, Rise> {
  const before = samples.filter((s) => s.epoch <= from);
  const later = samples.filter((s) => s.epoch > from);
  if (before.length === 0 || later.length === 0) throw new Error(`no samples on both sides of epoch ${from}`);
  const rise = (of: (s: SoakSample) => number): Rise => {
    const highest = Math.max(...before.map(of));
    const by = Math.max(0, Math.max(...later.map(of)) - highest);
    return { by, fraction: by / highest };
  };
  return Object.fromEntries(Object.entries(MEASURES).map(([measure, of]) => [measure, rise(of)])) as Record<Measure, Rise>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '100' },
      'train-size': { type: 'string', default: '6000' },
      'test-size': { type: 'string', default: '1000' },
      units: { type: 'string', default: '128' },
      'batch-size': { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    },
  });
  const options = {
    epochs: Number(values.epochs),
    trainSize: Number(values['train-size']),
    testSize: Number(values['test-size']),
    units: Number(values.units),
    batchSize: Number(values['batch-size']),
  };
  const result = await soak(options);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ options, ...result })}\n`);
    return;
  }
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  process.stdout.write(
    `${options.epochs} epochs of ${options.trainSize} images (${result.batchReports} batch reports), ${options.units} units, TensorBoard on: ${result.outcome}\n` +
      'epoch | training RSS MB | training heap MB | tensors | host heap MB | log entries | panel points | panel state KB | slowest message ms\n',
  );
  const settled = Math.max(2, Math.round(options.epochs / 10));
  const shown = new Set([1, settled, Math.round(options.epochs / 2), options.epochs]);
  for (const s of result.samples.filter((s) => shown.has(s.epoch)))
    process.stdout.write(
      `${s.epoch} | ${mb(s.worker.rss)} | ${mb(s.worker.heapUsed)} | ${s.worker.tensors} | ${mb(s.hostHeap)} | ${s.logEntries} | ${s.panelPoints} | ` +
        `${(s.panelStateBytes / 1024).toFixed(0)} | ${s.slowestMessageMs.toFixed(2)}\n`,
    );
  const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
  // The host's history fills up to its bound first (MAX_BATCH_POINTS batches): after the middle it is only thinned and filled again.
  for (const from of new Set([settled, Math.round(options.epochs / 2)])) {
    const g = growthAfter(result.samples, from);
    process.stdout.write(
      `rose after epoch ${from} above its highest before: training RSS ${pct(g.rss.fraction)}, training heap ${pct(g.workerHeap.fraction)}, ` +
        `tensors ${pct(g.tensors.fraction)}, host heap ${pct(g.hostHeap.fraction)}\n`,
    );
  }
  process.stdout.write(`TensorBoard log: ${(result.tensorBoardBytes / 1024).toFixed(0)} KB\n`);
}

if (require.main === module) void main();

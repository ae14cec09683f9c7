import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { TrainConfig, TrainingEvent } from '../../src/protocol/training';
import { WorkerOptions, startWorker } from '../../src/client/workerClient';

const FAKE_WORKER = path.resolve(__dirname, '../../../test/fixtures/fake-worker.js');

function config(runName: string): TrainConfig {
  return { units: 2, batchSize: 10, epochs: 1, learningRate: 0.01, seed: 1, weightsDir: 'weights', runName, device: 'cpu' };
}

function harness(graceMs = 10_000): { events: TrainingEvent[]; logs: string[]; options: WorkerOptions } {
  const events: TrainingEvent[] = [];
  const logs: string[] = [];
  return {
    events,
    logs,
    options: {
      workerPath: FAKE_WORKER,
      cwd: os.tmpdir(),
      graceMs,
      onEvent: (e) => events.push(e),
      onLog: (l, s) => logs.push(`${s}: ${l}`),
    },
  };
}

/** Every test waits on a child process: one that hangs fails here instead of hanging the suite. */
const TIMEOUT_MS = 15_000;

describe('worker client', () => {
  it("streams a job's events and ends with its final one", { timeout: TIMEOUT_MS }, async () => {
    const h = harness();
    const final = await startWorker({ type: 'train', config: config('ok') }, h.options).finished;
    assert.equal(final.type, 'done');
    assert.deepEqual(
      h.events.map((e) => e.type),
      ['started', 'batch', 'done'],
    );
    assert.ok(h.logs.includes('stdout: loading'));
    assert.ok(
      h.logs.some((l) => l.startsWith('client: Ignored an invalid message')),
      'an invalid message is logged, not passed on',
    );
  });

  it("passes on the worker's own error", { timeout: TIMEOUT_MS }, async () => {
    const h = harness();
    const final = await startWorker({ type: 'evaluate', request: { checkpoint: '/bad', device: 'cpu' } }, h.options).finished;
    assert.deepEqual(final, { type: 'error', message: '/bad: missing weights.bin' });
  });

  it(
    'turns an exit without a final event into an error with the exit code and the last stderr lines',
    { timeout: TIMEOUT_MS },
    async () => {
      const h = harness();
      h.options.cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-crash-'));
      const weights = path.join(h.options.cwd, 'weights');
      fs.mkdirSync(weights);
      // A live process's reservation (this one's) is not a leftover.
      fs.writeFileSync(path.join(weights, '.reserved-other'), String(process.pid));
      const final = await startWorker({ type: 'train', config: config('crash') }, h.options).finished;
      assert.deepEqual(fs.readdirSync(weights), ['.reserved-other'], "the dead run's reservation and staging folder are gone");
      fs.rmSync(h.options.cwd, { recursive: true });
      assert.ok(final.type === 'error', JSON.stringify(final));
      assert.match(final.message, /exited with code 3/);
      assert.match(final.message, /about to fail\nSegmentation fault \(pretend\)/);
      assert.equal(h.events.at(-1), final, 'the made-up error is also reported as the last event');
    },
  );

  it('passes a non-finite number on as it is (IPC by structured clone: JSON would make NaN null)', { timeout: TIMEOUT_MS }, async () => {
    const h = harness();
    const final = await startWorker({ type: 'evaluate', request: { checkpoint: '/overflowing', device: 'cpu' } }, h.options).finished;
    assert.ok(final.type === 'evaluation', JSON.stringify(final));
    assert.ok(Number.isNaN(final.result.loss), String(final.result.loss));
  });

  it("removes a dead export's half-written folder", { timeout: TIMEOUT_MS }, async () => {
    const h = harness();
    h.options.cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-export-'));
    const final = await startWorker({ type: 'export', request: { checkpoint: '/c', outDir: 'exports/model', device: 'cpu' } }, h.options)
      .finished;
    assert.ok(final.type === 'error' && /exited with code 9/.test(final.message), JSON.stringify(final));
    assert.deepEqual(fs.readdirSync(path.join(h.options.cwd, 'exports')), []);
    fs.rmSync(h.options.cwd, { recursive: true });
  });

  it('cancels a worker that obeys: it stops by itself, long before the grace period', { timeout: TIMEOUT_MS }, async () => {
    // A grace period longer than the test's timeout: only the worker's own exit can end this job in time.
    const h = harness(60_000);
    const job = startWorker({ type: 'train', config: config('cancellable') }, h.options);
    await waitFor(() => h.events.length > 0);
    job.cancel();
    assert.deepEqual(await job.finished, { type: 'cancelled' });
    assert.deepEqual(
      h.events.map((e) => e.type),
      ['started', 'cancelled'],
      "the worker's own cancelled event",
    );
    assert.ok(!h.logs.some((l) => /killing the training process/.test(l)), 'it was not killed');
  });

  it('kills a worker that ignores cancel after the grace period, and reports it cancelled', { timeout: TIMEOUT_MS }, async () => {
    const h = harness(200);
    const job = startWorker({ type: 'train', config: config('stubborn') }, h.options);
    await waitFor(() => h.events.length > 0);
    job.cancel();
    assert.deepEqual(await job.finished, { type: 'cancelled' });
    assert.deepEqual(
      h.events.map((e) => e.type),
      ['started', 'cancelled'],
      'the client made up the cancelled event',
    );
    assert.ok(h.logs.some((l) => /did not stop within 0\.2 s of being cancelled; killing the training process/.test(l)));
  });

  it('kills a worker that lingers after its final event, keeping that event', { timeout: TIMEOUT_MS }, async () => {
    const h = harness(200);
    const final = await startWorker({ type: 'train', config: config('lingers') }, h.options).finished;
    assert.equal(final.type, 'done');
    assert.ok(h.logs.some((l) => /did not exit after its last event; killing/.test(l)));
  });

  it('reports a missing worker file as an error', { timeout: TIMEOUT_MS }, async () => {
    const h = harness();
    h.options.workerPath = path.join(os.tmpdir(), 'no-such-worker.js');
    const final = await startWorker({ type: 'train', config: config('ok') }, h.options).finished;
    assert.ok(final.type === 'error' && /missing/.test(final.message));
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

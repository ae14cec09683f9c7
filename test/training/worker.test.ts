// The forked worker's IPC contract, as the extension host uses it: one command in, events out,
// the right exit code, and a cancel that stops it without a checkpoint.
import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { numberRule } from '../../src/protocol/runOptions';
import { isTrainingEvent, type TrainingEvent, type WorkerCommand } from '../../src/protocol/training';
import { quickConfig, tempDir } from './helpers';

const WORKER = path.resolve(__dirname, '../../src/training/worker.js');

function runWorker(command: WorkerCommand, onEvent?: (e: TrainingEvent, send: (c: WorkerCommand) => void) => void) {
  return new Promise<{ events: TrainingEvent[]; code: number | null }>((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const events: TrainingEvent[] = [];
    child.on('message', (m) => {
      assert.ok(isTrainingEvent(m), `not an event: ${JSON.stringify(m)}`);
      events.push(m);
      onEvent?.(m, (c) => child.send(c));
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ events, code }));
    child.send(command);
  });
}

describe('worker process', () => {
  const dir = tempDir('worker');
  let trained: Awaited<ReturnType<typeof runWorker>>;
  before(async () => {
    trained = await runWorker({ type: 'train', config: quickConfig(dir, { runName: 'w1' }) });
  });

  it('trains and ends with done, exit code 0', () => {
    const { events, code } = trained;
    assert.equal(code, 0);
    assert.deepEqual([events[0].type, events.at(-1)?.type], ['started', 'done']);
    assert.ok(fs.existsSync(path.join(dir, 'w1', 'checkpoint.json')));
  });

  it('cancel stops it: cancelled, exit code 0, no checkpoint', async () => {
    // As many epochs as a run may have: it cannot end before the cancel arrives, however fast the machine.
    const config = quickConfig(dir, { runName: 'w2', epochs: numberRule('epochs').max });
    const { events, code } = await runWorker({ type: 'train', config }, (e, send) => {
      if (e.type === 'batch' && e.batch === 2) send({ type: 'cancel' });
    });
    assert.equal(code, 0);
    assert.equal(events.at(-1)?.type, 'cancelled');
    assert.ok(!fs.existsSync(path.join(dir, 'w2')));
  });

  it('a corrupt checkpoint gives an error event and exit code 1', async () => {
    const bad = path.join(dir, 'corrupt');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'checkpoint.json'), 'not json');
    const { events, code } = await runWorker({ type: 'evaluate', request: { checkpoint: bad, device: 'cpu' } });
    assert.equal(code, 1);
    const last = events.at(-1);
    assert.ok(last?.type === 'error' && /checkpoint\.json is not valid JSON/.test(last.message));
  });

  it('evaluates a checkpoint', async () => {
    const { events, code } = await runWorker({
      type: 'evaluate',
      request: { checkpoint: path.join(dir, 'w1'), device: 'cpu', testSize: 300 },
    });
    assert.equal(code, 0);
    const last = events.at(-1);
    assert.ok(last?.type === 'evaluation' && last.result.count === 300 && last.result.confusion.length === 10);
  });
});

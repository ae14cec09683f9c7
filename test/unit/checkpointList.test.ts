import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointMeta } from '../../src/protocol/checkpointFormat';
import { listCheckpoints, ListingCache } from '../../src/extension/checkpointList';
import { watchFileAccess } from '../support/fileAccess';

function meta(name: string, createdAt: string, accuracy: number): CheckpointMeta {
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    name,
    createdAt,
    hyperparameters: { batchSize: 100, epochs: 1, learningRate: 0.01, seed: 42 },
    model: { timesteps: 28, inputSize: 28, units: 2, classes: 10, forgetBias: 1 },
    weights: [
      { name: 'kernel', shape: [30, 8] },
      { name: 'bias', shape: [8] },
    ],
    epochs: [{ epoch: 1, loss: 0.3, accuracy: 0.9, valLoss: 0.2, valAccuracy: 0.95, seconds: 3 }],
    test: { loss: 0.2, accuracy },
    device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true },
    dataset: { name: 'MNIST', source: 'test', trainCount: 100, testCount: 10 },
    seconds: 3,
  };
}

/** Bytes of the float32 weights listed by meta(). */
const WEIGHT_BYTES = 4 * (30 * 8 + 8);

function write(dir: string, files: Record<string, string | Buffer>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), content);
}

describe('checkpoint list', () => {
  let weights: string;
  before(() => {
    weights = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-ckpt-'));
    const ok = (name: string, at: string, acc: number): void =>
      write(path.join(weights, name), {
        'checkpoint.json': JSON.stringify(meta(name, at, acc)),
        'weights.bin': Buffer.alloc(WEIGHT_BYTES),
      });
    ok('older', '2025-01-01T10:00:00.000Z', 0.9);
    ok('newer', '2025-02-01T10:00:00.000Z', 0.97);
    write(path.join(weights, 'bad-json'), { 'checkpoint.json': '{ nope', 'weights.bin': Buffer.alloc(4) });
    write(path.join(weights, 'no-weights'), { 'checkpoint.json': JSON.stringify(meta('no-weights', '2025-03-01T00:00:00Z', 0.5)) });
    write(path.join(weights, 'short-weights'), {
      'checkpoint.json': JSON.stringify(meta('short-weights', '2025-03-01T00:00:00Z', 0.5)),
      'weights.bin': Buffer.alloc(8),
    });
    write(path.join(weights, 'empty'), {});
    write(path.join(weights, 'future-schedule'), {
      'checkpoint.json': JSON.stringify({
        ...meta('future-schedule', '2025-03-01T00:00:00Z', 0.5),
        hyperparameters: { batchSize: 100, epochs: 1, learningRate: 0.01, seed: 42, lrSchedule: 'sawtooth' },
      }),
      'weights.bin': Buffer.alloc(WEIGHT_BYTES),
    });
    write(path.join(weights, '.tmp-123-run'), { 'checkpoint.json': '{}' });
    fs.writeFileSync(path.join(weights, 'notes.txt'), 'not a folder');
  });
  after(() => fs.rmSync(weights, { recursive: true, force: true }));

  it('lists valid checkpoints newest first, then invalid folders with their reasons, skipping dot-folders and files', async () => {
    const entries = await listCheckpoints(weights);
    assert.deepEqual(
      entries.map((e) => [e.name, e.valid]),
      [
        ['newer', true],
        ['older', true],
        ['bad-json', false],
        ['empty', false],
        ['future-schedule', false],
        ['no-weights', false],
        ['short-weights', false],
      ],
    );
    const problems = Object.fromEntries(entries.map((e) => [e.name, e.valid ? '' : e.problem]));
    assert.match(problems['bad-json'], /not valid JSON/);
    assert.match(problems.empty, /missing checkpoint\.json/);
    assert.match(problems['future-schedule'], /unknown learning-rate schedule "sawtooth"/);
    assert.match(problems['no-weights'], /missing weights\.bin/);
    assert.match(problems['short-weights'], new RegExp(`8 bytes, the weights need ${WEIGHT_BYTES}`));
    const newer = entries[0];
    assert.ok(newer.valid && newer.meta.test.accuracy === 0.97);
    assert.equal(newer.path, path.join(weights, 'newer'));
  });

  it("lists a sweep's runs under its name, not its folder, and only a folder with a sweep's record as a sweep", async () => {
    const sweeps = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-sweep-'));
    write(path.join(sweeps, 'grid'), { 'sweep.json': '{}' });
    write(path.join(sweeps, 'grid', '1-units8-seed42'), {
      'checkpoint.json': JSON.stringify(meta('1-units8-seed42', '2025-04-01T00:00:00Z', 0.8)),
      'weights.bin': Buffer.alloc(WEIGHT_BYTES),
    });
    write(path.join(sweeps, 'grid', '2-units16-seed42'), {});
    write(path.join(sweeps, 'grid', '.tmp-1-run'), {});
    write(path.join(sweeps, 'plain'), {
      'checkpoint.json': JSON.stringify(meta('plain', '2025-05-01T00:00:00Z', 0.9)),
      'weights.bin': Buffer.alloc(WEIGHT_BYTES),
    });
    const entries = await listCheckpoints(sweeps);
    assert.deepEqual(
      entries.map((e) => [e.name, e.valid, e.sweep]),
      [
        ['plain', true, undefined],
        ['grid/1-units8-seed42', true, 'grid'],
        ['grid/2-units16-seed42', false, 'grid'],
      ],
    );
    assert.equal(entries[1].path, path.join(sweeps, 'grid', '1-units8-seed42'));
  });

  it('reads no link that leads out of the weights folder: a linked checkpoint outside is shown as such, a linked file refused; a link inside is read', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-links-'));
    try {
      const folder = path.join(root, 'weights');
      const elsewhere = path.join(root, 'elsewhere');
      const files = (name: string) => ({
        'checkpoint.json': JSON.stringify(meta(name, '2025-01-01T10:00:00.000Z', 0.9)),
        'weights.bin': Buffer.alloc(WEIGHT_BYTES),
      });
      write(elsewhere, files('elsewhere'));
      write(path.join(folder, 'real'), files('real'));
      fs.symlinkSync(elsewhere, path.join(folder, 'outside'));
      fs.symlinkSync(path.join(folder, 'real'), path.join(folder, 'inside'));
      write(path.join(folder, 'linked-weights'), {
        'checkpoint.json': JSON.stringify(meta('linked-weights', '2025-01-01T10:00:00.000Z', 0.9)),
      });
      fs.symlinkSync(path.join(elsewhere, 'weights.bin'), path.join(folder, 'linked-weights', 'weights.bin'));
      write(path.join(folder, 'linked-meta'), { 'weights.bin': Buffer.alloc(WEIGHT_BYTES) });
      fs.symlinkSync(path.join(elsewhere, 'checkpoint.json'), path.join(folder, 'linked-meta', 'checkpoint.json'));
      const byName = new Map((await listCheckpoints(folder)).map((e) => [e.name, e]));
      assert.deepEqual([...byName.keys()].sort(), ['inside', 'linked-meta', 'linked-weights', 'outside', 'real']);
      assert.ok(byName.get('real')?.valid && byName.get('inside')?.valid, 'a link that stays inside the weights folder is read');
      const problem = (name: string): string => {
        const e = byName.get(name)!;
        assert.ok(!e.valid);
        return e.problem;
      };
      assert.equal(problem('outside'), `a link to ${fs.realpathSync(elsewhere)}, outside the weights folder: not read`);
      assert.equal(problem('linked-weights'), 'weights.bin is a link, which may lead to any file: not read');
      assert.equal(problem('linked-meta'), 'checkpoint.json is a link, which may lead to any file: not read');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('is empty when the weights folder does not exist', async () => {
    assert.deepEqual(await listCheckpoints(path.join(weights, 'missing')), []);
  });

  it('with a cache, a listing after a change reads only the checkpoints whose files changed, and sees every change', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-cache-'));
    const checkpoint = (name: string, accuracy: number) => ({
      'checkpoint.json': JSON.stringify(meta(name, '2025-01-01T10:00:00.000Z', accuracy)),
      'weights.bin': Buffer.alloc(WEIGHT_BYTES),
    });
    for (const name of ['a', 'b', 'c']) write(path.join(folder, name), checkpoint(name, 0.5));
    const cache = new ListingCache();
    const access = watchFileAccess(folder, path.resolve(__dirname, '..', '..', 'src'));
    const listing = async () => {
      access.reads.length = 0;
      const entries = await listCheckpoints(folder, cache);
      return { read: [...access.reads].sort(), shown: entries.map((e) => [e.name, e.valid && e.meta.test.accuracy]) };
    };
    try {
      assert.deepEqual((await listing()).read, ['a/checkpoint.json', 'b/checkpoint.json', 'c/checkpoint.json']);
      assert.deepEqual((await listing()).read, [], 'nothing changed: nothing read');
      write(path.join(folder, 'b'), checkpoint('b', 0.75));
      fs.rmSync(path.join(folder, 'c'), { recursive: true });
      write(path.join(folder, 'd'), checkpoint('d', 0.25));
      const after = await listing();
      assert.deepEqual(after.read, ['b/checkpoint.json', 'd/checkpoint.json'], 'the rewritten and the new one only');
      assert.deepEqual(after.shown, [
        ['a', 0.5],
        ['b', 0.75],
        ['d', 0.25],
      ]);
      fs.truncateSync(path.join(folder, 'a', 'weights.bin'), 8);
      const cut = await listing();
      assert.deepEqual(cut.read, ['a/checkpoint.json'], 'a weights file cut short is seen');
      assert.deepEqual(cut.shown.at(-1), ['a', false]);
    } finally {
      access.restore();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

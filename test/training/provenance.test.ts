// A checkpoint's record of how its run can be made again: the extension's and TensorFlow's
// versions, where the run was started, and the git state of the repository holding the weights
// folder (its commit; dirty when a tracked file differs, not for the new checkpoints); none outside
// a repository. The portable backend records no TensorFlow version: none computed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import extensionPackage from '../../package.json';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import type { TrainConfig } from '../../src/protocol/training';
import { runTraining } from '../../src/training/jobs';
import { quickConfig, recorder, tempDir } from './helpers';

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe("a checkpoint's provenance", () => {
  const dir = tempDir('provenance');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function train(weightsDir: string, overrides: Partial<TrainConfig>) {
    const rec = recorder();
    const config = quickConfig(weightsDir, { trainSize: 200, testSize: 50, units: 8, ...overrides });
    assert.equal(await runTraining(config, rec), 'done', JSON.stringify(rec.events.filter((e) => e.type === 'error')));
    return (await readCheckpointMeta(path.join(weightsDir, config.runName))).provenance;
  }

  it('records the versions, the command line and the commit; a changed tracked file makes it dirty, new checkpoints do not', async () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q');
    fs.writeFileSync(path.join(repo, 'notes.md'), 'one\n');
    git(repo, 'add', 'notes.md');
    git(repo, 'commit', '-q', '-m', 'first');
    const commit = git(repo, 'rev-parse', 'HEAD');
    const weights = path.join(repo, 'weights');
    const args = ['train', '--epochs', '1'];
    const clean = await train(weights, { runName: 'clean', origin: { from: 'cli', args } });
    assert.deepEqual(clean, {
      extension: extensionPackage.version,
      tfjs: '4.22.0',
      tensorflow: clean?.tensorflow,
      origin: { from: 'cli', args },
      git: { commit, dirty: false },
    });
    assert.match(clean?.tensorflow ?? '', /^\d+\.\d+\.\d+/);
    fs.appendFileSync(path.join(repo, 'notes.md'), 'two\n');
    const dirty = await train(weights, { runName: 'dirty', origin: { from: 'vscode' } });
    assert.deepEqual(dirty?.git, { commit, dirty: true });
    assert.deepEqual(dirty?.origin, { from: 'vscode' });
  });

  it('outside a repository records no git state; on the portable kernels, no TensorFlow version', async () => {
    const record = await train(path.join(dir, 'plain'), { runName: 'portable', backend: 'portable' });
    assert.equal(record?.git, undefined);
    assert.equal(record?.tensorflow, undefined);
    assert.equal(record?.origin, undefined, 'a sender that did not say where it started the run');
    assert.equal(record?.tfjs, '4.22.0');
  });
});

// The command line as a person uses it, with the real training process: no TensorFlow banner
// unless --verbose; in a 60-column terminal (a real pseudo-terminal, by `script`) the progress
// is one line redrawn in place; an evaluation says how many test images it used and by default
// uses the checkpoint's own; Ctrl-C in the terminal cancels after the batch and writes nothing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isNativeLogNoise } from '../../src/client/nativeLog';
import { numberRule } from '../../src/protocol/runOptions';
import { CLI, startCli } from './cliProcess';
import { tempDir } from './helpers';

const QUICK = ['--train-size', '1000', '--test-size', '200', '--epochs', '1', '--units', '32'];

/** What `script` recorded of a command run in a pseudo-terminal `columns` wide. */
function inTerminal(columns: number, args: string[]): { status: number | null; text: string } {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qfec', `stty cols ${columns} rows 24; ${quoted}`, '/dev/null'], { encoding: 'utf8' });
  // The terminal turns each \n into \r\n.
  return { status: r.status, text: r.stdout.replace(/\r\n/g, '\n') };
}

const bannerLines = (text: string): string[] => text.split(/[\r\n]/).filter(isNativeLogNoise);

describe('the command line', () => {
  const dir = tempDir('cli');
  /** A quick run the tests below continue and evaluate, trained here so that each stands on its own. */
  const checkpoint = path.join(dir, 'quick');
  before(() => {
    const r = spawnSync(process.execPath, [CLI, 'train', ...QUICK, '--weights-dir', dir, '--run-name', 'quick'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints no TensorFlow banner, only what went wrong; --verbose shows TensorFlow's lines", () => {
    const missing = path.join(dir, 'no-such-run');
    const quiet = spawnSync(process.execPath, [CLI, 'evaluate', missing], { encoding: 'utf8' });
    assert.equal(quiet.status, 1);
    assert.equal(quiet.stdout, '');
    assert.equal(quiet.stderr, `error: ${missing}: no such checkpoint folder\n`);
    const verbose = spawnSync(process.execPath, [CLI, 'evaluate', missing, '--verbose'], { encoding: 'utf8' });
    assert.equal(verbose.status, 1);
    assert.ok(bannerLines(verbose.stderr).length > 0, `TensorFlow's log lines with --verbose:\n${verbose.stderr}`);
  });

  it('in a 60-column terminal the progress is one line redrawn in place, and the report reads like the panel', () => {
    const run = inTerminal(60, ['train', ...QUICK, '--weights-dir', dir, '--run-name', 'in-terminal']);
    assert.equal(run.status, 0, run.text);
    assert.deepEqual(bannerLines(run.text), []);
    const lines = run.text.split('\n');
    const progress = lines.filter((l) => l.includes('\r'));
    assert.equal(progress.length, 1, `one line of progress:\n${run.text}`);
    for (const drawn of progress[0].split('\r').filter(Boolean)) {
      assert.ok(drawn.replace('\x1b[K', '').length <= 59, `fits in 59 columns: ${JSON.stringify(drawn)}`);
    }
    assert.match(run.text, /, 1 epoch,/);
    assert.match(run.text, /test accuracy \d+\.\d\d%/);
    assert.ok(fs.existsSync(path.join(dir, 'in-terminal', 'checkpoint.json')));
  });

  it('continues a run with --resume and exports it as a TensorFlow.js model', () => {
    const more = spawnSync(
      process.execPath,
      [CLI, 'train', '--resume', checkpoint, '--epochs', '1', '--weights-dir', dir, '--run-name', 'more'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(more.status, 0, more.stderr);
    assert.match(more.stdout, new RegExp(`^Continuing ${checkpoint.replace(/[/\\.]/g, '\\$&')} after epoch 1\n`));
    assert.match(more.stdout, /, 2 epochs,/);
    assert.match(more.stdout, /epoch 2\/2: /);
    const out = path.join(dir, 'exported-more');
    const exported = spawnSync(process.execPath, [CLI, 'export', path.join(dir, 'more'), '--out', out], { encoding: 'utf8' });
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /^Exported a TensorFlow\.js Layers model to .*exported-more \(model\.json, weights\.bin\)/);
    assert.deepEqual(fs.readdirSync(out).sort(), ['model.json', 'weights.bin']);
    const again = spawnSync(process.execPath, [CLI, 'export', path.join(dir, 'more'), '--out', out], { encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists: export into a new folder/);
  });

  it("evaluates on the checkpoint's own test images unless told, and says how many", () => {
    const own = spawnSync(process.execPath, [CLI, 'evaluate', checkpoint], { encoding: 'utf8' });
    assert.equal(own.status, 0, own.stderr);
    assert.match(own.stdout, /on 200 test images, as many as its run was tested on \(--test-size 0 for all\)/);
    assert.equal(own.stderr, '');
    const all = spawnSync(process.execPath, [CLI, 'evaluate', checkpoint, '--test-size', '0'], { encoding: 'utf8' });
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /on 10,000 test images \(its run was tested on 200\)/);
  });

  it('Ctrl-C in the terminal cancels after the batch, exit code 130, and writes nothing', async () => {
    const weights = path.join(dir, 'cancelled');
    // As many epochs as a run may have: it cannot end before the signal, however fast the machine.
    const epochs = String(numberRule('epochs').max);
    const cli = startCli(['train', ...QUICK, '--epochs', epochs, '--weights-dir', weights, '--json']);
    await cli.until((out) => out.includes('"type":"batch"'));
    cli.interrupt();
    assert.equal(await cli.status, 130, cli.errors());
    const out = cli.output();
    const err = cli.errors();
    const types = out
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { type: string }).type);
    assert.equal(types.at(-1), 'cancelled');
    assert.match(err, /cancelling after this batch/);
    assert.deepEqual(fs.existsSync(weights) ? fs.readdirSync(weights) : [], [], 'nothing written');
  });
});

// The command line's text: the epoch table says which columns are measured on the test set and
// marks (and explains) the best epoch; accuracies read as in the panel; the progress line fits
// the terminal and is redrawn in place; warnings (chance level), a diverged run and errors go to
// stderr.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { EpochMetrics } from '../../src/protocol/training';
import { progressLine } from '../../src/cli/progressLine';
import { epochTable, TextReporter, testImagesText } from '../../src/cli/report';

function sink(terminal?: { columns: number }): { text: string; isTTY: boolean; columns?: number; write(chunk: string): boolean } {
  const s = {
    text: '',
    isTTY: terminal !== undefined,
    columns: terminal?.columns,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

const epoch = (n: number, valAccuracy: number): EpochMetrics => ({
  epoch: n,
  loss: 0.3,
  accuracy: 0.9,
  valLoss: 0.1,
  valAccuracy,
  seconds: 12,
});

describe('command-line report', () => {
  it('the epoch table names the test-set columns, prints percentages, marks the best epoch and says what the mark is', () => {
    const [head, first, second, note] = epochTable([epoch(1, 0.97), epoch(2, 0.98)]).split('\n');
    assert.match(head, /^epoch +loss +accuracy +test loss +test accuracy +seconds$/);
    assert.match(first, /^ +1 +0\.3000 +90\.00% +0\.1000 +97\.00% +12\.0$/);
    assert.match(second, /^ +2\* {2}.* 98\.00%/);
    assert.equal(note, '* the epoch with the best test accuracy');
    assert.doesNotMatch(epochTable([epoch(1, 0.97)]), /\*/, 'one epoch is not marked best');
  });

  it('the progress line fits the width it is given, giving up the bar first, then the numbers', () => {
    const p = { epoch: 1, epochs: 2, batch: 120, batchesPerEpoch: 600, loss: 0.12345, accuracy: 0.955, secondsLeft: 65 };
    const wide = progressLine(p, 119);
    assert.match(wide, /^epoch 1\/2 \[=+> +\] 120\/600 · loss 0\.1235 · acc 95\.50% · 1 min 5 s left$/);
    assert.equal(wide.indexOf(']') - wide.indexOf('['), 31, 'the full bar is 30 wide');
    const narrow = progressLine(p, 59);
    assert.ok(narrow.length <= 59, narrow);
    assert.equal(narrow, 'epoch 1/2 120/600 · acc 95.50% · 1 min 5 s left');
    for (let width = 10; width <= 120; width++) {
      const line = progressLine(p, width);
      assert.ok(line.length <= width, `${width}: ${line}`);
      assert.ok(line.startsWith('epoch 1/2'), `${width}: ${line}`);
    }
    assert.equal(progressLine({ ...p, secondsLeft: undefined }, 40), 'epoch 1/2 120/600 · acc 95.50%');
  });

  it('on a terminal the progress is one line redrawn in place, with the time left; elsewhere a line every 10%', () => {
    let now = 0;
    const tty = sink({ columns: 60 });
    const reporter = new TextReporter(tty, sink(), false, () => now);
    reporter.handle({
      type: 'started',
      config: { units: 8, batchSize: 10, epochs: 1, learningRate: 0.01, seed: 1, weightsDir: '/w', runName: 'r', device: 'cpu' },
      device: { device: 'cpu', backend: 'tensorflow', package: 'tfjs-node', fusedKernels: true, kernels: 'scheduled', shares: 2 },
      dataset: { name: 'MNIST', source: '/d', trainCount: 1000, testCount: 100 },
      batchesPerEpoch: 100,
    });
    const header = tty.text;
    assert.match(header, /1 epoch,/);
    for (let batch = 1; batch <= 100; batch++) {
      now += 100;
      reporter.handle({ type: 'batch', epoch: 1, batch, batchesPerEpoch: 100, loss: 0.5, accuracy: 0.8 });
    }
    const progress = tty.text.slice(header.length);
    assert.ok(!progress.includes('\n'), 'no new line while the epoch runs');
    const lines = progress.split('\r').filter(Boolean);
    assert.equal(lines.length, 100);
    for (const line of lines) assert.ok(line.replace('\x1b[K', '').length <= 59, line);
    // Timed from the first batch: half-way 4.9 s later, as long again to go.
    assert.match(lines[49], / 4\.9 s left/);

    const pipe = sink();
    const logged = new TextReporter(pipe, sink());
    for (let batch = 1; batch <= 100; batch++)
      logged.handle({ type: 'batch', epoch: 1, batch, batchesPerEpoch: 100, loss: 0.5, accuracy: 0.8 });
    assert.equal(pipe.text.split('\n').filter(Boolean).length, 11, 'deciles 0 to 10');
  });

  it('an evaluation says how many test images it used, and why', () => {
    assert.equal(testImagesText(10000, undefined, true), '10,000 test images');
    assert.equal(testImagesText(1000, 1000, true), '1,000 test images, as many as its run was tested on (--test-size 0 for all)');
    assert.equal(testImagesText(10000, 1000, false), '10,000 test images (its run was tested on 1,000)');
  });

  it('prints warnings, a diverged run and errors on stderr, and nothing of them on stdout', () => {
    const out = sink();
    const err = sink();
    const reporter = new TextReporter(out, err);
    reporter.handle({ type: 'chanceLevel', epoch: 1, accuracy: 0.11, chance: 0.1, message: 'after epoch 1 the test accuracy is 11.00%' });
    reporter.handle({ type: 'diverged', epoch: 2, batch: 5, loss: 'NaN', message: 'the loss became NaN at epoch 2, batch 5' });
    reporter.handle({ type: 'error', message: 'The run finished, but …', rescued: '/home/u/lstm-mnist-rescued/r' });
    assert.equal(out.text, '');
    assert.equal(
      err.text,
      'warning: after epoch 1 the test accuracy is 11.00%\ndiverged: the loss became NaN at epoch 2, batch 5\nerror: The run finished, but …\n',
    );
  });
});

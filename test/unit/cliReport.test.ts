// The command line's text: the epoch table says which columns are measured on the test set and
// marks the best epoch; warnings (chance level), a diverged run and errors go to stderr.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { EpochMetrics } from '../../src/protocol/training';
import { epochTable, TextReporter } from '../../src/training/cliReport';

function sink(): NodeJS.WriteStream & { text: string } {
  const s = {
    text: '',
    isTTY: false,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
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
  it('the epoch table names the test-set columns and marks the best epoch', () => {
    const [head, first, second] = epochTable([epoch(1, 0.97), epoch(2, 0.98)]).split('\n');
    assert.match(head, /^epoch +loss +accuracy +test_loss +test_acc +seconds$/);
    assert.match(first, /^ +1 {2}/);
    assert.match(second, /^ +2\* {2}/);
  });

  it('prints warnings, a diverged run and errors on stderr, and nothing of them on stdout', () => {
    const out = sink();
    const err = sink();
    const reporter = new TextReporter(out, err);
    reporter.handle({ type: 'chanceLevel', epoch: 1, accuracy: 0.11, chance: 0.1, message: 'after epoch 1 the test accuracy is 11.00%' });
    reporter.handle({ type: 'diverged', epoch: 2, batch: 5, loss: Number.NaN, message: 'the loss became NaN at epoch 2, batch 5' });
    reporter.handle({ type: 'error', message: 'The run finished, but …', rescued: '/home/u/lstm-mnist-rescued/r' });
    assert.equal(out.text, '');
    assert.equal(
      err.text,
      'warning: after epoch 1 the test accuracy is 11.00%\ndiverged: the loss became NaN at epoch 2, batch 5\nerror: The run finished, but …\n',
    );
  });
});

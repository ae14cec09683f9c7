// The status bar item says what its number is (a run's test accuracy or an evaluation's), and
// its accessible name is words: no icon ids, no "1/2 ·".
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { type StatusEvent, statusText } from '../../src/extension/statusText';
import type { PanelJob } from '../../src/protocol/webview';
import { computeText } from '../../src/protocol/format';

const train: PanelJob = { id: 'j1', kind: 'train', label: 'lstm-20261128-150523', startedAt: 0 };
const evaluate: PanelJob = { id: 'j2', kind: 'evaluate', label: '/w/weights/lstm-20261128-150523', startedAt: 0 };

const states: Array<[PanelJob, StatusEvent | undefined]> = [
  [train, undefined],
  [train, { type: 'batch', epoch: 1, batch: 150, batchesPerEpoch: 600, loss: 0.5, accuracy: 0.8 }],
  [train, { type: 'epoch', metrics: { epoch: 1, loss: 0.3, accuracy: 0.9, valLoss: 0.2, valAccuracy: 0.95, seconds: 5 } }],
  [train, { type: 'done', test: { loss: 0.1, accuracy: 0.736 }, checkpoint: 'weights/r', seconds: 9 }],
  [train, { type: 'cancelled' }],
  [train, { type: 'diverged', epoch: 1, batch: 3, loss: 'NaN', message: 'the loss became NaN' }],
  [evaluate, undefined],
  [evaluate, { type: 'error', message: 'no such checkpoint' }],
];

describe('status bar text', () => {
  it('the accessible name is words only, for every state', () => {
    for (const [job, event] of states) {
      const s = statusText(job, event, 2);
      assert.match(s.text, /^\$\([\w~-]+\) LSTM MNIST/, s.text);
      assert.doesNotMatch(s.label, /\$\(|·|\d\/\d/, s.label);
      assert.match(s.label, /^LSTM MNIST/);
    }
    assert.equal(statusText(train, states[1][1], 2).label, 'LSTM MNIST: training, epoch 1 of 2, 13% done');
  });

  it("says which run of its sweep a sweep's run is, in all three", () => {
    const job = { ...train, sweep: { name: 'grid', run: 5, runs: 12 } };
    const s = statusText(job, states[1][1], 2);
    assert.equal(s.text, '$(loading~spin) LSTM MNIST 1/2 · 13% · run 5/12');
    assert.equal(s.label, 'LSTM MNIST: training, epoch 1 of 2, 13% done; sweep grid, run 5 of 12');
    assert.match(s.tooltip, /\nSweep grid, run 5 of 12$/);
  });

  it("says whether the number is a run's test accuracy or an evaluation's", () => {
    const trained = statusText(train, { type: 'done', test: { loss: 0.1, accuracy: 0.736 }, checkpoint: 'weights/r', seconds: 9 }, 2);
    assert.equal(trained.text, '$(check) LSTM MNIST: trained, 73.60% test');
    const evaluated = statusText(
      evaluate,
      {
        type: 'evaluation',
        checkpoint: evaluate.label,
        device: { device: 'cpu', backend: 'tensorflow', package: 'tfjs-node', fusedKernels: true },
        dataset: { name: 'MNIST', source: '/d', trainCount: 0, testCount: 100 },
        result: { loss: 0.1, accuracy: 0.736, count: 100, perClassAccuracy: [], confusion: [] },
      },
      2,
    );
    assert.equal(evaluated.text, '$(beaker) LSTM MNIST: evaluated, 73.60%');
    assert.equal(evaluated.label, 'LSTM MNIST: evaluated lstm-20261128-150523, test accuracy 73.60%');
    assert.equal(statusText(evaluate, { type: 'cancelled' }, 2).label, 'LSTM MNIST: evaluation cancelled');
  });

  it('a run at chance level carries the warning in its text, name, tooltip and colour, except once it has failed', () => {
    const chance = 'after epoch 1 the test accuracy is 10.80%, no better than guessing';
    const epoch = states[2][1];
    const warned = statusText(train, epoch, 2, 1, chance);
    assert.equal(warned.text, '$(warning) $(loading~spin) LSTM MNIST 1/2 · test 95.00%');
    assert.equal(warned.label, `LSTM MNIST: training, epoch 1 of 2 done, test accuracy 95.00%; warning: ${chance}`);
    assert.match(warned.tooltip, new RegExp(`\\nWarning: ${chance}$`));
    assert.equal(warned.background, 'warning');
    assert.equal(statusText(train, epoch, 2).background, undefined, 'no warning, no colour');
    const done = statusText(train, states[3][1], 2, 1, chance);
    assert.equal(done.background, 'warning', 'said until the next job');
    const diverged = statusText(train, states[5][1], 2, 1, chance);
    assert.equal(diverged.background, 'error');
    assert.doesNotMatch(diverged.label, /warning/);
  });

  it('its tooltip says what computes the job and why', () => {
    const compute = computeText({ device: 'cpu', fusedKernels: false, backend: 'portable', kernels: 'portable', shares: 2 });
    assert.equal(compute, 'CPU · portable WebAssembly kernels, 2 threads');
    const why = "TensorFlow's native runtime is not available on macOS arm64: training with the portable kernels.";
    const s = statusText(train, states[1][1], 2, 1, undefined, `Computed on: ${compute}\n${why}`);
    assert.match(
      s.tooltip,
      /\nComputed on: CPU · portable WebAssembly kernels, 2 threads\nTensorFlow's native runtime is not available on macOS arm64/,
    );
    assert.doesNotMatch(statusText(train, states[1][1], 2).tooltip, /Computed on/);
  });
});

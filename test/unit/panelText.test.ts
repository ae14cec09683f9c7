// The panel's pure parts for every user: heat-map text that stays readable on any tint of any
// theme, charts in words (their legends' latest values, their summaries, round tick labels), and
// the live region's sentence for each milestone of a job.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { EvaluationResult, TrainingEvent } from '../../src/protocol/training';
import type { LogEntry, PanelJob } from '../../src/protocol/webview';
import { announcement } from '../../webview-ui/src/announcements';
import { chartSummary, lastIndex, legendValue, tickText } from '../../webview-ui/src/chartText';
import { AA_CONTRAST, contrastRatio, mix, parseColor, readableText, type Rgb } from '../../webview-ui/src/contrast';
import { applyMessage, initialState, type PanelState } from '../../webview-ui/src/panelState';

const rgb = (text: string): Rgb => {
  const c = parseColor(text);
  assert.ok(c, text);
  return c;
};

describe('heat-map contrast', () => {
  it('reads the colour notations the browser and themes use', () => {
    assert.deepEqual(parseColor('#89d185'), { r: 137, g: 209, b: 133 });
    assert.deepEqual(parseColor('rgb(31, 31, 31)'), { r: 31, g: 31, b: 31 });
    assert.deepEqual(parseColor('rgba(255, 255, 255, 0.7)'), { r: 255, g: 255, b: 255 });
    assert.equal(parseColor('var(--x)'), undefined);
    assert.equal(contrastRatio(rgb('#000000'), rgb('#ffffff')).toFixed(1), '21.0');
  });

  // The themes' own values: editor background, foreground, chart green and red.
  const THEMES = {
    'Light Modern': ['#ffffff', '#3b3b3b', '#388a34', '#e51400'],
    'Dark Modern': ['#1f1f1f', '#cccccc', '#89d185', '#f14c4c'],
    'High Contrast': ['#000000', '#ffffff', '#89d185', '#f48771'],
    'High Contrast Light': ['#ffffff', '#292929', '#374e06', '#b5200d'],
  };

  it("every tint of every theme gets text of at least 4.5:1, the theme's own colours where they reach it", () => {
    for (const [theme, [bg, fg, green, red]] of Object.entries(THEMES)) {
      for (const accent of [green, red]) {
        for (let amount = 0; amount <= 1.0001; amount += 0.05) {
          const cell = mix(rgb(accent), rgb(bg), amount);
          const text = readableText(cell, [rgb(fg), rgb(bg)]);
          assert.ok(
            contrastRatio(text, cell) >= AA_CONTRAST,
            `${theme} ${accent} at ${amount.toFixed(2)}: ${contrastRatio(text, cell).toFixed(2)}:1`,
          );
        }
      }
    }
    // The case of the report: Dark Modern's light text on its mid-green diagonal was 2.06:1.
    const diagonal = mix(rgb('#89d185'), rgb('#1f1f1f'), 0.7);
    assert.ok(contrastRatio(rgb('#cccccc'), diagonal) < 3);
    assert.deepEqual(readableText(diagonal, [rgb('#cccccc'), rgb('#1f1f1f')]), rgb('#1f1f1f'));
  });
});

describe('charts in words', () => {
  it('the latest value, skipping the gaps a diverged loss leaves', () => {
    assert.equal(lastIndex([0.5, 0.4, null]), 1);
    assert.equal(lastIndex([Number.NaN]), -1);
    assert.equal(lastIndex([]), -1);
  });

  it("the legend: a hovered point's value, or each series' latest, with its epoch when a longer run goes further", () => {
    const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
    const epochs = [1, 2, 3, 4];
    const longer = [0.9, 0.95, 0.96, 0.97];
    const shorter = [0.91, 0.94, null, null];
    assert.equal(legendValue(epochs, longer, null, pct), '97.0%');
    assert.equal(legendValue(epochs, shorter, null, pct), '94.0% (epoch 2)');
    assert.equal(legendValue(epochs, shorter, 0, pct), '91.0%');
    assert.equal(legendValue(epochs, shorter, 3, pct), '–');
    assert.equal(legendValue([], [], null, pct), '–');
  });

  it('lists a few points and describes many by their ends and extremes', () => {
    const fmt = (v: number): string => v.toFixed(2);
    assert.equal(
      chartSummary([1, 2], [{ label: 'train loss', values: [0.3, 0.15] }], fmt, ['epoch', 'epochs']),
      '2 epochs. train loss: 0.30 at epoch 1, 0.15 at epoch 2.',
    );
    const x = Array.from({ length: 40 }, (_, i) => (i + 1) / 20);
    const values = x.map((v) => 1 / v);
    values[10] = 0.1;
    assert.equal(
      chartSummary(x, [{ label: 'loss', values }], fmt, ['batch', 'batches']),
      '40 batches. loss: 20.00 at epoch 0.05, 0.50 at epoch 2 (the latest); lowest 0.10 at epoch 0.55, highest 20.00 at epoch 0.05.',
    );
    assert.equal(chartSummary([], [{ label: 'loss', values: [] }], fmt, ['batch', 'batches']), 'No data yet.');
  });

  it('tick labels have as many decimals as their step, no more', () => {
    assert.deepEqual(
      [0.05, 0.1, 0.15].map((v) => tickText(v, 0.05)),
      ['0.05', '0.10', '0.15'],
    );
    assert.deepEqual(
      [0.5, 1, 1.5].map((v) => tickText(v, 0.5)),
      ['0.5', '1.0', '1.5'],
    );
    assert.equal(tickText(2, 1), '2');
  });
});

describe('the live region', () => {
  const TRAIN: PanelJob = { id: 't1', kind: 'train', label: 'lstm-20261128-150523', startedAt: 1000 };
  const EVAL: PanelJob = { id: 'e1', kind: 'evaluate', label: '/ws/weights/lstm-20261128-150523', startedAt: 2000 };
  const started: TrainingEvent = {
    type: 'started',
    config: { units: 8, batchSize: 10, epochs: 2, learningRate: 0.01, seed: 1, weightsDir: '/w', runName: TRAIN.label, device: 'cpu' },
    device: { device: 'cpu', backend: 'tensorflow', package: 'tfjs-node', fusedKernels: true },
    dataset: { name: 'MNIST', source: '/d', trainCount: 100, testCount: 50 },
    batchesPerEpoch: 10,
  };
  const step = (state: PanelState, job: PanelJob, event: TrainingEvent): string => {
    applyMessage(state, { type: 'event', entry: { job, event } satisfies LogEntry });
    return announcement(state);
  };

  it("says a run's start, each epoch's result and its end; batches change nothing", () => {
    const state = initialState();
    assert.equal(announcement(state), '');
    applyMessage(state, { type: 'running', job: TRAIN });
    assert.equal(step(state, TRAIN, started), 'Training lstm-20261128-150523 started.');
    assert.equal(
      step(state, TRAIN, { type: 'batch', epoch: 1, batch: 5, batchesPerEpoch: 10, loss: 1, accuracy: 0.5 }),
      'Training lstm-20261128-150523 started.',
    );
    assert.equal(
      step(state, TRAIN, { type: 'epoch', metrics: { epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.85, seconds: 3 } }),
      'Epoch 1 of 2 ended: test accuracy 85.00%, test loss 0.4000.',
    );
    assert.equal(
      step(state, TRAIN, { type: 'done', test: { loss: 0.3, accuracy: 0.9 }, checkpoint: '/ws/weights/r', seconds: 7 }),
      'Training lstm-20261128-150523 finished: test accuracy 90.00%, test loss 0.3000. Saved to /ws/weights/r.',
    );
  });

  it('says a cancellation, a failure, and an evaluation (the newer job)', () => {
    const cancelled = initialState();
    step(cancelled, TRAIN, started);
    assert.equal(step(cancelled, TRAIN, { type: 'cancelled' }), 'Training lstm-20261128-150523 cancelled. No checkpoint was saved.');
    const failed = initialState();
    assert.equal(step(failed, TRAIN, { type: 'error', message: 'no such folder' }), 'Training lstm-20261128-150523 failed: no such folder');
    const result: EvaluationResult = { loss: 0.1, accuracy: 0.979, count: 10000, perClassAccuracy: [], confusion: [] };
    assert.equal(
      step(failed, EVAL, {
        type: 'evaluation',
        checkpoint: EVAL.label,
        device: started.device,
        dataset: started.dataset,
        result,
      }),
      'Evaluation of lstm-20261128-150523: test accuracy 97.90% on 10,000 test images.',
    );
  });
});

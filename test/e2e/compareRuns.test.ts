// Comparing runs in a real VS Code (code-server in headless Chromium): select two checkpoints
// in the Checkpoints view, Compare Runs from the context menu, read the overlaid curves and the
// hyperparameters that differ; select a third and the comparison follows. The checkpoints are
// written as files (the comparison reads their records only). Screenshot: compare.png.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeCheckpoint } from '../extension/fixtures';
import { activityBarEntry, panel, repeatUntil, screenshot, withDevWorkbench } from './workbench';

const UI_TIMEOUT_MS = 60_000;

/** A run's record: `epochs` epochs whose test accuracy climbs towards `final`. */
function record(learningRate: number, epochs: number, final: number, seconds: number): Record<string, unknown> {
  return {
    hyperparameters: { batchSize: 100, epochs, learningRate, seed: 42 },
    epochs: Array.from({ length: epochs }, (_, i) => {
      const done = (i + 1) / epochs;
      return {
        epoch: i + 1,
        loss: 0.9 - 0.6 * done,
        accuracy: final - 0.1 * (1 - done),
        valLoss: 0.8 - 0.5 * done,
        valAccuracy: final - 0.08 * (1 - done),
        seconds,
      };
    }),
    test: { loss: 0.3, accuracy: final },
    seconds: seconds * epochs,
  };
}

test('a user selects two checkpoints, compares them, and adds a third to the comparison', { timeout: 240_000 }, async () => {
  await withDevWorkbench('compare', {}, {}, UI_TIMEOUT_MS, async ({ page, weightsDir }) => {
    writeCheckpoint(path.join(weightsDir, 'lr-0.01'), 0.97, record(0.01, 2, 0.97, 30));
    writeCheckpoint(path.join(weightsDir, 'lr-0.001'), 0.93, record(0.001, 4, 0.93, 30));
    writeCheckpoint(path.join(weightsDir, 'lr-0.1'), 0.6, record(0.1, 3, 0.6, 45));

    await activityBarEntry(page).click();
    const rows = page.locator('#workbench\\.view\\.extension\\.lstmMnist .monaco-list[aria-label="Checkpoints"] .monaco-list-row');
    const row = (name: string) =>
      rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) });
    await row('lr-0.1').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

    // Two selected: the first clicked, the second added with Ctrl.
    await row('lr-0.01').click();
    await row('lr-0.001').click({ modifiers: ['Control'] });
    await row('lr-0.001').click({ button: 'right' });
    const compare = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Compare Runs' });
    await compare.waitFor({ state: 'visible' });
    await repeatUntil('Compare Runs in the context menu', () => compare.click(), compare, 'hidden', 5_000);

    const doc = panel(page);
    await doc.locator('#compare-title', { hasText: 'Comparing 2 runs' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await doc.locator('#compare-charts figure').count(), 4, 'loss, test loss, accuracy, test accuracy');
    const legend = (await doc.locator('#compare-charts figure').last().locator('.legend').textContent()) ?? '';
    assert.ok(legend.includes('lr-0.01') && legend.includes('lr-0.001'), `the legend names the runs: ${legend}`);
    const differing = await doc.locator('#compare-hyperparameters tbody tr.differs th').allTextContents();
    assert.deepEqual(differing, ['≠ epochs', '≠ learning rate']);
    const accuracies = await doc.locator('#compare-results tbody tr', { hasText: 'test accuracy' }).locator('td').allTextContents();
    assert.deepEqual(accuracies, ['97.00%', '93.00%']);
    await screenshot(page, 'compare.png');

    // A third added to the selection: the open comparison follows.
    await row('lr-0.1').click({ modifiers: ['Control'] });
    await doc.locator('#compare-title', { hasText: 'Comparing 3 runs' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await doc.locator('#compare-hyperparameters thead th').count(), 3);
  });
});

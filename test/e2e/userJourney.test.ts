// A user's journey in a real VS Code (code-server 4.100.3 in headless Chromium), with the
// extension loaded as a development extension and nothing mocked: Train from the Command
// Palette, watch the panel fill, find the checkpoint in the Checkpoints view, evaluate it from
// its context menu and read the results; then hide the panel behind another editor and show it
// again, and reload the window: the panel must keep showing the run and the evaluation.
// Screenshots of each stage go to out/screenshots/, or to $LSTM_MNIST_SCREENSHOTS
// (`docs/screenshots` refreshes the README's pictures).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { activityBarEntry, panel, percent, quickPick, repeatUntil, screenshot, withDevWorkbench } from './workbench';

/**
 * Two epochs of 30,000 images: the second epoch (1.7 s on two quiet cores, more on a busy machine)
 * outlasts the checks made while the run goes on, however fast the machine.
 */
const SETTINGS = {
  'lstmMnist.trainSize': 30000,
  'lstmMnist.testSize': 1000,
  'lstmMnist.epochs': 2,
};
const TEST_SIZE = SETTINGS['lstmMnist.testSize'];
const EPOCHS = SETTINGS['lstmMnist.epochs'];
/** Starting the workbench, TensorFlow and a run on a busy two-core machine can each take a while. */
const UI_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 180_000;

test(
  'a user trains from the Command Palette, evaluates the checkpoint from the Checkpoints view, and the panel survives hiding and a window reload',
  { timeout: 420_000 },
  async () => {
    await withDevWorkbench('e2e', SETTINGS, {}, UI_TIMEOUT_MS, async ({ page, weightsDir }) => {
      const container = activityBarEntry(page);

      // 1. Train from the Command Palette.
      await quickPick(page, '>Train LSTM MNIST', 'Train LSTM MNIST');

      // The panel opens and fills while the run goes on: the first epoch's row.
      const doc = panel(page);
      const epochRows = doc.locator('#epochs-table tbody tr');
      await epochRows.first().waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      const runningStatus = (await doc.locator('#status').textContent()) ?? '';
      await screenshot(page, '1-training.png');
      assert.match(runningStatus, /^Training lstm-\d{8}-\d{6}/, 'the panel should say that a run is going on');
      assert.match((await epochRows.first().locator('th').first().textContent()) ?? '', /1$/);

      // The run ends: every epoch has its row, the test accuracy is shown, the panel is idle.
      const testAccuracy = doc.locator('#test-accuracy');
      await testAccuracy.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      await doc.locator('#status', { hasText: 'Idle' }).waitFor({ state: 'visible' });
      assert.equal(await epochRows.count(), EPOCHS, 'one row per epoch');
      const accuracyText = ((await testAccuracy.textContent()) ?? '').trim();
      assert.match(accuracyText, /^\d+\.\d\d%$/);
      await screenshot(page, '2-trained.png');

      // The checkpoint is on disk, in the workspace's weights folder.
      const saved = fs.readdirSync(weightsDir);
      assert.equal(saved.length, 1, `checkpoints: ${saved.join(', ')}`);
      const runName = saved[0];
      const meta = JSON.parse(fs.readFileSync(path.join(weightsDir, runName, 'checkpoint.json'), 'utf8')) as { test: { accuracy: number } };
      assert.equal(accuracyText, percent(meta.test.accuracy), 'the panel shows the saved test accuracy');
      assert.ok(meta.test.accuracy > 0.5, `2 epochs of 30,000 images should reach more than 50%, got ${accuracyText}`);

      // 2. The Checkpoints view (in the LSTM MNIST activity bar container) lists it with its accuracy.
      await container.click();
      const item = page.locator('#workbench\\.view\\.extension\\.lstmMnist .monaco-list[aria-label="Checkpoints"] .monaco-list-row', {
        hasText: runName,
      });
      await item.waitFor({ state: 'visible' });
      const description = ((await item.locator('.label-description').textContent()) ?? '').trim();
      assert.ok(description.startsWith(`${accuracyText} · ${EPOCHS} epochs`), `the item's description: ${description}`);
      // Its tooltip has the description in full (the view cuts it) and the run's details.
      const hover = page.locator('.workbench-hover', { hasText: 'Test accuracy' });
      // A busy machine sometimes drops the hover's delayed show: leave the item and come back.
      await repeatUntil(
        'hovering the checkpoint to show its tooltip',
        () => item.hover(),
        hover,
        'visible',
        10_000,
        () => page.mouse.move(0, 0),
      );
      const details = (await hover.textContent()) ?? '';
      for (const expected of [runName, description, `${SETTINGS['lstmMnist.trainSize']} train, ${TEST_SIZE} test`]) {
        assert.ok(details.includes(expected), `the tooltip lacks ${JSON.stringify(expected)}: ${details}`);
      }
      await screenshot(page, '3-checkpoints.png');

      // 3. Evaluate it from its context menu.
      await item.click({ button: 'right' });
      const evaluate = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Evaluate Checkpoint' });
      await evaluate.waitFor({ state: 'visible' });
      // A menu item listens for the mouse-up only from 100 ms after it is drawn (so that the
      // right-click's own release does not pick it): a click sooner, on an idle machine, is lost
      // and the menu stays open. Click again until the menu closes.
      await repeatUntil('Evaluate Checkpoint in the context menu', () => evaluate.click(), evaluate, 'hidden', 5_000);

      // The panel shows the evaluation: accuracy, per-digit accuracy, and a confusion matrix of
      // every test image.
      const evaluationAccuracy = doc.locator('#evaluation-accuracy');
      await evaluationAccuracy.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      assert.equal(
        ((await evaluationAccuracy.textContent()) ?? '').trim(),
        accuracyText,
        "the same weights on the same test images give the run's test accuracy",
      );
      assert.match((await doc.locator('#evaluation h2').textContent()) ?? '', new RegExp(`Evaluation of ${runName}`));
      assert.equal(await doc.locator('#per-class-table tbody td').count(), 10, 'one accuracy per digit');
      const matrixRows = doc.locator('#confusion-table tbody tr');
      assert.equal(await matrixRows.count(), 10, 'confusion matrix rows');
      const cells = await doc.locator('#confusion-table tbody td').allTextContents();
      assert.equal(cells.length, 100, 'confusion matrix cells');
      assert.equal(
        cells.reduce((sum, c) => sum + Number(c), 0),
        TEST_SIZE,
        'the matrix counts every test image once',
      );
      await doc.locator('#confusion-table').scrollIntoViewIfNeeded();
      await screenshot(page, '4-evaluation.png');

      /** What the panel must still show after it was hidden, or the window reloaded. */
      const assertPanelKeptItsState = async (when: string): Promise<void> => {
        await testAccuracy.waitFor({ state: 'visible' });
        await evaluationAccuracy.waitFor({ state: 'visible' });
        assert.equal(((await testAccuracy.textContent()) ?? '').trim(), accuracyText, `${when}: the run's test accuracy`);
        assert.equal(await epochRows.count(), EPOCHS, `${when}: one row per epoch`);
        assert.equal(((await evaluationAccuracy.textContent()) ?? '').trim(), accuracyText, `${when}: the evaluation's accuracy`);
        const kept = await doc.locator('#confusion-table tbody td').allTextContents();
        assert.equal(
          kept.reduce((sum, c) => sum + Number(c), 0),
          TEST_SIZE,
          `${when}: the confusion matrix`,
        );
        assert.equal(((await doc.locator('#status').textContent()) ?? '').trim(), 'Idle', `${when}: the status`);
        assert.deepEqual(await doc.locator('#outcome').allTextContents(), [], `${when}: no job is shown cancelled, failed or interrupted`);
      };
      const panelTab = page.locator('.tabs-container .tab', { hasText: 'LSTM MNIST' });

      // 4. Hidden and shown again: another editor over the panel unloads its webview (no
      // retainContextWhenHidden); back on its tab, the panel shows the same run and evaluation.
      await quickPick(page, 'README.md', 'README.md');
      await page.locator('.tabs-container .tab.active', { hasText: 'README.md' }).waitFor({ state: 'visible' });
      await page.locator('iframe.webview').waitFor({ state: 'detached' });
      await panelTab.click();
      await assertPanelKeptItsState('shown again');

      // 5. Developer: Reload Window: a new workbench and extension host; the serializer revives
      // the panel, which shows the last run and evaluation from its saved state.
      const reloaded = page.waitForEvent('load', { timeout: UI_TIMEOUT_MS });
      await quickPick(page, '>Developer: Reload Window', /Developer: Reload Window(?! With)/);
      await reloaded;
      await container.waitFor({ state: 'visible' });
      await assertPanelKeptItsState('after a window reload');
      assert.match((await doc.locator('#evaluation h2').textContent()) ?? '', new RegExp(`Evaluation of ${runName}`));
      await screenshot(page, '5-after-reload.png');
    });
  },
);

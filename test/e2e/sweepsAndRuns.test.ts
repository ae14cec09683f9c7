/// <reference lib="dom" />
// Sweeps and the runs table in a real VS Code (code-server in headless Chromium), as a user meets
// them: Start Sweep from the Command Palette (the input box counts the runs as the words are
// typed), the window reloaded in the middle of the sweep, the offer to continue it clicked, the
// rest trained; then the runs table: sorted by accuracy, filtered, grouped by configuration
// (mean ± std over the seeds), two runs selected and compared, the parallel coordinates drawn;
// an accessibility scan at 280 px in Light Modern, Dark Modern and Dark High Contrast.
// Screenshots: runs-table.png, runs-table-280.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { assertAccessible, panelWidth, scan } from './accessibility';
import { activityBarEntry, panel, panelFrame, quickPick, screenshot, setColorTheme, toast, withDevWorkbench } from './workbench';

/** Runs of 200 training and 100 test images: a sweep of eight takes seconds. */
const SETTINGS = { 'lstmMnist.trainSize': 200, 'lstmMnist.testSize': 100, 'lstmMnist.epochs': 1, 'lstmMnist.tensorBoard': false };
const UI_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 180_000;
const WORDS = '--units 4,8 --learning-rate 0.003,0.01 --seeds 2 --name e2e';

/** The sweep's runs that have a checkpoint. */
function finished(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'checkpoint.json'))) : [];
}

test(
  'a user sweeps a grid, reloads the window in its middle, continues it, and explores the runs in the runs table',
  { timeout: 600_000 },
  async () => {
    await withDevWorkbench('sweep', SETTINGS, {}, UI_TIMEOUT_MS, async ({ page, weightsDir }) => {
      const sweepDir = path.join(weightsDir, 'e2e');
      await activityBarEntry(page).click();
      await quickPick(page, '>LSTM MNIST: Start Sweep', 'Start Sweep');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      await input.fill(WORDS);
      await page.locator('.quick-input-widget', { hasText: '8 runs: 1-units4-lr0.003-seed42, 2-units4-lr0.003-seed43' }).waitFor();
      await page.keyboard.press('Enter');

      // In the middle of the sweep: the status bar says which run; then the window reloads.
      const status = page.locator('.statusbar-item', { hasText: 'LSTM MNIST' });
      await status.filter({ hasText: /run [3-6]\/8/ }).waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      await page.reload();
      await activityBarEntry(page).waitFor({ state: 'visible' });
      const kept = finished(sweepDir);
      assert.ok(kept.length >= 2 && kept.length < 8, `the runs finished before the reload: ${kept.join(', ')}`);

      // The extension, started again (the restored panel starts it), offers the rest: as a toast,
      // which hides after a while, then in the notification centre. A click trains exactly those.
      await quickPick(page, '>Notifications: Show Notifications', 'Show Notifications');
      const offer = page.locator('.notifications-center .notification-list-item', {
        hasText: /Sweep e2e stopped with \d of 8 runs left\. Train the rest\?/,
      });
      await offer.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await offer.locator('.monaco-button', { hasText: 'Continue Sweep' }).click();
      await toast(page, /Sweep e2e finished: \d of \d runs trained, best \d+\.\d\d%/).waitFor({
        state: 'visible',
        timeout: RUN_TIMEOUT_MS,
      });
      assert.equal(finished(sweepDir).length, 8);

      // The runs table: every run, sortable, filterable, grouped.
      await quickPick(page, '>LSTM MNIST: Show Runs Table', 'Show Runs Table');
      const doc = panel(page);
      const rows = doc.locator('#runs-table tbody tr');
      await doc
        .locator('#runs-summary', { hasText: /^8 runs shown of 8 · 0 selected/ })
        .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      assert.equal(await rows.count(), 8);
      await doc.locator('#runs-table thead button.sort', { hasText: 'accuracy' }).click();
      assert.equal(await doc.locator('#runs-table thead th[aria-sort="descending"]').textContent(), 'accuracy ▼');
      const headers = await doc.locator('#runs-table thead tr > *').allTextContents();
      const column = headers.findIndex((t) => t.startsWith('accuracy')) + 1;
      const accuracies = (await doc.locator(`#runs-table tbody tr > :nth-child(${column})`).allTextContents()).map((t) =>
        Number(t.replace('%', '')),
      );
      assert.deepEqual(
        accuracies,
        [...accuracies].sort((a, b) => b - a),
        'best first',
      );

      await doc.locator('#runs-filter').fill('units = 4');
      await doc.locator('#runs-summary', { hasText: /^4 runs shown of 8/ }).waitFor();
      await doc.locator('#runs-filter').fill('units = 4, lr >');
      await doc.locator('#runs-filter-problem', { hasText: 'The filter is ignored' }).waitFor();
      await doc.locator('#runs-filter').fill('');
      await doc.locator('#runs-group').check();
      await doc.locator('#runs-summary', { hasText: /^8 runs shown of 8 in 4 configurations/ }).waitFor();
      const groups = doc.locator('#runs-groups tbody tr');
      assert.equal(await groups.count(), 4);
      for (const cell of await doc.locator('#runs-groups tbody td:nth-last-child(3)').allTextContents())
        assert.match(cell, /^\d+\.\d\d% ± \d+\.\d\d$/, 'accuracy as mean ± std over 2 seeds');
      assert.equal(await doc.locator('#runs-parallel svg polyline').count(), 8, 'a line per run');
      assert.equal(await doc.locator('#runs-scatter svg circle').count(), 8, 'a point per run');

      // Two runs selected (a group's box selects its two seeds): compared in the comparison panel.
      await doc.locator('#runs-groups tbody tr').first().locator('input[type="checkbox"]').check();
      await doc.locator('#runs-summary', { hasText: '2 selected' }).waitFor();
      assert.equal(await doc.locator('#runs-parallel svg polyline.selected').count(), 2);
      await doc.locator('#runs-group').uncheck();
      await screenshot(page, 'runs-table.png');
      await doc.locator('#runs-compare').click();
      await panel(page).locator('#compare-title', { hasText: 'Comparing 2 runs' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      const compareTab = page.locator('.tabs-container .tab', { hasText: 'Compare Runs' });
      await compareTab.hover();
      await compareTab.locator('.action-label.codicon-close').click();
      await compareTab.waitFor({ state: 'detached' });
      await doc.locator('#runs-summary').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

      // For every user: no side bar, the panel 280 px wide, three themes.
      await quickPick(page, '>View: Close Primary Side Bar', 'Close Primary Side Bar');
      const width = await panelWidth(page, await panelFrame(page), 280);
      assert.ok(Math.abs(width - 280) <= 2, `the panel is ${width} px wide`);
      for (const [theme, bodyClass] of [
        ['Light Modern', 'vscode-light'],
        ['Dark Modern', 'vscode-dark'],
        ['Dark High Contrast', 'vscode-high-contrast'],
      ]) {
        await setColorTheme(page, theme, bodyClass);
        const frame = await panelFrame(page);
        assert.equal(
          await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
          true,
          `${theme}: nothing scrolls sideways`,
        );
        assertAccessible(await scan(frame), `the runs table at 280 px (${theme})`);
      }
      await screenshot(page, 'runs-table-280.png');
    });
  },
);

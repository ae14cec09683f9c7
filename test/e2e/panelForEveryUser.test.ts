/// <reference lib="dom" />
// The training panel for every user, in a real VS Code (code-server in Chromium) with the
// extension loaded as a development extension:
// - the keyboard: Tab to Train, Space starts a run without scrolling the page, the focus is on
//   Cancel, Space cancels, the focus is back on Train; the live region says each step;
// - an automated accessibility scan (axe-core) after a run and an evaluation, in Light Modern,
//   Dark Modern and Dark High Contrast: no violation of serious or critical impact, contrast included;
// - widths of 280, 450 and 1200 px: the page never scrolls sideways and every table column can
//   be reached in its own box (screenshots of each, in Dark Modern);
// - the status bar item's accessible name is words; the Checkpoints view's Delete key deletes
//   the focused checkpoint and leaves the focus on the next one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, panelWidth, scan } from './accessibility';
import {
  commandPick,
  activityBarEntry,
  panel,
  panelFrame,
  panelScreenshot,
  quickPick,
  screenshot,
  setColorTheme,
  withDevWorkbench,
} from './workbench';

/** Two short epochs: a run takes seconds, and the panel has every part (tables, charts, both sections). */
const SETTINGS = { 'lstmMnist.trainSize': 1000, 'lstmMnist.testSize': 500, 'lstmMnist.epochs': 2 };
const UI_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 180_000;

/** Evaluate Checkpoint from the Command Palette, on the newest checkpoint (the quick pick's first). */
async function evaluateNewest(page: Page): Promise<void> {
  await commandPick(page, 'LSTM MNIST: Evaluate Checkpoint', /^lstm-\d{8}-\d{6}/);
}

test(
  'the panel works with the keyboard and a screen reader, passes an accessibility scan in three themes, and fits 280 to 1200 px',
  { timeout: 600_000 },
  async () => {
    await withDevWorkbench('a11y', SETTINGS, {}, UI_TIMEOUT_MS, async ({ page, weightsDir }) => {
      await quickPick(page, '>LSTM MNIST: Show Training Panel', 'Show Training Panel');
      const doc = panel(page);
      const live = doc.locator('#announcer');
      const status = doc.locator('#status');
      // The panel has loaded (and taken the focus) before the next keys are pressed.
      await status.waitFor({ state: 'visible' });
      // The user setting does not reach code-server's first window: the theme is picked as a user does.
      await setColorTheme(page, 'Dark Modern', 'vscode-dark');

      // 1. A run to the end, started with the mouse: the live region says how it ended.
      await doc.locator('#train-button').click();
      await live
        .filter({ hasText: /^Training lstm-\d{8}-\d{6} finished: test accuracy \d+\.\d\d%/ })
        .waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
      const trained = fs.readdirSync(weightsDir).filter((n) => !n.startsWith('.'));
      assert.equal(trained.length, 1);
      let frame = await panelFrame(page);
      assertAccessible(await scan(frame), 'after a run (Dark Modern)');

      // 2. An evaluation of it: said too, and the page now holds both reports.
      await evaluateNewest(page);
      await live
        .filter({ hasText: new RegExp(`^Evaluation of ${trained[0]}: test accuracy \\d+\\.\\d\\d% on 500 test images\\.$`) })
        .waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
      await doc.locator('#confusion-table').waitFor({ state: 'visible' });
      // Every table says what it holds, to a screen reader's table list too.
      const uncaptioned = await (
        await panelFrame(page)
      ).evaluate(() =>
        Array.from(document.querySelectorAll('table'))
          .filter((t) => !t.caption?.textContent?.trim())
          .map((t) => t.id || t.className),
      );
      assert.deepEqual(uncaptioned, [], 'tables without a caption');

      // The status bar item's accessible name is words, and says what its number is.
      const item = page.locator('.statusbar-item', { hasText: 'LSTM MNIST' });
      assert.match((await item.getAttribute('aria-label')) ?? '', /^LSTM MNIST: evaluated lstm-\d{8}-\d{6}, test accuracy \d+\.\d\d%$/);

      // A checkpoint whose weights overflow float32: its loss reads NaN in the panel, not null
      // (the webview's messages are JSON, which has no NaN).
      const overflowing = path.join(weightsDir, 'lstm-20991231-000000');
      fs.cpSync(path.join(weightsDir, trained[0]), overflowing, { recursive: true });
      const metaFile = path.join(overflowing, 'checkpoint.json');
      fs.writeFileSync(
        metaFile,
        JSON.stringify({
          ...JSON.parse(fs.readFileSync(metaFile, 'utf8')),
          name: path.basename(overflowing),
          createdAt: '2099-12-31T00:00:00.000Z',
        }),
      );
      const weightsFile = path.join(overflowing, 'weights.bin');
      fs.writeFileSync(weightsFile, new Float32Array(fs.statSync(weightsFile).size / 4).fill(3e38));
      await evaluateNewest(page);
      await live.filter({ hasText: /^Evaluation of lstm-20991231-000000: / }).waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
      assert.match(
        (await doc.locator('.headline', { has: doc.locator('#evaluation-accuracy') }).textContent()) ?? '',
        /loss (NaN|-?Infinity)/,
      );
      fs.rmSync(overflowing, { recursive: true });

      // 3. The keyboard, on a page long enough to scroll: Tab to Train, Space starts a run and
      // does not scroll; the focus moves to Cancel; Space cancels; the focus is back on Train.
      frame = await panelFrame(page);
      await doc.locator('h1').click();
      await frame.evaluate(() => window.scrollTo(0, 0));
      assert.ok(await frame.evaluate(() => document.documentElement.scrollHeight > window.innerHeight + 200), 'the page can scroll');
      const focused = (): Promise<string> => frame.evaluate(() => document.activeElement?.id ?? '');
      for (let tabs = 0; tabs < 10 && (await focused()) !== 'train-button'; tabs++) await page.keyboard.press('Tab');
      assert.equal(await focused(), 'train-button', 'Tab reaches Train');
      await page.keyboard.press('Space');
      await live.filter({ hasText: /^Training lstm-\d{8}-\d{6} started\.$/ }).waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
      // The progress bar is named for what it measures (the library's default name is "Loading").
      await doc.getByRole('progressbar', { name: 'Training progress' }).waitFor({ state: 'attached' });
      await doc.locator('#cancel-button:focus').waitFor({ state: 'attached' });
      assert.equal(await frame.evaluate(() => window.scrollY), 0, 'Space on Train must not scroll the page');
      await page.keyboard.press('Space');
      await live
        .filter({ hasText: /^Training lstm-\d{8}-\d{6} cancelled\. No checkpoint was saved\.$/ })
        .waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
      await doc.locator('#train-button:focus').waitFor({ state: 'attached' });
      assert.equal(await frame.evaluate(() => window.scrollY), 0, 'Space on Cancel must not scroll the page');
      // The cancelled run's charts show what they had, or say why they are empty: never a bare frame.
      for (const chart of await doc.locator('figure.chart').all()) {
        const drawn = await chart.locator('canvas').isVisible();
        const placeholder = (
          (await chart
            .locator('.placeholder:visible')
            .textContent()
            .catch(() => '')) ?? ''
        ).trim();
        assert.ok(drawn || placeholder !== '', `a chart is an empty frame: ${await chart.locator('figcaption').textContent()}`);
      }
      await screenshot(page, 'cancelled.png');

      // 4. A run and an evaluation on screen again, then the scan in three themes.
      await page.keyboard.press('Space');
      await live.filter({ hasText: /finished: test accuracy/ }).waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
      await doc.locator('#train-button:focus').waitFor({ state: 'attached' });
      await evaluateNewest(page);
      await live.filter({ hasText: /^Evaluation of / }).waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
      for (const [theme, bodyClass] of [
        ['Light Modern', 'vscode-light'],
        ['Dark High Contrast', 'vscode-high-contrast'],
        ['Dark Modern', 'vscode-dark'],
      ] as const) {
        await setColorTheme(page, theme, bodyClass);
        const themed = await panelFrame(page);
        // The charts and heat maps redraw on the next frame.
        await themed.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const look = await themed.evaluate(() => {
          const style = (selector: string) => getComputedStyle(document.querySelector(selector)!);
          // The button's face is the element's own, inside its shadow root.
          const face = getComputedStyle(document.querySelector('#train-button')!.shadowRoot!.querySelector('.base')!);
          return {
            page: style('body').backgroundColor,
            header: style('header').backgroundColor,
            train: face.backgroundColor,
            trainBorder: face.borderTopColor,
          };
        });
        // The sticky header hides what scrolls under it: an opaque background, the page's own.
        assert.equal(look.header, look.page, `${theme}: the header's background`);
        if (theme === 'Dark High Contrast') {
          // As VS Code's own buttons in High Contrast: the page's background, with an outline.
          assert.ok([look.page, 'rgba(0, 0, 0, 0)'].includes(look.train), `High Contrast: Train is filled (${look.train})`);
          assert.notEqual(look.trainBorder, 'rgba(0, 0, 0, 0)', 'High Contrast: Train has a border');
        }
        assertAccessible(await scan(await panelFrame(page)), `after a run and an evaluation (${theme})`);
        await screenshot(page, `theme-${theme.toLowerCase().replace(/ /g, '-')}.png`);
      }

      // 5. Widths, the panel alone in the window (no side bar): nothing overflows the page, and each
      // table's last column can be scrolled into its box.
      await quickPick(page, '>View: Toggle Primary Side Bar Visibility', 'View: Toggle Primary Side Bar Visibility');
      await quickPick(page, '>Notifications: Clear All Notifications', 'Notifications: Clear All Notifications');
      for (const width of [280, 450, 1200]) {
        frame = await panelFrame(page);
        const actual = await panelWidth(page, frame, width);
        assert.ok(Math.abs(actual - width) <= 2, `the panel is ${actual} px wide, not ${width}`);
        const overflow = await frame.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }));
        assert.ok(overflow.scroll <= overflow.client, `${width} px: the page is ${overflow.scroll} px wide`);
        const unreachable = await frame.evaluate(() =>
          Array.from(document.querySelectorAll<HTMLElement>('.table-box')).flatMap((box) => {
            box.scrollLeft = box.scrollWidth;
            const cells = box.querySelectorAll('thead tr:last-child th');
            const last = cells[cells.length - 1].getBoundingClientRect();
            const frameRect = box.getBoundingClientRect();
            const reachable = last.right <= frameRect.right + 1 && last.left >= frameRect.left - 1;
            box.scrollLeft = 0;
            return reachable ? [] : [box.querySelector('table')?.id ?? '?'];
          }),
        );
        assert.deepEqual(unreachable, [], `${width} px: tables whose last column cannot be reached`);
        await panelScreenshot(page, `panel-${width}px-dark.png`);
      }
      await page.setViewportSize({ width: 1400, height: 900 });
      await quickPick(page, '>View: Toggle Primary Side Bar Visibility', 'View: Toggle Primary Side Bar Visibility');

      // 6. The Checkpoints view: Delete on the focused checkpoint, confirmed with Enter; the focus
      // stays in the list, on the next one.
      const runs = fs
        .readdirSync(weightsDir)
        .filter((n) => !n.startsWith('.'))
        .sort();
      assert.equal(runs.length, 2, `two runs were saved: ${runs.join(', ')}`);
      await activityBarEntry(page).click();
      const rows = page.locator('#workbench\\.view\\.extension\\.lstmMnist .monaco-list[aria-label="Checkpoints"] .monaco-list-row');
      await rows.nth(1).waitFor({ state: 'visible' });
      const first = ((await rows.first().locator('.label-name').textContent()) ?? '').trim();
      await rows.first().click();
      await page.keyboard.press('Delete');
      const dialog = page.locator('.monaco-dialog-box', { hasText: `Move the checkpoint "${first}" to the trash?` });
      await dialog.waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      // Where the file system has no trash (code-server's, here), a second dialog asks again.
      const noTrash = page.locator('.monaco-dialog-box', { hasText: 'There is no trash' });
      if (
        await noTrash.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      ) {
        await page.keyboard.press('Enter');
        await noTrash.waitFor({ state: 'hidden' });
      }
      const other = runs.find((r) => r !== first) ?? '';
      await page.locator('.monaco-list-row.focused.selected', { hasText: other }).waitFor({ state: 'visible' });
      assert.ok(!fs.existsSync(path.join(weightsDir, first)), `${first} was deleted`);
      assert.ok(
        await page.evaluate(() => document.activeElement?.closest('.monaco-list[aria-label="Checkpoints"]') !== null),
        'the keyboard focus is in the Checkpoints list',
      );
    });
  },
);

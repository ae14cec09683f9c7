/// <reference lib="dom" />
// Inside the model, in a real VS Code (code-server in Chromium) with nothing mocked: train and
// evaluate a checkpoint, then browse its misclassified test images, pick an off-diagonal cell
// of the confusion matrix and see only that pair, open an image's row-by-row view and step
// through it, and draw a "1" with the mouse to see the checkpoint's prediction. Screenshots of
// each go to the README's pictures when $LSTM_MNIST_SCREENSHOTS says so.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { commandPick, drawOne, panel, panelFrame, panelScreenshot, quickPick, root, setColorTheme, withDevWorkbench } from './workbench';

const SETTINGS = { 'lstmMnist.trainSize': 6000, 'lstmMnist.testSize': 500, 'lstmMnist.epochs': 2 };
const UI_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 180_000;
const AXE = fs.readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** How much ink a canvas holds: 0 for one never drawn on. */
function ink(frame: Frame, selector: string): Promise<number> {
  return frame.evaluate((s) => {
    const canvas = document.querySelector<HTMLCanvasElement>(s);
    const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i];
    return sum;
  }, selector);
}

test(
  'a user browses the misclassified digits, filters them by a confusion cell, watches a prediction form row by row, and draws a 1',
  { timeout: 420_000 },
  async () => {
    await withDevWorkbench('inside', SETTINGS, {}, UI_TIMEOUT_MS, async ({ page }) => {
      const doc = panel(page);
      const live = doc.locator('#announcer');
      await quickPick(page, '>Train LSTM MNIST', 'Train LSTM MNIST');
      await setColorTheme(page, 'Dark Modern', 'vscode-dark');
      await live.filter({ hasText: /finished: test accuracy/ }).waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
      await commandPick(page, 'LSTM MNIST: Evaluate Checkpoint', /^lstm-\d{8}-\d{6}/);
      await live.filter({ hasText: /^Evaluation of / }).waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
      await quickPick(page, '>Notifications: Clear All Notifications', 'Notifications: Clear All Notifications');

      // 1. The gallery: the misclassified images, drawn, most confidently wrong first.
      const summary = doc.locator('.gallery-summary');
      await summary.filter({ hasText: /misclassified test images?, the most confidently wrong first$/ }).waitFor({ state: 'visible' });
      const items = doc.locator('#inspection .gallery-grid .digit');
      await items.first().waitFor({ state: 'visible' });
      const frame = await panelFrame(page);
      await frame.waitForFunction(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('#inspection .gallery-grid canvas');
        return canvas !== null && canvas.width === 28;
      });
      assert.ok((await ink(frame, '#inspection .gallery-grid canvas')) > 0, 'the first image is drawn');
      const captions = await doc.locator('#inspection .digit-caption').allTextContents();
      const probabilities = captions.map((c) => Number(/(\d+)%$/.exec(c)?.[1]));
      for (let i = 1; i < probabilities.length; i++)
        assert.ok(probabilities[i - 1] >= probabilities[i], `most confident first: ${captions.join(', ')}`);
      for (const c of captions) {
        const [, t, p] = /^(\d) → (\d)/.exec(c) ?? [];
        assert.notEqual(t, p, `a misclassified image: ${c}`);
      }
      await doc.locator('#inspection').scrollIntoViewIfNeeded();
      await panelScreenshot(page, 'inside-gallery.png');

      // 2. An off-diagonal cell of the confusion matrix: only that pair.
      const cell = doc.locator('#confusion-table td.pick');
      const labels = await cell.evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label') ?? ''));
      const offDiagonal = labels.findIndex((l) => {
        const m = /of (\d) predicted as (\d)/.exec(l);
        return m !== null && m[1] !== m[2];
      });
      assert.ok(offDiagonal >= 0, `an off-diagonal cell with images: ${labels.join(' | ')}`);
      const [, truth, predicted] = /of (\d) predicted as (\d)/.exec(labels[offDiagonal]) ?? [];
      const count = Number(/Show the (\d+) test/.exec(labels[offDiagonal])?.[1]);
      await cell.nth(offDiagonal).click();
      await summary.filter({ hasText: `of ${truth} classified as ${predicted}` }).waitFor({ state: 'visible' });
      assert.equal(await items.count(), Math.min(count, 40));
      for (const c of await doc.locator('#inspection .digit-caption').allTextContents())
        assert.ok(c.startsWith(`${truth} → ${predicted}`), c);

      // 3. Row by row: the first of them; its last row is the prediction; step back to row 1.
      await items.first().click();
      const status = doc.locator('.row-view').first().locator('.row-status');
      await status.filter({ hasText: new RegExp(`^After all 28 rows: predicted ${predicted} \\(\\d+%\\)$`) }).waitFor({ state: 'visible' });
      assert.equal(await doc.locator('.row-view').first().locator('tbody tr').count(), 28, 'a row of probabilities per row read');
      await doc.locator('.row-view').first().getByRole('button', { name: 'First row' }).click();
      await status.filter({ hasText: /^After row 1 of 28: most likely \d \(\d+%\)$/ }).waitFor({ state: 'visible' });
      await doc.locator('.row-view').first().getByRole('button', { name: 'Next row' }).click();
      await status.filter({ hasText: /^After row 2 of 28/ }).waitFor({ state: 'visible' });
      await doc.locator('.row-view').first().scrollIntoViewIfNeeded();
      await panelScreenshot(page, 'inside-row-by-row.png');

      // 4. Draw a 1: one stroke down the middle of the pad; the checkpoint's prediction appears.
      await drawOne(page);
      const drawn = doc.locator('.row-view').nth(1).locator('.row-status');
      await drawn.filter({ hasText: /^After all 28 rows: predicted \d \(\d+%\)$/ }).waitFor({ state: 'visible' });
      const said = (await drawn.textContent()) ?? '';
      console.log(`the drawn 1: ${said}`);
      assert.ok((await ink(frame, '.drawing-side canvas')) > 0, 'the preview shows what the model sees');
      // Below the sticky header: the pad, the preview and the drawing's row-by-row view.
      await frame.evaluate(() => {
        document.getElementById('draw-title')?.scrollIntoView();
        window.scrollBy(0, -50);
      });
      await panelScreenshot(page, 'inside-drawing.png');

      // The section passes the accessibility scan too.
      await frame.evaluate(AXE);
      const violations = await frame.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(c: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null }> }> };
          }
        ).axe;
        return (await axe.run(document, { resultTypes: ['violations'] })).violations.filter(
          (v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'color-contrast',
        );
      });
      assert.deepEqual(violations, []);

      // Clear: the drawing's result goes with it.
      await doc.locator('#clear-pad').click();
      await doc.locator('.row-view').nth(1).getByText('Draw a digit: the checkpoint reads it as you draw.').waitFor({ state: 'visible' });
    });
  },
);

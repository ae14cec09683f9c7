/// <reference lib="dom" />
// A cloned repository's checkpoint whose folder name, record and paths hold markup, in a real VS
// Code (code-server in headless Chromium): the runs table, Compare Runs and the training panel's
// evaluation show it as text, and no element of it is made in any webview.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { writeCheckpoint } from '../extension/fixtures';
import { activityBarEntry, commandPick, panel, quickPick, withDevWorkbench } from './workbench';

const UI_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 180_000;
/** Elements a page would make if it parsed the text as markup: none must exist. A folder's name too (no slash). */
const MARKUP = '<img id="planted" src=x onerror="alert(1)"><b id="planted-b">bold';
const PLANTED = '#planted, #planted-b';

const epochs = [1, 2].map((epoch) => ({ epoch, loss: 0.5, accuracy: 0.8, valLoss: 0.5, valAccuracy: 0.8, seconds: 1 }));

/**
 * The markup is shown as text in `doc`'s `where`, and none of it was made an element; the page's
 * policy runs its own script only (by nonce: no inline code, no eval, nothing else loaded).
 */
async function shownAsText(doc: FrameLocator, where: string, what: string): Promise<void> {
  await doc.locator(where, { hasText: MARKUP }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  assert.equal(await doc.locator(PLANTED).count(), 0, `${what}: the markup made no element`);
  const policy = (await doc.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
  const directives = new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"], `${what}: ${policy}`);
  assert.match((directives.get('script-src') ?? []).join(' '), /^'nonce-[A-Za-z0-9+/=]+'$/, `${what}: ${policy}`);
}

test(
  "a repository's checkpoint with markup in its folder's name, its record and its paths shows it as text in every panel",
  { timeout: 300_000 },
  async () => {
    await withDevWorkbench('planted', { 'lstmMnist.testSize': 100 }, {}, UI_TIMEOUT_MS, async ({ page, weightsDir }) => {
      const hyperparameters = { batchSize: 100, epochs: 2, learningRate: 0.01, seed: 42 };
      writeCheckpoint(path.join(weightsDir, MARKUP), 0.5, {
        name: MARKUP,
        // The newest, so that it is the Evaluate quick pick's first entry.
        createdAt: new Date(Date.now() + 60_000).toISOString(),
        hyperparameters,
        epochs,
        warnings: [MARKUP],
        continuedFrom: MARKUP,
        dataset: { name: MARKUP, source: `../${MARKUP}`, trainCount: 100, testCount: 100 },
      });
      writeCheckpoint(path.join(weightsDir, 'plain'), 0.6, { hyperparameters: { ...hyperparameters, learningRate: 0.003 }, epochs });
      await activityBarEntry(page).click();

      await quickPick(page, '>LSTM MNIST: Show Runs Table', 'Show Runs Table');
      const doc = panel(page);
      await doc.locator('#runs-summary', { hasText: /^2 runs shown of 2/ }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await shownAsText(doc, '#runs-table tbody tr', 'the runs table');
      for (const box of await doc.locator('#runs-table tbody input[type="checkbox"]').all()) await box.check();
      await doc.locator('#runs-compare').click();
      await panel(page).locator('#compare-title', { hasText: 'Comparing 2 runs' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await shownAsText(panel(page), '#compare-charts .legend', "Compare Runs' legends");
      await shownAsText(panel(page), '#compare-hyperparameters', "Compare Runs' table");

      // Evaluated (its data folder is the settings', never the checkpoint's path): the panel's report names it.
      await commandPick(page, 'LSTM MNIST: Evaluate Checkpoint', MARKUP);
      await panel(page).locator('#evaluation-accuracy').waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      await shownAsText(panel(page), '#evaluation h2', "the training panel's evaluation");
    });
  },
);

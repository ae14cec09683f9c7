// The packaged extension as a user gets it: the Linux x64 .vsix installed with code-server's
// --install-extension into a fresh extensions folder, with a fresh HOME (no npm, pip or
// TensorFlow cache from the developer set-up: only pip's configuration, which names this machine's
// package index), then used in Chromium. The first use sets TensorFlow up with visible progress:
// tfjs-node's official download fails (pointed at an address where nothing listens, so that the
// fall-through does not depend on this machine being offline), no Python TensorFlow is installed,
// and pip's tensorflow-cpu wheel works, and the log says so. The first use is an Evaluate (of a
// checkpoint already in the folder), whose set-up is cancelled and leaves nothing behind; the next
// use, a Train, sets it up and trains; Evaluate works; a second window reuses the runtime without a
// second set-up.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type CodeServer, installExtension } from '../vscode-host/codeServer';
import {
  activityBarEntry,
  openWindow,
  panel,
  quickPick,
  reportFailure,
  screenshot,
  startWorkbench,
  toast,
  commandPick,
} from '../e2e/workbench';
import { writeCheckpoint } from '../extension/fixtures';
import { EXTENSION_ID, freshMachine, runtimeRootContents, stages, UNREACHABLE } from './freshMachine';
import { packageFor } from './vsix';

const SETTINGS = { 'lstmMnist.trainSize': 2000, 'lstmMnist.testSize': 500, 'lstmMnist.epochs': 1 };
const UI_TIMEOUT_MS = 60_000;
/** pip's look-up (it retries the unreachable public index first), a 274 MB copy and an 850 MB unpack. */
const SETUP_TIMEOUT_MS = 240_000;
const RUN_TIMEOUT_MS = 180_000;

const stage = stages();

/** Clicks Cancel on the set-up's notification while it unpacks; retries if the notification changed under the click. */
async function cancelSetupWhileUnpacking(page: Page): Promise<void> {
  const cancelled = toast(page, 'set-up was cancelled');
  for (let attempt = 1; attempt <= 5; attempt++) {
    const unpacking = toast(page, 'Unpacking');
    await unpacking.waitFor({ state: 'visible', timeout: SETUP_TIMEOUT_MS });
    await unpacking
      .locator('.monaco-button', { hasText: 'Cancel' })
      .click({ timeout: 5_000 })
      .catch(() => undefined);
    if (
      await cancelled.waitFor({ state: 'visible', timeout: 10_000 }).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw new Error('Cancel on the set-up notification did not cancel it');
}

test(
  'the installed .vsix sets TensorFlow up on first use (cancellable, falling through failing sources), trains, evaluates, and a second window reuses it',
  { timeout: 900_000 },
  async () => {
    const vsix = packageFor('linux-x64');
    const { tmp, env, extensionsDir, userDataDir, workspace, runtimeRoot, setupLog } = freshMachine('installed', SETTINGS);
    // A checkpoint from before (another machine, say): the first thing the user does is evaluate it.
    const earlier = 'from-before';
    writeCheckpoint(path.join(workspace, 'weights', earlier), 0.5);

    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      await installExtension(vsix, { extensionsDir, userDataDir, env });
      const installed = fs.readdirSync(extensionsDir).filter((n) => n.startsWith(`${EXTENSION_ID}-`));
      assert.equal(installed.length, 1, `installed: ${fs.readdirSync(extensionsDir).join(', ')}`);
      assert.ok(!fs.existsSync(path.join(extensionsDir, installed[0], 'node_modules')), 'the installed extension has no node_modules');

      ({ server, browser } = await startWorkbench({ workspace, userDataDir, extensionsDir, env }));
      page = await openWindow(browser, server.url(workspace), UI_TIMEOUT_MS);

      stage('installed; the first use, an Evaluate, cancelled during its set-up');
      // 1. The first use, an Evaluate, sets TensorFlow up; cancelled while it unpacks, it leaves nothing behind.
      await commandPick(page, 'LSTM MNIST: Evaluate Checkpoint', earlier);
      await toast(page, 'Setting up TensorFlow').first().waitFor({ state: 'visible' });
      await cancelSetupWhileUnpacking(page);
      assert.deepEqual(runtimeRootContents(runtimeRoot), [], 'a cancelled set-up leaves no runtime and no staging folder');
      assert.match(fs.readFileSync(setupLog, 'utf8'), /cancelled; nothing was installed/);
      assert.deepEqual(fs.readdirSync(path.join(workspace, 'weights')), [earlier], 'nothing ran');

      stage('Train: set-up and run');
      // 2. Train: the set-up runs to its end (screenshot of a step's bar), then the run.
      const logBefore = fs.readFileSync(setupLog, 'utf8').length;
      await quickPick(page, '>Notifications: Clear All Notifications', 'Clear All Notifications');
      await quickPick(page, '>Train LSTM MNIST', 'Train LSTM MNIST');
      // The screenshot for the README: a step's own bar, well under way.
      await page.mouse.move(700, 300); // no tooltip from the last click
      await toast(page, /Unpacking .*: [3-9]\d%/).waitFor({ state: 'visible', timeout: SETUP_TIMEOUT_MS });
      await screenshot(page, '0-setting-up-tensorflow.png');
      const doc = panel(page);
      const testAccuracy = doc.locator('#test-accuracy');
      await testAccuracy.waitFor({ state: 'visible', timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS });
      await doc.locator('#status', { hasText: 'Idle' }).waitFor({ state: 'visible' });
      assert.match(
        (await doc.locator('.runtime').first().textContent()) ?? '',
        /TensorFlow from pip's tensorflow-cpu [\d.]+ wheel, TensorFlow [\d.]+/,
        'the panel says where TensorFlow came from',
      );

      // The set-up's log: each source tried in order, the failing ones with their reason.
      const log = fs.readFileSync(setupLog, 'utf8').slice(logBefore);
      const order = [
        "trying tfjs-node's official binaries",
        `tfjs-node's official binaries: ${UNREACHABLE}tensorflow/libtensorflow/`,
        'the connection was refused',
        'trying a TensorFlow installed in Python',
        'a TensorFlow installed in Python: ',
        "trying pip's tensorflow-cpu wheel",
        'checked: size, sha256',
        'is set up in',
      ];
      let at = 0;
      for (const line of order) {
        const found = log.indexOf(line, at);
        assert.ok(found >= 0, `the set-up log lacks ${JSON.stringify(line)} (after position ${at}):\n${log}`);
        at = found;
      }
      const runtimes = runtimeRootContents(runtimeRoot);
      assert.deepEqual(runtimes, ['tfjs-node-4.22.0-cpu-linux-x64']);
      const manifest = JSON.parse(fs.readFileSync(path.join(runtimeRoot, runtimes[0], 'runtime.json'), 'utf8')) as { source: string };
      assert.equal(manifest.source, 'pip');

      stage('trained; evaluating');
      // 3. The checkpoint is listed, and Evaluate gives the same accuracy.
      const weights = fs.readdirSync(path.join(workspace, 'weights')).filter((n) => n !== earlier);
      assert.equal(weights.length, 1, `checkpoints: ${weights.join(', ')}`);
      await activityBarEntry(page).click();
      await page.locator('.monaco-list[aria-label="Checkpoints"] .monaco-list-row', { hasText: weights[0] }).waitFor({ state: 'visible' });
      await commandPick(page, 'LSTM MNIST: Evaluate Checkpoint', weights[0]);
      const evaluation = doc.locator('#evaluation-accuracy');
      await evaluation.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      assert.equal(((await evaluation.textContent()) ?? '').trim(), ((await testAccuracy.textContent()) ?? '').trim());

      stage('evaluated; a second window');
      // 4. A second window: its own extension host finds the runtime and sets nothing up.
      const runtimeStat = fs.statSync(path.join(runtimeRoot, runtimes[0]));
      const logLength = fs.readFileSync(setupLog, 'utf8').length;
      const second = await openWindow(browser, server.url(workspace), UI_TIMEOUT_MS);
      await quickPick(second, '>Train LSTM MNIST', 'Train LSTM MNIST');
      await panel(second).locator('#status', { hasText: 'Training' }).waitFor({ state: 'visible' });
      await panel(second).locator('#test-accuracy').waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      assert.equal(fs.readFileSync(setupLog, 'utf8').length, logLength, 'the second window did not set TensorFlow up again');
      assert.equal(fs.statSync(path.join(runtimeRoot, runtimes[0])).ino, runtimeStat.ino, 'the same runtime folder');
      assert.equal(await toast(second, 'Setting up TensorFlow').count(), 0);
      assert.equal(
        fs.readdirSync(path.join(workspace, 'weights')).filter((n) => n !== earlier).length,
        2,
        'the second run saved its checkpoint',
      );
    } catch (err) {
      if (fs.existsSync(setupLog)) console.error(`--- setup.log ---\n${fs.readFileSync(setupLog, 'utf8')}`);
      await reportFailure(page, server, 'installed');
      throw err;
    } finally {
      await browser?.close().catch(() => undefined);
      await server?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

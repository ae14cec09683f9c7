// The universal .vsix (the package VS Code installs where no platform's package matches) as a user
// with nothing native gets it: installed into a fresh extensions folder with a fresh HOME in which
// every source of TensorFlow's native runtime fails (tfjs-node's download refused, no TensorFlow in
// Python, pip without an index). Train falls back to the portable kernels after the failed set-up
// and trains; the panel says what computes and why; Evaluate and the drawing pad work on them;
// the next Train starts on them at once, with no second set-up. Then pip gets its index back and
// Set Up TensorFlow sets the native runtime up: the next run trains on it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type CodeServer, installExtension } from '../vscode-host/codeServer';
import { commandPick, drawOne, openWindow, panel, quickPick, reportFailure, startWorkbench, toast } from '../e2e/workbench';
import { freshMachine, runtimeRootContents, stages, userPipConfigFile } from './freshMachine';
import { packageFor } from './vsix';

const SETTINGS = { 'lstmMnist.trainSize': 1000, 'lstmMnist.testSize': 300, 'lstmMnist.epochs': 1 };
const UI_TIMEOUT_MS = 60_000;
/** The failed set-up, then the run on the portable kernels. */
const RUN_TIMEOUT_MS = 180_000;
/** pip's look-up, a 274 MB copy and an 850 MB unpack. */
const SETUP_TIMEOUT_MS = 300_000;

const stage = stages();

/** Waits until the weights folder holds `count` checkpoints (a run's end, however quick the run was). */
async function checkpoints(weights: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const saved = () => (fs.existsSync(weights) ? fs.readdirSync(weights).filter((n) => !n.startsWith('.')) : []);
  while (saved().length < count) {
    if (Date.now() > deadline) throw new Error(`${count} checkpoints were not saved in time: ${saved().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

test(
  'the universal .vsix with nothing native trains, evaluates and classifies a drawing on the portable kernels, saying why, until Set Up TensorFlow moves it to the native runtime',
  { timeout: 900_000 },
  async () => {
    const vsix = packageFor('universal');
    const { tmp, env, extensionsDir, userDataDir, workspace, runtimeRoot, setupLog } = freshMachine('portable', SETTINGS);
    // pip reads its configuration file on every call: first one without an index, later the user's own.
    const pipConf = path.join(tmp, 'pip.conf');
    fs.writeFileSync(pipConf, '[global]\nno-index = true\n');
    env.PIP_CONFIG_FILE = pipConf;
    const weights = path.join(workspace, 'weights');

    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      await installExtension(vsix, { extensionsDir, userDataDir, env });
      ({ server, browser } = await startWorkbench({ workspace, userDataDir, extensionsDir, env }));
      page = await openWindow(browser, server.url(workspace), UI_TIMEOUT_MS);
      const doc = panel(page);
      // The panel's training report (its evaluation report, below it, has a device line too).
      const training = doc.getByRole('region', { name: /^Training / });

      stage('installed; Train with no native source that works');
      await quickPick(page, '>Train LSTM MNIST', 'Train LSTM MNIST');
      await doc.locator('#test-accuracy').waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      await doc.locator('#status', { hasText: 'Idle' }).waitFor({ state: 'visible' });
      assert.match((await training.locator('.device').textContent()) ?? '', /portable backend .*portable WebAssembly kernels/);
      assert.match((await training.locator('.runtime').textContent()) ?? '', /no native TensorFlow: WebAssembly with SIMD \(lstm\.wasm\)/);
      await doc
        .locator('.warning', {
          hasText:
            /TensorFlow's native runtime cannot be used \(TensorFlow \(CPU\) could not be set up\..*: training with the portable kernels/,
        })
        .first()
        .waitFor({ state: 'visible' });
      assert.deepEqual(runtimeRootContents(runtimeRoot), [], 'the failed set-up left nothing');
      const log = fs.readFileSync(setupLog, 'utf8');
      for (const line of [
        "trying tfjs-node's official binaries",
        'trying a TensorFlow installed in Python',
        "trying pip's tensorflow-cpu wheel",
      ]) {
        assert.ok(log.includes(line), `the set-up log lacks ${JSON.stringify(line)}:\n${log}`);
      }
      const [first] = fs.readdirSync(weights);
      const meta = JSON.parse(fs.readFileSync(path.join(weights, first, 'checkpoint.json'), 'utf8')) as { device: { kernels: string } };
      assert.equal(meta.device.kernels, 'portable');

      stage('trained on the portable kernels; Evaluate and the drawing pad');
      await commandPick(page, 'LSTM MNIST: Evaluate Checkpoint', first);
      const evaluation = doc.locator('#evaluation-accuracy');
      await evaluation.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      assert.equal(((await evaluation.textContent()) ?? '').trim(), ((await doc.locator('#test-accuracy').textContent()) ?? '').trim());
      await drawOne(page);
      await doc
        .locator('.row-view')
        .nth(1)
        .locator('.row-status')
        .filter({ hasText: /^After all 28 rows: predicted \d \(\d+%\)$/ })
        .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });

      stage('a second run starts on the portable kernels at once: no second set-up');
      const logLength = fs.readFileSync(setupLog, 'utf8').length;
      await quickPick(page, '>Train LSTM MNIST', 'Train LSTM MNIST');
      await checkpoints(weights, 2, RUN_TIMEOUT_MS);
      await doc.locator('#status', { hasText: 'Idle' }).waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      assert.equal(fs.readFileSync(setupLog, 'utf8').length, logLength, 'no set-up was tried again');
      await doc
        .locator('.warning', { hasText: /: training with the portable kernels/ })
        .first()
        .waitFor({ state: 'visible' });
      assert.match((await training.locator('.runtime').textContent()) ?? '', /no native TensorFlow/);

      stage("pip's index back; Set Up TensorFlow, then a run on the native runtime");
      const userConfig = userPipConfigFile();
      fs.writeFileSync(pipConf, userConfig ? fs.readFileSync(userConfig, 'utf8') : '');
      await quickPick(page, '>Notifications: Clear All Notifications', 'Clear All Notifications');
      await quickPick(page, '>LSTM MNIST: Set Up TensorFlow', 'Set Up TensorFlow');
      await toast(page, /TensorFlow [\d.]+ \(CPU\) from pip's tensorflow-cpu [\d.]+ wheel is set up/).waitFor({
        state: 'visible',
        timeout: SETUP_TIMEOUT_MS,
      });
      await quickPick(page, '>Train LSTM MNIST', 'Train LSTM MNIST');
      await checkpoints(weights, 3, RUN_TIMEOUT_MS);
      await training.locator('.runtime', { hasText: /TensorFlow from pip's tensorflow-cpu [\d.]+ wheel/ }).waitFor({ state: 'visible' });
      assert.match((await training.locator('.device').textContent()) ?? '', /tensorflow backend/);
    } catch (err) {
      if (fs.existsSync(setupLog)) console.error(`--- setup.log ---\n${fs.readFileSync(setupLog, 'utf8')}`);
      await reportFailure(page, server, 'installed-portable');
      throw err;
    } finally {
      await browser?.close().catch(() => undefined);
      await server?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

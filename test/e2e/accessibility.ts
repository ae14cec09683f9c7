/// <reference lib="dom" />
// What the browser tests check of every panel for every user: axe-core's scan of a panel's
// document (no violation of serious or critical impact, contrast included), and a panel set to a
// given width (280 px: the narrowest editor a user can make).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { root } from './workbench';

const AXE = fs.readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** axe-core's scan of the panel's document (injected through the debugger protocol, which the panel's CSP does not govern). */
export async function scan(frame: Frame): Promise<AxeViolation[]> {
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(AXE);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

export function assertAccessible(violations: AxeViolation[], when: string): void {
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'color-contrast');
  assert.deepEqual(bad, [], `${when}: ${JSON.stringify(bad, null, 1)}`);
}

/**
 * The panel's width once it has stopped changing: the same for five frames in a row (the
 * workbench lays the editor out, then the webview's frame follows, each on a frame of its own).
 */
export async function settledWidth(frame: Frame): Promise<number> {
  return frame.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let last = -1;
        let same = 0;
        const tick = (): void => {
          const width = document.documentElement.clientWidth;
          same = width === last ? same + 1 : 0;
          last = width;
          if (same >= 5) resolve(width);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
  );
}

/** Sets the window so that the panel (the only editor, no side bar) is `width` px wide. */
export async function panelWidth(page: Page, frame: Frame, width: number): Promise<number> {
  let viewport = width + 60;
  let actual = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.setViewportSize({ width: viewport, height: 900 });
    // The workbench has taken the window's new width, then the panel has followed.
    await page.waitForFunction((w) => document.querySelector('.monaco-workbench')?.clientWidth === w, viewport);
    actual = await settledWidth(frame);
    if (Math.abs(actual - width) <= 2) break;
    viewport += width - actual;
  }
  return actual;
}

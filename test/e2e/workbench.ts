// What the browser tests do in code-server's workbench, shared by them: a fresh workbench on a
// copy of the fixture, the Command Palette, colour themes, the training panel's document,
// notifications, screenshots, and a fresh user profile.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { type CodeServer, type CodeServerOptions, launchChromium, startCodeServer } from '../vscode-host/codeServer';

export const root = path.resolve(__dirname, '..', '..', '..'); // these files run from out/test/e2e/
export const FIXTURE = path.join(root, 'test', 'fixtures', 'workspace');
export const SCREENSHOTS = path.resolve(root, process.env.LSTM_MNIST_SCREENSHOTS ?? path.join('out', 'screenshots'));

/** A user profile without the first-run walkthrough, which would take the editor's place. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
};

/** Creates `userDataDir` with the quiet user settings (plus `extra`). */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

/** A picture of the training panel alone (its frame), as the README shows it. */
export async function panelScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator('iframe.webview.ready').screenshot({ path: path.join(SCREENSHOTS, name) });
}

/**
 * Types `text` into the Quick Open box (F1; `>` for a command, a file name for a file) and picks
 * the highlighted entry once it is the one that contains `entry`.
 */
export async function quickPick(page: Page, text: string, entry: string | RegExp): Promise<void> {
  await pickInQuickInput(page, 'F1 to open the Command Palette', () => page.keyboard.press('F1'), text, entry);
}

/** Draws a "1" on the panel's drawing pad: one stroke down its middle, leaning a little. */
export async function drawOne(page: Page): Promise<void> {
  const pad = panel(page).locator('#drawing-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('the drawing pad is not on screen');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.5 - 0.004 * i), box.y + box.height * (0.15 + 0.06 * i));
  await page.mouse.up();
}

/**
 * Runs `command` from the Command Palette and picks, in the quick pick it opens (a checkpoint),
 * the highlighted entry once it contains `entry`; a quick pick closed under the pick (the panel
 * taking the focus as a run ends) is opened again by running the command again.
 */
export async function commandPick(page: Page, command: string, entry: string | RegExp): Promise<void> {
  await pickInQuickInput(
    page,
    `the quick pick of ${command}`,
    () => quickPick(page, `>${command}`, command.replace(/^LSTM MNIST: /, '')),
    '',
    entry,
  );
}

/**
 * Opens a quick input with `open`, types `text`, and picks the highlighted entry once it is the
 * one that contains `entry`. What the last action set going (a panel that takes the focus as it
 * loads, a side bar that lays the window out again) can close the quick input before the pick,
 * as it closes when it loses the focus: it is then opened again, three times at most. A pick that
 * is not there while the quick input is open fails.
 */
async function pickInQuickInput(page: Page, what: string, open: () => Promise<void>, text: string, entry: string | RegExp): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 1; ; attempt++) {
    // The quick input of a pick just made may still be closing: opening it now would find it
    // visible and then lose it. Let it go first (one still open after 5 s is one `open` replaces).
    await input.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    // A key pressed while the workbench is still settling can be lost: press again if nothing opened.
    await repeatUntil(what, open, input, 'visible', 10_000);
    try {
      await input.fill(text, { timeout: 10_000 });
      // Enter picks the highlighted entry: make sure it is ours.
      await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: entry }).waitFor({ state: 'visible', timeout: 30_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (attempt === 3 || (await input.isVisible())) throw e;
    }
  }
}

/**
 * Does `act` until `target` reaches `state` (a busy or an idle workbench sometimes drops a key,
 * a click or a hover's delayed show), three times at most; `between` runs before a retry.
 */
export async function repeatUntil(
  what: string,
  act: () => Promise<void>,
  target: Locator,
  state: 'visible' | 'hidden',
  timeoutMs: number,
  between: () => Promise<void> = async () => undefined,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await act();
    const reached = await target.waitFor({ state, timeout: timeoutMs }).then(
      () => true,
      () => false,
    );
    if (reached) return;
    if (attempt === 3) throw new Error(`${what} did not work, three times`);
    await between();
  }
}

/** A webview on screen: the panel in front, where others are open behind it in the same group. */
const VISIBLE_WEBVIEW = 'iframe.webview.ready >> visible=true';

/** The panel's document (the webview's inner frame): the training panel, or whichever panel is in front. */
export function panel(page: Page): FrameLocator {
  return page.frameLocator(VISIBLE_WEBVIEW).frameLocator('#active-frame');
}

/** The training panel's document as a Frame, for what a locator cannot do (scripts, focus, scroll). */
export async function panelFrame(page: Page): Promise<Frame> {
  const outer = await page.locator(VISIBLE_WEBVIEW).elementHandle();
  const inner = await (await outer?.contentFrame())?.locator('#active-frame').elementHandle();
  const frame = await inner?.contentFrame();
  if (!frame) throw new Error('the training panel has no document');
  return frame;
}

/** Picks a colour theme as a user does (Ctrl+K Ctrl+T: "Light Modern", "Dark High Contrast"), and waits for the panel to take it. */
export async function setColorTheme(page: Page, theme: string, bodyClass: string): Promise<void> {
  const chord = async (): Promise<void> => {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
  };
  await pickInQuickInput(page, 'Ctrl+K Ctrl+T to pick a colour theme', chord, theme, new RegExp(`^${theme}`));
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'hidden' });
  await panel(page).locator(`body.${bodyClass}`).waitFor({ state: 'attached' });
}

/** The extension's activity bar entry: visible once the workbench has read its contributions. */
export function activityBarEntry(page: Page): Locator {
  return page.locator('.activitybar .action-item a.action-label[aria-label^="LSTM MNIST"]');
}

/** Notification toasts that contain `text`. */
export function toast(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** "0.879" -> "87.90%", as the tree and the panel print accuracies. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** code-server and Chromium, started together; when one fails to start, the other is stopped. */
export async function startWorkbench(opts: CodeServerOptions): Promise<{ server: CodeServer; browser: Browser }> {
  const [s, b] = await Promise.allSettled([startCodeServer(opts), launchChromium()]);
  if (s.status === 'fulfilled' && b.status === 'fulfilled') return { server: s.value, browser: b.value };
  if (s.status === 'fulfilled') await s.value.stop();
  if (b.status === 'fulfilled') await b.value.close().catch(() => undefined);
  throw s.status === 'rejected' ? s.reason : (b as PromiseRejectedResult).reason;
}

/** A workbench window at `url`, once the extension's contributions are on screen. */
export async function openWindow(browser: Browser, url: string, timeoutMs: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(timeoutMs);
  await page.goto(url);
  await activityBarEntry(page).waitFor({ state: 'visible' });
  return page;
}

export interface DevSession {
  page: Page;
  workspace: string;
  /** The workspace's weights folder. */
  weightsDir: string;
}

/**
 * Runs `body` in a fresh workbench window with the extension loaded from this checkout (a
 * development extension), on a copy of the fixture workspace with `settings` as its folder
 * settings; `userSettings` are added to the quiet user profile. On a failure it leaves a
 * screenshot and code-server's output (`name` names them); everything is removed either way.
 */
export async function withDevWorkbench(
  name: string,
  settings: Record<string, unknown>,
  userSettings: Record<string, unknown>,
  timeoutMs: number,
  body: (session: DevSession) => Promise<void>,
): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `lstm-mnist-${name}-`));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(FIXTURE, workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  try {
    const userDataDir = path.join(tmp, 'user-data');
    writeUserSettings(userDataDir, userSettings);
    ({ server, browser } = await startWorkbench({ workspace, userDataDir }));
    page = await openWindow(browser, server.url(workspace, [['extensionDevelopmentPath', server.remoteUri(root)]]), timeoutMs);
    await body({ page, workspace, weightsDir: path.join(workspace, 'weights') });
  } catch (err) {
    await reportFailure(page, server, name);
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** What a failed browser test leaves for the reader: a screenshot of the page and code-server's last output. */
export async function reportFailure(page: Page | undefined, server: CodeServer | undefined, name: string): Promise<void> {
  const shot = path.join(os.tmpdir(), `lstm-mnist-${name}-failure.png`);
  const saved = page
    ? await page.screenshot({ path: shot }).then(
        () => true,
        () => false,
      )
    : false;
  if (saved) console.error(`the page when it failed: ${shot}`);
  if (server) console.error(`--- code-server output ---\n${server.recentOutput()}`);
}

// Watches what the extension shows the user, without changing it: the extension and these tests
// live in the same folder, so the extension host gives both the same `vscode` API object, and
// wrapping a few of its `window` functions here lets the tests see the notifications, the
// progress messages and the Checkpoints view (its data provider and selection). Every wrapper calls the original,
// so the workbench shows exactly what it would without the tests, except for a notification a
// test has asked to answer (`clickNext`), which is answered at once instead of being shown.
// Installed when this module is first imported, which the test files do while mocha loads them,
// before any test activates the extension.
import * as vscode from 'vscode';

export type NotificationKind = 'error' | 'warning' | 'info';

export interface Notification {
  kind: NotificationKind;
  message: string;
  /** The buttons it offered. */
  actions: string[];
}

export interface ProgressReport {
  /** The title of the withProgress call (e.g. "Training lstm-20250101-120000"). */
  title: string;
  message: string;
}

/** Every notification shown since the tests started, in order. */
export const notifications: Notification[] = [];
/** Every progress message reported since the tests started, in order. */
export const progressReports: ProgressReport[] = [];

let pendingClick: string | undefined;

/** The next notification that offers `action` is answered with it, as if the user had clicked it. */
export function clickNext(action: string): void {
  pendingClick = action;
}

let checkpointsProvider: vscode.TreeDataProvider<vscode.TreeItem> | undefined;
let checkpointsView: vscode.TreeView<vscode.TreeItem> | undefined;

/** The Checkpoints view itself (its selection), as the extension created it. */
export function checkpointView(): vscode.TreeView<vscode.TreeItem> {
  if (!checkpointsView) throw new Error('the Checkpoints view was not created after the test observers were installed');
  return checkpointsView;
}

/** The Checkpoints view's data provider, as the extension registered it. */
export function checkpointTree(): vscode.TreeDataProvider<vscode.TreeItem> {
  if (!checkpointsProvider) {
    throw new Error(
      'the Checkpoints view was not created after the test observers were installed ' +
        '(was the extension activated before the test files were loaded?)',
    );
  }
  return checkpointsProvider;
}

/** The view's top-level items, as VS Code would read them. */
export async function checkpointItems(): Promise<vscode.TreeItem[]> {
  const provider = checkpointTree();
  const children = (await provider.getChildren()) ?? [];
  return Promise.all(children.map((c) => provider.getTreeItem(c)));
}

/** The names the Checkpoints view lists now: what its provider last gave VS Code (read again only after a refresh). */
export async function viewListing(): Promise<string[]> {
  return (await checkpointItems()).map((i) => String(i.label));
}

/**
 * Reads a state every 100 ms until `done` holds for it; after `timeoutMs`, fails saying what it
 * saw last. For what the extension does in its own time (a refresh, a notification): a state can
 * be waited for, where an event may have fired before anyone listened.
 */
export async function waitForState<S>(
  what: string,
  read: () => S | Promise<S>,
  done: (state: S) => boolean,
  timeoutMs: number,
): Promise<S> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await read();
    if (done(state)) return state;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> {
  return (await waitForState(what, check, (v) => v !== undefined && v !== false, timeoutMs)) as T;
}

type AnyFn = (...args: unknown[]) => unknown;
const INSTALLED = Symbol.for('lstmMnist.testObservers');

function install(): void {
  // The API object's functions are plain, writable properties.
  const win = vscode.window as unknown as Record<string | symbol, unknown>;
  if (win[INSTALLED]) return;
  win[INSTALLED] = true;

  const wrap = (name: string, make: (original: AnyFn) => AnyFn): void => {
    const original = win[name];
    if (typeof original !== 'function') throw new Error(`vscode.window.${name} is not a function`);
    win[name] = make((original as AnyFn).bind(vscode.window));
  };
  const note =
    (kind: NotificationKind) =>
    (original: AnyFn): AnyFn =>
    (message: unknown, ...rest: unknown[]) => {
      // The buttons are strings (or MessageItems) after an optional options object.
      const actions = rest
        .map((a) => (typeof a === 'string' ? a : (a as { title?: unknown })?.title))
        .filter((a): a is string => typeof a === 'string');
      notifications.push({ kind, message: String(message), actions });
      if (pendingClick !== undefined && actions.includes(pendingClick)) {
        const clicked = pendingClick;
        pendingClick = undefined;
        return Promise.resolve(clicked);
      }
      return original(message, ...rest);
    };
  wrap('showErrorMessage', note('error'));
  wrap('showWarningMessage', note('warning'));
  wrap('showInformationMessage', note('info'));

  wrap('withProgress', (original) => (options: unknown, task: unknown) => {
    const title = String((options as vscode.ProgressOptions).title ?? '');
    const run = task as (p: vscode.Progress<{ message?: string; increment?: number }>, t: vscode.CancellationToken) => unknown;
    return original(options, (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) =>
      run(
        {
          report(value) {
            if (value.message !== undefined) progressReports.push({ title, message: value.message });
            progress.report(value);
          },
        },
        token,
      ),
    );
  });

  wrap('createTreeView', (original) => (viewId: unknown, options: unknown) => {
    const view = original(viewId, options) as vscode.TreeView<vscode.TreeItem>;
    if (viewId === 'lstmMnist.checkpoints') {
      checkpointsProvider = (options as vscode.TreeViewOptions<vscode.TreeItem>).treeDataProvider;
      checkpointsView = view;
    }
    return view;
  });
}

install();

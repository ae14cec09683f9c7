// The Checkpoints view: one item per folder of the weights folder, valid or not (a broken
// checkpoint is shown with its reason, so the user can see it and delete it); a sweep's folder is
// an item whose children are its runs. The listing the
// view was given is kept; the folder is read again when the file watcher reports a change, and
// once more after each reading settles (for what the watcher cannot report), and the view is
// given the new listing only where it differs. The refresh command and a job's end make it
// read again at once. A reading reads only the checkpoints whose files changed (ListingCache).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckpointMeta } from '../protocol/checkpointFormat';
import { architectureText } from '../protocol/architecture';
import { CheckpointEntry, listCheckpoints, ListingCache } from './checkpointList';
import { fixed, kernelsText, localDateTime, percent, plural, seconds } from '../protocol/format';
import { settingId } from '../protocol/runOptions';
import { weightsDirOf, workspaceFolder } from './workspace';

/** The view's id in package.json. */
export const CHECKPOINTS_VIEW = 'lstmMnist.checkpoints';

/** `contextValue`s used by the view/item/context menus in package.json. */
const VALID_CHECKPOINT = 'checkpoint';
const INVALID_CHECKPOINT = 'invalidCheckpoint';
const SWEEP = 'sweep';

/** Several files change per checkpoint written or deleted: refresh once after they settle. */
const WATCH_DEBOUNCE_MS = 300;

/**
 * How long after each reading the folder is read again, and the view refreshed if it differs.
 * File events can be lost: VS Code drops a create and a delete of the same path that fall in one
 * batch of events (a folder copied in and removed again while the view read it), and a file
 * written into a new folder before the watcher watches that folder is never reported (inotify).
 * Batches are flushed within about 0.6 s (the watcher's 0.5 s maximum wait, then 75 ms).
 */
export const SETTLE_CHECK_MS = 2000;

export class CheckpointItem extends vscode.TreeItem {
  constructor(readonly entry: CheckpointEntry) {
    // Under its sweep, a run is named by its own folder.
    super(entry.sweep ? path.basename(entry.path) : entry.name, vscode.TreeItemCollapsibleState.None);
    this.id = entry.path;
    if (entry.valid) {
      const { meta } = entry;
      this.description = `${percent(meta.test.accuracy)} · ${plural(meta.epochs.length, 'epoch')} · ${localDateTime(meta.createdAt)}`;
      // The description is cut in a narrow sidebar: the tooltip repeats it in full.
      this.tooltip = describe(meta, entry.path, this.description);
      // A run that warned (e.g. stuck at chance level) is kept, and looks it.
      this.iconPath =
        Array.isArray(meta.warnings) && meta.warnings.length > 0
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : new vscode.ThemeIcon('package');
      this.contextValue = VALID_CHECKPOINT;
    } else {
      this.description = entry.problem;
      this.tooltip = new vscode.MarkdownString('$(error) **Not a usable checkpoint**\n\n', true).appendText(
        `${entry.path}\n\n${entry.problem}`,
      );
      this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      this.contextValue = INVALID_CHECKPOINT;
    }
  }
}

/** A sweep's folder: its runs, finished and failed, are its children. */
export class SweepItem extends vscode.TreeItem {
  constructor(
    readonly sweep: string,
    readonly runs: CheckpointEntry[],
  ) {
    super(sweep, vscode.TreeItemCollapsibleState.Collapsed);
    const dir = path.dirname(runs[0].path);
    this.id = `sweep:${dir}`;
    const accuracies = runs.flatMap((r) => (r.valid ? [r.meta.test.accuracy] : []));
    this.description = `${plural(runs.length, 'run')}${accuracies.length ? ` · best ${percent(Math.max(...accuracies))}` : ''}`;
    this.tooltip = new vscode.MarkdownString('$(beaker) **Sweep**\n\n', true).appendText(`${sweep}: ${this.description}\n\n${dir}`);
    this.iconPath = new vscode.ThemeIcon('beaker');
    this.contextValue = SWEEP;
  }
}

/** What the view shows: checkpoints, and sweeps holding theirs. */
export type CheckpointNode = CheckpointItem | SweepItem;

/** The view's top level: each sweep where its newest run would be, its runs below it. */
function topLevel(entries: CheckpointEntry[]): CheckpointNode[] {
  const nodes: CheckpointNode[] = [];
  const sweeps = new Set<string>();
  for (const entry of entries) {
    if (!entry.sweep) nodes.push(new CheckpointItem(entry));
    else if (!sweeps.has(entry.sweep)) {
      sweeps.add(entry.sweep);
      nodes.push(
        new SweepItem(
          entry.sweep,
          entries.filter((e) => e.sweep === entry.sweep),
        ),
      );
    }
  }
  return nodes;
}

export class CheckpointTreeProvider implements vscode.TreeDataProvider<CheckpointNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private watcher: vscode.Disposable | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private settleCheck: NodeJS.Timeout | undefined;
  /** The checkpoints read so far: a reading reads again only those whose files changed. */
  private readonly cache = new ListingCache();
  /** What the view was last given; undefined once a refresh asked it to read again. */
  private listing: Promise<CheckpointEntry[]> | undefined;

  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor() {
    this.watch();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(settingId('weightsFolder'))) this.rewatch();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rewatch()),
    );
  }

  /** Makes the view read the folder again (the refresh command, a job's end, another weights folder). */
  refresh(): void {
    this.listing = undefined;
    this.changeEmitter.fire();
  }

  getTreeItem(item: CheckpointNode): CheckpointNode {
    return item;
  }

  /** What the view shows (read now if it has not read the folder since its last refresh): the runs table's rows come from it. */
  entries(): Promise<CheckpointEntry[]> {
    this.listing ??= this.readAndCheckLater();
    return this.listing;
  }

  /** A run's sweep; VS Code needs this to reveal (select and focus) an item. */
  async getParent(item: CheckpointNode): Promise<SweepItem | undefined> {
    if (!(item instanceof CheckpointItem) || !item.entry.sweep) return undefined;
    const nodes = topLevel(await this.entries());
    return nodes.find((n): n is SweepItem => n instanceof SweepItem && n.sweep === item.entry.sweep);
  }

  /** The listing the view shows: read on the first call after a refresh, the same until the next. */
  async getChildren(parent?: CheckpointNode): Promise<CheckpointNode[]> {
    if (parent instanceof SweepItem) return parent.runs.map((e) => new CheckpointItem(e));
    if (parent) return [];
    return topLevel(await this.entries());
  }

  dispose(): void {
    clearTimeout(this.debounce);
    clearTimeout(this.settleCheck);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private read(): Promise<CheckpointEntry[]> {
    const dir = weightsDirOf(workspaceFolder());
    return dir ? listCheckpoints(dir, this.cache) : Promise.resolve([]);
  }

  /** A reading of the folder for the view, checked once more later: it may have caught a change half made. */
  private readAndCheckLater(): Promise<CheckpointEntry[]> {
    this.checkLater();
    return this.read();
  }

  private checkLater(): void {
    clearTimeout(this.settleCheck);
    this.settleCheck = setTimeout(() => void this.update(), SETTLE_CHECK_MS);
  }

  /**
   * Reads the folder, and gives the view the new listing only where it differs from what the view
   * shows: a refresh empties VS Code's tree until it has read it again, and a command run from an
   * item's menu meanwhile gets no item. The file watcher's bursts and the settle check come here.
   */
  private async update(): Promise<void> {
    const shown = this.listing;
    if (!shown) return; // The view reads afresh when it next asks.
    const reading = this.read();
    const [before, now] = await Promise.all([shown, reading]);
    if (this.listing !== shown || JSON.stringify(before) === JSON.stringify(now)) return;
    this.listing = reading;
    this.checkLater();
    this.changeEmitter.fire();
  }

  private rewatch(): void {
    this.watcher?.dispose();
    this.watch();
    this.refresh();
  }

  /**
   * Watches the weights folder and everything in it from its parent, so that the folder's own
   * creation and deletion are seen too (a watcher on a folder that does not exist yet sees nothing).
   */
  private watch(): void {
    const dir = weightsDirOf(workspaceFolder());
    if (!dir) {
      this.watcher = undefined;
      return;
    }
    const name = path.basename(dir);
    const pattern = new vscode.RelativePattern(vscode.Uri.file(path.dirname(dir)), `{${name},${name}/**}`);
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const later = (): void => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.update(), WATCH_DEBOUNCE_MS);
    };
    watcher.onDidCreate(later);
    watcher.onDidChange(later);
    watcher.onDidDelete(later);
    this.watcher = watcher;
  }
}

/** The checkpoint's configuration and results, for the item's tooltip. */
function describe(meta: CheckpointMeta, dir: string, description: string): vscode.MarkdownString {
  // checkpoint.json is only checked for what every reader needs; a hand-edited one may lack
  // some of these fields, which must then read as "undefined", not break the tree.
  const hp = meta.hyperparameters;
  const dev = meta.device;
  const rows: Array<[string, string]> = [
    ['Test accuracy', `${percent(meta.test.accuracy)} (loss ${fixed(meta.test.loss)})`],
    [
      'Model',
      `${architectureText(meta.model)} of ${meta.model.units} units${meta.hyperparameters.dropout ? `, dropout ${meta.hyperparameters.dropout}` : ''}`,
    ],
    ['Batch size', String(hp.batchSize)],
    ['Epochs', String(meta.epochs.length === hp.epochs ? hp.epochs : `${meta.epochs.length} of ${hp.epochs}`)],
    ['Learning rate', String(hp.learningRate)],
    ['Seed', String(hp.seed)],
    ['Data', `${meta.dataset.name}: ${meta.dataset.trainCount} train, ${meta.dataset.testCount} test`],
    [
      'Device',
      `${String(dev.device).toUpperCase()} · ${dev.backend} (${dev.package})${typeof dev.fusedKernels === 'boolean' ? ` · ${kernelsText(dev)}` : ''}`,
    ],
    ['Training time', seconds(meta.seconds)],
    ['Saved', localDateTime(meta.createdAt)],
  ];
  if (meta.continuedFrom) rows.splice(1, 0, ['Continued from', meta.continuedFrom]);
  if (meta.bestEpoch !== undefined) rows.splice(1, 0, ['Weights of', `epoch ${meta.bestEpoch}, the best`]);
  if (meta.stoppedEarly)
    rows.splice(1, 0, ['Stopped early', `after epoch ${meta.stoppedEarly.afterEpoch} (patience ${meta.stoppedEarly.patience})`]);
  const md = new vscode.MarkdownString(`**${escapeMarkdown(meta.name)}**\n\n${escapeMarkdown(description)}\n\n| | |\n|---|---|\n`, true);
  for (const [key, value] of rows) md.appendMarkdown(`| ${key} | ${escapeMarkdown(value)} |\n`);
  for (const warning of Array.isArray(meta.warnings) ? meta.warnings : [])
    md.appendMarkdown(`\n$(warning) ${escapeMarkdown(String(warning))}\n`);
  md.appendMarkdown('\n');
  md.appendText(dir);
  return md;
}

/** Values come from files on disk; keep them from being read as Markdown or table syntax. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

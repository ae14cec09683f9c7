// Compare Runs: two or more checkpoints side by side in the comparison panel. From the
// Checkpoints view's context menu it takes the view's selection (VS Code passes the clicked item
// and the selected ones); with fewer than two selected it asks which to compare with, in a
// multi-select quick pick. A list of folder paths works too (automation and tests).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readCheckpointMeta } from '../checkpoint/read';
import { type ComparedRun, comparedRun } from '../protocol/compare';
import { percent } from '../protocol/format';
import type { CompareResult } from './api';
import { checkpointPathFrom, goneCheckpoints } from './checkpointCommands';
import { isValid, listCheckpoints } from './checkpointList';
import { ComparePanel } from './comparePanel';
import { weightsDirOf, workspaceFolder } from './workspace';

/** The checkpoint folders a command was given: the selection, a list, or one item. */
function pathsFrom(arg: unknown, selected: unknown): string[] {
  const list = Array.isArray(selected) && selected.length > 0 ? selected : Array.isArray(arg) ? arg : [arg];
  return [...new Set(list.map(checkpointPathFrom).filter((p): p is string => p !== undefined))];
}

/** The runs of `paths`, in order; the first checkpoint that cannot be read is named with its reason. */
async function readRuns(paths: string[]): Promise<ComparedRun[]> {
  return Promise.all(paths.map(async (p) => comparedRun(p, await readCheckpointMeta(p))));
}

export async function compareCheckpoints(
  extensionUri: vscode.Uri,
  arg: unknown,
  selected: unknown,
  refreshView: () => void,
): Promise<CompareResult> {
  let paths = pathsFrom(arg, selected);
  if (paths.length < 2) {
    const picked = await pickOthers(paths[0]);
    if (!picked) return { status: 'cancelled' };
    paths = picked;
  }
  if (paths.length < 2) {
    const message = 'Compare Runs needs two or more checkpoints.';
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  }
  const gone = await goneCheckpoints(paths, refreshView);
  if (gone) return { status: 'error', message: gone };
  let runs: ComparedRun[];
  try {
    runs = await readRuns(paths);
  } catch (e) {
    const message = `Cannot compare: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  }
  ComparePanel.show(extensionUri, runs);
  return { status: 'done', runs: runs.map((r) => r.name) };
}

/** A multi-select quick pick of the valid checkpoints, `first` ticked; undefined when dismissed. */
async function pickOthers(first: string | undefined): Promise<string[] | undefined> {
  const dir = weightsDirOf(workspaceFolder());
  const valid = (dir ? await listCheckpoints(dir) : []).filter(isValid);
  const picked = await vscode.window.showQuickPick(
    valid.map((c) => ({
      label: c.name,
      description: `${percent(c.meta.test.accuracy)} · ${c.meta.epochs.length} epochs`,
      picked: first !== undefined && path.resolve(c.path) === path.resolve(first),
      path: c.path,
    })),
    { title: 'Compare Runs', placeHolder: 'Tick two or more checkpoints to compare', canPickMany: true },
  );
  return picked?.map((p) => p.path);
}

/** While the comparison is open, selecting another two or more checkpoints in the view shows those. */
export function followSelection(selection: readonly unknown[]): void {
  if (!ComparePanel.isOpen() || selection.length < 2) return;
  void readRuns(pathsFrom(undefined, selection)).then(
    (runs) => ComparePanel.updateIfOpen(runs),
    () => undefined, // a damaged checkpoint in the selection: the panel keeps what it shows
  );
}

// Show Runs Table and Export Runs as CSV: the rows are the Checkpoints view's valid checkpoints
// (its listing, read once per change of the folder); the CSV is what a view of them shows (its
// filter, sort and grouping), written where the user says (or where the caller says: tests).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_SORT, runRow, type RunRow, type RunsViewState, viewCsv } from '../protocol/runsTable';
import type { ExportCsvResult } from './api';
import { isValid } from './checkpointList';
import type { CheckpointTreeProvider } from './checkpointTree';
import { RunsPanel, type RunsSource } from './runsPanel';
import { weightsDirOf, workspaceFolder } from './workspace';

/** The table's rows from the view's listing. */
export function runsSource(tree: CheckpointTreeProvider): RunsSource {
  return {
    rows: async (): Promise<RunRow[]> => (await tree.entries()).filter(isValid).map((e) => runRow(e.path, e.name, e.meta, e.sweep)),
    folder: () => weightsDirOf(workspaceFolder()) ?? '',
    onDidChange: tree.onDidChangeTreeData,
  };
}

export async function showRuns(extensionUri: vscode.Uri, source: RunsSource): Promise<{ status: 'done'; rows: number }> {
  return { status: 'done', rows: (await RunsPanel.show(extensionUri, source)).length };
}

/** Every run, newest first, ungrouped: the CSV when no view says otherwise. */
const ALL_RUNS: RunsViewState = { filter: '', sort: DEFAULT_SORT, grouped: false };

/** `options.view`: what the table shows (its Export CSV button); `options.file`: where to write, without asking. */
export async function exportRunsCsv(source: RunsSource, options: unknown): Promise<ExportCsvResult> {
  const given = (typeof options === 'object' && options !== null ? options : {}) as { view?: RunsViewState; file?: unknown };
  const csv = viewCsv(await source.rows(), given.view ?? ALL_RUNS);
  if (typeof csv !== 'string') {
    void vscode.window.showErrorMessage(`Export CSV: the filter is not valid: ${csv.problem}.`);
    return { status: 'error', message: csv.problem };
  }
  let file = typeof given.file === 'string' ? given.file : undefined;
  if (file === undefined) {
    const folder = workspaceFolder();
    const uri = await vscode.window.showSaveDialog({
      title: 'Export Runs as CSV',
      defaultUri: folder ? vscode.Uri.joinPath(folder.uri, 'runs.csv') : undefined,
      filters: { CSV: ['csv'] },
    });
    if (!uri) return { status: 'cancelled' };
    file = uri.fsPath;
  }
  try {
    // Written beside and renamed: an existing file is replaced whole or not at all.
    const staging = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}`);
    await fs.promises.writeFile(staging, csv);
    await fs.promises.rename(staging, file);
  } catch (e) {
    const message = `Cannot write ${file}: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  }
  const lines = csv.split('\r\n').length - 2;
  void vscode.window.showInformationMessage(`Exported ${lines === 1 ? '1 line' : `${lines} lines`} of runs to ${file}.`);
  return { status: 'done', file, lines };
}

// Export…: a checkpoint as a TensorFlow.js Layers model (model.json + weights.bin), written by
// the training process into `<chosen folder>/<run name>` (a suffix when that is taken). The
// folder is asked for, unless the caller says (`{ folder }`, for automation and tests).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startWorker } from '../client/workerClient';
import { firstFreeName } from '../protocol/freeName';
import { DEFAULT_EXPORT_FOLDER } from '../protocol/runOptions';
import type { ExportResult } from './api';
import { checkpointPathFrom, goneCheckpoints } from './checkpointCommands';
import type { CommandDeps } from './commandDeps';
import { showJobError, showUnexpectedEvent } from './notifications';
import { readBackend, readDevice } from './settings';
import { settingsOf, untrustedMessage, workspaceFolder } from './workspace';

export async function exportCheckpoint(deps: CommandDeps, arg: unknown, options: unknown): Promise<ExportResult> {
  const untrusted = untrustedMessage('Export');
  if (untrusted) return { status: 'error', message: untrusted };
  const checkpoint = checkpointPathFrom(arg);
  if (!checkpoint) {
    const message = 'Export needs a checkpoint: run it from a checkpoint in the Checkpoints view.';
    void vscode.window.showErrorMessage(message);
    return { status: 'error', message };
  }
  const gone = await goneCheckpoints([checkpoint], deps.refreshCheckpoints);
  if (gone) return { status: 'error', message: gone };
  const given = (options as { folder?: unknown } | undefined)?.folder;
  const folder = typeof given === 'string' ? given : await askFolder();
  if (!folder) return { status: 'cancelled' };
  // An export never overwrites: `<run>`, else `<run>-2`, ...
  const outDir = firstFreeName(path.join(folder, path.basename(checkpoint)), (dir) => fs.existsSync(dir));

  const settings = settingsOf(workspaceFolder());
  const device = readDevice(settings);
  const runtime = await deps.runtime.forJob(device, readBackend(settings), 'computing');
  if (!runtime.ok) return runtime.status === 'cancelled' ? { status: 'cancelled' } : { status: 'error', message: runtime.message };
  deps.output.appendLine(`=== Exporting ${checkpoint} to ${outDir}`);
  const final = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting ${path.basename(checkpoint)}`, cancellable: true },
    (progress, token) => {
      progress.report({ message: 'as a TensorFlow.js Layers model…' });
      const job = startWorker(
        { type: 'export', request: { checkpoint, outDir, device, backend: runtime.backend } },
        {
          workerPath: deps.workerPath,
          cwd: path.dirname(checkpoint),
          env: runtime.env,
          onEvent: () => undefined,
          onLog: (line, stream) => deps.output.appendLine(`[export ${stream}] ${line}`),
        },
      );
      token.onCancellationRequested(() => job.cancel());
      return job.finished;
    },
  );
  switch (final.type) {
    case 'exported': {
      const reveal = 'Reveal in Explorer View';
      void vscode.window
        .showInformationMessage(`Exported ${path.basename(checkpoint)} as a TensorFlow.js Layers model to ${final.dir}.`, reveal)
        .then((choice) => choice === reveal && vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(final.dir)));
      return { status: 'done', dir: final.dir };
    }
    case 'cancelled':
      return { status: 'cancelled' };
    case 'error':
      return { status: 'error', message: showJobError('Export failed', final.message, deps.output) };
    default:
      return { status: 'error', message: showUnexpectedEvent('Export failed', final.type, deps.output) };
  }
}

/** `<workspace>/exported` by default; the model goes into a new folder inside the chosen one. */
async function askFolder(): Promise<string | undefined> {
  const ws = workspaceFolder();
  const picked = await vscode.window.showOpenDialog({
    title: 'Export as a TensorFlow.js Layers model into…',
    openLabel: 'Export Here',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: ws ? vscode.Uri.joinPath(ws.uri, DEFAULT_EXPORT_FOLDER) : undefined,
  });
  return picked?.[0]?.fsPath;
}

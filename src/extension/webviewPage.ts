// The page of a webview panel: scripts only with this load's nonce, styles and fonts only from
// the extension's files (uPlot's CSS and the panel's are emitted to dist/webview by webpack),
// and only dist/webview and media readable. Everything visible is built by the script.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** A panel in the active editor group that takes the focus (the comparison, the runs table). */
export function createPanel(viewType: string, title: string, extensionUri: vscode.Uri): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    webviewOptions(extensionUri),
  );
}

/** `script`: the bundle in dist/webview (main.js, compare.js). */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string): string {
  const asset = (file: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file));
  const nonce = crypto.randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${asset('uPlot.min.css')}">
  <link rel="stylesheet" href="${asset('panel.css')}">
  <title>${title}</title>
</head>
<body>
  <main id="app"></main>
  <script nonce="${nonce}" src="${asset(script)}"></script>
</body>
</html>`;
}

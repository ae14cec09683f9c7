// Runs the extension tests (out/test/extension/**/*.test.js) in a real VS Code through the standard
// @vscode/test-electron API; the "executable" is the code-server launcher (test/vscode-host), since
// VS Code itself cannot be downloaded offline. Needs `node test/vscode-host/install.js` and a built
// dist/extension.js. Exits with the tests' exit code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';

const root = path.resolve(__dirname, '..', '..'); // this file runs as out/test/runExtensionTests.js

async function main(): Promise<number> {
  const bundle = path.join(root, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) {
    console.error(`${bundle} is missing: build it with \`npx webpack --mode development --config-name extension\``);
    return 1;
  }
  // Everything VS Code writes goes to a fresh temporary folder: runTests would otherwise use .vscode-test/.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-ext-tests-'));
  const workspace = path.join(tmp, 'workspace');
  const fixture = path.join(root, 'test', 'fixtures', 'workspace');
  if (fs.existsSync(fixture)) fs.cpSync(fixture, workspace, { recursive: true });
  else fs.mkdirSync(workspace);
  try {
    return await runTests({
      vscodeExecutablePath: path.join(root, 'test', 'vscode-host', 'launcher.sh'),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'extension', 'index.js'),
      launchArgs: [workspace, `--user-data-dir=${path.join(tmp, 'user-data')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
    });
  } catch (err) {
    // runTests rejects on a non-zero exit; pass that code on.
    if (err instanceof TestRunFailedError) return err.code ?? 1;
    console.error(err);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));

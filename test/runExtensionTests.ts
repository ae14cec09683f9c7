// Runs the extension tests (out/test/extension/**/*.test.js with the fixture folder open, then
// out/test/extension-nofolder/ in a window with no folder) in a real VS Code through the standard
// @vscode/test-electron API; the "executable" is the code-server launcher (test/vscode-host), since
// VS Code itself cannot be downloaded offline. Needs `node test/vscode-host/install.js` and a built
// dist/extension.js. Exits with the tests' exit code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';

const root = path.resolve(__dirname, '..', '..'); // this file runs as out/test/runExtensionTests.js

/** One run of VS Code with `tests` (a compiled runner's folder) and, if given, a folder open. */
async function runSuite(tests: string, withFolder: boolean): Promise<number> {
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
      extensionTestsPath: path.join(__dirname, tests, 'index.js'),
      launchArgs: [...(withFolder ? [workspace] : []), `--user-data-dir=${path.join(tmp, 'user-data')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
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

async function main(): Promise<number> {
  const bundle = path.join(root, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) {
    console.error(`${bundle} is missing: build it with \`npx webpack --mode development --config-name extension\``);
    return 1;
  }
  const withFolder = await runSuite('extension', true);
  const noFolder = await runSuite('extension-nofolder', false);
  return withFolder || noFolder;
}

main().then((code) => process.exit(code));

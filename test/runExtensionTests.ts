// Runs the extension tests (out/test/extension/**/*.test.js with the fixture folder open, then
// out/test/extension-nofolder/ in a window with no folder, then out/test/extension-restricted/
// with the folder untrusted) in a real VS Code through the standard
// @vscode/test-electron API; the "executable" is the code-server launcher (test/vscode-host), since
// VS Code itself cannot be downloaded offline. Needs `node test/vscode-host/install.js` and a built
// dist/extension.js. Exits with the tests' exit code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { WORKSPACE_TRUST_ENV } from './vscode-host/codeServer';

const root = path.resolve(__dirname, '..', '..'); // this file runs as out/test/runExtensionTests.js

interface SuiteOptions {
  withFolder: boolean;
  /** Workspace Trust on, the folder untrusted (Restricted Mode), and these folder settings added. */
  restricted?: Record<string, unknown>;
}

/** One run of VS Code with `tests` (a compiled runner's folder) and, if given, a folder open. */
async function runSuite(tests: string, { withFolder, restricted }: SuiteOptions): Promise<number> {
  // Everything VS Code writes goes to a fresh temporary folder: runTests would otherwise use .vscode-test/.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-ext-tests-'));
  const workspace = path.join(tmp, 'workspace');
  const fixture = path.join(root, 'test', 'fixtures', 'workspace');
  if (fs.existsSync(fixture)) fs.cpSync(fixture, workspace, { recursive: true });
  else fs.mkdirSync(workspace);
  const userDataDir = path.join(tmp, 'user-data');
  if (restricted) {
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, ...restricted }, null, 2));
    // No "Do you trust the authors?" dialog: the folder simply stays in Restricted Mode.
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ 'security.workspace.trust.startupPrompt': 'never', 'workbench.startupEditor': 'none' }),
    );
  }
  try {
    return await runTests({
      vscodeExecutablePath: path.join(root, 'test', 'vscode-host', 'launcher.sh'),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, tests, 'index.js'),
      launchArgs: [
        ...(withFolder ? [workspace] : []),
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${path.join(tmp, 'extensions')}`,
      ],
      // runTests always asks for --disable-workspace-trust; the launcher reads this instead (see launcher.ts).
      extensionTestsEnv: restricted ? { [WORKSPACE_TRUST_ENV]: '1' } : undefined,
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
  const withFolder = await runSuite('extension', { withFolder: true });
  const noFolder = await runSuite('extension-nofolder', { withFolder: false });
  const restricted = await runSuite('extension-restricted', { withFolder: true, restricted: { 'lstmMnist.weightsFolder': 'elsewhere' } });
  return withFolder || noFolder || restricted;
}

main().then((code) => process.exit(code));

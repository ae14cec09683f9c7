// Stands in for the VS Code executable that @vscode/test-electron's runTests spawns: it takes the
// same Electron-style arguments, runs the extension tests in code-server's workbench inside headless
// Chromium, prints the workbench's log lines and exits with the tests' exit code.
// Invoked through launcher.sh, since runTests needs a single executable path.
import * as path from 'node:path';
import { format, parseArgs } from 'node:util';
import { Browser } from 'playwright-core';
import { CodeServer, launchChromium, startCodeServer, WORKSPACE_TRUST_ENV } from './codeServer';

// Training inside a test takes about a minute; a workbench that never reports is a failure.
const TIMEOUT_S = Number(process.env.LSTM_MNIST_TEST_TIMEOUT_S) > 0 ? Number(process.env.LSTM_MNIST_TEST_TIMEOUT_S) : 600;

interface LaunchArgs {
  devPaths: string[];
  testsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  disableExtensions: boolean;
  workspace?: string;
}

function say(msg: string): void {
  console.log(`[launcher] ${msg}`);
}

/** The arguments runTests passes; Electron-only flags (--no-sandbox, --skip-welcome, ...) are accepted and ignored. */
function parse(argv: string[]): LaunchArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: {
      extensionDevelopmentPath: { type: 'string', multiple: true },
      extensionTestsPath: { type: 'string' },
      'user-data-dir': { type: 'string' },
      'extensions-dir': { type: 'string' },
      'disable-extensions': { type: 'boolean' },
    },
  });
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? path.resolve(v) : undefined);
  const devPaths = Array.isArray(values.extensionDevelopmentPath) ? values.extensionDevelopmentPath : [];
  return {
    devPaths: devPaths.filter((p): p is string => typeof p === 'string').map((p) => path.resolve(p)),
    testsPath: str(values.extensionTestsPath),
    userDataDir: str(values['user-data-dir']),
    extensionsDir: str(values['extensions-dir']),
    disableExtensions: values['disable-extensions'] === true,
    workspace: positionals.length > 0 ? path.resolve(positionals[0]) : undefined,
  };
}

/** Formats one codeAutomationLog call: (level, args), args being console.log's arguments (printf-style). */
function formatLog(level: unknown, args: unknown): string {
  const text = format(...(Array.isArray(args) ? args : [args]));
  return level === 'error' || level === 'warn' ? `[${String(level)}] ${text}` : text;
}

async function runTestsInWorkbench(args: LaunchArgs, server: CodeServer, browser: Browser): Promise<number> {
  const page = await browser.newPage();
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the workbench did not report the tests' end within ${TIMEOUT_S} s`)),
      TIMEOUT_S * 1000,
    );
    const settle = (fn: () => void): void => {
      clearTimeout(timer);
      fn();
    };
    page.on('crash', () => settle(() => reject(new Error('the browser page crashed'))));
    browser.on('disconnected', () => settle(() => reject(new Error('the browser went away'))));
    // Both must exist before the workbench loads: it looks them up on `window` when the tests end.
    Promise.all([
      page.exposeFunction('codeAutomationLog', (level: unknown, logArgs: unknown) => console.log(formatLog(level, logArgs))),
      page.exposeFunction('codeAutomationExit', (code: unknown) => settle(() => resolve(typeof code === 'number' ? code : 1))),
    ])
      .then(() => {
        const payload: [string, string][] = [
          ...args.devPaths.map((p): [string, string] => ['extensionDevelopmentPath', server.remoteUri(p)]),
          ['extensionTestsPath', server.remoteUri(args.testsPath!)],
          // The web workbench takes --disable-extensions from the payload; code-server's CLI rejects it.
          ...(args.disableExtensions ? [['disableExtensions', 'true'] as [string, string]] : []),
        ];
        return page.goto(server.url(args.workspace, payload));
      })
      .catch((err: Error) => settle(() => reject(err)));
  });
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (!args.testsPath || args.devPaths.length === 0) {
    say(
      'usage: launcher --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [WORKSPACE] [--user-data-dir=DIR] [--extensions-dir=DIR]',
    );
    return 2;
  }
  // runTests forwards Ctrl+C as SIGINT; killTree sends SIGTERM. `on`, not `once`: a second signal
  // while cleaning up must not fall back to Node's default, which ends the process at once.
  const interrupted = new Promise<'interrupted'>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => resolve('interrupted'));
  });
  const started = Date.now();
  // Started together (they do not depend on each other); cleanup waits for a start still under way.
  const serverP = startCodeServer({
    workspace: args.workspace,
    userDataDir: args.userDataDir,
    extensionsDir: args.extensionsDir,
    disableWorkspaceTrust: !process.env[WORKSPACE_TRUST_ENV],
  });
  // Playwright's own SIGINT handler would close the browser and exit before code-server is stopped.
  const browserP = launchChromium({ handleSIGINT: false });
  const run = async (): Promise<number> => {
    const [server, browser] = await Promise.all([serverP, browserP]);
    say(`code-server on port ${server.port}, running ${args.testsPath}`);
    const code = await runTestsInWorkbench(args, server, browser);
    say(`tests finished with exit code ${code} after ${Math.round((Date.now() - started) / 1000)} s`);
    return code;
  };
  try {
    const result = await Promise.race([run(), interrupted]);
    if (result !== 'interrupted') return result;
    say('interrupted, stopping');
    return 130;
  } catch (err) {
    say(`FAILED: ${(err as Error).message}`);
    const server = await serverP.catch(() => undefined);
    if (server) console.log(`--- code-server output ---\n${server.recentOutput()}`);
    return 1;
  } finally {
    await browserP.then(
      (b) => b.close(),
      () => undefined,
    );
    await serverP.then(
      (s) => s.stop(),
      () => undefined,
    );
  }
}

main().then((code) => process.exit(code));

// A real VS Code for tests: code-server (VS Code 1.100.3) on loopback, driven by headless Debian
// Chromium through playwright-core. Used by the runTests launcher and the browser end-to-end tests.
// Why code-server: @vscode/test-electron's VS Code download and Electron's binary cannot be fetched
// offline (docs/environment.md, section 3); code-server's extension host is plain Node 20.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, chromium, LaunchOptions } from 'playwright-core';

const CHROMIUM_PATH = '/usr/bin/chromium';
// Resolved from the compiled file, out/test/vscode-host/codeServer.js.
const ENTRY = path.join(__dirname, '..', '..', '..', 'test', 'vscode-host', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const HEALTH_TIMEOUT_MS = 60_000;
const OUTPUT_LINES_KEPT = 200;

/**
 * Set (to anything) in the launcher's environment: Workspace Trust stays on, so a folder opens
 * untrusted, in Restricted Mode. runTests passes --disable-workspace-trust on every run, so the
 * command line cannot say it.
 */
export const WORKSPACE_TRUST_ENV = 'LSTM_MNIST_WORKSPACE_TRUST';

export interface CodeServerOptions {
  /** Folder the workbench opens by default; none gives an empty window. */
  workspace?: string;
  /** Defaults to an empty folder inside the server's temporary folder. */
  extensionsDir?: string;
  /** Defaults to a fresh folder inside the server's temporary folder. */
  userDataDir?: string;
  /** The server's environment (and so its extension hosts'); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** False: Workspace Trust on, as in a fresh VS Code (Restricted Mode tests). Default true. */
  disableWorkspaceTrust?: boolean;
}

export interface CodeServer {
  port: number;
  /** The workbench address for `folder` (default: the workspace), with an optional `payload` of key/value pairs. */
  url(folder?: string, payload?: [string, string][]): string;
  /** A local absolute path as the workbench's extension host sees it. */
  remoteUri(absPath: string): string;
  /** The last lines code-server printed, for error reports. */
  recentOutput(): string;
  /** Stops code-server and its children and removes its temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  if (!fs.existsSync(ENTRY)) {
    throw new Error(`code-server is not installed (${ENTRY}); run \`node test/vscode-host/install.js\``);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-code-server-'));
  // code-server silently skips a development extension when these folders do not exist.
  const userDataDir = opts.userDataDir ?? path.join(tmp, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(tmp, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // code-server's TMPDIR: its extension host leaves vscode-ipc-*.sock and vscode-git-*.sock there.
  const tmpdir = path.join(tmp, 't');
  fs.mkdirSync(tmpdir);
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');

  const port = await freePort();
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      '--config',
      config,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.disableWorkspaceTrust === false ? [] : ['--disable-workspace-trust']),
      ...(opts.workspace ? [opts.workspace] : []),
    ],
    {
      // XDG_*: code-server otherwise writes its config and logs into the home folder.
      env: {
        ...(opts.env ?? process.env),
        XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
        XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
        TMPDIR: tmpdir,
        // No marketplace: offline its look-ups only fail (getaddrinfo), and tests must not depend on it.
        EXTENSIONS_GALLERY: '{}',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stop() also ends the extension host and the other children it spawns.
      detached: true,
    },
  );
  const keep = (chunk: Buffer): void => {
    output.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l.length > 0),
    );
    output.splice(0, Math.max(0, output.length - OUTPUT_LINES_KEPT));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  // The last resort when the process exits without stop() (process.exit from a signal handler,
  // an uncaught error): the server is detached, so nothing else would end it.
  const onExit = (): void => {
    signalGroup(child, 'SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  // One shared promise, so that every caller of stop() waits until the folder is really gone.
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= killGroup(child).then(() => {
      fs.rmSync(tmp, { recursive: true, force: true });
      process.off('exit', onExit);
    });
    return stopping;
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(`${origin}/healthz`, child);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- code-server output ---\n${output.join('\n')}`);
  }

  return {
    port,
    url(folder = opts.workspace, payload) {
      const query = new URLSearchParams();
      if (folder) query.set('folder', folder);
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query.toString()}`;
    },
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${path.resolve(absPath)}`,
    recentOutput: () => output.join('\n'),
    stop,
  };
}

/**
 * Installs a packaged extension as a user would (`code-server --install-extension X.vsix`) into
 * `extensionsDir`, offline; `env` as for the server that will run it.
 */
export function installExtension(
  vsix: string,
  opts: { extensionsDir: string; userDataDir: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  if (!fs.existsSync(ENTRY)) {
    return Promise.reject(new Error(`code-server is not installed (${ENTRY}); run \`node test/vscode-host/install.js\``));
  }
  fs.mkdirSync(opts.extensionsDir, { recursive: true });
  fs.mkdirSync(opts.userDataDir, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [ENTRY, '--install-extension', vsix, '--extensions-dir', opts.extensionsDir, '--user-data-dir', opts.userDataDir],
      { env: { ...(opts.env ?? process.env), EXTENSIONS_GALLERY: '{}' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`--install-extension exited with ${code}:\n${output}`))));
  });
}

/**
 * Headless Debian Chromium; Playwright gives each launch a fresh temporary profile. Its XDG folders
 * and TMPDIR point into a temporary folder too (else it leaves ~/.config/chromium/Crash Reports and
 * /tmp/org.chromium.* behind), removed when the browser goes away.
 */
export async function launchChromium(overrides: LaunchOptions = {}): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-chromium-'));
  const remove = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  process.on('exit', remove);
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      env: { ...process.env, XDG_CONFIG_HOME: tmp, XDG_CACHE_HOME: tmp, TMPDIR: tmp },
      ...overrides,
    });
    browser.on('disconnected', () => {
      remove();
      process.off('exit', remove);
    });
    return browser;
  } catch (err) {
    remove();
    process.off('exit', remove);
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    if (await answers(url)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Signals the child's whole process group; false when the group is gone. */
function signalGroup(child: ChildProcess, sig: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole group, SIGKILL if it is still there after 5 s. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (!signalGroup(child, 'SIGTERM')) return;
  for (let waited = 0; waited < 5000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    if (!signalGroup(child, 0)) return; // signal 0 only asks whether the group still exists
  }
  signalGroup(child, 'SIGKILL');
}

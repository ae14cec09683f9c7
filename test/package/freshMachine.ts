// What the installed-package tests share: a fresh user's machine (a fresh HOME, only PATH and pip's
// configuration kept), an address where nothing listens, the runtime root's contents, and the
// stages of a test that takes minutes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE, writeUserSettings } from '../e2e/workbench';

export const EXTENSION_ID = 'lstm-mnist.lstm-mnist';
/** Where nothing listens: a download from there is refused at once. */
export const UNREACHABLE = 'http://127.0.0.1:1/';

/** Where a test is, for a failure's context. */
export function stages(): (what: string) => void {
  const started = Date.now();
  return (what) => console.log(`[${Math.round((Date.now() - started) / 1000)} s] ${what}`);
}

/** The real user's pip configuration file (it names this machine's package index), if there is one. */
export function userPipConfigFile(): string | undefined {
  const candidates = [
    process.env.PIP_CONFIG_FILE,
    path.join(os.homedir(), '.config', 'pip', 'pip.conf'),
    path.join(os.homedir(), '.pip', 'pip.conf'),
  ];
  return candidates.find((f): f is string => Boolean(f && fs.existsSync(f)));
}

/**
 * The real user's pip configuration, kept under a fresh HOME: the user's config file and PIP_*
 * variables, but not pip's cache.
 */
export function pipConfig(): Record<string, string> {
  const file = userPipConfigFile();
  const variables = Object.entries(process.env).filter(
    (e): e is [string, string] => e[0].startsWith('PIP_') && e[0] !== 'PIP_CACHE_DIR' && e[0] !== 'PIP_CONFIG_FILE' && e[1] !== undefined,
  );
  return { ...Object.fromEntries(variables), ...(file ? { PIP_CONFIG_FILE: file } : {}) };
}

/** Folders and files in the runtime root (the extension's global storage), but the set-up log. */
export function runtimeRootContents(root: string): string[] {
  return fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((n) => !n.startsWith('setup.log'))
        .sort()
    : [];
}

/** A fresh user's machine in a temporary folder: a HOME, VS Code's folders, a workspace with `settings`. */
export interface FreshMachine {
  tmp: string;
  env: NodeJS.ProcessEnv;
  extensionsDir: string;
  userDataDir: string;
  workspace: string;
  /** The extension's runtime root (its global storage) and the set-up's log there. */
  runtimeRoot: string;
  setupLog: string;
}

/**
 * Makes one: what the extension may find of the developer's machine is PATH (python3, pip),
 * pip's configuration (overridden by `env`), and tfjs-node's download pointed where nothing
 * listens, so that the official source fails at once, online or not.
 */
export function freshMachine(prefix: string, settings: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): FreshMachine {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `lstm-mnist-${prefix}-`));
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home);
  const userDataDir = path.join(tmp, 'user-data');
  writeUserSettings(userDataDir);
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(FIXTURE, workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  const runtimeRoot = path.join(userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'runtime');
  return {
    tmp,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      LANG: process.env.LANG ?? 'C.UTF-8',
      ...pipConfig(),
      ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
      TFJS_NODE_CDN_STORAGE: UNREACHABLE,
      ...env,
    },
    extensionsDir: path.join(tmp, 'extensions'),
    userDataDir,
    workspace,
    runtimeRoot,
    setupLog: path.join(runtimeRoot, 'setup.log'),
  };
}

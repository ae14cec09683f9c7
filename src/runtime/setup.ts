// Sets up the native TensorFlow runtime in a folder of its own (the extension's global storage):
// tries the platform's sources in order, checks what each produced by loading it in a separate
// process, and moves it into place only when it works. Each attempt is built in a hidden staging
// folder and renamed into place as a whole, so a cancelled, failed or killed set-up never leaves a
// runtime that looks complete; staging folders of processes that died are removed by the next
// set-up. Everything it does goes to `setup.log` beside the runtimes. Free of VS Code (the
// extension shows the steps as notifications) and of TensorFlow (the check runs in a child).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  MANIFEST_FILE,
  RUNTIME_FORMAT,
  RUNTIME_VERSION,
  type RuntimeFlavor,
  type RuntimeManifest,
  type RuntimeSourceKind,
  runtimeKey,
  TFJS_NODE_VERSION,
} from '../protocol/runtime';
import { readManifest } from './runtimeFolder';
import {
  type Attempt,
  findRuntime,
  type InstalledRuntime,
  LOG_FILE,
  removeRuntime,
  runtimeDir,
  SetupCancelled,
  SetupFailed,
  STAGING_PREFIX,
  TRASH_PREFIX,
} from './runtimeStore';
import { processAlive } from '../checkpoint/liveness';
import { setupPlan, unsupportedReason } from './platforms';
import type { RuntimeSource, SetupReporter, SourceContext } from './source';
import { megabytes } from '../protocol/format';
import { officialSource } from './sources/official';
import { pipWheelSource } from './sources/pipWheel';
import { pythonTensorflowSource } from './sources/pythonTensorflow';

export const SOURCES: Readonly<Record<RuntimeSourceKind, RuntimeSource>> = {
  official: officialSource,
  python: pythonTensorflowSource,
  pip: pipWheelSource(),
};

/** A staging folder this old is abandoned even if its process id is in use again. */
const STALE_AFTER_MS = 24 * 3600 * 1000;
const LOG_LIMIT_BYTES = 1 << 20;

/** What loading a runtime in a separate process found. */
export interface ProbeResult {
  /** TF_Version() of the library. */
  tensorflow: string;
  /** Whether TensorFlow found a GPU it can use. */
  gpu: boolean;
  /** The addon and libraries the process loaded, where the system tells (Linux). */
  loaded?: string[];
}

/** Loads the runtime in `dir` in a separate process and runs a few ops on it; throws why it cannot. */
export type ProbeRuntime = (dir: string, signal: AbortSignal) => Promise<ProbeResult>;

export interface SetupOptions {
  /** The folder that holds the runtimes (one subfolder per key) and setup.log. */
  root: string;
  flavor: RuntimeFlavor;
  probe: ProbeRuntime;
  reporter: SetupReporter;
  signal?: AbortSignal;
  /** The package's addon for a Python TensorFlow's C library on this platform, if it ships one. */
  bundledAddon?: string;
  platform?: string;
  arch?: string;
  /** The sources to try, in order; default: the platform's plan. */
  sources?: readonly RuntimeSource[];
}

/** Staging and trash folders whose process is gone (killed mid-way) or that are a day old. */
async function removeLeftovers(root: string, log: (line: string) => void): Promise<void> {
  for (const name of await fs.promises.readdir(root)) {
    const m = /^\.(?:staging|trash)-(\d+)-/.exec(name);
    if (!m) continue;
    const full = path.join(root, name);
    const age = Date.now() - (await fs.promises.stat(full)).mtimeMs;
    if (processAlive(Number(m[1])) && age < STALE_AFTER_MS) continue;
    log(`removing ${full}, left by an interrupted set-up`);
    await fs.promises.rm(full, { recursive: true, force: true });
  }
}

/** The reporter, with every log line also appended to setup.log (kept below about 1 MB). */
function loggingTo(file: string, reporter: SetupReporter): SetupReporter {
  try {
    if (fs.statSync(file).size > LOG_LIMIT_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
  const log = (line: string): void => {
    fs.appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    reporter.log(line);
  };
  return {
    log,
    step(title, total) {
      log(title);
      return reporter.step(title, total);
    },
  };
}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await fs.promises.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

async function writeManifest(dir: string, manifest: RuntimeManifest): Promise<void> {
  await fs.promises.writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Sets up the runtime for `flavor` unless it is there; resolves with it, or throws SetupFailed / SetupCancelled. */
export async function setUpRuntime(opts: SetupOptions): Promise<InstalledRuntime> {
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  const signal = opts.signal ?? new AbortController().signal;
  await fs.promises.mkdir(opts.root, { recursive: true });
  const reporter = loggingTo(path.join(opts.root, LOG_FILE), opts.reporter);
  const key = runtimeKey(opts.flavor, platform, arch);
  reporter.log(`=== setting up TensorFlow for Node.js: ${key}`);
  await removeLeftovers(opts.root, reporter.log);
  const existing = findRuntime(opts.root, opts.flavor, platform, arch);
  if (existing) {
    reporter.log(`already set up: ${existing.manifest.description} in ${existing.dir}`);
    return existing;
  }
  if (fs.existsSync(runtimeDir(opts.root, opts.flavor, platform, arch))) {
    reporter.log('the runtime folder is there but incomplete (a file is missing); setting it up again');
    await removeRuntime(opts.root, opts.flavor, platform, arch);
  }
  const sources = opts.sources ?? setupPlan(opts.flavor, platform, arch).map((kind) => SOURCES[kind]);
  if (sources.length === 0) {
    const why = unsupportedReason(opts.flavor, platform, arch) ?? 'no source to try';
    reporter.log(why);
    throw new SetupFailed(opts.flavor, [], `TensorFlow (${opts.flavor.toUpperCase()}) cannot be set up here: ${why}.`);
  }
  const ctx: SourceContext = { flavor: opts.flavor, platform, arch, reporter, signal, bundledAddon: opts.bundledAddon };
  const attempts: Attempt[] = [];
  for (const source of sources) {
    if (signal.aborted) break;
    reporter.log(`trying ${source.title}`);
    const free = await freeBytes(opts.root);
    if (free !== undefined && free < source.neededBytes) {
      const message = `needs about ${megabytes(source.neededBytes)} free in ${opts.root}, there are ${megabytes(free)}`;
      reporter.log(`${source.title}: ${message}`);
      attempts.push({ source: source.title, message });
      continue;
    }
    const staging = await fs.promises.mkdtemp(path.join(opts.root, `${STAGING_PREFIX}${process.pid}-`));
    try {
      const description = await source.install(staging, ctx);
      const manifest: RuntimeManifest = {
        format: RUNTIME_FORMAT,
        version: RUNTIME_VERSION,
        key,
        flavor: opts.flavor,
        platform,
        arch,
        tfjsNode: TFJS_NODE_VERSION,
        source: source.kind,
        description,
        tensorflow: 'unknown',
        installedAt: new Date().toISOString(),
      };
      // The check loads the staging folder as a runtime, which needs its manifest.
      await writeManifest(staging, manifest);
      const check = reporter.step('Checking that TensorFlow loads and runs');
      let probed: ProbeResult;
      try {
        probed = await opts.probe(staging, signal);
      } finally {
        check.end();
      }
      const foreign = loadedElsewhere(staging, probed.loaded);
      if (foreign.length > 0) throw new Error(`the check loaded TensorFlow from outside the new runtime (${foreign.join(', ')})`);
      if (opts.flavor === 'gpu' && !probed.gpu) {
        throw new Error('the GPU build loaded but TensorFlow found no GPU it can use (tfjs-node-gpu needs CUDA 11.2 and cuDNN 8.1)');
      }
      manifest.tensorflow = probed.tensorflow;
      await writeManifest(staging, manifest);
      const installed = await moveIntoPlace(staging, opts.root, opts.flavor, platform, arch);
      reporter.log(`TensorFlow ${installed.manifest.tensorflow} from ${installed.manifest.description} is set up in ${installed.dir}`);
      await removeOtherVersions(opts.root, reporter.log);
      return installed;
    } catch (e) {
      await fs.promises.rm(staging, { recursive: true, force: true });
      if (signal.aborted) break;
      const message = e instanceof Error ? e.message : String(e);
      reporter.log(`${source.title}: ${message}`);
      attempts.push({ source: source.title, message });
    }
  }
  if (signal.aborted) {
    reporter.log('cancelled; nothing was installed');
    throw new SetupCancelled();
  }
  throw new SetupFailed(opts.flavor, attempts);
}

/** Runtimes for another tfjs-node (the extension was updated): hundreds of MB nothing uses any more. */
async function removeOtherVersions(root: string, log: (line: string) => void): Promise<void> {
  for (const name of await fs.promises.readdir(root)) {
    const version = /^tfjs-node-(\d+\.\d+\.\d+[^-]*)-/.exec(name)?.[1];
    if (!version || version === TFJS_NODE_VERSION) continue;
    log(`removing ${name}: set up for tfjs-node ${version}, which this version of the extension does not use`);
    const trash = path.join(root, `${TRASH_PREFIX}${process.pid}-${name}`);
    await fs.promises.rename(path.join(root, name), trash);
    await fs.promises.rm(trash, { recursive: true, force: true });
  }
}

/** The native files the check loaded that are not the runtime's own (none where the system does not say). */
function loadedElsewhere(dir: string, loaded: string[] | undefined): string[] {
  const own = fs.realpathSync(dir) + path.sep;
  return (loaded ?? []).filter((file) => !file.startsWith(own));
}

/** Renames the staging folder into place; if another window got there first, keeps theirs. */
async function moveIntoPlace(
  staging: string,
  root: string,
  flavor: RuntimeFlavor,
  platform: string,
  arch: string,
): Promise<InstalledRuntime> {
  const dir = runtimeDir(root, flavor, platform, arch);
  try {
    await fs.promises.rename(staging, dir);
  } catch (e) {
    const theirs = findRuntime(root, flavor, platform, arch);
    if (!theirs) throw e;
    await fs.promises.rm(staging, { recursive: true, force: true });
    return theirs;
  }
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`${dir} is incomplete after the set-up`);
  return { dir, manifest };
}

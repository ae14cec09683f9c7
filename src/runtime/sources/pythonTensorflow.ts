// Source (b): a TensorFlow the user already installed in Python (`pip install tensorflow`). Its
// package folder holds the C library as libtensorflow_cc.so.2 + libtensorflow_framework.so.2;
// they are hard-linked into the runtime folder (copied when on another disk), so that upgrading or
// removing the Python package later does not break the runtime. Found without importing
// TensorFlow, which would take seconds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { libraryFolder } from '../runtimeFolder';
import { megabytes } from '../../protocol/format';
import { installBundledAddon, linkLibraryAliases, type RuntimeSource, type SourceContext } from '../source';
import { findPython, lastLine, runPython } from './python';

export const PYTHON_LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];

const FIND_TENSORFLOW = `
import importlib.util, json, os, sys
spec = importlib.util.find_spec('tensorflow')
folder = None
if spec is not None:
    locations = list(spec.submodule_search_locations or [])
    folder = locations[0] if locations else (os.path.dirname(spec.origin) if spec.origin else None)
version = None
try:
    from importlib import metadata
    for name in ('tensorflow', 'tensorflow-cpu', 'tensorflow-intel', 'tf-nightly', 'tf-nightly-cpu'):
        try:
            version = metadata.version(name)
            break
        except metadata.PackageNotFoundError:
            pass
except ImportError:
    pass
print(json.dumps({'folder': folder, 'version': version, 'python': sys.executable}))
`;

interface Found {
  folder: string | null;
  version: string | null;
  python: string;
}

async function findTensorflow(ctx: SourceContext): Promise<Found> {
  const python = await findPython(ctx.signal, false);
  const res = await runPython(python, ['-c', FIND_TENSORFLOW], ctx.signal);
  if (res.code !== 0) throw new Error(`${python} could not look for TensorFlow: ${lastLine(res.stderr)}`);
  try {
    return JSON.parse(lastLine(res.stdout)) as Found;
  } catch {
    throw new Error(`${python} answered something unexpected: ${lastLine(res.stdout)}`);
  }
}

/** A hard link where the disk allows it, else a copy with a progress bar. */
async function linkOrCopy(files: { from: string; to: string }[], ctx: SourceContext): Promise<string> {
  try {
    for (const { from, to } of files) await fs.promises.link(from, to);
    return 'hard-linked';
  } catch {
    for (const { to } of files) await fs.promises.rm(to, { force: true });
  }
  const sizes = await Promise.all(files.map(async ({ from }) => (await fs.promises.stat(from)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const step = ctx.reporter.step(`Copying TensorFlow's library from Python (${megabytes(total)})`, total);
  let done = 0;
  try {
    for (const { from, to } of files) {
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          done += chunk.length;
          step.report(done);
          callback(null, chunk);
        },
      });
      await pipeline(fs.createReadStream(from), meter, fs.createWriteStream(to), { signal: ctx.signal });
    }
  } finally {
    step.end();
  }
  return 'copied';
}

export const pythonTensorflowSource: RuntimeSource = {
  kind: 'python',
  title: 'a TensorFlow installed in Python',
  neededBytes: 1e9,
  async install(dir: string, ctx: SourceContext): Promise<string> {
    const found = await findTensorflow(ctx);
    if (!found.folder) throw new Error(`${found.python} has no TensorFlow installed`);
    const missing = PYTHON_LIBRARIES.filter((lib) => !fs.existsSync(path.join(found.folder!, lib)));
    if (missing.length > 0) {
      throw new Error(`the TensorFlow ${found.version ?? ''} of ${found.python} (${found.folder}) has no ${missing.join(' or ')}`);
    }
    ctx.reporter.log(`found TensorFlow ${found.version ?? '(version unknown)'} in ${found.folder} (${found.python})`);
    const lib = libraryFolder(dir);
    await fs.promises.mkdir(lib, { recursive: true });
    const how = await linkOrCopy(
      PYTHON_LIBRARIES.map((name) => ({ from: path.join(found.folder!, name), to: path.join(lib, name) })),
      ctx,
    );
    ctx.reporter.log(`${how} ${PYTHON_LIBRARIES.join(' and ')}`);
    await installBundledAddon(dir, ctx);
    linkLibraryAliases(dir);
    return `the TensorFlow ${found.version ?? ''} of ${found.python}`.replace('  ', ' ');
  },
};

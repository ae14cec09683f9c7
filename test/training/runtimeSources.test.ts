// The set-up's sources for real, each with real TensorFlow libraries and the real check (the
// bundled training process, dist/training/worker.js, loading the new runtime and training a step):
// - tfjs-node's official binaries, from a local mirror laid out as Google's storage is
//   (TFJS_NODE_CDN_STORAGE), with the MD5 header that storage sends;
// - a TensorFlow installed in Python, found by the machine's python3 in a package folder on
//   PYTHONPATH;
// - pip's tensorflow-cpu wheel the way an old pip gets it (`pip download`; the newer way, pip's
//   report and our own download, is what the installed-extension test goes through).
// Then a run trains on the runtime the set-up produced. The libraries come from the developer
// set-up (node_modules/@tensorflow/tfjs-node/deps/lib).
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { readCheckpointMeta } from '../../src/checkpoint/read';
import { libraryFolder } from '../../src/runtime/runtimeFolder';
import { RUNTIME_ENV, TFJS_NODE_VERSION } from '../../src/protocol/runtime';
import { workerProbe } from '../../src/extension/runtimeProbe';
import { startWorker } from '../../src/client/workerClient';
import { LIBTENSORFLOW_VERSION } from '../../src/runtime/platforms';
import type { InstalledRuntime } from '../../src/runtime/runtimeStore';
import { SOURCES, setUpRuntime } from '../../src/runtime/setup';
import type { SetupReporter } from '../../src/runtime/source';
import { pipWheelSource } from '../../src/runtime/sources/pipWheel';
import { developmentRuntime } from '../../src/training/native/runtime';
import { quickConfig, tempDir } from './helpers';

const root = path.resolve(__dirname, '..', '..', '..'); // this file runs as out/test/training/
const BUNDLED_ADDON = path.join(root, 'dist', 'native', 'linux-x64', 'tfjs_binding.node');
/** The bundled training process: it loads tfjs-node's addon from the runtime it is given (the unbundled one would not). */
const WORKER = path.join(root, 'dist', 'training', 'worker.js');
const probe = workerProbe(WORKER, () => undefined);

/** The developer set-up's TensorFlow library, under the wheel's names (or the official one's). */
function developmentLibraries(): { cc: string; framework: string } {
  const dev = developmentRuntime('cpu');
  assert.ok(dev, 'the developer set-up (npm run setup) gives tfjs-node its library');
  const lib = libraryFolder(dev.dir);
  const cc = ['libtensorflow_cc.so.2', 'libtensorflow.so.2'].map((n) => path.join(lib, n)).find((f) => fs.existsSync(f));
  assert.ok(cc, `no TensorFlow library in ${lib}`);
  return { cc: fs.realpathSync(cc), framework: fs.realpathSync(path.join(lib, 'libtensorflow_framework.so.2')) };
}

function quietReporter(lines: string[] = []): SetupReporter {
  return {
    log: (l) => {
      lines.push(l);
    },
    step: () => ({ report: () => undefined, end: () => undefined }),
  };
}

/** A quick run in the bundled training process on `runtime`; resolves with its checkpoint's runtime description. */
async function trainOn(runtime: InstalledRuntime, weightsDir: string): Promise<string | undefined> {
  const job = startWorker(
    { type: 'train', config: quickConfig(weightsDir, { runName: 'on-runtime', trainSize: 200, testSize: 100 }) },
    {
      workerPath: WORKER,
      cwd: path.dirname(weightsDir),
      env: { [RUNTIME_ENV]: runtime.dir },
      onEvent: () => undefined,
      onLog: () => undefined,
    },
  );
  const final = await job.finished;
  assert.equal(final.type, 'done', final.type === 'error' ? final.message : final.type);
  return (await readCheckpointMeta(path.join(weightsDir, 'on-runtime'))).device.runtime;
}

describe('runtime sources with real TensorFlow', () => {
  const dir = tempDir('runtime-sources');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("tfjs-node's official binaries from a mirror", () => {
    let server: http.Server;
    let requests: string[];

    before(async () => {
      // Google's layout: the library archive (a real library, named as libtensorflow 2.9.1 names
      // it) and node-pre-gyp's addon archive.
      const { cc, framework } = developmentLibraries();
      const mirror = path.join(dir, 'mirror');
      const stage = path.join(dir, 'mirror-stage');
      fs.mkdirSync(path.join(stage, 'lib'), { recursive: true });
      fs.mkdirSync(path.join(stage, 'napi-v8'));
      fs.linkSync(cc, path.join(stage, 'lib', `libtensorflow.so.${LIBTENSORFLOW_VERSION}`));
      fs.symlinkSync(`libtensorflow.so.${LIBTENSORFLOW_VERSION}`, path.join(stage, 'lib', 'libtensorflow.so.2'));
      fs.linkSync(framework, path.join(stage, 'lib', `libtensorflow_framework.so.${LIBTENSORFLOW_VERSION}`));
      fs.symlinkSync(`libtensorflow_framework.so.${LIBTENSORFLOW_VERSION}`, path.join(stage, 'lib', 'libtensorflow_framework.so.2'));
      fs.copyFileSync(BUNDLED_ADDON, path.join(stage, 'napi-v8', 'tfjs_binding.node'));
      const library = path.join(mirror, 'tensorflow', 'libtensorflow', `libtensorflow-cpu-linux-x86_64-${LIBTENSORFLOW_VERSION}.tar.gz`);
      const addon = path.join(
        mirror,
        'tf-builds',
        'pre-built-binary',
        'napi-v8',
        TFJS_NODE_VERSION,
        `CPU-linux-${TFJS_NODE_VERSION}.tar.gz`,
      );
      fs.mkdirSync(path.dirname(library), { recursive: true });
      fs.mkdirSync(path.dirname(addon), { recursive: true });
      await tar.c({ gzip: { level: 1 }, file: library, cwd: stage }, ['./lib']);
      await tar.c({ gzip: true, file: addon, cwd: stage }, ['napi-v8']);
      fs.rmSync(stage, { recursive: true });

      requests = [];
      server = http.createServer((req, res) => {
        requests.push(req.url ?? '');
        const file = path.join(mirror, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
        if (!file.startsWith(mirror) || !fs.existsSync(file)) {
          res.writeHead(404);
          res.end();
          return;
        }
        const md5 = crypto.createHash('md5').update(fs.readFileSync(file)).digest('base64');
        res.writeHead(200, { 'content-length': fs.statSync(file).size, 'x-goog-hash': `crc32c=AAAAAA==,md5=${md5}` });
        fs.createReadStream(file).pipe(res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      process.env.TFJS_NODE_CDN_STORAGE = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });

    after(() => {
      delete process.env.TFJS_NODE_CDN_STORAGE;
      server.closeAllConnections();
      server.close();
    });

    it('downloads both archives, checks them, unpacks them as tfjs-node would, and the runtime trains', { timeout: 240_000 }, async () => {
      const lines: string[] = [];
      const runtime = await setUpRuntime({
        root: path.join(dir, 'official'),
        flavor: 'cpu',
        sources: [SOURCES.official],
        probe,
        reporter: quietReporter(lines),
        bundledAddon: BUNDLED_ADDON,
      });
      assert.deepEqual(requests.sort(), [
        `/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-${LIBTENSORFLOW_VERSION}.tar.gz`,
        `/tf-builds/pre-built-binary/napi-v8/${TFJS_NODE_VERSION}/CPU-linux-${TFJS_NODE_VERSION}.tar.gz`,
      ]);
      assert.equal(lines.filter((l) => l.includes('checked: size, md5')).length, 2, lines.join('\n'));
      assert.equal(runtime.manifest.source, 'official');
      assert.equal(runtime.manifest.description, `tfjs-node's official CPU binaries (libtensorflow ${LIBTENSORFLOW_VERSION})`);
      const lib = libraryFolder(runtime.dir);
      assert.equal(
        fs.readlinkSync(path.join(lib, 'libtensorflow.so.2')),
        `libtensorflow.so.${LIBTENSORFLOW_VERSION}`,
        "the archive's links are kept",
      );
      assert.ok(!fs.existsSync(path.join(runtime.dir, '.downloads')), 'the archives are deleted');
      assert.match((await trainOn(runtime, path.join(dir, 'official-weights'))) ?? '', /official CPU binaries/);
    });
  });

  it(
    'a TensorFlow installed in Python: found by python3 without importing it, its libraries linked or copied, and the runtime trains',
    { timeout: 240_000 },
    async () => {
      const { cc, framework } = developmentLibraries();
      const site = path.join(dir, 'site-packages');
      fs.mkdirSync(path.join(site, 'tensorflow'), { recursive: true });
      // Importing this package would fail: the source must find it without importing it.
      fs.writeFileSync(path.join(site, 'tensorflow', '__init__.py'), 'raise ImportError("not to be imported")\n');
      fs.linkSync(cc, path.join(site, 'tensorflow', 'libtensorflow_cc.so.2'));
      fs.linkSync(framework, path.join(site, 'tensorflow', 'libtensorflow_framework.so.2'));
      fs.mkdirSync(path.join(site, 'tensorflow-2.99.0.dist-info'));
      fs.writeFileSync(
        path.join(site, 'tensorflow-2.99.0.dist-info', 'METADATA'),
        'Metadata-Version: 2.1\nName: tensorflow\nVersion: 2.99.0\n',
      );
      const before = process.env.PYTHONPATH;
      process.env.PYTHONPATH = site;
      try {
        const runtime = await setUpRuntime({
          root: path.join(dir, 'python'),
          flavor: 'cpu',
          sources: [SOURCES.python],
          probe,
          reporter: quietReporter(),
          bundledAddon: BUNDLED_ADDON,
        });
        assert.equal(runtime.manifest.source, 'python');
        assert.match(runtime.manifest.description, /^the TensorFlow 2\.99\.0 of \S*python/);
        assert.match((await trainOn(runtime, path.join(dir, 'python-weights'))) ?? '', /TensorFlow 2\.99\.0 of/);
      } finally {
        if (before === undefined) delete process.env.PYTHONPATH;
        else process.env.PYTHONPATH = before;
      }
    },
  );

  it(
    "pip's tensorflow-cpu wheel downloaded by pip itself (an old pip): unpacked, checked, and the runtime trains",
    { timeout: 300_000 },
    async () => {
      const lines: string[] = [];
      const runtime = await setUpRuntime({
        root: path.join(dir, 'pip'),
        flavor: 'cpu',
        sources: [pipWheelSource({ askForAddress: false })],
        probe,
        reporter: quietReporter(lines),
        bundledAddon: BUNDLED_ADDON,
      });
      assert.equal(runtime.manifest.source, 'pip');
      assert.match(runtime.manifest.description, /^pip's tensorflow-cpu [\d.]+ wheel$/);
      assert.ok(!lines.some((l) => l.startsWith('downloading ')), 'pip downloaded it, not the set-up');
      assert.ok(!fs.existsSync(path.join(runtime.dir, '.downloads')), 'the wheel is deleted');
      assert.match((await trainOn(runtime, path.join(dir, 'pip-weights'))) ?? '', /pip's tensorflow-cpu/);
    },
  );
});

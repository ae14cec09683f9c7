// The set-up's rules, with fake sources (each writes a few files) and a fake check: sources tried
// in order until one works, each failure in the log and the final error; a runtime moved into
// place only after its check, and never half there after a failure, a cancel or a killed
// process; an existing runtime reused; the GPU decision; the plan per platform; tfjs-node's own
// addresses.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bindingFile, libraryFolder, readManifest } from '../../src/runtime/runtimeFolder';
import { runtimeKey, TFJS_NODE_VERSION } from '../../src/protocol/runtime';
import { chooseDevice } from '../../src/runtime/device';
import { LIBTENSORFLOW_VERSION, officialUrls, setupPlan, SUPPORTED_PLATFORMS, unsupportedReason } from '../../src/runtime/platforms';
import { findRuntime, LOG_FILE, SetupCancelled, SetupFailed } from '../../src/runtime/runtimeStore';
import { type ProbeRuntime, setUpRuntime } from '../../src/runtime/setup';
import type { RuntimeSource, SetupReporter } from '../../src/runtime/source';

/** A reporter that keeps what it was told. */
function recorder(): SetupReporter & { lines: string[]; steps: string[] } {
  const lines: string[] = [];
  const steps: string[] = [];
  return {
    lines,
    steps,
    log: (line) => {
      lines.push(line);
    },
    step: (title) => {
      steps.push(title);
      return { report: () => undefined, end: () => undefined };
    },
  };
}

/** A source that lays out a runtime's files (a text "library" and "addon"). */
function working(title: string, description = `${title}'s TensorFlow`): RuntimeSource & { calls: number } {
  const source = {
    kind: 'pip' as const,
    title,
    neededBytes: 0,
    calls: 0,
    async install(dir: string): Promise<string> {
      source.calls++;
      fs.mkdirSync(libraryFolder(dir), { recursive: true });
      fs.writeFileSync(path.join(libraryFolder(dir), 'libtensorflow_cc.so.2'), 'library');
      fs.mkdirSync(path.dirname(bindingFile(dir)), { recursive: true });
      fs.writeFileSync(bindingFile(dir), 'addon');
      return description;
    },
  };
  return source;
}

function failing(title: string, message: string): RuntimeSource & { calls: number } {
  const source = {
    kind: 'official' as const,
    title,
    neededBytes: 0,
    calls: 0,
    async install(dir: string): Promise<string> {
      source.calls++;
      fs.writeFileSync(path.join(dir, 'half-written'), 'x');
      throw new Error(message);
    },
  };
  return source;
}

const probeOk: ProbeRuntime = async (dir) => {
  assert.ok(fs.existsSync(bindingFile(dir)), 'the check runs on a laid-out runtime');
  return { tensorflow: '2.21.0', gpu: false };
};

describe('runtime set-up', () => {
  let base: string;
  let n = 0;
  const freshRoot = (): string => path.join(base, `root-${++n}`);

  before(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-setup-'));
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  it('tries the sources in order until one works, logs why each failed, and moves the checked runtime into place', async () => {
    const root = freshRoot();
    const reporter = recorder();
    const a = failing('source A', 'the host cannot be found');
    const b = failing('source B', 'no TensorFlow installed');
    const c = working('source C');
    const installed = await setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter, sources: [a, b, c] });
    assert.deepEqual([a.calls, b.calls, c.calls], [1, 1, 1]);
    assert.equal(installed.dir, path.join(root, runtimeKey('cpu')));
    assert.deepEqual(fs.readdirSync(root).sort(), [LOG_FILE, runtimeKey('cpu')], 'no staging folder is left');
    const manifest = readManifest(installed.dir);
    assert.equal(manifest?.description, "source C's TensorFlow");
    assert.equal(manifest?.tensorflow, '2.21.0', 'the version the check read');
    assert.equal(manifest?.tfjsNode, TFJS_NODE_VERSION);
    const log = fs.readFileSync(path.join(root, LOG_FILE), 'utf8');
    for (const line of [
      'trying source A',
      'source A: the host cannot be found',
      'trying source B',
      'source B: no TensorFlow installed',
      'trying source C',
      'Checking that TensorFlow loads and runs',
      'is set up in',
    ]) {
      assert.ok(log.includes(line), `the log lacks ${JSON.stringify(line)}`);
    }
    assert.deepEqual(
      reporter.lines.filter((l) => l.startsWith('trying')),
      ['trying source A', 'trying source B', 'trying source C'],
    );
  });

  it('reuses a runtime that is set up, without trying any source', async () => {
    const root = freshRoot();
    await setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter: recorder(), sources: [working('first')] });
    const again = working('second');
    const reused = await setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter: recorder(), sources: [again] });
    assert.equal(again.calls, 0);
    assert.equal(reused.manifest.description, "first's TensorFlow");
  });

  it('when every source fails: SetupFailed lists each attempt, and nothing is installed', async () => {
    const root = freshRoot();
    const err = await setUpRuntime({
      root,
      flavor: 'cpu',
      probe: probeOk,
      reporter: recorder(),
      sources: [failing('A', 'offline'), failing('B', 'no python')],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SetupFailed);
    assert.deepEqual(err.attempts, [
      { source: 'A', message: 'offline' },
      { source: 'B', message: 'no python' },
    ]);
    assert.deepEqual(fs.readdirSync(root), [LOG_FILE]);
    assert.equal(findRuntime(root, 'cpu'), undefined);
  });

  it('a runtime that fails its check is thrown away and the next source is tried', async () => {
    const root = freshRoot();
    let checks = 0;
    const probe: ProbeRuntime = async (dir) => {
      checks++;
      if (checks === 1) throw new Error('libtensorflow_cc.so.2: wrong ELF class');
      return probeOk(dir, new AbortController().signal);
    };
    const installed = await setUpRuntime({
      root,
      flavor: 'cpu',
      probe,
      reporter: recorder(),
      sources: [working('broken'), working('good')],
    });
    assert.equal(installed.manifest.description, "good's TensorFlow");
    assert.match(fs.readFileSync(path.join(root, LOG_FILE), 'utf8'), /broken: libtensorflow_cc\.so\.2: wrong ELF class/);
  });

  it('cancel during a source stops the set-up with SetupCancelled and leaves nothing behind; the next set-up works', async () => {
    const root = freshRoot();
    const controller = new AbortController();
    const slow: RuntimeSource = {
      kind: 'pip',
      title: 'slow',
      neededBytes: 0,
      install: (dir, ctx) =>
        new Promise((_resolve, reject) => {
          fs.writeFileSync(path.join(dir, 'partial.so'), 'half');
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          controller.abort(new SetupCancelled());
        }),
    };
    const later = working('later');
    await assert.rejects(
      setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter: recorder(), signal: controller.signal, sources: [slow, later] }),
      SetupCancelled,
    );
    assert.equal(later.calls, 0, 'no source is tried after a cancel');
    assert.deepEqual(fs.readdirSync(root), [LOG_FILE]);
    assert.match(fs.readFileSync(path.join(root, LOG_FILE), 'utf8'), /cancelled; nothing was installed/);
    await setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter: recorder(), sources: [working('retry')] });
    assert.ok(findRuntime(root, 'cpu'));
  });

  it('removes what a killed set-up left (its process is gone), and sets up over an incomplete runtime folder', async () => {
    const root = freshRoot();
    fs.mkdirSync(root);
    // A process id that is not running: the largest pid Linux hands out, plus one.
    const dead = path.join(root, '.staging-4194305-abc123');
    fs.mkdirSync(dead);
    fs.writeFileSync(path.join(dead, 'libtensorflow_cc.so.2'), 'half');
    // The runtime folder without its manifest, as if its files were deleted by hand.
    fs.mkdirSync(path.join(root, runtimeKey('cpu'), 'deps'), { recursive: true });
    const reporter = recorder();
    await setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter, sources: [working('fresh')] });
    assert.ok(!fs.existsSync(dead));
    assert.ok(reporter.lines.some((l) => l.includes('left by an interrupted set-up')));
    assert.ok(reporter.lines.some((l) => l.includes('incomplete')));
    assert.equal(findRuntime(root, 'cpu')?.manifest.description, "fresh's TensorFlow");
  });

  it('once a runtime is set up, those of other tfjs-node versions (before an extension update) are removed', async () => {
    const root = freshRoot();
    const old = path.join(root, 'tfjs-node-4.21.0-cpu-linux-x64');
    const otherFlavour = path.join(root, runtimeKey('gpu'));
    fs.mkdirSync(old, { recursive: true });
    fs.mkdirSync(otherFlavour, { recursive: true });
    await setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter: recorder(), sources: [working('new')] });
    assert.ok(!fs.existsSync(old), "the old version's runtime is gone");
    assert.ok(fs.existsSync(otherFlavour), "this version's other runtimes stay");
    assert.match(
      fs.readFileSync(path.join(root, LOG_FILE), 'utf8'),
      /removing tfjs-node-4\.21\.0-cpu-linux-x64: set up for tfjs-node 4\.21\.0/,
    );
  });

  it('a source that needs more disk than there is is not started', async () => {
    const root = freshRoot();
    const huge = { ...working('huge'), neededBytes: Number.MAX_SAFE_INTEGER };
    const err = await setUpRuntime({ root, flavor: 'cpu', probe: probeOk, reporter: recorder(), sources: [huge] }).catch(
      (e: SetupFailed) => e,
    );
    assert.ok(err instanceof SetupFailed);
    assert.match(err.attempts[0].message, /needs about .* MB free in .*, there are .* MB/);
    assert.equal(huge.calls, 0);
  });

  it('GPU: a GPU build that finds no GPU is not installed, and `auto` then runs on the CPU saying why', async () => {
    const root = freshRoot();
    const err = await setUpRuntime({
      root,
      flavor: 'gpu',
      reporter: recorder(),
      sources: [working('fake GPU build')],
      probe: async () => ({ tensorflow: '2.9.1', gpu: false }),
    }).catch((e: SetupFailed) => e);
    assert.ok(err instanceof SetupFailed);
    assert.match(err.attempts[0].message, /found no GPU it can use/);
    assert.equal(findRuntime(root, 'gpu'), undefined);
    const why = `the GPU build could not be set up (${err.attempts[0].message})`;
    const decision = chooseDevice('auto', { gpuBuild: { ready: false, why }, cudaGpuPresent: true });
    assert.equal(decision.device, 'cpu');
    assert.ok(decision.warning?.includes('found no GPU it can use'));
    assert.throws(() => chooseDevice('gpu', { gpuBuild: { ready: false, why }, cudaGpuPresent: true }), /found no GPU it can use/);
    // With a GPU the check accepts, the GPU runtime is set up beside the CPU one.
    const gpu = await setUpRuntime({
      root,
      flavor: 'gpu',
      reporter: recorder(),
      sources: [working('fake GPU build')],
      probe: async () => ({ tensorflow: '2.9.1', gpu: true }),
    });
    assert.equal(gpu.dir, path.join(root, runtimeKey('gpu')));
  });

  it('on a platform without binaries it says so and tries nothing', async () => {
    const err = await setUpRuntime({
      root: freshRoot(),
      flavor: 'cpu',
      probe: probeOk,
      reporter: recorder(),
      platform: 'linux',
      arch: 'arm64',
    }).catch((e: SetupFailed) => e);
    assert.ok(err instanceof SetupFailed);
    assert.match(err.message, /no prebuilt binaries for linux-arm64; supported: linux-x64, darwin-x64, win32-x64/);
  });
});

describe('runtime set-up plan', () => {
  it("per platform: official binaries first, then a Python TensorFlow and pip's wheel where the package ships their addon", () => {
    assert.deepEqual(setupPlan('cpu', 'linux', 'x64'), ['official', 'python', 'pip']);
    assert.deepEqual(setupPlan('gpu', 'linux', 'x64'), ['official']);
    assert.deepEqual(setupPlan('cpu', 'darwin', 'x64'), ['official']);
    assert.deepEqual(setupPlan('gpu', 'darwin', 'x64'), []);
    assert.deepEqual(setupPlan('cpu', 'win32', 'x64'), ['official']);
    assert.deepEqual(setupPlan('gpu', 'win32', 'x64'), ['official']);
    assert.deepEqual(setupPlan('cpu', 'darwin', 'arm64'), []);
    assert.deepEqual([...SUPPORTED_PLATFORMS], ['linux-x64', 'darwin-x64', 'win32-x64']);
    assert.match(unsupportedReason('gpu', 'darwin', 'x64') ?? '', /only for linux-x64 and win32-x64/);
    assert.equal(unsupportedReason('cpu', 'linux', 'x64'), undefined);
  });

  it("uses tfjs-node's own download addresses and libtensorflow version, and honours its mirror variable", () => {
    // tfjs-node's install script reads these; the set-up must fetch exactly what it would.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const constants = require('@tensorflow/tfjs-node/scripts/deps-constants.js') as { LIBTENSORFLOW_VERSION: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('@tensorflow/tfjs-node/package.json') as { version: string; binary: { host: string; remote_path: string } };
    assert.equal(LIBTENSORFLOW_VERSION, constants.LIBTENSORFLOW_VERSION);
    assert.equal(pkg.version, TFJS_NODE_VERSION);
    const remote = pkg.binary.remote_path.replace('{napi_build_version}', '8').replace('{version}', pkg.version).replace(/^\.\//, '');
    assert.deepEqual(officialUrls('cpu', 'linux', 'x64', 'https://storage.googleapis.com/'), {
      library: `https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-${LIBTENSORFLOW_VERSION}.tar.gz`,
      addon: `${pkg.binary.host}/${remote}CPU-linux-${pkg.version}.tar.gz`,
    });
    assert.equal(
      officialUrls('gpu', 'win32', 'x64', 'http://mirror.local/x')?.library,
      `http://mirror.local/x/tensorflow/libtensorflow/libtensorflow-gpu-windows-x86_64-${LIBTENSORFLOW_VERSION}.zip`,
    );
    assert.equal(officialUrls('gpu', 'darwin', 'x64'), undefined);
  });
});

// `npm run package`: one small .vsix per target (the platforms with a native runtime, the arm64
// ones, and the universal package), holding the bundles, media, the embedded MNIST, the portable
// kernel and (Linux x64 and universal only) the addon for a Python TensorFlow; no TensorFlow
// library, no node_modules, no build leftovers; its manifest names its platform (the universal
// one none), the extension kind and the Restricted Mode support.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PACKAGE_TARGETS, PORTABLE_PLATFORMS, SUPPORTED_PLATFORMS, UNIVERSAL } from '../../src/runtime/platforms';
import { root, runPackage, vsixPath, zipEntries, zipText } from './vsix';

const LIMIT_BYTES = 30 * 2 ** 20;

/** A TensorFlow library under any platform's name, or a symbolic link's copy of one. */
const TENSORFLOW_LIBRARY = /(^|\/)(lib)?tensorflow[^/]*\.(so(\.\d+)*|dylib|dll)$/i;
/** What a build leaves behind, and what is only for developers. */
const LEFTOVER = /(^|\/)(node_modules|build-tmp[^/]*|src|test|\.vscode)\/|\.(o|obj|ts|map|gyp|mk)$|(^|\/)(cli|bench)\.js$/;

test(
  'npm run package builds one small .vsix per target and a universal one, prints each size, and packs no TensorFlow and no leftovers',
  { timeout: 300_000 },
  async () => {
    const printed = runPackage();
    const repository = (
      JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository: { url: string } }
    ).repository.url.replace(/\.git$/, '');
    const tracked = new Set(spawnSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).stdout.split('\n'));
    for (const platform of PACKAGE_TARGETS) {
      const file = vsixPath(platform);
      const bytes = fs.statSync(file).size;
      assert.ok(bytes <= LIMIT_BYTES, `${platform}: ${bytes} bytes is over 30 MiB`);
      assert.match(
        printed,
        new RegExp(`${path.relative(root, file).replace(/[.]/g, '\\.')}: \\d+\\.\\d MiB`),
        `${platform}: the size is printed`,
      );

      const entries = await zipEntries(file);
      const files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
      assert.deepEqual(
        files.filter((f) => TENSORFLOW_LIBRARY.test(f)),
        [],
        `${platform}: no TensorFlow library`,
      );
      assert.deepEqual(
        files.filter((f) => LEFTOVER.test(f)),
        [],
        `${platform}: no build leftovers or sources`,
      );
      for (const needed of [
        'package.json',
        'LICENSE.txt',
        'readme.md',
        'changelog.md',
        'media/icon.png',
        'media/lstm-mnist.svg',
        'dist/extension.js',
        'dist/setup.js',
        'dist/training/worker.js',
        'dist/training/vendor.js',
        'dist/training/lstm.wasm',
        'dist/webview/main.js',
        'dist/mnist/train-images-idx3-ubyte.gz',
        'dist/mnist/train-labels-idx1-ubyte.gz',
        'dist/mnist/t10k-images-idx3-ubyte.gz',
        'dist/mnist/t10k-labels-idx1-ubyte.gz',
      ]) {
        assert.ok(files.includes(needed), `${platform}: ${needed} is missing`);
      }
      // The README is the extension's page, in VS Code and on the Marketplace: vsce points its
      // links and pictures at the repository package.json names; each picture is in the package
      // too, and every target is a file of this repository.
      const readme = await zipText(file, 'extension/readme.md');
      const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !t.startsWith('#'));
      const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
      assert.ok(images.length > 0, 'the README shows images');
      const ours = (t: string): string | undefined => /^https:\/\/github\.com\/[^/]+\/[^/]+\/(?:raw|blob)\/HEAD\/(.+)$/.exec(t)?.[1];
      assert.deepEqual(
        targets.filter((t) => !/^https:\/\//.test(t)),
        [],
        `${platform}: relative links left in the packaged README`,
      );
      for (const t of targets.filter((t) => t.startsWith(`${repository}/`))) {
        assert.ok(tracked.has(ours(t) ?? ''), `${platform}: the README points at ${t}, which is no file of this repository`);
      }
      assert.deepEqual(
        images.filter((i) => !i.startsWith(`${repository}/raw/HEAD/`) || !files.includes(ours(i) ?? '')),
        [],
        `${platform}: README pictures not on the repository or missing from the package`,
      );
      // Only the Linux x64 package carries an addon, and only its own; the universal one carries it too.
      const natives = files.filter((f) => f.startsWith('dist/native/'));
      assert.deepEqual(
        natives,
        platform === 'linux-x64' || platform === UNIVERSAL ? ['dist/native/linux-x64/tfjs_binding.node'] : [],
        `${platform}: native files`,
      );

      const manifest = await zipText(file, 'extension.vsixmanifest');
      if (platform === UNIVERSAL) assert.doesNotMatch(manifest, /TargetPlatform=/, 'the universal package names no platform');
      else assert.match(manifest, new RegExp(`TargetPlatform="${platform}"`), `${platform}: the manifest names its platform`);
      const pkg = JSON.parse(await zipText(file, 'extension/package.json')) as {
        extensionKind?: string[];
        capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } };
        contributes: {
          menus: Record<string, Array<{ command: string; when?: string }>>;
          keybindings: Array<{ command: string; when?: string }>;
        };
      };
      // In Restricted Mode checkpoints are read-only: Delete is offered only in a trusted folder.
      const deletes = [...Object.values(pkg.contributes.menus).flat(), ...pkg.contributes.keybindings].filter(
        (m) => m.command === 'lstmMnist.deleteCheckpoint',
      );
      assert.ok(deletes.length >= 2, 'Delete is in the view and on a key');
      for (const d of deletes) assert.match(d.when ?? '', /^false$|&& isWorkspaceTrusted$/, `Delete's "when": ${d.when}`);
      assert.deepEqual(pkg.extensionKind, ['workspace']);
      assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
      assert.deepEqual(pkg.capabilities?.untrustedWorkspaces?.restrictedConfigurations, [
        'lstmMnist.weightsFolder',
        'lstmMnist.dataFolder',
      ]);
    }
  },
);

test("package.json states the platforms the packages are built for: the native runtime's and the portable kernels' alone", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { os: string[]; cpu: string[] };
  const stated = pkg.os.flatMap((os) => pkg.cpu.map((cpu) => `${os}-${cpu}`)).sort();
  assert.deepEqual(stated, [...SUPPORTED_PLATFORMS, ...PORTABLE_PLATFORMS].sort());
});

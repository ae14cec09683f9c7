#!/usr/bin/env node
// `npm run package [-- --target linux-x64 ...]`: builds the bundles and assets, then one .vsix per
// target with vsce (pinned in devDependencies) into out/package/, and prints each one's size. A
// package holds no node_modules (everything is bundled: --no-dependencies), no TensorFlow library
// (set up on first use) and the portable kernel (dist/training/lstm.wasm, the same everywhere).
// The targets (src/runtime/platforms.ts's PACKAGE_TARGETS, compiled to out/ by `npm run compile`;
// package.json's "os" and "cpu" say the same): the platforms with a native runtime (only the Linux
// x64 package carries an addon, dist/native/linux-x64, and each platform gets only its own); the
// arm64 platforms, where the portable kernels are the whole product; and `universal`, with no
// target, which VS Code installs where no platform's package matches: it carries every addon.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'out', 'package');

function run(cmd, args) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (res.status !== 0) {
    console.error(`[package] failed: ${cmd} ${args.join(' ')}`);
    process.exit(1);
  }
}

function platforms() {
  const compiled = path.join(root, 'out', 'src', 'runtime', 'platforms.js');
  if (!fs.existsSync(compiled)) run('npx', ['tsc', '-p', '.']);
  return require(compiled);
}

function main() {
  const { values } = parseArgs({ options: { target: { type: 'string', multiple: true }, 'skip-build': { type: 'boolean' } } });
  const { PACKAGE_TARGETS, SUPPORTED_PLATFORMS, UNIVERSAL } = platforms();
  const targets = values.target ?? PACKAGE_TARGETS;
  const unknown = targets.filter((t) => !PACKAGE_TARGETS.includes(t));
  if (unknown.length) {
    console.error(`[package] not a target: ${unknown.join(', ')} (targets: ${PACKAGE_TARGETS.join(', ')})`);
    process.exit(2);
  }
  if (!values['skip-build']) run('npm', ['run', 'build']);
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.mkdirSync(outDir, { recursive: true });
  const made = [];
  for (const target of targets) {
    const file = path.join(outDir, `${name}-${target}-${version}.vsix`);
    fs.rmSync(file, { force: true });
    // vsce rewrites the README's relative links and pictures to the repository's (package.json),
    // as the Marketplace's page needs; the pictures are in the package too (docs/).
    // vsce 3.9's --ignore-other-target-folders does nothing: the other platforms' addons are left
    // out through the ignore file instead.
    const ignoreFile = path.join(outDir, `.vscodeignore-${target}`);
    fs.writeFileSync(
      ignoreFile,
      `${fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8')}\n` +
        SUPPORTED_PLATFORMS.filter((t) => t !== target && target !== UNIVERSAL)
          .map((t) => `dist/native/${t}/**\n`)
          .join(''),
    );
    const targetArgs = target === UNIVERSAL ? [] : ['--target', target];
    run('npx', ['vsce', 'package', ...targetArgs, '--no-dependencies', '--ignoreFile', ignoreFile, '--out', file]);
    made.push(file);
  }
  console.log('');
  for (const file of made) {
    console.log(`[package] ${path.relative(root, file)}: ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB`);
  }
}

main();

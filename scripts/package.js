#!/usr/bin/env node
// `npm run package [-- --target linux-x64 ...]`: builds the bundles and assets, then one .vsix per
// supported platform with vsce (pinned in devDependencies) into out/package/, and prints each
// one's size. A package holds no node_modules (everything is bundled: --no-dependencies) and no
// TensorFlow library (set up on first use); the platform-specific packages exist because only the
// Linux x64 one carries an addon (dist/native/linux-x64) and each platform gets only its own.
// The supported platforms are the runtime's (src/runtime/platforms.ts, compiled to out/ by
// `npm run compile`; package.json's "os" and "cpu" say the same).
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

function supportedPlatforms() {
  const compiled = path.join(root, 'out', 'src', 'runtime', 'platforms.js');
  if (!fs.existsSync(compiled)) run('npx', ['tsc', '-p', '.']);
  return require(compiled).SUPPORTED_PLATFORMS;
}

function main() {
  const { values } = parseArgs({ options: { target: { type: 'string', multiple: true }, 'skip-build': { type: 'boolean' } } });
  const supported = supportedPlatforms();
  const targets = values.target ?? supported;
  const unknown = targets.filter((t) => !supported.includes(t));
  if (unknown.length) {
    console.error(`[package] not a supported platform: ${unknown.join(', ')} (supported: ${supported.join(', ')})`);
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
        supported
          .filter((t) => t !== target)
          .map((t) => `dist/native/${t}/**\n`)
          .join(''),
    );
    run('npx', ['vsce', 'package', '--target', target, '--no-dependencies', '--ignoreFile', ignoreFile, '--out', file]);
    made.push(file);
  }
  console.log('');
  for (const file of made) {
    console.log(`[package] ${path.relative(root, file)}: ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB`);
  }
}

main();

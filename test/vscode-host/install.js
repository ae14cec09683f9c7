#!/usr/bin/env node
// Installs code-server (a real VS Code 1.100.3 served to a browser) for the extension tests,
// when it is missing. Idempotent: a stamp holding the lock file's hash marks a finished install,
// so a second run returns at once. Only Node's built-ins are used.
//
// Offline constraints (see docs/environment.md, section 3):
// - @vscode/ripgrep downloads `rg` from GitHub; its cache is seeded with Debian's /usr/bin/rg.
// - node-pty's postinstall runs `npx node-gyp`, and npm here defaults to yes=false.
// - code-server's postinstall refuses to run as root (CI) unless npm_config_unsafe_perm is true.
// - the native modules build from source (about 1.5 min), hence this separate folder.
'use strict';

const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const here = __dirname;
const entry = path.join(here, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const stamp = path.join(here, 'node_modules', '.lstm-mnist-installed');
const CHROMIUM = '/usr/bin/chromium';
const RG = '/usr/bin/rg';
// The headers code-server's `kerberos` module is built against.
const KRB5_HEADER = '/usr/include/gssapi/gssapi.h';
// Must match what @vscode/ripgrep (pulled in by code-server's VS Code) looks for in its cache.
const RG_CACHE = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const RG_ARCHIVE = path.join(RG_CACHE, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');

function fail(msg) {
  console.error(`[vscode-host] ${msg}`);
  process.exit(1);
}

function lockHash() {
  return createHash('sha256')
    .update(fs.readFileSync(path.join(here, 'package-lock.json')))
    .digest('hex');
}

/**
 * Makes sure each [file, Debian package] is there: as root with apt (CI, a fresh machine) it
 * installs the missing packages, elsewhere it fails with the command to run.
 */
function requireFiles(needs) {
  let missing = needs.filter(([file]) => !fs.existsSync(file));
  if (missing.length === 0) return;
  const packages = missing.map(([, pkg]) => pkg);
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    console.log(`[vscode-host] apt-get install ${packages.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
    missing = missing.filter(([file]) => !fs.existsSync(file));
  }
  if (missing.length > 0) {
    fail(
      `missing ${missing.map(([file, pkg]) => `${file} (Debian package ${pkg})`).join(', ')}: ` +
        `apt-get install -y ${missing.map(([, pkg]) => pkg).join(' ')}`,
    );
  }
}

function seedRipgrepCache() {
  if (fs.existsSync(RG_ARCHIVE)) return;
  fs.mkdirSync(RG_CACHE, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
  // Written under a temporary name and renamed, so an interrupted run never leaves half an archive.
  const partial = `${RG_ARCHIVE}.${process.pid}.tmp`;
  let ok = false;
  try {
    fs.copyFileSync(RG, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    ok = spawnSync('tar', ['-czf', partial, '-C', staging, 'rg'], { stdio: 'inherit' }).status === 0;
    if (ok) fs.renameSync(partial, RG_ARCHIVE);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
  if (!ok) fail('could not create the ripgrep archive with `tar`');
}

function main() {
  // The tests drive Chromium; rg is what the ripgrep cache is seeded from.
  requireFiles([
    [CHROMIUM, 'chromium'],
    [RG, 'ripgrep'],
  ]);
  if (fs.existsSync(entry) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lockHash()) {
    console.log('[vscode-host] code-server is installed');
    return;
  }
  requireFiles([[KRB5_HEADER, 'libkrb5-dev']]);
  seedRipgrepCache();
  console.log('[vscode-host] installing code-server 4.100.3 (native modules build from source, a few minutes)');
  const started = Date.now();
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: here,
    stdio: 'inherit',
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
  });
  if (res.status !== 0 || !fs.existsSync(entry)) fail('`npm ci` of code-server failed (see the output above)');
  fs.writeFileSync(stamp, lockHash());
  console.log(`[vscode-host] code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

main();

#!/usr/bin/env node
// Runs every test suite in turn and ends with one line that counts them all:
// `N passed, N failed`. Suites: lint (ESLint and Prettier), unit and training (node's test runner), extension (mocha inside
// a real VS Code through @vscode/test-electron), e2e (a user's clicks in Chromium), package (the
// .vsix, and the installed extension).
// `node scripts/run-tests.js unit training` runs only those.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = (p) => path.join(root, 'out', 'test', p);

const SUITES = {
  lint: [process.execPath, [path.join(root, 'scripts', 'lint.js')]],
  unit: [process.execPath, ['--test', out('unit')]],
  training: [process.execPath, ['--test', out('training')]],
  extension: [process.execPath, [out('runExtensionTests.js')]],
  e2e: [process.execPath, ['--test', out('e2e')]],
  // The .vsix (contents, size), then installed into code-server as a user would.
  package: [process.execPath, ['--test', out('package')]],
};

/** Reads the counts from node's TAP summary (`# pass N`) or a plain `N passed, N failed` line. */
function count(text) {
  const tap = (k) => [...text.matchAll(new RegExp(`^# ${k} (\\d+)$`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0);
  const plain = [...text.matchAll(/^(\d+) passed, (\d+) failed$/gm)];
  const passed = tap('pass') + plain.reduce((s, m) => s + Number(m[1]), 0);
  const failed = tap('fail') + plain.reduce((s, m) => s + Number(m[2]), 0);
  return { passed, failed };
}

/** The suites that need a real VS Code (code-server) and Chromium, installed on first use. */
const NEEDS_VSCODE = new Set(['extension', 'e2e', 'package']);
let vscodeReady;

/**
 * The test files of a node:test run that were killed by a signal (a crash in native code, such as
 * TensorFlow's `malloc(): … corrupted`), from its TAP output: `not ok N - <file>` with `signal:`.
 */
function crashedFiles(text) {
  return [...text.matchAll(/^not ok \d+ - (\S+\.js)\n {2}---\n(?: {2}.*\n)*? {2}signal: '(SIG[A-Z]+)'/gm)].map((m) => `${m[1]} (${m[2]})`);
}

/**
 * Runs one suite. A node:test suite whose only failures are test files killed by a signal runs
 * once more, saying so: a native crash seen once in about twenty CI runs (docs/TESTING.md, "A
 * crash in native code") must not throw a day's work away, and one that repeats still fails.
 */
async function run(name) {
  const first = await runOnce(name);
  const crashed = crashedFiles(first.text);
  if (first.failed === 0 || crashed.length !== first.failed || NEEDS_VSCODE.has(name)) return first;
  console.log(`=== ${name}: ${crashed.join(', ')} killed by a signal (a crash in native code); running the suite once more`);
  return runOnce(name);
}

function runOnce(name) {
  const [cmd, args] = SUITES[name];
  console.log(`\n=== ${name} tests`);
  if (NEEDS_VSCODE.has(name)) {
    vscodeReady ??= spawnSync(process.execPath, [path.join(root, 'test', 'vscode-host', 'install.js')], { stdio: 'inherit' }).status === 0;
    if (!vscodeReady) {
      console.log(`=== ${name}: 0 passed, 1 failed (code-server could not be installed)`);
      return Promise.resolve({ passed: 0, failed: 1 });
    }
  }
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const tee = (stream, sink) =>
      stream.on('data', (d) => {
        text += d;
        sink.write(d);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => {
      const c = count(text);
      // A suite that dies before it reports still counts as a failure.
      if (code !== 0 && c.failed === 0) c.failed = 1;
      console.log(`=== ${name}: ${c.passed} passed, ${c.failed} failed (exit ${code})`);
      resolve({ ...c, text });
    });
  });
}

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SUITES);
  const unknown = names.filter((n) => !SUITES[n]);
  if (unknown.length) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const c = await run(name);
    passed += c.passed;
    failed += c.failed;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

main();

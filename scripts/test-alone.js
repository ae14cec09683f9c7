#!/usr/bin/env node
// `npm run test:alone -- --suite training [--seed N]`: runs every test of a node:test suite (unit,
// training) alone, each in a process of its own with only its own suite's hooks, in a shuffled
// order: a test that leans on another's leftovers, or on running after it, fails here. Needs the
// compiled tests (npm run compile). Ends with the `N passed, N failed` line of all the tests.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const SUITES = ['unit', 'training'];

function options() {
  try {
    const { values } = parseArgs({ options: { suite: { type: 'string' }, seed: { type: 'string' } } });
    if (!SUITES.includes(values.suite)) throw new Error(`--suite must be one of ${SUITES.join(', ')}`);
    const seed = values.seed === undefined ? Date.now() % 100000 : Number(values.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number (got "${values.seed}")`);
    return { suite: values.suite, seed };
  } catch (e) {
    console.error(`${e.message}\nusage: npm run test:alone -- --suite ${SUITES.join('|')} [--seed N]`);
    process.exit(2);
  }
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function nodeTest(file, pattern) {
  return spawnSync(process.execPath, ['--test', '--test-reporter=tap', `--test-name-pattern=${pattern}`, file], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
}

/** The names of a file's tests (not its suites): listed by a pattern that matches none, as skipped. */
function testNames(file) {
  const listed = nodeTest(file, '^$').stdout;
  return [...listed.matchAll(/^\s*ok \d+ - (.+) # SKIP test name does not match pattern$/gm)].map((m) => m[1]);
}

/** A seeded shuffle (mulberry32, then Fisher-Yates), so that an order that failed can be run again. */
function shuffle(items, seed) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function main() {
  const { suite, seed } = options();
  const dir = path.join(root, 'out', 'test', suite);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f));
  const tests = shuffle(
    files.flatMap((file) => testNames(file).map((name) => ({ file, name }))),
    seed,
  );
  console.log(`[alone] ${tests.length} tests of the ${suite} suite, each alone, in the order of seed ${seed}`);
  let passed = 0;
  let failed = 0;
  for (const [i, { file, name }] of tests.entries()) {
    const r = nodeTest(file, `^${escapeRegExp(name)}$`);
    const count = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? 0);
    const ok = r.status === 0 && count('pass') >= 1 && count('fail') === 0;
    if (ok) passed++;
    else failed++;
    console.log(`[alone] ${i + 1}/${tests.length} ${ok ? 'ok' : 'FAILED'}: ${path.basename(file)}: ${name}`);
    if (!ok) console.log(`${r.stdout}\n${r.stderr}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

main();

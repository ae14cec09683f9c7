#!/usr/bin/env node
// `npm run test:repeat -- --suite extension --times 10 [--load]`: runs one suite of
// scripts/run-tests.js again and again, to find the tests that race. With --load, the other cores
// are kept busy (one busy loop per core but one, in processes of their own) for the whole repeat,
// as a cold CI machine's are. Prints each run's counts, the tests that failed and how often, and
// ends with the `N passed, N failed` line of all runs together; exits 1 if any run failed.
'use strict';

const { spawn } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const USAGE = 'usage: npm run test:repeat -- --suite <name> [--suite <name> ...] [--times N] [--load]';

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        suite: { type: 'string', multiple: true },
        times: { type: 'string', default: '10' },
        load: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    fail(e.message);
  }
  const times = Number(parsed.times);
  if (!Number.isInteger(times) || times < 1) fail(`--times must be a whole number of at least 1 (got "${parsed.times}")`);
  if (!parsed.suite?.length) fail('--suite is required');
  return { suites: parsed.suite, times, load: parsed.load };
}

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** Busy loops in processes of their own, one per core but one; stopped by the returned function. */
function keepCoresBusy() {
  const count = Math.max(1, os.availableParallelism() - 1);
  const loops = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  console.log(`[repeat] ${count} busy loop(s) running beside the tests`);
  return () => loops.forEach((p) => p.kill());
}

/** One run of run-tests.js; its counts from the closing line, and the names of the tests that failed. */
function runOnce(suites) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'run-tests.js'), ...suites], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('close', (code) => {
      const last = [...text.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
      const passed = last ? Number(last[1]) : 0;
      const failed = last ? Number(last[2]) : 1;
      // mocha's spec reporter (`  1) title`) and node's TAP (`not ok 3 - title`).
      const names = [...text.matchAll(/^\s*(?:\d+\) (.+)|not ok \d+ - (.+))$/gm)].map((m) => (m[1] ?? m[2]).trim());
      resolve({ passed, failed: code !== 0 && failed === 0 ? 1 : failed, names: [...new Set(names)], text });
    });
  });
}

async function main() {
  const { suites, times, load } = options();
  const stop = load ? keepCoresBusy() : () => {};
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  const failures = new Map();
  let passed = 0;
  let failed = 0;
  let green = 0;
  try {
    for (let i = 1; i <= times; i++) {
      const started = Date.now();
      const run = await runOnce(suites);
      passed += run.passed;
      failed += run.failed;
      if (run.failed === 0) green++;
      const secs = Math.round((Date.now() - started) / 1000);
      console.log(
        `[repeat] run ${i}/${times} (${suites.join(' ')}${load ? ', under load' : ''}): ${run.passed} passed, ${run.failed} failed, ${secs} s`,
      );
      for (const name of run.names) {
        failures.set(name, (failures.get(name) ?? 0) + 1);
        console.log(`[repeat]   failed: ${name}`);
      }
      // The whole output of a red run, for its cause.
      if (run.failed > 0)
        console.log(
          run.text
            .split('\n')
            .map((l) => `[run ${i}] ${l}`)
            .join('\n'),
        );
    }
  } finally {
    stop();
  }
  console.log(`\n[repeat] ${green} of ${times} runs green${load ? ' under load' : ''}`);
  for (const [name, n] of failures) console.log(`[repeat] ${n}x ${name}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();

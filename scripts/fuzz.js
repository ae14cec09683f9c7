#!/usr/bin/env node
// `npm run fuzz`: the property-based tests of the readers (test/unit/fuzz) with many more cases
// than CI runs: FUZZ_RUNS per property (50,000 unless set), from FUZZ_SEED (fixed unless set, so
// a failure repeats; fast-check prints the seed and the shrunk case to replay). Ends with node's
// test runner's counts.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '50000' };
console.log(`fuzzing the readers: ${env.FUZZ_RUNS} cases a property${env.FUZZ_SEED ? `, seed ${env.FUZZ_SEED}` : ''}`);
const run = spawnSync(process.execPath, ['--test', path.join(root, 'out', 'test', 'unit', 'fuzz')], { cwd: root, env, stdio: 'inherit' });
process.exitCode = run.status ?? 1;

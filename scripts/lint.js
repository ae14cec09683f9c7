#!/usr/bin/env node
// `npm run lint`: ESLint (eslint.config.mjs) and Prettier's check (.prettierrc.json), each a check
// that passes or fails; ends with the `N passed, N failed` line the test runner counts.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const CHECKS = [
  ['eslint', [bin('eslint'), ['.']]],
  ['prettier', [bin('prettier'), ['--check', '--log-level', 'warn', '**/*.{ts,js,mjs}']]],
];

let passed = 0;
let failed = 0;
for (const [name, [cmd, args]] of CHECKS) {
  const ok = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
  console.log(`${ok ? 'ok' : 'FAILED'}: ${name}`);
  if (ok) passed++;
  else failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

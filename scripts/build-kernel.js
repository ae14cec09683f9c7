#!/usr/bin/env node
// Builds the portable path's kernel: src/training/portable/kernel/lstmKernel.ts (AssemblyScript)
// into dist/training/lstm.wasm, one WebAssembly module for every platform, with 128-bit SIMD and
// an imported shared memory (the worker threads' instances share it). The toolchain is the
// `assemblyscript` npm package: nothing from the system. Run by `npm run build`; skips an
// up-to-date module; written under a temporary name and renamed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'src', 'training', 'portable', 'kernel', 'lstmKernel.ts');
const dest = path.join(root, 'dist', 'training', 'lstm.wasm');

if (fs.existsSync(dest) && fs.statSync(dest).mtimeMs >= fs.statSync(source).mtimeMs && !process.argv.includes('--force')) process.exit(0);
fs.mkdirSync(path.dirname(dest), { recursive: true });
const tmp = `${dest}.${process.pid}.tmp`;
const asc = path.join(path.dirname(require.resolve('assemblyscript/package.json', { paths: [root] })), 'bin', 'asc.js');
execFileSync(
  process.execPath,
  [
    asc,
    source,
    '-O3',
    '--noAssert',
    // No allocator, no garbage collector: the kernel only reads and writes the buffers it is given.
    '--runtime',
    'stub',
    '--use',
    'abort=',
    '--enable',
    'simd,threads',
    '--importMemory',
    '--sharedMemory',
    '--initialMemory',
    '1',
    '--maximumMemory',
    '65536',
    '--outFile',
    tmp,
  ],
  { stdio: 'inherit' },
);
fs.renameSync(tmp, dest);
console.log(`[kernel] ${path.relative(root, dest)} (${fs.statSync(dest).size} bytes)`);

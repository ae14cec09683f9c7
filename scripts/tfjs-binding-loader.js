// A webpack loader for @tensorflow/tfjs-node/dist/index.js, the one file of tfjs-node that finds
// its native addon. Unbundled, it asks node-pre-gyp for `lib/napi-v8/tfjs_binding.node` next to
// its own package.json; bundled into the training process there is no such package (the .vsix
// holds no node_modules), so the path comes from src/training/nativeRuntime.ts instead: the
// TensorFlow runtime the extension set up, or tfjs-node's own folder in a developer's checkout.
// Each replaced line must be found exactly once, so that a tfjs-node upgrade that changes them
// breaks the build instead of the product.
'use strict';
const path = require('node:path');

const RUNTIME_MODULE = path.resolve(__dirname, '..', 'src', 'training', 'native', 'runtime.ts');

const REPLACEMENTS = [
  [
    /var binary = require\('@mapbox\/node-pre-gyp'\);\r?\nvar bindingPath = binary\.find\([^\n]*\);/,
    `var bindingPath = require(${JSON.stringify(RUNTIME_MODULE)}).tfjsBindingPath();`,
  ],
  [/var bindings = require\(bindingPath\);/, 'var bindings = __non_webpack_require__(bindingPath);'],
];

module.exports = function tfjsBindingLoader(source) {
  let out = source;
  for (const [pattern, replacement] of REPLACEMENTS) {
    const matches = out.match(new RegExp(pattern.source, 'g')) ?? [];
    if (matches.length !== 1) {
      throw new Error(`tfjs-binding-loader: expected ${pattern} once in ${this.resourcePath}, found it ${matches.length} times`);
    }
    out = out.replace(pattern, replacement);
  }
  return out;
};

// Three bundles: the extension host (small, never loads TensorFlow), the training process
// (forked worker, replicas and benchmark, with TensorFlow.js bundled and its native addon loaded
// from the runtime folder; the CLI, which runs the worker, is built with them), and the webview
// UI for the browser.
'use strict';
const path = require('node:path');
const webpack = require('webpack');

// ES modules for webpack (tsc's own output for the tests is CommonJS): only then does an
// `import()` become a chunk loaded on demand, as the extension's set-up code is.
const tsRule = (configFile) => ({
  test: /\.ts$/,
  exclude: /node_modules/,
  use: [{ loader: 'ts-loader', options: { configFile, transpileOnly: true, compilerOptions: { module: 'es2020' } } }],
});

const nodeBase = {
  target: 'node20',
  devtool: 'nosources-source-map',
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [tsRule(path.resolve(__dirname, 'tsconfig.json'))],
    // createRequire() is how the code reaches Node's own resolver at run time (node_modules in a
    // checkout); in ES modules webpack would otherwise take it over and bundle a stub.
    parser: { javascript: { createRequire: false } },
  },
  output: { path: path.resolve(__dirname, 'dist'), libraryTarget: 'commonjs2' },
  node: { __dirname: false, __filename: false },
};

/** @type {import('webpack').Configuration[]} */
module.exports = [
  {
    ...nodeBase,
    name: 'extension',
    entry: { extension: './src/extension/extension.ts' },
    externals: { vscode: 'commonjs vscode' },
    // The TensorFlow set-up (with its tar and zip libraries) is one chunk, dist/setup.js, loaded
    // by its `import()` only when a set-up runs: activation reads 40 KB, not 150.
    optimization: { splitChunks: false },
  },
  {
    ...nodeBase,
    name: 'training',
    entry: {
      'cli/cli': './src/cli/cli.ts',
      'training/worker': './src/training/worker.ts',
      'training/bench': './bench/benchmark.ts',
    },
    // tfjs-node's JavaScript is bundled (the .vsix has no node_modules); its native addon is not:
    // the loader makes tfjs-node load it from the runtime folder (src/training/native/runtime.ts).
    // The node builds ("main") are what runs unbundled in development, so they are used here too.
    resolve: { ...nodeBase.resolve, mainFields: ['main'] },
    module: {
      ...nodeBase.module,
      rules: [
        ...nodeBase.module.rules,
        {
          test: /[\\/]@tensorflow[\\/]tfjs-node[\\/]dist[\\/]index\.js$/,
          use: [path.resolve(__dirname, 'scripts', 'tfjs-binding-loader.js')],
        },
      ],
    },
    // In a developer's checkout --device gpu may load an installed tfjs-node-gpu's addon; its
    // JavaScript is never needed (it is tfjs-node's).
    externals: { '@tensorflow/tfjs-node-gpu': 'commonjs @tensorflow/tfjs-node-gpu' },
    // The three entries share one copy of TensorFlow.js.
    optimization: {
      splitChunks: { cacheGroups: { vendor: { test: /[\\/]node_modules[\\/]/, name: 'training/vendor', chunks: 'all' } } },
    },
    // node-fetch (tfjs-core's, never used here: nothing is fetched over HTTP) tries an optional
    // `encoding` package inside a try/catch.
    plugins: [new webpack.IgnorePlugin({ resourceRegExp: /^encoding$/, contextRegExp: /node-fetch/ })],
    // TensorFlow.js is a few MB, by design.
    performance: { hints: false },
  },
  {
    name: 'webview',
    target: 'web',
    devtool: 'nosources-source-map',
    entry: {
      'webview/main': './webview-ui/src/main.ts',
      'webview/compare': './webview-ui/src/compare/compareMain.ts',
      'webview/runs': './webview-ui/src/runs/runsMain.ts',
    },
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [
        tsRule(path.resolve(__dirname, 'webview-ui/tsconfig.json')),
        { test: /\.css$/, type: 'asset/resource', generator: { filename: 'webview/[name][ext]' } },
      ],
    },
    // The stylesheets (panel.css, uPlot's) are emitted as files that the host's HTML links under
    // the webview CSP (style-src webview.cspSource); the script never needs their URLs, so no
    // run-time public path detection either.
    output: { path: path.resolve(__dirname, 'dist'), publicPath: '' },
    performance: { hints: false },
  },
];

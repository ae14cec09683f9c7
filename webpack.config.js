// Three bundles: the extension host (small, never loads TensorFlow), the training process
// (CLI, forked worker and benchmark; tfjs-node stays external because it is a native addon),
// and the webview UI for the browser.
'use strict';
const path = require('node:path');

const tsRule = (configFile) => ({
  test: /\.ts$/,
  exclude: /node_modules/,
  use: [{ loader: 'ts-loader', options: { configFile, transpileOnly: true } }],
});

const nodeBase = {
  target: 'node20',
  devtool: 'nosources-source-map',
  resolve: { extensions: ['.ts', '.js'] },
  module: { rules: [tsRule(path.resolve(__dirname, 'tsconfig.json'))] },
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
  },
  {
    ...nodeBase,
    name: 'training',
    entry: {
      'training/cli': './src/training/cli.ts',
      'training/worker': './src/training/worker.ts',
      'training/bench': './bench/benchmark.ts',
    },
    externals: {
      '@tensorflow/tfjs-node': 'commonjs @tensorflow/tfjs-node',
      '@tensorflow/tfjs-node-gpu': 'commonjs @tensorflow/tfjs-node-gpu',
      '@tensorflow/tfjs-node/dist/nodejs_kernel_backend': 'commonjs @tensorflow/tfjs-node/dist/nodejs_kernel_backend',
      '@tensorflow/tfjs-node/dist/int64_tensors': 'commonjs @tensorflow/tfjs-node/dist/int64_tensors',
      '@tensorflow/tfjs-node-gpu/dist/nodejs_kernel_backend': 'commonjs @tensorflow/tfjs-node-gpu/dist/nodejs_kernel_backend',
      '@tensorflow/tfjs-node-gpu/dist/int64_tensors': 'commonjs @tensorflow/tfjs-node-gpu/dist/int64_tensors',
    },
  },
  {
    name: 'webview',
    target: 'web',
    devtool: 'nosources-source-map',
    entry: { 'webview/main': './webview-ui/src/main.ts' },
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

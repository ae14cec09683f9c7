// "LSTM MNIST: Set Up TensorFlow" where no source can work: tfjs-node's download address refuses
// the connection (TFJS_NODE_CDN_STORAGE, tfjs-node's own mirror variable) and there is no Python on
// the PATH. The set-up runs in this extension host, so changing this process's environment for the
// duration of the command is changing the set-up's. The user is told what was tried, why each
// failed, and what to do, with a button to the set-up's log; nothing is installed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SetupResult } from '../../src/extension/tensorflowRuntime';
import { notifications } from './observe';

suite('Set Up TensorFlow', () => {
  test('when no source works, the message says what was tried and what to do, with a button to the log', async () => {
    const saved = { PATH: process.env.PATH, TFJS_NODE_CDN_STORAGE: process.env.TFJS_NODE_CDN_STORAGE };
    process.env.PATH = '/nonexistent';
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    process.env.TFJS_NODE_CDN_STORAGE = 'http://127.0.0.1:1/';
    const mark = notifications.length;
    let result: SetupResult;
    try {
      result = await vscode.commands.executeCommand<SetupResult>('lstmMnist.setUpTensorFlow');
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.TFJS_NODE_CDN_STORAGE === undefined) delete process.env.TFJS_NODE_CDN_STORAGE;
      else process.env.TFJS_NODE_CDN_STORAGE = saved.TFJS_NODE_CDN_STORAGE;
    }
    assert.equal(result.status, 'error', JSON.stringify(result));
    const message = (result as { message: string }).message;
    for (const expected of [
      "Tried tfjs-node's official binaries: http://127.0.0.1:1/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz: the connection was refused",
      'a TensorFlow installed in Python: no Python was found (python3: not found; python: not found)',
      "pip's tensorflow-cpu wheel: no Python with pip was found",
      'pip install tensorflow-cpu',
      'then run "LSTM MNIST: Set Up TensorFlow"',
    ]) {
      assert.ok(message.includes(expected), `the message lacks ${JSON.stringify(expected)}: ${message}`);
    }
    const errors = notifications.slice(mark).filter((n) => n.kind === 'error');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].message, message);
    assert.deepEqual(errors[0].actions, ['Show Log', 'Set Up TensorFlow']);
  });
});

// The choice between TensorFlow's native runtime and the portable kernels, for every platform a
// user may have and every way the native runtime can fail; an explicit choice is obeyed.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { chooseBackend, portableNote } from '../../src/runtime/backendChoice';

describe('choosing the backend', () => {
  const platforms: [string, string, 'native' | 'portable', string?][] = [
    ['linux', 'x64', 'native'],
    ['darwin', 'x64', 'native'],
    ['win32', 'x64', 'native'],
    ['darwin', 'arm64', 'portable', 'macOS arm64'],
    ['linux', 'arm64', 'portable', 'Linux arm64'],
    ['win32', 'arm64', 'portable', 'Windows arm64'],
    ['linux', 'ppc64', 'portable', 'Linux ppc64'],
    ['freebsd', 'x64', 'portable', 'freebsd x64'],
  ];

  for (const [platform, arch, backend, name] of platforms) {
    it(`auto on ${platform}-${arch} with nothing wrong: ${backend}`, () => {
      const decision = chooseBackend('auto', { platform, arch });
      assert.equal(decision.backend, backend);
      if (name) assert.equal(decision.reason, `TensorFlow's native runtime is not available on ${name}`);
      else assert.equal(decision.reason, undefined);
    });
  }

  it('auto where the native runtime fails (not set up, the set-up failed offline, it does not load): portable, saying why', () => {
    for (const problem of [
      'no TensorFlow runtime is set up',
      "it could not be set up: the official download failed (getaddrinfo ENOTFOUND storage.googleapis.com); pip's index is unreachable",
      'libtensorflow.so.2: cannot open shared object file',
    ]) {
      const decision = chooseBackend('auto', { platform: 'linux', arch: 'x64', nativeProblem: problem });
      assert.deepEqual(decision, { backend: 'portable', reason: `TensorFlow's native runtime cannot be used (${problem})` });
    }
  });

  it('an explicit choice is obeyed on every platform, whatever fails', () => {
    for (const [platform, arch] of platforms) {
      assert.deepEqual(chooseBackend('native', { platform, arch, nativeProblem: 'x' }), { backend: 'native' });
      assert.deepEqual(chooseBackend('portable', { platform, arch }), { backend: 'portable' });
    }
  });

  it('says what the job does instead', () => {
    assert.equal(
      portableNote("TensorFlow's native runtime is not available on macOS arm64", 'training'),
      "TensorFlow's native runtime is not available on macOS arm64: training with the portable kernels",
    );
  });
});

// How a run's kernels read for people, in the panel, the tree's tooltip, the comparison and the
// CLI: the scheduled path says on how many threads it shared each batch, and an older checkpoint's
// scheduled run (then one process per share) how many processes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { kernelsText } from '../../src/protocol/format';

describe('kernelsText', () => {
  it('the scheduled path with its threads, or without when it had one', () => {
    assert.equal(kernelsText({ fusedKernels: true, kernels: 'scheduled', shares: 2 }), 'scheduled kernels, 2 threads');
    assert.equal(kernelsText({ fusedKernels: true, kernels: 'scheduled', shares: 1 }), 'scheduled kernels');
  });

  it("an older checkpoint's scheduled run with its processes", () => {
    assert.equal(kernelsText({ fusedKernels: true, kernels: 'scheduled', replicas: 2 }), 'scheduled kernels, 2 processes');
  });

  it('the fused and the reference paths', () => {
    assert.equal(kernelsText({ fusedKernels: true, kernels: 'fused' }), 'fused kernels');
    assert.equal(kernelsText({ fusedKernels: false }), 'reference kernels');
  });

  it('the portable kernels with their threads, in a training run and in an evaluation', () => {
    assert.equal(
      kernelsText({ fusedKernels: false, backend: 'portable', kernels: 'portable', shares: 2 }),
      'portable WebAssembly kernels, 2 threads',
    );
    assert.equal(kernelsText({ fusedKernels: false, backend: 'portable', kernels: 'portable', shares: 1 }), 'portable WebAssembly kernels');
    assert.equal(kernelsText({ fusedKernels: false, backend: 'portable' }), 'portable WebAssembly kernels');
  });
});

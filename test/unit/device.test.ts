import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { chooseDevice, DeviceError } from '../../src/training/backend';

const none = { gpuPackageInstalled: false, cudaGpuPresent: false };
const both = { gpuPackageInstalled: true, cudaGpuPresent: true };

describe('device choice', () => {
  it('auto takes the GPU only when tfjs-node-gpu and a CUDA GPU are both there', () => {
    assert.deepEqual(chooseDevice('auto', both), { device: 'gpu' });
    assert.deepEqual(chooseDevice('auto', none), { device: 'cpu' });
  });

  it('auto falls back to the CPU with a warning when only half of the GPU set-up is there', () => {
    assert.match(chooseDevice('auto', { gpuPackageInstalled: true, cudaGpuPresent: false }).warning ?? '', /no CUDA GPU/);
    assert.match(chooseDevice('auto', { gpuPackageInstalled: false, cudaGpuPresent: true }).warning ?? '', /not installed/);
  });

  it('gpu without a GPU is an error that says what to do', () => {
    assert.throws(() => chooseDevice('gpu', none), (e: Error) => e instanceof DeviceError && /npm install @tensorflow\/tfjs-node-gpu/.test(e.message));
    assert.throws(() => chooseDevice('gpu', { gpuPackageInstalled: true, cudaGpuPresent: false }), /no CUDA GPU was found/);
    assert.deepEqual(chooseDevice('gpu', both), { device: 'gpu' });
  });

  it('cpu is always the CPU', () => {
    assert.deepEqual(chooseDevice('cpu', both), { device: 'cpu' });
  });
});

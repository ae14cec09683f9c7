import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { chooseDevice, DeviceError, type DeviceProbe } from '../../src/runtime/device';

const WHY = 'the GPU build could not be set up (CUDA 11.2 missing)';
const none: DeviceProbe = { gpuBuild: { ready: false, why: WHY }, cudaGpuPresent: false };
const both: DeviceProbe = { gpuBuild: { ready: true }, cudaGpuPresent: true };
const gpuOnly: DeviceProbe = { gpuBuild: { ready: false, why: WHY }, cudaGpuPresent: true };
const buildOnly: DeviceProbe = { gpuBuild: { ready: true }, cudaGpuPresent: false };

describe('device choice', () => {
  it('auto takes the GPU only when the GPU build is ready and a CUDA GPU is there', () => {
    assert.deepEqual(chooseDevice('auto', both), { device: 'gpu' });
    assert.deepEqual(chooseDevice('auto', none), { device: 'cpu' });
  });

  it('auto falls back to the CPU with a warning that says why when only half of the GPU set-up is there', () => {
    assert.deepEqual(chooseDevice('auto', gpuOnly), { device: 'cpu', warning: `a CUDA GPU is present but ${WHY}: running on the CPU` });
    assert.match(chooseDevice('auto', buildOnly).warning ?? '', /no CUDA GPU was found/);
  });

  it('gpu without a usable GPU is an error that says why', () => {
    assert.throws(
      () => chooseDevice('gpu', none),
      (e: Error) => e instanceof DeviceError && /no CUDA GPU was found/.test(e.message),
    );
    assert.throws(
      () => chooseDevice('gpu', gpuOnly),
      (e: Error) => e instanceof DeviceError && e.message.includes(WHY),
    );
    assert.deepEqual(chooseDevice('gpu', both), { device: 'gpu' });
  });

  it('cpu is always the CPU, without a word', () => {
    assert.deepEqual(chooseDevice('cpu', both), { device: 'cpu' });
    assert.deepEqual(chooseDevice('cpu', gpuOnly), { device: 'cpu' });
  });
});

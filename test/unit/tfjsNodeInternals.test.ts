// tfjs-node's insides are reached through one adapter that checks, when it is made, every member
// it will call: a tfjs-node without one of them fails at once with a message that names it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { BINDING_FUNCTIONS, BINDING_NUMBERS, TfjsNodeChangedError, TfjsNodeInternals } from '../../src/training/native/internals';

/** A stand-in for tfjs-node's module whose backend has every member the adapter uses, but `without`. */
function fakeTf(without?: string): Parameters<typeof TfjsNodeInternals.of>[0] {
  const binding: Record<string, unknown> = { TF_Version: '2.21.0' };
  BINDING_NUMBERS.forEach((n, i) => (binding[n] = i));
  for (const f of BINDING_FUNCTIONS) binding[f] = () => undefined;
  const backend: Record<string, unknown> = {
    binding,
    isUsingGpuDevice: false,
    executeMultipleOutputs: () => [],
    getInputTensorIds: () => [],
  };
  if (without?.startsWith('binding.')) delete binding[without.slice('binding.'.length)];
  else if (without) delete backend[without];
  return { backend: () => backend } as unknown as Parameters<typeof TfjsNodeInternals.of>[0];
}

describe("tfjs-node's insides", () => {
  it('an adapter is made when every member is there', () => {
    assert.equal(TfjsNodeInternals.of(fakeTf()).tensorflowVersion, '2.21.0');
  });

  for (const missing of [
    'executeMultipleOutputs',
    'getInputTensorIds',
    'binding',
    ...BINDING_NUMBERS.map((n) => `binding.${n}`),
    ...BINDING_FUNCTIONS.map((f) => `binding.${f}`),
    'binding.TF_Version',
  ]) {
    it(`without ${missing}, it fails at once naming it`, () => {
      assert.throws(
        () => TfjsNodeInternals.of(fakeTf(missing)),
        (e: Error) => e instanceof TfjsNodeChangedError && e.message.includes(missing.replace(/^binding$/, "backend's binding")),
      );
    });
  }
});

// TensorFlow's own log lines, as this machine's runtimes print them, are told apart from what a
// person must see: errors, fatal checks and the process's own output.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isNativeLogNoise } from '../../src/client/nativeLog';

describe('native log lines', () => {
  it("recognises the start-up notices of pip's TensorFlow and of the official libtensorflow", () => {
    for (const line of [
      'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR',
      'I0000 00:00:1795886740.557400    2061 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.',
      'I1128 17:25:40.557400    2061 cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.',
      'W1128 17:25:40.557400    2061 cpu_allocator_impl.cc:83] Allocation of 188160000 exceeds 10% of free system memory.',
      '2026-11-28 17:25:40.557400: I tensorflow/core/platform/cpu_feature_guard.cc:193] This TensorFlow binary is optimized with oneAPI Deep Neural Network Library (oneDNN) to use the following CPU instructions in performance-critical operations:  AVX2 FMA',
      'To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.',
      'E0000 00:00:1796609832.239222   24100 util.cc:131] oneDNN supports DT_UINT8 only on platforms with AVX-512. Falling back to the default Eigen-based implementation if present.',
    ]) {
      assert.ok(isNativeLogNoise(line), line);
    }
  });

  it('keeps errors, fatal checks and anything else', () => {
    for (const line of [
      'E1128 17:25:40.557400    2061 op_kernel.cc:1839] OP_REQUIRES failed at matmul_op.cc:55 : RESOURCE_EXHAUSTED',
      'E0000 00:00:1796609832.239222   24100 util.cc:131] oneDNN failed to create a primitive',
      'F1128 17:25:40.557400    2061 tensor_shape.cc:50] Check failed: NDIMS == dims() (2 vs. 3)',
      '2026-11-28 17:25:40.557400: E tensorflow/core/framework/op_kernel.cc:1693] OP_REQUIRES failed',
      'Error: Cannot find module',
      '    at Object.<anonymous> (/x/worker.js:1:1)',
      '',
    ]) {
      assert.ok(!isNativeLogNoise(line), line);
    }
  });
});

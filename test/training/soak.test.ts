// The soak test's short version (bench/soak.ts; `npm run soak` is the long one): 4,000 batch
// reports in the real training process with TensorBoard on, every event fed to the host's session
// log and to the panel's state. After its first half nothing rises by more than a few percent (or
// a few megabytes) above what it had reached: the training process's RSS and heap, and the host's
// heap; its tensors not at all; the log and the panel's chart stay within their bound.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { growthAfter, type Measure, type Rise, soak } from '../../bench/soak';
import { MAX_BATCH_POINTS } from '../../src/protocol/batchHistory';

it(
  'a run of 4,000 batch reports, TensorBoard on, watched as the extension watches it, stays flat after its first half',
  { timeout: 300_000 },
  async () => {
    const result = await soak({ epochs: 20, trainSize: 1000, testSize: 200, units: 32, batchSize: 5 });
    assert.equal(result.outcome, 'done');
    assert.equal(result.batchReports, 4000);
    assert.deepEqual(
      result.samples.map((s) => s.epoch),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(new Set(result.samples.map((s) => s.worker.tensors)).size, 1, 'the same tensors after every epoch');
    for (const s of result.samples) {
      assert.ok(s.panelPoints <= MAX_BATCH_POINTS, `epoch ${s.epoch}: ${s.panelPoints} points in the panel`);
      assert.ok(s.logEntries <= MAX_BATCH_POINTS + 2 * s.epoch + 2, `epoch ${s.epoch}: ${s.logEntries} entries in the host's log`);
    }
    // A few percent, or a few megabytes where that is more (a small heap moves by more than 5% as
    // the code warms up and the test reporter buffers): a leak of one tensor a batch is 4,000 tensors.
    const rose = growthAfter(result.samples, 10);
    const allowed: Record<Measure, number> = { rss: 30 * 2 ** 20, workerHeap: 2 * 2 ** 20, hostHeap: 2 * 2 ** 20, tensors: 0 };
    for (const [measure, { by, fraction }] of Object.entries(rose) as [Measure, Rise][])
      assert.ok(
        measure === 'tensors' ? by === 0 : fraction < 0.05 || by <= allowed[measure],
        `${measure} rose by ${by} (${(100 * fraction).toFixed(1)}%) after epoch 10: ${JSON.stringify(rose)}`,
      );
    assert.ok(result.tensorBoardBytes > 0, 'the TensorBoard log was written');
  },
);

// TensorBoard's event files as this project writes them in JavaScript: CRC-32C against its
// published check value, TFRecord's framing with masked CRCs, and the first record TensorBoard
// reads (file_version). (The training suite reads a run's whole log back; TensorFlow's own reader
// accepted them when checked by hand: TESTING.md.)
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { crc32c, EventFile, tfRecord } from '../../src/training/loop/eventFile';

const masked = (crc: number) => (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;

describe('event files', () => {
  it('CRC-32C gives its check value for "123456789"', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(0)), 0);
  });

  it('a TFRecord is the length, its masked CRC, the data and its masked CRC', () => {
    const data = Buffer.from('hello');
    const record = tfRecord(data);
    assert.equal(record.length, 8 + 4 + 5 + 4);
    assert.equal(record.readBigUInt64LE(0), 5n);
    assert.equal(record.readUInt32LE(8), masked(crc32c(record.subarray(0, 8))));
    assert.deepEqual(record.subarray(12, 17), data);
    assert.equal(record.readUInt32LE(17), masked(crc32c(data)));
  });

  it('a new file starts with the version record and is named so that TensorBoard finds it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-mnist-events-'));
    try {
      const file = new EventFile(path.join(dir, 'train'));
      assert.match(path.basename(file.file), /^events\.out\.tfevents\.\d+\./);
      file.write(3, [{ tag: 'batch_loss', value: 0.5 }]);
      assert.equal(fs.readFileSync(file.file).length, fs.statSync(file.file).size);
      const before = fs.statSync(file.file).size;
      assert.ok(fs.readFileSync(file.file).includes(Buffer.from('brain.Event:2')));
      file.flush();
      assert.ok(fs.statSync(file.file).size > before, 'a flush appends what was written');
      assert.ok(fs.readFileSync(file.file).includes(Buffer.from('batch_loss')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// TensorBoard's event file, written in JavaScript (no TensorFlow, so both backends log the same
// way): TFRecord framing (a record's length and the record itself, each followed by its masked
// CRC-32C) around protobuf `Event` messages, encoded by hand for the few fields used:
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; TensorProto tensor = 8; SummaryMetadata metadata = 9; }
//   TensorProto { DataType dtype = 1 (DT_STRING = 7); TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }
//   SummaryMetadata { PluginData plugin_data = 1 { string plugin_name = 1; } }
// Records are kept in memory and appended to the file by `flush`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC32C_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotated right by 15 bits, plus a constant. */
function maskedCrc(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** A record framed as TFRecord: length (uint64), its masked CRC, the data, its masked CRC. */
export function tfRecord(data: Uint8Array): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  length.copy(out, 0);
  out.writeUInt32LE(maskedCrc(length), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc(data), 12 + data.length);
  return out;
}

// Protobuf's wire format, the parts used: varints, fixed 64 and 32 bits, length-delimited fields.
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

const key = (field: number, wire: number): number[] => varint(field * 8 + wire);

function lengthDelimited(field: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([...key(field, 2), ...varint(bytes.length)]), bytes]);
}

function text(field: number, value: string): Buffer {
  return lengthDelimited(field, Buffer.from(value, 'utf8'));
}

function double(field: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([Buffer.from(key(field, 1)), b]);
}

function float(field: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([Buffer.from(key(field, 5)), b]);
}

function int(field: number, value: number): Buffer {
  return Buffer.from([...key(field, 0), ...varint(value)]);
}

const DT_STRING = 7;

/** A Summary.Value: a scalar, or a text with its plugin's metadata. */
export type SummaryValue = { tag: string; value: number } | { tag: string; text: string; plugin: string };

function summaryValue(v: SummaryValue): Buffer {
  if ('value' in v) return lengthDelimited(1, Buffer.concat([text(1, v.tag), float(2, v.value)]));
  const tensor = Buffer.concat([int(1, DT_STRING), lengthDelimited(2, Buffer.alloc(0)), text(8, v.text)]);
  const metadata = lengthDelimited(1, text(1, v.plugin));
  return lengthDelimited(1, Buffer.concat([text(1, v.tag), lengthDelimited(8, tensor), lengthDelimited(9, metadata)]));
}

function event(fields: Buffer[]): Buffer {
  return Buffer.concat([double(1, Date.now() / 1000), ...fields]);
}

/** One event file in `dir` (created), named as TensorFlow names them, so that TensorBoard finds it. */
export class EventFile {
  readonly file: string;
  private pending: Buffer[] = [];

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${os.hostname()}.${process.pid}.v2`);
    this.pending.push(tfRecord(event([text(3, 'brain.Event:2')])));
    this.flush();
  }

  /** Summary values at `step`, kept until the next flush. */
  write(step: number, values: SummaryValue[]): void {
    this.pending.push(tfRecord(event([int(2, step), lengthDelimited(5, Buffer.concat(values.map(summaryValue)))])));
  }

  /** Appends what was written since the last flush to the file. */
  flush(): void {
    if (this.pending.length === 0) return;
    fs.appendFileSync(this.file, Buffer.concat(this.pending));
    this.pending = [];
  }
}

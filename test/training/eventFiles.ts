// A small reader of TensorBoard event files for the tests (tensorboard itself is not installed):
// TFRecord framing (length, its CRC, the record, its CRC; the CRCs are not checked here), the
// Event message's step and summary fields read by hand, and the Summary decoded with the
// protobuf classes tfjs-node ships.
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Summary } = require('@tensorflow/tfjs-node/dist/proto/api_pb') as {
  Summary: { deserializeBinary(b: Uint8Array): { toObject(): SummaryObject } };
};

interface SummaryObject {
  valueList: {
    tag: string;
    simpleValue: number;
    metadata?: { pluginData?: { pluginName: string } };
    tensor?: { stringValList: (string | Uint8Array)[] };
  }[];
}

export interface LoggedValue {
  tag: string;
  step: number;
  /** A scalar's value. */
  value?: number;
  /** A text summary's text. */
  text?: string;
  plugin?: string;
}

function varint(b: Buffer, at: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++];
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [v, at];
    shift += 7;
  }
}

/** The summaries of one Event message. */
function eventValues(e: Buffer): LoggedValue[] {
  let step = 0;
  let summary: Buffer | undefined;
  for (let at = 0; at < e.length;) {
    const [key, next] = varint(e, at);
    at = next;
    const [field, wire] = [Math.floor(key / 8), key & 7];
    if (wire === 0) {
      const [v, after] = varint(e, at);
      if (field === 2) step = v;
      at = after;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const [len, after] = varint(e, at);
      if (field === 5) summary = e.subarray(after, after + len);
      at = after + len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  if (!summary) return [];
  return Summary.deserializeBinary(summary)
    .toObject()
    .valueList.map((v) => {
      const s = v.tensor?.stringValList[0];
      const text = s === undefined ? undefined : typeof s === 'string' ? Buffer.from(s, 'base64').toString() : Buffer.from(s).toString();
      return {
        tag: v.tag,
        step,
        plugin: v.metadata?.pluginData?.pluginName,
        ...(text === undefined ? { value: v.simpleValue } : { text }),
      };
    });
}

/** Every summary value in the event files of `dir`, in file order. */
export function readEventFiles(dir: string): LoggedValue[] {
  const values: LoggedValue[] = [];
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => n.startsWith('events.out.tfevents.'))
    .sort()) {
    const b = fs.readFileSync(path.join(dir, name));
    for (let at = 0; at < b.length;) {
      const len = Number(b.readBigUInt64LE(at));
      values.push(...eventValues(b.subarray(at + 12, at + 12 + len)));
      at += 12 + len + 4;
    }
  }
  return values;
}

// PNG files read in JavaScript (the portable kernels' image files) against TensorFlow's own
// DecodePng with one channel, pixel for pixel: grey, RGB and RGBA files as tfjs-node encodes them,
// and files made here for what it does not write (a palette at 4 bits, grey at 1 and 16 bits,
// grey with alpha, every row filter); damaged and oversized files are refused with the reason.
import { strict as assert } from 'node:assert';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { decodePngGrey } from '../../src/training/data/pngImage';
import { MAX_IMAGE_PIXELS } from '../../src/training/data/imageHeader';
import { cpuBackend } from './helpers';

const tf = cpuBackend().native!;

/** TensorFlow's reading of a PNG as one grey channel. */
function tensorflowGrey(png: Uint8Array): number[] {
  const t = tf.node.decodeImage(png, 1, 'int32', false);
  try {
    return Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(4 + body.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 4 + body.length);
  return out;
}

/** A PNG of `rows` (each already packed at `depth` bits), each row given the filter in `filters` (or none). */
function png(
  width: number,
  height: number,
  depth: number,
  colour: number,
  rows: Uint8Array[],
  opts: { palette?: number[]; filter?: (y: number) => number } = {},
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([depth, colour, 0, 0, 0], 8);
  const bpp = Math.max(1, (rows[0].length / width) | 0);
  const raw = Buffer.concat(
    rows.map((row, y) => {
      const filter = opts.filter?.(y) ?? 0;
      const up = y > 0 ? rows[y - 1] : new Uint8Array(row.length);
      const out = new Uint8Array(row.length);
      for (let i = 0; i < row.length; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = up[i];
        const c = i >= bpp ? up[i - bpp] : 0;
        const p = a + b - c;
        const paeth =
          Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
        const predicted = [0, a, b, (a + b) >> 1, paeth][filter];
        out[i] = (row[i] - predicted) & 0xff;
      }
      return Buffer.concat([Buffer.from([filter]), out]);
    }),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(opts.palette ? [chunk('PLTE', Uint8Array.from(opts.palette))] : []),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 101 + ((i * i) % 7)) & 0xff);

describe('PNG images read in JavaScript', () => {
  it("read grey, RGB and RGBA files as TensorFlow's DecodePng reads them", async () => {
    for (const channels of [1, 3, 4]) {
      const [h, w] = [19, 23];
      const t = tf.tensor3d(Int32Array.from(pattern(h * w * channels, channels)), [h, w, channels], 'int32');
      const file = await tf.node.encodePng(t);
      t.dispose();
      const mine = decodePngGrey(file);
      assert.deepEqual([mine.width, mine.height], [w, h]);
      assert.deepEqual(Array.from(mine.pixels), tensorflowGrey(file), `${channels} channels`);
    }
  });

  it('read a palette at 4 bits, grey at 1 and 16 bits and grey with alpha, with every row filter, as TensorFlow does', () => {
    const [w, h] = [13, 10];
    const filter = (y: number) => y % 5;
    const cases: [string, Buffer][] = [
      [
        'palette, 4 bits',
        png(
          w,
          h,
          4,
          3,
          Array.from({ length: h }, (_, y) => pattern(Math.ceil(w / 2), y).map((b) => b & 0x77)),
          {
            palette: Array.from({ length: 16 * 3 }, (_, i) => (i * 53) & 0xff),
            filter,
          },
        ),
      ],
      [
        'grey, 1 bit',
        png(
          w,
          h,
          1,
          0,
          Array.from({ length: h }, (_, y) => pattern(Math.ceil(w / 8), y)),
          { filter },
        ),
      ],
      [
        'grey, 16 bits',
        png(
          w,
          h,
          16,
          0,
          Array.from({ length: h }, (_, y) => pattern(2 * w, y)),
          { filter },
        ),
      ],
      [
        'grey and alpha, 8 bits',
        png(
          w,
          h,
          8,
          4,
          Array.from({ length: h }, (_, y) => pattern(2 * w, y)),
          { filter },
        ),
      ],
      [
        'RGB, 8 bits',
        png(
          w,
          h,
          8,
          2,
          Array.from({ length: h }, (_, y) => pattern(3 * w, y)),
          { filter },
        ),
      ],
    ];
    for (const [what, file] of cases) assert.deepEqual(Array.from(decodePngGrey(file).pixels), tensorflowGrey(file), what);
  });

  it('refuses what is not a PNG it can read, saying why, before inflating an oversized one', () => {
    const good = png(
      4,
      4,
      8,
      0,
      Array.from({ length: 4 }, (_, y) => pattern(4, y)),
    );
    const huge = Buffer.from(good);
    huge.writeUInt32BE(100_000, 16);
    huge.writeUInt32BE(100_000, 20);
    const interlaced = Buffer.from(good);
    interlaced[28] = 1;
    for (const [file, why] of [
      [Buffer.from('GIF89a...'), /no PNG signature/],
      [good.subarray(0, 40), /cut short|ends before/],
      [huge, new RegExp(`the PNG promises 100000 x 100000 pixels, more than the ${MAX_IMAGE_PIXELS} an image may have`)],
      [interlaced, /interlaced/],
    ] as const) {
      assert.throws(() => decodePngGrey(file), why);
    }
  });
});

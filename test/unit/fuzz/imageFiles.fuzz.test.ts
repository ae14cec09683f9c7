// The image readers: IDX files (plain and gzipped; `--data-dir`), PNG files (`predict --image`
// and the panel's image drop on the portable backend), and the headers of the image files given to
// TensorFlow's decoders on the native backend. Any bytes give the images or the reader's
// own error naming what is wrong; a header's sizes are checked against the file's length, and a
// compressed file against the memory it may take, before anything that size is made.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DatasetError,
  IMAGES_MAGIC,
  LABELS_MAGIC,
  parseIdxImages,
  parseIdxLabels,
  readIdxImages,
  readIdxLabels,
} from '../../../src/training/data/idx';
import { imageHeader, imageProblem, MAX_IMAGE_PIXELS } from '../../../src/training/data/imageHeader';
import { decodePngGrey, PngError } from '../../../src/training/data/pngImage';
import { bmpHeader, gifOfFrames, jpegHeader, pngHeader } from '../../support/imageFiles';
import { damaged, fuzz } from './fuzzing';

/** An IDX header (magic, sizes) and a body that may or may not be as long as it says. */
const idx = fc
  .tuple(
    fc.constantFrom(IMAGES_MAGIC, LABELS_MAGIC, 0, 2050, 0xffffffff),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0xffffffff, 2 ** 31)), { minLength: 0, maxLength: 3 }),
    fc.integer({ min: -3, max: 3 }),
  )
  .map(([magic, sizes, slack]) => {
    const header = Buffer.alloc(4 + 4 * sizes.length);
    header.writeUInt32BE(magic, 0);
    sizes.forEach((s, i) => header.writeUInt32BE(s, 4 + 4 * i));
    const promised = sizes.reduce((a, b) => a * b, 1);
    const body = Buffer.alloc(promised <= 5000 ? Math.max(0, promised + slack) : 16, 7);
    return Buffer.concat([header, body]);
  });

function expectIdx(read: () => { count: number }, kind: 'images' | 'labels'): void {
  try {
    const got = read();
    assert.ok(Number.isInteger(got.count) && got.count >= 0);
    if (kind === 'images') {
      const images = got as ReturnType<typeof parseIdxImages>;
      assert.equal(images.pixels.length, images.count * images.rows * images.cols);
    } else assert.equal((got as ReturnType<typeof parseIdxLabels>).labels.length, got.count);
  } catch (e) {
    assert.ok(e instanceof DatasetError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.match(e.message, /data\.idx/, 'the error names the file');
  }
}

describe('IDX files from elsewhere', () => {
  it('any header and body: the images and labels they hold, or a DatasetError naming the file', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          idx,
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
        ),
        (bytes) => {
          expectIdx(() => parseIdxImages(bytes, 'data.idx'), 'images');
          expectIdx(() => parseIdxLabels(bytes, 'data.idx'), 'labels');
        },
      ),
      fuzz(),
    );
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-fuzz-idx-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gzipped, or bytes that only start as gzip does: the same, read from a file', async () => {
    const file = path.join(dir, 'data.idx');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          idx.map((b) => zlib.gzipSync(b)),
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([0x1f, 0x8b]), b])),
        ),
        async (bytes) => {
          fs.writeFileSync(file, bytes);
          try {
            await readIdxImages(file);
          } catch (e) {
            assert.ok(e instanceof DatasetError, `${(e as Error).name}: ${(e as Error).message}`);
          }
        },
      ),
      fuzz(0.25),
    );
  });

  it('a gzipped file whose gzip header holds a long file name and comment reads as the same file unzipped', async () => {
    const file = path.join(dir, 'named.idx');
    const labels = Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0, 3]), Buffer.from([7, 1, 4])]);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(zlib.crc32(labels) >>> 0, 0);
    trailer.writeUInt32LE(labels.length, 4);
    // FLG 0x18: FNAME and FCOMMENT, each a zero-terminated string, before the deflated data.
    const header = Buffer.from([0x1f, 0x8b, 8, 0x18, 0, 0, 0, 0, 0, 3]);
    const name = Buffer.concat([Buffer.from('n'.repeat(5000)), Buffer.from([0])]);
    const comment = Buffer.concat([Buffer.from('c'.repeat(3000)), Buffer.from([0])]);
    fs.writeFileSync(file, Buffer.concat([header, name, comment, zlib.deflateRawSync(labels), trailer]));
    const read = await readIdxLabels(file);
    assert.deepEqual([...read.labels], [7, 1, 4]);
  });

  it('a gzip bomb (a small file that claims or inflates to far more than it should) is refused without inflating it', async () => {
    const file = path.join(dir, 'bomb.idx');
    /** An images header for `count` images of `side` x `side`, then `zeros` zero bytes, gzipped. */
    const bomb = async (count: number, side: number, zeros: number): Promise<Buffer> => {
      const header = Buffer.alloc(16);
      header.writeUInt32BE(IMAGES_MAGIC, 0);
      header.writeUInt32BE(count, 4);
      header.writeUInt32BE(side, 8);
      header.writeUInt32BE(side, 12);
      const gzip = zlib.createGzip({ level: 1 });
      const parts: Buffer[] = [];
      gzip.on('data', (d: Buffer) => parts.push(d));
      const done = new Promise((resolve) => gzip.on('end', resolve));
      gzip.write(header);
      const chunk = Buffer.alloc(1 << 24);
      for (let left = zeros; left > 0; left -= chunk.length) gzip.write(chunk.subarray(0, Math.min(left, chunk.length)));
      gzip.end();
      await done;
      return Buffer.concat(parts);
    };
    fs.writeFileSync(file, await bomb(1_000_000, 1000, 1 << 20));
    await assert.rejects(
      readIdxImages(file),
      (e) => e instanceof DatasetError && /header promises 1000000000016 bytes, more than a dataset may take/.test(e.message),
    );
    // 256 MB of zeros behind a header of one 1 x 1 image: stopped at the 17th byte.
    fs.writeFileSync(file, await bomb(1, 1, 1 << 28));
    await assert.rejects(
      readIdxImages(file),
      (e) => e instanceof DatasetError && /inflates to more than the 17 bytes its header promises/.test(e.message),
    );
  });
});

/** A valid 4 x 3 grey PNG, to damage. */
function smallPng(): Buffer {
  const crc = (buf: Buffer): number => zlib.crc32(buf);
  const chunk = (type: string, body: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'ascii');
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([Buffer.from(type, 'ascii'), body])) >>> 0, 0);
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(3, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const rows = Buffer.from([0, 1, 2, 3, 4, 0, 5, 6, 7, 8, 0, 9, 10, 11, 12]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('PNG files from elsewhere', () => {
  const png = smallPng();

  it('any bytes, and a valid PNG damaged anywhere: grey pixels of its size, or a PngError', () => {
    assert.equal(decodePngGrey(png).pixels.length, 12);
    fc.assert(
      fc.property(damaged(png, 200), (bytes) => {
        try {
          const image = decodePngGrey(bytes);
          assert.equal(image.pixels.length, image.width * image.height);
        } catch (e) {
          assert.ok(e instanceof PngError, `${(e as Error).name}: ${(e as Error).message}`);
        }
      }),
      fuzz(),
    );
  });
});

describe("image files' headers, read before TensorFlow's decoders are given them", () => {
  const size = fc.record({ width: fc.integer({ min: 0, max: 65535 }), height: fc.integer({ min: 0, max: 65535 }) });

  it('read the size any PNG, JPEG, BMP or GIF header promises, and refuse more than MAX_IMAGE_PIXELS', () => {
    fc.assert(
      fc.property(size, fc.integer({ min: 1, max: 40 }), ({ width, height }, frames) => {
        const made: Array<[Uint8Array, number]> = [
          [pngHeader(width, height), 1],
          [jpegHeader(width, height), 1],
          [bmpHeader(width, height), 1],
          [gifOfFrames(frames, width, height), frames],
        ];
        for (const [file, count] of made) {
          const header = imageHeader(file);
          assert.deepEqual([header?.width, header?.height, header?.frames], [width, height, count]);
          const fits = width > 0 && height > 0 && width * height * count <= MAX_IMAGE_PIXELS;
          assert.equal(imageProblem(file) === undefined, fits, `${header?.format} ${width} x ${height} x ${count}`);
        }
      }),
      fuzz(0.25),
    );
  });

  it('any bytes, and those headers damaged anywhere: a header or none, never a throw', () => {
    const files = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      ...[pngHeader(28, 28), jpegHeader(28, 28), bmpHeader(28, 28), gifOfFrames(3, 28, 28)].map((file) => damaged(file, 64)),
    );
    fc.assert(
      fc.property(files, (bytes) => {
        const header = imageHeader(bytes);
        if (header) assert.ok([header.width, header.height, header.frames].every((n) => Number.isInteger(n) && n >= 0));
        assert.equal(typeof (imageProblem(bytes) ?? ''), 'string');
      }),
      fuzz(),
    );
  });

  it('a bomb is refused by its size: 30,000 x 30,000 pixels, or 10,000 frames of 100 x 100', () => {
    assert.match(imageProblem(pngHeader(30000, 30000))!, /^the PNG promises 30000 x 30000 pixels, more than the 67108864/);
    assert.match(imageProblem(jpegHeader(65535, 65535))!, /^the JPEG promises 65535 x 65535 pixels/);
    assert.match(imageProblem(bmpHeader(100000, -100000))!, /^the BMP promises 100000 x 100000 pixels/);
    assert.match(imageProblem(gifOfFrames(10000, 100, 100))!, /^the GIF promises 100 x 100 pixels in 10000 frames/);
  });
});

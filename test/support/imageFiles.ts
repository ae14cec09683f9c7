// Image files made byte by byte for the readers' tests: headers that promise any size, which no
// encoder would write.

/** A GIF of `frames` frames of `width` x `height`, each with one empty data sub-block run. */
export function gifOfFrames(frames: number, width: number, height: number): Uint8Array {
  const le = (v: number) => [v & 0xff, (v >> 8) & 0xff];
  const header = [...Buffer.from('GIF89a'), ...le(width), ...le(height), 0x00, 0, 0];
  const frame = [0x2c, 0, 0, 0, 0, ...le(width), ...le(height), 0x00, 0x02, 0x01, 0x00, 0x00];
  return Uint8Array.from([...header, ...Array.from({ length: frames }, () => frame).flat(), 0x3b]);
}

/** A PNG signature and IHDR chunk promising `width` x `height` (grey, 8 bits), and nothing more. */
export function pngHeader(width: number, height: number): Uint8Array {
  const be = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...be(13),
    ...Buffer.from('IHDR'),
    ...be(width),
    ...be(height),
    8,
    0,
    0,
    0,
    0,
    ...be(0),
  ]);
}

/** A JPEG's start, an APP0 segment and a baseline frame header promising `width` x `height`. */
export function jpegHeader(width: number, height: number): Uint8Array {
  const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
  const app0 = [0xff, 0xe0, ...be16(16), ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [0xff, 0xc0, ...be16(11), 8, ...be16(height), ...be16(width), 1, 1, 0x11, 0];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

/** A BMP's file and info headers promising `width` x `height` (24 bits), and no pixels. */
export function bmpHeader(width: number, height: number): Uint8Array {
  const le32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
  return Uint8Array.from([
    0x42,
    0x4d,
    ...le32(54),
    0,
    0,
    0,
    0,
    ...le32(54),
    ...le32(40),
    ...le32(width),
    ...le32(height),
    1,
    0,
    24,
    0,
    ...new Array(24).fill(0),
  ]);
}

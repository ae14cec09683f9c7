// Typed arrays across the process and webview boundaries as base64 text: a JSON array of 10,000
// numbers is five times larger and slow to parse. Node 20 and the browser both have btoa/atob,
// so the same code runs on both sides. Little-endian, as every platform this runs on.

export function toBase64(data: Uint8Array | Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let text = '';
  // In chunks: String.fromCharCode(...bytes) of a large array overflows the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function bytesFromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Throws when the text is not a whole number of floats. */
export function floatsFromBase64(text: string): Float32Array {
  const bytes = bytesFromBase64(text);
  if (bytes.length % 4 !== 0) throw new Error(`${bytes.length} bytes are not a whole number of float32 values`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** Whether `v` is base64 text (what the guards check before decoding). */
export function isBase64(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;
}

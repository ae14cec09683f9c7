// JSON has no NaN or Infinity, and a webview's messages travel as JSON: a loss that overflowed
// would reach the panel as null and read "null". The host encodes each non-finite number as
// {"$nonFinite": "NaN" | "Infinity" | "-Infinity"} before posting, and the panel decodes it before
// checking the message, so such a loss reads "NaN" there as it does in the CLI and the
// notifications. An object cannot be confused with any field's own value. No Node or DOM imports:
// the webview bundles it too.

const KEY = '$nonFinite';

/** `value` with each non-finite number encoded; `value` itself when it holds none (most messages). */
export function encodeNonFinite(value: unknown): unknown {
  return hasNonFinite(value) ? encode(value) : value;
}

function encode(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { [KEY]: String(value) };
  if (Array.isArray(value)) return value.map(encode);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

export function decodeNonFinite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNonFinite);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === KEY && ['NaN', 'Infinity', '-Infinity'].includes(value[KEY] as string)) {
    return Number(value[KEY]);
  }
  return Object.fromEntries(keys.map((k) => [k, decodeNonFinite(value[k])]));
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFinite);
  return isPlainObject(value) && Object.values(value).some(hasNonFinite);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

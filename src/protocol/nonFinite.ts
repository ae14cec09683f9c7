// JSON has no NaN or Infinity, and a webview's messages travel as JSON: a loss that overflowed
// would reach the panel as null and read "null". The host encodes each non-finite number as
// {"$nonFinite": "NaN" | "Infinity" | "-Infinity"} before posting, and the panel decodes it before
// checking the message, so such a loss reads "NaN" there as it does in the CLI and the
// notifications. An object cannot be confused with any field's own value. No Node or DOM imports:
// the webview bundles it too.

const KEY = '$nonFinite';

/** `value` with each non-finite number encoded; `value` itself when it holds none (most messages). */
export function encodeNonFinite(value: unknown): unknown {
  return holds(value, isNonFinite) ? replace(value, isNonFinite, (n) => ({ [KEY]: String(n) })) : value;
}

/** `value` with each encoded number decoded; `value` itself when it holds none. */
export function decodeNonFinite(value: unknown): unknown {
  return holds(value, isEncoded) ? replace(value, isEncoded, (e) => Number(e[KEY])) : value;
}

function isNonFinite(value: unknown): value is number {
  return typeof value === 'number' && !Number.isFinite(value);
}

function isEncoded(value: unknown): value is Record<typeof KEY, string> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === KEY && ['NaN', 'Infinity', '-Infinity'].includes(value[KEY] as string);
}

/** Whether `value`, or anything in its arrays and plain objects, is one `is` picks. */
function holds(value: unknown, is: (v: unknown) => boolean): boolean {
  if (is(value)) return true;
  if (Array.isArray(value)) return value.some((v) => holds(v, is));
  return isPlainObject(value) && Object.values(value).some((v) => holds(v, is));
}

/** A copy of `value` with each part `is` picks replaced by `to` of it. */
function replace<T>(value: unknown, is: (v: unknown) => v is T, to: (picked: T) => unknown): unknown {
  if (is(value)) return to(value);
  if (Array.isArray(value)) return value.map((v) => replace(v, is, to));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, is, to)]));
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

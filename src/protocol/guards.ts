// The small type guards every protocol module checks incoming JSON with.

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isPositiveInt(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) > 0;
}

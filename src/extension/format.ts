// Number and date formatting shared by the tree, the status bar and the notifications, so a
// run's accuracy reads the same everywhere.

/** 0.97904 -> "97.90%"; a diverged (NaN) metric stays visible as "NaN". */
export function percent(fraction: number, digits = 2): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : String(fraction);
}

/** A loss with four decimals. */
export function loss(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

/** An ISO time as local `yyyy-MM-dd HH:mm`; the raw text if it is not a date. */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// Colour arithmetic for the heat-map cells: a theme colour mixed into the background, and the
// text colour that stays readable on it (WCAG 2 contrast). Pure: unit-tested under Node.

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** WCAG AA for normal text. */
export const AA_CONTRAST = 4.5;

/** "rgb(1, 2, 3)", "rgba(1, 2, 3, 0.5)" (as getComputedStyle gives them) or "#rrggbb"; alpha is dropped. */
export function parseColor(text: string): Rgb | undefined {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(text.trim());
  if (hex) return { r: parseInt(hex[1], 16), g: parseInt(hex[2], 16), b: parseInt(hex[3], 16) };
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(text.trim());
  return fn ? { r: Number(fn[1]), g: Number(fn[2]), b: Number(fn[3]) } : undefined;
}

/** `amount` (0..1) of `top` over `base`, as a translucent paint would look. */
export function mix(top: Rgb, base: Rgb, amount: number): Rgb {
  const a = Math.min(1, Math.max(0, amount));
  const m = (t: number, b: number): number => Math.round(b + (t - b) * a);
  return { r: m(top.r, base.r), g: m(top.g, base.g), b: m(top.b, base.b) };
}

export function cssColor({ r, g, b }: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

function luminance({ r, g, b }: Rgb): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const BLACK: Rgb = { r: 0, g: 0, b: 0 };
const WHITE: Rgb = { r: 255, g: 255, b: 255 };

/**
 * The first of `preferred` (the theme's own text colours) that reaches AA on `background`; else
 * black or white, whichever contrasts more (one of them always reaches 4.58:1).
 */
export function readableText(background: Rgb, preferred: Rgb[]): Rgb {
  const good = preferred.find((c) => contrastRatio(c, background) >= AA_CONTRAST);
  if (good) return good;
  return contrastRatio(BLACK, background) >= contrastRatio(WHITE, background) ? BLACK : WHITE;
}

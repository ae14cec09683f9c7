// The theme's colours as values, for what CSS cannot do by itself: the canvas charts (a canvas
// cannot read CSS variables) and the heat-map cells, whose text colour is chosen by contrast.
// VS Code sets the --vscode-* variables on <html>, in whatever notation the theme uses; a hidden
// probe element resolves one to rgb() through getComputedStyle. Cleared when the theme changes.
import { cssColor, mix, parseColor, readableText, type Rgb } from './contrast';

class ThemeColors {
  private readonly cache = new Map<string, Rgb>();
  private probe: HTMLElement | undefined;

  /** The colour of `var(variable)`, or of `fallback` (any CSS colour) where the theme has none. */
  rgb(variable: string, fallback: string): Rgb {
    const key = `${variable}|${fallback}`;
    let value = this.cache.get(key);
    if (!value) {
      this.probe ??= document.body.appendChild(Object.assign(document.createElement('span'), { hidden: true }));
      this.probe.style.setProperty('color', `var(${variable}, ${fallback})`);
      value = parseColor(getComputedStyle(this.probe).color) ?? { r: 128, g: 128, b: 128 };
      this.cache.set(key, value);
    }
    return value;
  }

  css(variable: string, fallback: string): string {
    return cssColor(this.rgb(variable, fallback));
  }

  /** The page's background and text colours. */
  background(): Rgb {
    return this.rgb('--vscode-editor-background', '#1e1e1e');
  }

  foreground(): Rgb {
    return this.rgb('--vscode-foreground', '#cccccc');
  }

  clear(): void {
    this.cache.clear();
  }
}

export const themeColors = new ThemeColors();

/**
 * Tints a cell with `amount` (0..1) of a theme colour over the page's background, and gives it
 * the theme's text colour if that stays readable on the tint (WCAG AA), else black or white.
 * Set through the CSSOM, which the panel's CSP allows.
 */
export function heat(cell: HTMLElement, variable: string, fallback: string, amount: number): void {
  if (amount <= 0) return;
  const background = mix(themeColors.rgb(variable, fallback), themeColors.background(), amount);
  cell.style.setProperty('background-color', cssColor(background));
  cell.style.setProperty('color', cssColor(readableText(background, [themeColors.foreground(), themeColors.background()])));
}

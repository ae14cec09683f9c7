// A tiny element builder: the panel never assigns innerHTML, so text from the host (paths,
// error messages) can never become markup, and the CSP needs no inline anything.

/** Falsy children are skipped, so optional parts read as `cond && h(...)`. */
export type Child = Node | string | undefined | false;

function present(c: Child): c is Node | string {
  return c !== undefined && c !== false;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { id?: string; className?: string; title?: string } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.title) e.title = props.title;
  e.append(...children.filter(present));
  return e;
}

/** Replaces an element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter(present));
}

/** A background that mixes a theme colour into the cell: `amount` 0..1. Set through CSSOM, which the CSP allows. */
export function tint(e: HTMLElement, themeColor: string, amount: number): void {
  if (amount <= 0) return;
  const pct = Math.round(Math.min(1, amount) * 100);
  e.style.setProperty('background-color', `color-mix(in srgb, var(${themeColor}) ${pct}%, transparent)`);
}

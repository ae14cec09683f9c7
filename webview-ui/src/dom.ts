// A tiny element builder: the panel never assigns innerHTML, so text from the host (paths,
// error messages) can never become markup, and the CSP needs no inline anything.

/** Falsy children are skipped, so optional parts read as `cond && h(...)`. */
export type Child = Node | string | undefined | false;

function present(c: Child): c is Node | string {
  return c !== undefined && c !== false;
}

export interface Props {
  id?: string;
  className?: string;
  title?: string;
  /** Other attributes (scope, colspan, aria-*, role). */
  attrs?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.title) e.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) e.setAttribute(name, value);
  e.append(...children.filter(present));
  return e;
}

/**
 * Parts of a line joined by " · ", each kept whole where it fits ("learning rate 0.01" never
 * splits), so a narrow panel wraps the line between parts; the dot stays at the end of a line.
 */
export function phrases(...parts: Array<string | Node | undefined | false>): Node[] {
  const kept = parts.filter((p): p is string | Node => p !== undefined && p !== false);
  return kept.flatMap((p, i) => {
    const phrase = h('span', { className: 'phrase' }, p, i < kept.length - 1 ? ' ·' : '');
    return i < kept.length - 1 ? [phrase, document.createTextNode(' ')] : [phrase];
  });
}

/** A path or run name that may wrap after its separators (`/`, `\`, `-`, `_`) rather than mid-word. */
export function breakable(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const piece of text.split(/(?<=[\\/_-])/)) fragment.append(piece, document.createElement('wbr'));
  return fragment;
}

/** Replaces an element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter(present));
}

// The panel's buttons: vscode-button, pressed with the mouse, Space or Enter. vscode-button
// clicks on Space and Enter but lets the key go on to scroll the page, which moves what the
// user is looking at (a run's progress, the row-by-row view): the key stops here.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import { h } from './dom';

export interface ButtonOptions {
  id?: string;
  /** The quieter look of a button that is not the main action. */
  secondary?: boolean;
  /** A name for screen readers when the text is a symbol ("◀"). */
  label?: string;
}

export function button(text: string, onPress: () => void, options: ButtonOptions = {}): VscodeButton {
  const b = h('vscode-button', { id: options.id, attrs: options.label ? { 'aria-label': options.label } : {} }, text) as VscodeButton;
  b.secondary = options.secondary ?? false;
  b.addEventListener('click', onPress);
  b.addEventListener('keydown', (e) => {
    if (e.key === ' ' || e.key === 'Enter') e.preventDefault();
  });
  return b;
}

// ESLint (flat config) with typescript-eslint, as `yo code` sets up an extension; Prettier formats
// (.prettierrc.json), so no style rules here. `npm run lint` runs both; `npm test` runs it first.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Why the webviews' code may not parse strings as markup. */
const AS_TEXT = 'Text from a checkpoint is set as text (dom.ts), never parsed as markup.';

export default tseslint.config(
  {
    ignores: [
      'src/training/portable/kernel/**',
      'dist/**',
      'out/**',
      'node_modules/**',
      'test/vscode-host/node_modules/**',
      '.test-tmp/**',
      'weights/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `_unused` parameters are how an interface's unused arguments are named.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // Node scripts and the webpack configuration: CommonJS, run by Node.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['eslint.config.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // The webview runs in a browser, and shows text from checkpoints it did not write (run names,
    // warnings, paths): it builds elements and sets their text, never parses a string as markup.
    files: ['webview-ui/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'setHTMLUnsafe'].map((property) => ({
          property,
          message: AS_TEXT,
        })),
        ...['write', 'writeln'].map((property) => ({
          object: 'document',
          property,
          message: AS_TEXT,
        })),
      ],
      'no-restricted-globals': ['error', { name: 'DOMParser', message: AS_TEXT }],
    },
  },
);

// ESLint: the recommended sets of ESLint, typescript-eslint and eslint-plugin-svelte, syntax only
// (no type-aware rules: they would run the TypeScript checker a second time next to `tsc` and
// svelte-check). Formatting is Prettier's (prettier.config.js).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './web/svelte.config.js';

export default defineConfig(
  globalIgnores(['**/node_modules/', 'web/.svelte-kit/', 'web/build/', 'test/artifacts/', 'schema/migrations/']),
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  svelte.configs.prettier,
  {
    languageOptions: { globals: globals.node },
  },
  {
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
  {
    rules: {
      // The code writes two side effects as one comma statement (`(cell += '"'), i++`) and picks
      // between two calls with a ternary (`on ? selected.add(id) : selected.delete(id)`), on purpose;
      // the rule flags every such line and has no option for sequences.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Control characters in a regular expression are the point where they occur: serial frames
      // (STX/ETX) at the edge, and stripping control characters from names and scanned lines.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: ['**/*.svelte.ts', '**/*.svelte.js'],
    rules: {
      // `let x;` then one assignment, with a closure made in between that may run first and finds it
      // undefined (test/support/platform-probe-main.ts): a const there would throw instead. (Svelte
      // files keep the svelte plugin's own prefer-const, which knows $props.)
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['web/src/**/*.svelte', 'web/src/**/*.svelte.ts'],
    rules: {
      // The app is served at the root (no `paths.base`), so links and goto() need no resolve().
      'svelte/no-navigation-without-resolve': 'off',
      // A string mustache is how Svelte 5 keeps a space at the edge of a block ({' · '}) and puts an
      // escape in an attribute (placeholder={'a\nb'}); the rule would have both written plainly.
      'svelte/no-useless-mustaches': 'off',
      // It flags any Map or Date made inside a function, even one that never becomes state (a
      // summary built and returned); state that must be reactive already uses SvelteSet.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read API bodies loosely (ApiClient's `T = any`) and assert on them: a type for every
      // body would be casts, not checks. Source packages keep the rule.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);

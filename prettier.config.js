// Prettier: the options closest to how the code was already written, measured by how many files a
// one-time `pnpm format` rewrites. Everything not listed is Prettier's default, and each default
// (`trailingComma: 'all'`, `arrowParens: 'always'`, `bracketSpacing`, `objectWrap: 'preserve'`,
// svelte's indented <script>, `htmlWhitespaceSensitivity: 'css'`) already matches: changing any of
// them rewrote more files. printWidth: the code runs to about 160 columns. 160 rewrites 179 files
// (+1900/−895 lines), 140 rewrites 223, 120 rewrites 277; 180 would rewrite 168, but by joining
// lines people had wrapped, and would let new lines grow wider than a side-by-side review shows.
/** @type {import('prettier').Config} */
export default {
  singleQuote: true,
  printWidth: 160,
  plugins: ['prettier-plugin-svelte'],
  overrides: [{ files: '*.svelte', options: { parser: 'svelte' } }],
};

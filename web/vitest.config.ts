// Separate from vite.config.ts: the sveltekit() plugin forces `root` to the cwd and pulls in the
// whole kit toolchain, which unit tests of plain modules do not need.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the runes of *.svelte.ts modules (form state); no SvelteKit.
  plugins: [svelte()],
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) },
  },
  test: {
    environment: 'node',
    env: { TZ: 'UTC' },
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
  },
});

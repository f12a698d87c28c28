// Separate from vite.config.ts: the sveltekit() plugin forces `root` to the cwd and pulls in the
// whole kit toolchain, which unit tests of plain modules do not need.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
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

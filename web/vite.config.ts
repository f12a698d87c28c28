import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// `vite dev` on its own has no API: set FOYER_API_ORIGIN (e.g. http://localhost:3000, a running
// `pnpm --filter @foyer/server start`) to proxy /api and the /socket.io websockets there. In production the server mounts the
// built handler beside the API and SSR calls the API in-process (see src/hooks.server.ts).
const apiOrigin = process.env.FOYER_API_ORIGIN;

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  server: apiOrigin
    ? {
        proxy: {
          '/api': { target: apiOrigin, changeOrigin: false },
          '/socket.io': { target: apiOrigin, changeOrigin: false, ws: true },
        },
      }
    : undefined,
});

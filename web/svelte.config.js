import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // The Node server (server/src/main.ts) imports build/handler.js and mounts it beside the API.
    adapter: adapter({ out: 'build' }),
  },
};

export default config;

// @ts-nocheck
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The message board: `vite build --config web/vite.config.ts` writes web/dist, which the hub serves at `/`. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `npx vite --config web/vite.config.ts` with a hub on :8080 (npm run dev).
    proxy: {
      '/events': 'http://127.0.0.1:8080',
      '/publish': 'http://127.0.0.1:8080',
      '/collections': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/auth': 'http://127.0.0.1:8080',
    },
  },
});

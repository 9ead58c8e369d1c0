import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The message board and the admin dashboard: `vite build --config web/vite.config.ts` writes web/dist, which the hub serves at `/`. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Two pages: the message board at `/` and the admin dashboard the hub serves at `/admin`.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        admin: fileURLToPath(new URL('./admin.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` with a hub on :8080 (npm run dev).
    proxy: {
      '/events': 'http://127.0.0.1:8080',
      '/publish': 'http://127.0.0.1:8080',
      '/collections': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/auth': 'http://127.0.0.1:8080',
      '/admin/': 'http://127.0.0.1:8080',
      '/metrics': 'http://127.0.0.1:8080',
    },
  },
});

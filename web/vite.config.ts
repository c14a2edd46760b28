// Builds the dashboard (web/) into dist/web, which `sluice serve` serves on the API's port. No dev server is
// needed by users; `npx vite --config web/vite.config.ts` runs one for work on the dashboard itself, proxying the API.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  // For work on the dashboard: `SLUICE_API_URL=http://127.0.0.1:PORT npx vite --config web/vite.config.ts`.
  // The Host header is kept (changeOrigin: false; the string shorthand would rewrite it): the API accepts a write only
  // when the page's Origin matches the Host it was sent to, and both are the dev server's here.
  server: { proxy: { '/api': { target: process.env['SLUICE_API_URL'] ?? 'http://127.0.0.1:8080', changeOrigin: false } } },
});

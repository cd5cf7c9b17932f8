import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server hosts the built files at `/` and falls back to index.html for app routes.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    // `npm run dev -w @tenantry/ui` against a local server (TENANTRY_URL, default :4318).
    proxy: {
      '/api': process.env.TENANTRY_URL ?? 'http://127.0.0.1:4318',
    },
  },
});

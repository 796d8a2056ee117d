/** Builds the browser application into dist/web, which the HexTrackr server serves itself. */
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = import.meta.dirname;

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(webRoot, '../dist/web'),
    emptyOutDir: true,
    // AG Grid and ECharts are large by nature; each lives in its page's chunk.
    chunkSizeWarningLimit: 2500,
  },
  server: {
    // `npx vite web` for development, against a HexTrackr server on its default port.
    proxy: { '/api': 'http://127.0.0.1:8080', '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});

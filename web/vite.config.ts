import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The production build is served by the Keepwatch server itself (web/dist); `npm run web:dev`
// proxies the API to a server on :8080 for UI work.
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  // The server's pure core (schedule readings, validation) is shared with the browser as is.
  resolve: { alias: { '@core': path.resolve(__dirname, '../src/core') } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    // Charts stay out of the initial bundle because the dashboard imports them lazily
    // (features/dashboard/DashboardCharts.tsx). No manualChunks for them: Rollup moves a manual
    // chunk's shared dependencies (React, Mantine) into it, and the entry then preloads it all.
  },
  server: { proxy: { '/api': 'http://localhost:8080', '/healthz': 'http://localhost:8080' } },
});

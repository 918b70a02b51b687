import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The production build is served by the Keepwatch server itself (web/dist); `npm run web:dev`
// proxies the API to a server on :8080 for UI work.
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // Charts are only needed on the dashboard: keep them out of the initial bundle.
        manualChunks: (id) =>
          id.includes('recharts') || id.includes('d3-') || id.includes('@mantine/charts') ? 'charts' : undefined,
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:8080', '/healthz': 'http://localhost:8080' } },
});

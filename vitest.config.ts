import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The web UI imports the server's pure core through this alias (web/vite.config.ts has the same).
  resolve: { alias: { '@core': fileURLToPath(new URL('./src/core', import.meta.url)) } },
  test: {
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'test/**/*.test.tsx',
      'web/src/**/*.test.ts',
      'web/src/**/*.test.tsx',
    ],
    exclude: ['**/node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Medium tests create their own databases and directories, so files can run side by side.
    fileParallelism: true,
    maxWorkers: 3,
    reporters: ['default'],
  },
});

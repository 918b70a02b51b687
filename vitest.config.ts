import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'test/**/*.test.tsx', 'web/src/**/*.test.ts', 'web/src/**/*.test.tsx'],
    exclude: ['**/node_modules/**', 'dist/**', 'test/e2e/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Medium tests create their own databases and directories, so files can run side by side.
    fileParallelism: true,
    maxWorkers: 3,
    reporters: ['default'],
  },
});

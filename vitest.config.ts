import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup/temp-dirs.ts'],
    // Tests share one PostgreSQL server; each test file gets its own schema, but
    // SQLite files and child processes make full parallelism on 2 cores counterproductive.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC' },
  },
});

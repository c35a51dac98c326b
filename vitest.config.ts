import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**', 'test/support/skip-fixture/**'],
    globalSetup: ['test/support/ensure-tools.ts'],
    // Every skipped test listed with its reason; under CI=1 a skip fails the run.
    reporters: ['default', './test/support/skip-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

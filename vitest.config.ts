import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/support/ensure-tools.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

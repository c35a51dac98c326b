import { defineConfig } from 'vitest/config';

// End-to-end scenarios boot a real VM each; they run one file at a time (2 cores, software emulation).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000,
    fileParallelism: false,
  },
});

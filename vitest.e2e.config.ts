import { defineConfig } from 'vitest/config';

// End-to-end scenarios boot a real VM each (qemu, software emulation, -smp 1). Two scenario files run at once:
// one emulated CPU per core. Each file keeps its own VM; nothing is shared but the cached base image.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});

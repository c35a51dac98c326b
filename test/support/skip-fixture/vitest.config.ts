import { defineConfig } from 'vitest/config';

// The suite's reporters (vitest.config.ts), over one file with a skipped test.
export default defineConfig({
  test: { include: ['skipped.fixture.ts'], reporters: ['default', '../skip-reporter.ts'] },
});

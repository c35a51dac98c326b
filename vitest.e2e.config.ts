import { basename } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// The order the scenario files start in, two at a time: the two longest first (about 26 and 28 min under emulation),
// then the three short ones fill whichever lane frees first. Run one after the other, the long two made one lane of
// 54 min while the other idled after 28.
const ORDER = ['quadlet-demo', 'wizard-tmux', 'storage', 'identity', 'fresh-host'];
const rank = (file: string): number => {
  const i = ORDER.indexOf(basename(file).replace(/\.e2e\.test\.ts$/, ''));
  return i === -1 ? ORDER.length : i;
};

class LongestFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId)));
  }
}

// End-to-end scenarios boot a real VM each (qemu, software emulation, -smp 1). Two scenario files run at once:
// one emulated CPU per core. Each file keeps its own VM; nothing is shared but the cached base image.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
    // Every skipped scenario listed with its reason; under CI=1 a skip fails the run.
    reporters: ['default', './test/support/skip-reporter.ts'],
  },
});

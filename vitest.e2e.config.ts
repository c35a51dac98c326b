import { basename } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// The order the scenario files start in, two at a time. The two heaviest (a whole stack started, health-checked and
// rebooted under emulation) are first and last, so one lane runs them one after the other and the light files fill
// the other lane: two stacks starting side by side on this 2-core machine starved both VMs past their timeouts.
const ORDER = ['quadlet-demo', 'fresh-host', 'storage', 'identity', 'wizard-tmux'];
const rank = (file: string): number => {
  const i = ORDER.indexOf(basename(file).replace(/\.e2e\.test\.ts$/, ''));
  return i === -1 ? ORDER.length : i;
};

class HeavyApartSequencer extends BaseSequencer {
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
    sequence: { sequencer: HeavyApartSequencer },
  },
});

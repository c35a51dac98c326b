import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import { RUN_DIR_ENV } from './test/e2e/support/run-dir.js';

// One directory per e2e run for the prepared states (VM snapshots) the run makes and the timing records; the
// workers inherit it. global-setup.ts makes the "booted" state before any file starts and prints the timings after.
process.env[RUN_DIR_ENV] ??= join(process.env.KEELSON_VM_WORK ?? join(tmpdir(), 'keelson-vm'), `run-${process.pid}-${randomBytes(3).toString('hex')}`);

// The order the scenario files start in, two at a time. The first file makes the demo-installed state (prepared,
// then keelson's install, about 4 minutes); the second needs only "booted", so the other lane works meanwhile instead
// of waiting for that state; then the longest (upgrade), and the rest, longest first, in whichever lane frees first
// (upgrade-resume is the second half of the upgrade chain, split off so the two halves run in both lanes).
const ORDER = ['quadlet-demo', 'storage', 'upgrade', 'wizard-tmux', 'upgrade-resume', 'doctor', 'archive', 'speed', 'identity', 'uninstall', 'support-bundle', 'fresh-host', 'single-executable'];
const rank = (file: string): number => {
  const i = ORDER.indexOf(basename(file).replace(/\.e2e\.test\.ts$/, ''));
  return i === -1 ? ORDER.length : i;
};

class OrderedSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId)));
  }
}

// End-to-end scenarios on real VMs (qemu, software emulation, -smp 1). Two scenario files run at once: one emulated
// CPU per core. Each file restores its own VMs from the run's prepared states; nothing is shared but read-only
// snapshot layers.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    env: { [RUN_DIR_ENV]: process.env[RUN_DIR_ENV] },
    testTimeout: 20 * 60_000,
    hookTimeout: 40 * 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: OrderedSequencer },
    // Every skipped scenario listed with its reason; under CI=1 a skip fails the run.
    reporters: ['default', './test/support/skip-reporter.ts'],
  },
});

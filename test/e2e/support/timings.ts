// Where each scenario file's minutes go: starting VMs (cold boot or restore), keelson's own commands, and waits on
// the guest (pages, reboots, settling). Appended to the run's timings.jsonl; global-setup.ts prints the table.
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { runPath } from './run-dir.js';

export type Phase = 'start' | 'keelson' | 'wait' | 'wall' | 'state';

export interface TimingRecord {
  readonly file: string;
  readonly phase: Phase;
  readonly label: string;
  readonly ms: number;
}

export const TIMINGS_FILE = 'timings.jsonl';

export const recordTiming = (r: TimingRecord): void => {
  appendFileSync(runPath(TIMINGS_FILE), `${JSON.stringify(r)}\n`);
};

export interface Timer {
  readonly file: string;
  time<T>(phase: Exclude<Phase, 'wall'>, label: string, fn: () => Promise<T>): Promise<T>;
  record(phase: Exclude<Phase, 'wall'>, label: string, ms: number): void;
}

export const timerFor = (file: string): Timer => ({
  file,
  async time(phase, label, fn) {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      recordTiming({ file, phase, label, ms: performance.now() - t0 });
    }
  },
  record(phase, label, ms) {
    recordTiming({ file, phase, label, ms });
  },
});

/** A scenario file's timer; its wall time runs from its first beforeAll to its last afterAll. */
export const useTimings = (moduleUrl: string): Timer => {
  const timer = timerFor(basename(fileURLToPath(moduleUrl)).replace(/\.e2e\.test\.ts$/, ''));
  let t0 = 0;
  beforeAll(() => {
    t0 = performance.now();
  });
  afterAll(() => {
    recordTiming({ file: timer.file, phase: 'wall', label: 'file', ms: performance.now() - t0 });
  });
  return timer;
};

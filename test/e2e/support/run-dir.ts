// The directory of one e2e run (vitest.e2e.config.ts sets it for every worker): the prepared states (VM snapshots)
// this run made, their locks, and the timing records. Removed at the end of the run (global-setup.ts).
import { join } from 'node:path';

export const RUN_DIR_ENV = 'KEELSON_E2E_RUN';

export const runDir = (): string => {
  const dir = process.env[RUN_DIR_ENV];
  if (dir === undefined || dir === '') throw new Error(`${RUN_DIR_ENV} is not set: run the scenarios with "npm run test:e2e" (vitest.e2e.config.ts sets it)`);
  return dir;
};

export const runPath = (...parts: string[]): string => join(runDir(), ...parts);

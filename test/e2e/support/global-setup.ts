// Once per e2e run, in vitest's main process: the run directory, the base image, and the "booted" state every
// scenario starts from (both lanes need it first, so making it here costs nothing). At the end: the timing table,
// then the run directory (snapshots) goes.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { ensureImage } from '../../host-vm/vm.js';
import { preparedState } from './prepared-states.js';
import { runDir, runPath } from './run-dir.js';
import { parseTimings, timingReport } from './timing-report.js';
import { TIMINGS_FILE } from './timings.js';

export default async function setup(): Promise<() => Promise<void>> {
  await mkdir(runDir(), { recursive: true });
  await ensureImage();
  await preparedState('booted');
  return async () => {
    const file = runPath(TIMINGS_FILE);
    if (existsSync(file)) console.info(`\n${timingReport(parseTimings(readFileSync(file, 'utf8')))}\n`);
    if (!process.env.KEELSON_VM_KEEP) await rm(runDir(), { recursive: true, force: true });
  };
}

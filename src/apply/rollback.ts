// Roll back an interrupted or failed run: put back every file it replaced, newest first, from the backups its
// journal lists (cp -a keeps mode, owner and times). What the run created is left in place and reported: removing
// users or units is a decision for the operator, not a side effect.
import type { Host } from '../host/host.js';
import { runChecked } from './run-checked.js';
import { rollbackDir, rollbackMark, type JournaledRun } from './last-run.js';

export interface RollbackResult {
  readonly restored: readonly string[];
  readonly failed: readonly { readonly path: string; readonly error: string }[];
  readonly leftInPlace: readonly string[];
}

export const rollbackRun = async (
  host: Host,
  run: Pick<JournaledRun, 'runId' | 'backups' | 'created'>,
  options: { readonly onRestored?: (path: string) => void; readonly now?: Date } = {},
): Promise<RollbackResult> => {
  const restored: string[] = [];
  const failed: { path: string; error: string }[] = [];
  for (const b of [...run.backups].reverse()) {
    const r = await host.run(['cp', '-a', '--', b.backup, b.path]);
    if (r.exitCode === 0) {
      restored.push(b.path);
      options.onRestored?.(b.path);
    } else {
      failed.push({ path: b.path, error: (r.stderr.trim() || `cp exited with ${r.exitCode}`).split('\n').slice(-2).join(' ') });
    }
  }
  // Marked only when complete: a partial roll back is offered again next time.
  if (failed.length === 0) {
    await runChecked(host, ['install', '-d', '-m', '0700', rollbackDir]);
    const mark = { runId: run.runId, at: (options.now ?? new Date()).toISOString(), restored };
    await host.writeFile(rollbackMark(run.runId), `${JSON.stringify(mark)}\n`, { mode: 0o600, owner: 'root', group: 'root' });
  }
  return { restored, failed, leftInPlace: run.created };
};

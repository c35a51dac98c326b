// What an upgrade re-run after an interruption takes over from the run that did not finish, read from the rollback
// plan that run saved (rollbackPlanPath) and the newest journal: the containers it meant to restart (it may have
// rewritten their files already, so this plan sees no difference), and — only when that run is the newest journal,
// did not finish and was not rolled back — the run id of its volume archives. Those were made before anything
// stopped, so the re-run keeps them (the export finds them done) instead of exporting what the new version may since
// have written; a later upgrade, after a finished or rolled-back run, always makes its own. Pure.
import type { JournaledRun } from '../../apply/last-run.js';
import type { Manifest } from '../../manifest/schema.js';

export interface Resumed {
  readonly restarts: readonly string[];
  /** The interrupted run's archives' run id; absent: this run backs up on its own. */
  readonly backupRunId?: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export const resumedUpgrade = (savedText: string | null, m: Manifest, deployedVersion: string, lastRun: JournaledRun | null): Resumed => {
  if (savedText === null) return { restarts: [] };
  let saved: { from?: unknown; to?: unknown; restarts?: unknown; runId?: unknown; backupRunId?: unknown };
  try {
    saved = JSON.parse(savedText) as typeof saved;
  } catch {
    return { restarts: [] };
  }
  if (saved.to !== m.version || saved.from !== deployedVersion) return { restarts: [] };
  const restarts = strings(saved.restarts).filter((u) => u.endsWith('.service')).map((u) => u.slice(0, -'.service'.length));
  const unfinished = lastRun !== null && lastRun.stack === m.stack && lastRun.runId === saved.runId && lastRun.state !== 'ok' && !lastRun.rolledBack;
  return unfinished && typeof saved.backupRunId === 'string' ? { restarts, backupRunId: saved.backupRunId } : { restarts };
};

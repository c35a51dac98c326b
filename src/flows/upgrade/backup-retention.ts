// How many upgrade backups stay on the data mount, and which a healthy upgrade removes. Volume archives are as big as
// the data (a helpdesk's database), so they cannot pile up for ever; but a backup is the only way back, so keelson
// removes only what it can name and never more: directories its own upgrades made, named in the stack's history by run
// id (never a path read from the record), after the new version passed its health gate, the newest kept. A backup of
// a run whose rollback failed is kept whatever its age: that host needed it. A purge's or an operator's directories
// are not in the history as upgrade backups, so they are never touched. Pure.
import type { Action } from '../../engine/action.js';
import type { Plan } from '../../engine/plan.js';
import type { RecordFile } from '../../state/parse-record.js';
import { RECORD_PATH, type HistoryEntry, type StackRecord } from '../../state/record-schema.js';
import { namesLiveBackup, renderRecord } from '../../state/stack-record.js';
import { backupDirFor } from '../volume-archive.js';

/** Upgrade backups kept on the data mount after a healthy upgrade, its own included. */
export const UPGRADE_BACKUPS_KEPT = 3;

export interface PrunedBackup {
  /** The run whose directory this is (backupDirFor). */
  readonly backupRunId: string;
  readonly dir: string;
  /** The upgrade that made it, as the history says: "1.0.0 → 1.1.0, 2026-12-03T…". */
  readonly made: string;
}

const removable = (e: HistoryEntry): boolean => e.kind === 'upgrade' && namesLiveBackup(e);

/**
 * What a healthy upgrade removes, oldest first: every upgrade backup still there beyond the newest `keep`, counting
 * this run's (`ownRunId`, null when it exported nothing).
 */
export const backupsToPrune = (entry: Pick<StackRecord, 'stack' | 'dataMount' | 'history'>, ownRunId: string | null, keep = UPGRADE_BACKUPS_KEPT): PrunedBackup[] => {
  const neverRemoved = new Set(entry.history.filter((e) => e.outcome === 'failed' && e.backupRunId !== undefined).map((e) => e.backupRunId));
  if (ownRunId !== null) neverRemoved.add(ownRunId);
  const byRun = new Map<string, HistoryEntry>();
  // Newest last; a directory two entries name (an upgrade and its rollback) counts once, as the newer.
  for (const e of entry.history) {
    if (!removable(e) || e.backupRunId === undefined) continue;
    byRun.delete(e.backupRunId);
    byRun.set(e.backupRunId, e);
  }
  const counted = [...byRun.entries()].filter(([id]) => !neverRemoved.has(id));
  const slots = Math.max(0, keep - (ownRunId === null ? 0 : 1));
  return counted.slice(0, Math.max(0, counted.length - slots)).map(([backupRunId, e]) => ({ backupRunId, dir: backupDirFor(entry, backupRunId), made: `${e.from ?? '-'} → ${e.to}, ${e.at}` }));
};

/** The record text with those backups marked removed (at `at`), or null when the stack has no entry there now. */
export const withPrunedBackups = (current: RecordFile, stack: string, pruned: readonly PrunedBackup[], at: string): string | null => {
  if (current.kind !== 'present') return null;
  const entry = current.record.stacks[stack];
  if (entry === undefined) return null;
  const ids = new Set(pruned.map((p) => p.backupRunId));
  const history = entry.history.map((e) => (e.backupRunId !== undefined && ids.has(e.backupRunId) && e.backupPruned === undefined ? { ...e, backupPruned: at } : e));
  return renderRecord(current, { ...entry, history });
};

/**
 * The plan a healthy upgrade runs last: each directory removed (a missing one is skipped), then the record says so.
 * Directories first: interrupted in between, the next upgrade finds them still named and skips what is gone.
 */
export const prunePlan = (base: Plan, current: RecordFile, stack: string, pruned: readonly PrunedBackup[], at: string): Plan | null => {
  const content = pruned.length === 0 ? null : withPrunedBackups(current, stack, pruned, at);
  if (content === null) return null;
  const actions: Action[] = [
    ...pruned.map((p): Action => ({ kind: 'dir.remove', description: `remove the upgrade backup ${p.dir} (made by ${p.made})`, path: p.dir })),
    { kind: 'state.write', description: `note in ${RECORD_PATH} which backups were removed`, path: RECORD_PATH, content },
  ];
  return { ...base, steps: [{ id: 'prune', title: `Prune: upgrade backups beyond the newest ${UPGRADE_BACKUPS_KEPT}`, findings: [], actions }] };
};

/** What became of them, as the CLI and the wizard say it. */
export const prunedSentence = (p: { readonly ok: boolean; readonly dirs: readonly string[]; readonly error?: string }): string =>
  p.ok
    ? `Removed ${p.dirs.length} old upgrade backup${p.dirs.length === 1 ? '' : 's'} (the newest ${UPGRADE_BACKUPS_KEPT} are kept): ${p.dirs.join(', ')}`
    : `The upgrade is done, but its old backups could not be removed (${p.error ?? 'stopped'}); they stay, and the next upgrade tries again.`;

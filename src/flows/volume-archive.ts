// Where keelson puts a volume's archive on the stack's data mount: one directory per run, so an archive is never
// reused by a later run (the export skips a file whose FILE.sha256 already checks: a path shared by two upgrades of
// the same from → to would keep the first one's data and a rollback would restore it). The purge and the upgrade
// both back up here. Pure.
import type { StackRecord } from '../state/record-schema.js';

export const backupDirFor = (entry: Pick<StackRecord, 'stack' | 'dataMount'>, runId: string): string => `${entry.dataMount.path.replace(/\/$/, '')}/keelson-backups/${entry.stack}-${runId}`;

export const volumeArchive = (entry: Pick<StackRecord, 'stack' | 'dataMount'>, runId: string, volume: string): string => `${backupDirFor(entry, runId)}/${volume}.tar`;

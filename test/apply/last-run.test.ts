// From a host's journal to "how did the last run end, and what would a roll back restore".
import { describe, expect, it } from 'vitest';
import { summarizeJournal } from '../../src/apply/last-run.js';
import type { JournalEntry } from '../../src/apply/journal.js';

const at = '2025-01-01T00:00:00.000Z';
const e = (event: JournalEntry['event'], rest: Record<string, unknown> = {}): JournalEntry => ({ at, event, ...rest });
const start = e('run-start', { runId: 'r1', stack: 'demo', actions: 3, factsHash: 'h' });

describe('summarizeJournal', () => {
  it.each([
    {
      name: 'a run cut off mid-action is interrupted, stopped at that action',
      entries: [start, e('begin', { index: 0, kind: 'group.create', description: 'create group g' }), e('done', { index: 0 }), e('begin', { index: 1, kind: 'file.write', description: 'write /etc/x' }), e('backup', { index: 1, path: '/etc/x', backup: '/var/lib/keelson/backups/r1/etc/x' })],
      want: { state: 'interrupted', finished: 1, stoppedAt: { index: 1, description: 'write /etc/x' }, backups: [{ path: '/etc/x', backup: '/var/lib/keelson/backups/r1/etc/x' }], created: ['create group g'] },
    },
    {
      name: 'a run stopped by the operator between actions is interrupted, at the action it did not begin',
      entries: [start, e('begin', { index: 0, kind: 'group.create', description: 'create group g' }), e('done', { index: 0 }), e('run-end', { ok: false, stopped: true, before: 1, next: 'write /etc/x' })],
      want: { state: 'interrupted', finished: 1, stoppedAt: { index: 1, description: 'write /etc/x' }, backups: [], created: ['create group g'] },
    },
    {
      name: 'a failed action makes a failed run, with its error',
      entries: [start, e('begin', { index: 0, kind: 'package.install', description: 'install podman' }), e('failed', { index: 0, error: 'apt-get exited with 100' }), e('run-end', { ok: false })],
      want: { state: 'failed', finished: 0, stoppedAt: { index: 0, description: 'install podman', error: 'apt-get exited with 100' }, backups: [], created: [] },
    },
    {
      name: 'a finished run is ok; what was already so is not "created"',
      entries: [start, e('begin', { index: 0, kind: 'group.create', description: 'create group g' }), e('done', { index: 0, skipped: true }), e('run-end', { ok: true })],
      want: { state: 'ok', finished: 1, backups: [], created: [] },
    },
  ])('$name', ({ entries, want }) => {
    expect(summarizeJournal('/var/lib/keelson/journal/r1.jsonl', entries)).toMatchObject({ runId: 'r1', stack: 'demo', actions: 3, startedAt: at, ...want });
  });

  it('is null for a file without a run-start', () => {
    expect(summarizeJournal('/x', [e('done', { index: 0 })])).toBeNull();
  });
});

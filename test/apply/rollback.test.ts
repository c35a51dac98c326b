// A roll back puts back what the run replaced, newest first, and marks the run so it is not offered again —
// but only when every file came back.
import { describe, expect, it } from 'vitest';
import { rollbackRun } from '../../src/apply/rollback.js';
import type { Host, RunResult } from '../../src/host/host.js';

const recordingHost = (failOn: string | null = null) => {
  const runs: string[][] = [];
  const writes: { path: string; content: string }[] = [];
  const host: Host = {
    label: 'fake',
    roundTrips: 0,
    run: (argv): Promise<RunResult> => {
      runs.push([...argv]);
      const fail = failOn !== null && argv.includes(failOn);
      return Promise.resolve({ exitCode: fail ? 1 : 0, stdout: '', stderr: fail ? `cp: cannot stat '${failOn}': No such file or directory` : '' });
    },
    writeFile: (path, content) => {
      writes.push({ path, content: String(content) });
      return Promise.resolve();
    },
    readFile: () => Promise.resolve({ kind: 'absent' }),
    close: () => Promise.resolve(),
  };
  return { host, runs, writes };
};

const run = {
  runId: 'r1',
  backups: [
    { path: '/etc/a', backup: '/var/lib/keelson/backups/r1/etc/a' },
    { path: '/etc/b', backup: '/var/lib/keelson/backups/r1/etc/b' },
  ],
  created: ['create user demo'],
};

describe('rollbackRun', () => {
  it('restores every backup, newest first, keeping mode and owner (cp -a), and marks the run', async () => {
    const { host, runs, writes } = recordingHost();
    const restored: string[] = [];
    const r = await rollbackRun(host, run, { onRestored: (p) => restored.push(p), now: new Date('2025-01-01T00:00:00Z') });
    expect(runs.slice(0, 2)).toEqual([
      ['cp', '-a', '--', '/var/lib/keelson/backups/r1/etc/b', '/etc/b'],
      ['cp', '-a', '--', '/var/lib/keelson/backups/r1/etc/a', '/etc/a'],
    ]);
    expect(r).toEqual({ restored: ['/etc/b', '/etc/a'], failed: [], leftInPlace: ['create user demo'] });
    expect(restored).toEqual(['/etc/b', '/etc/a']);
    expect(writes.map((w) => w.path)).toEqual(['/var/lib/keelson/rollbacks/r1.json']);
  });

  it('goes on past a backup it cannot restore, reports it, and leaves the run unmarked', async () => {
    const { host, writes } = recordingHost('/var/lib/keelson/backups/r1/etc/b');
    const r = await rollbackRun(host, run);
    expect(r.restored).toEqual(['/etc/a']);
    expect(r.failed).toEqual([{ path: '/etc/b', error: "cp: cannot stat '/var/lib/keelson/backups/r1/etc/b': No such file or directory" }]);
    expect(writes).toEqual([]);
  });
});

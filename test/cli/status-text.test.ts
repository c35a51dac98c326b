// keelson status as an operator reads it: each deployed stack from the host's state file, then the last run.
import { describe, expect, it } from 'vitest';
import type { JournaledRun } from '../../src/apply/last-run.js';
import { statusText } from '../../src/cli/status-text.js';
import { renderRecord, stackRecord } from '../../src/state/stack-record.js';
import { loadStack, resolved } from '../steps/quadlet/fixtures.js';

const state = renderRecord(
  { kind: 'absent' },
  stackRecord({
    manifest: loadStack('demo'),
    answers: { greeting: 'Hello' },
    previous: null,
    resolved,
    keelsonVersion: '0.1.0',
    top: 'demo.target',
    files: [{ path: '/home/keelson-demo/.config/containers/systemd/api.container', content: 'a\n' }],
    luksUuid: 'c8f7c250-79ef-46b5-831a-5d73e6156054',
  }),
);

const run: JournaledRun = {
  runId: 'r1',
  journalPath: '/var/lib/keelson/journal/r1.jsonl',
  stack: 'demo',
  startedAt: '2026-01-01T00:00:00.000Z',
  state: 'ok',
  rolledBack: false,
  actions: 5,
  finished: 5,
  backups: [],
  created: [],
};

describe('statusText', () => {
  it('one block per stack: version, mode, data mount, files with hashes, users, groups, secret names, images', () => {
    const text = statusText('ssh root@203.0.113.7:22', state, { ...run, state: 'ok', finished: 5 });
    expect(text.split('\n')).toEqual([
      'keelson status on ssh root@203.0.113.7:22',
      '  demo 1.0.0 (rootless, owner keelson-demo), deployed by keelson 0.1.0; started through demo.target',
      '    data mount /home on LUKS c8f7c250-79ef-46b5-831a-5d73e6156054',
      '    1 managed file (sha256 kept, so a hand edit shows in the next plan):',
      '      /home/keelson-demo/.config/containers/systemd/api.container  87428fc52280',
      '    users: keelson-demo (1001:1001, /home/keelson-demo)',
      '    groups: demo-clients (990)',
      '    secrets (names only): demo-token',
      '    images: localhost/keelson-demo:1',
      '  last run: ok 5 of 5 actions finished, started 2026-01-01T00:00:00.000Z — /var/lib/keelson/journal/r1.jsonl',
      '',
    ]);
  });

  it('nothing deployed, an unreadable file, an interrupted run', () => {
    expect(statusText('h', null, null)).toBe('keelson status on h\n  nothing deployed by keelson yet\n  no runs journaled\n');
    const interrupted = { ...run, state: 'interrupted' as const, finished: 2, stoppedAt: { index: 2, description: 'write /etc/x' } };
    expect(statusText('h', '{oops', interrupted)).toContain('the deployment record is unreadable: /var/lib/keelson/state.json is not JSON');
    expect(statusText('h', '{oops', interrupted)).toContain('last run: INTERRUPTED at action 3 of 5 (write /etc/x), 2 of 5 actions finished, started 2026-01-01T00:00:00.000Z — /var/lib/keelson/journal/r1.jsonl');
    expect(statusText('h', null, { ...interrupted, rolledBack: true })).toContain(', rolled back — ');
    expect(statusText('h', null, { ...run, state: 'failed', finished: 0, stoppedAt: { index: 0, description: 'install podman', error: 'apt-get exited with 100' } })).toContain(
      'last run: FAILED at action 1 of 5 (install podman: apt-get exited with 100), 0 of 5 actions finished',
    );
  });
});

// keelson status as an operator reads it: each deployed stack from the host's state file, then the last run.
import { describe, expect, it } from 'vitest';
import type { JournaledRun } from '../../src/apply/last-run.js';
import { statusText } from '../../src/cli/status-text.js';
import type { LiveStack, LiveUnit } from '../../src/flows/doctor/live-units.js';
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

  const ok = (unit: string, sub = 'running', health: string | null = null): LiveUnit => ({ unit, activeState: 'active', subState: sub, nRestarts: 0, health, status: 'ok', summary: `${unit} is active/${sub}` });
  const live = (units: LiveUnit[], error: string | null = null): LiveStack[] => [{ stack: 'demo', manager: 'user:keelson-demo', error, units }];

  it('each unit as its manager has it now, right after what the record says of the stack', () => {
    const text = statusText('h', state, run, { units: live([ok('api.service', 'running', 'healthy'), ok('demo.target', 'active')]), target: '' }).split('\n');
    expect(text.slice(1, 5)).toEqual([
      '  demo 1.0.0 (rootless, owner keelson-demo), deployed by keelson 0.1.0; started through demo.target',
      '    units, as the user manager of keelson-demo has them now:',
      '      api.service  active/running, 0 restarts, container healthy',
      '      demo.target  active/active, 0 restarts',
    ]);
  });

  it('a failing unit says so at the top, first, with what to run next; a unit that restarted is a warning after it', () => {
    const failed: LiveUnit = { unit: 'web.service', activeState: 'failed', subState: 'failed', nRestarts: 3, health: null, status: 'fail', summary: 'web.service is failed/failed' };
    const restarted: LiveUnit = { ...ok('api.service'), nRestarts: 2, status: 'warn', summary: 'api.service is active/running after 2 automatic restarts' };
    const text = statusText('h', state, run, { units: live([restarted, failed, ok('demo.target', 'active')]), target: ' --host admin@192.0.2.10' }).split('\n');
    expect(text.slice(1, 4)).toEqual([
      '  demo: UNIT FAILING — web.service is failed/failed; next: keelson doctor --host admin@192.0.2.10, then keelson logs web.service --host admin@192.0.2.10',
      '  demo: unit warning — api.service is active/running after 2 automatic restarts; next: keelson logs api.service --host admin@192.0.2.10',
      '  demo 1.0.0 (rootless, owner keelson-demo), deployed by keelson 0.1.0; started through demo.target',
    ]);
    expect(text).toContain('      web.service  failed/failed, 3 restarts  ← FAILING');
    // Another stack with a web.service too: keelson logs is told which one.
    const two = [...live([failed]), { stack: 'other', manager: 'system', error: null, units: [ok('web.service')] }];
    expect(statusText('h', state, run, { units: two, target: '' }).split('\n')[1]).toBe('  demo: UNIT FAILING — web.service is failed/failed; next: keelson doctor, then keelson logs demo:web.service');
    expect(text).toContain('      api.service  active/running, 2 restarts  ← warning');
  });

  it('the failed mark stays the first line; a manager that did not answer is one line, not a failing line per unit', () => {
    const marked = state.replace('"failed": null', '"failed": {"at": "2026-01-02T00:00:00Z", "reason": "the upgrade to 1.1.0 failed", "runId": "r9"}');
    const gone = live([{ ...ok('web.service'), activeState: '', subState: '', status: 'fail', summary: 'web.service: its manager did not answer (the owner keelson-demo does not exist)' }], 'the owner keelson-demo does not exist');
    const text = statusText('h', marked, null, { units: gone, target: '' }).split('\n');
    expect(text.slice(1, 4)).toEqual([
      '  demo: FAILED — the upgrade to 1.1.0 failed (2026-01-02T00:00:00Z, run r9)',
      '  demo: its units could not be read (the owner keelson-demo does not exist); next: keelson doctor',
      '  demo 1.0.0 (rootless, owner keelson-demo), deployed by keelson 0.1.0; started through demo.target',
    ]);
    expect(text).toContain('    units: not read from the user manager of keelson-demo (the owner keelson-demo does not exist): keelson doctor says more');
    expect(text.filter((l) => l.includes('FAILING'))).toEqual([]);
  });

  it('a record the host would not let it read is not "nothing deployed"', () => {
    expect(statusText('h', null, null, { stateError: 'cat: /var/lib/keelson/state.json: Permission denied' })).toContain('  the deployment record could not be read: cat: /var/lib/keelson/state.json: Permission denied; keelson doctor says more\n');
  });
});

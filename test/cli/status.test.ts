// keelson status on real hosts. This machine, with its keelson state directory moved to a temp root: the newest
// journal by time, read with the same parse as the wizard (a run the operator stopped is INTERRUPTED, not FAILED), and
// the record's stack followed by doctor's real probe script, all in ONE round trip. Then the CLI over the real
// OpenSSH on 127.0.0.1: still one round trip.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalDir } from '../../src/apply/journal.js';
import { STATUS_FACTS, statusReport, type StatusFacts } from '../../src/cli/commands/status.js';
import { statusText } from '../../src/cli/status-text.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { RECORD_PATH } from '../../src/state/record-schema.js';
import { renderRecord, stackRecord } from '../../src/state/stack-record.js';
import { relocatedFact } from '../support/relocated-host.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { loadStack, resolved } from '../steps/quadlet/fixtures.js';

let root: string;
const lines = (...events: object[]) => `${events.map((e) => JSON.stringify({ at: '2026-01-01T00:00:00.000Z', ...e })).join('\n')}\n`;
// An owner no test creates: the probe must say it does not exist rather than ask a manager about it.
const owner = `kt-st-${randomBytes(3).toString('hex')}`;
const facts = (): StatusFacts => ({ record: relocatedFact(STATUS_FACTS.record, root), lastRun: relocatedFact(STATUS_FACTS.lastRun, root), stacks: relocatedFact(STATUS_FACTS.stacks, root) });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-status-'));
  const dir = `${root}${journalDir}`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/a-older.jsonl`, lines({ event: 'run-start', runId: 'a-older', stack: 'demo', actions: 1, factsHash: 'h' }, { event: 'begin', index: 0, kind: 'group.create', description: 'create group g' }, { event: 'done', index: 0 }, { event: 'run-end', ok: true }));
  await writeFile(`${dir}/b-newer.jsonl`, lines({ event: 'run-start', runId: 'b-newer', stack: 'demo', actions: 2, factsHash: 'h' }, { event: 'begin', index: 0, kind: 'group.create', description: 'create group g' }, { event: 'done', index: 0 }, { event: 'run-end', ok: false, stopped: true, before: 1, next: 'write /etc/x' }));
  // By modification time, not by name: the older one sorts last by name on purpose.
  await utimes(`${dir}/a-older.jsonl`, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  await utimes(`${dir}/b-newer.jsonl`, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('keelson status on a host', () => {
  it('a run the operator stopped between actions is INTERRUPTED at the action it did not begin; no record, no units; one round trip', async () => {
    const host = createLocalHost();
    const report = await statusReport(host, facts());
    expect(report.lastRun).toMatchObject({ runId: 'b-newer', state: 'interrupted', finished: 1, stoppedAt: { index: 1, description: 'write /etc/x' } });
    expect(statusText(report.host, report.stateText, report.lastRun)).toContain(`last run: INTERRUPTED at action 2 of 2 (write /etc/x), 1 of 2 actions finished, started 2026-01-01T00:00:00.000Z — ${root}${journalDir}/b-newer.jsonl`);
    expect([report.state, report.units, report.roundTrips]).toEqual([null, [], 1]);
  });

  it('a recorded stack whose owner is gone: doctor\'s probe follows the record and says why its units were not read', async () => {
    const m = { ...loadStack('demo'), owner };
    const record = renderRecord({ kind: 'absent' }, stackRecord({ manifest: m, answers: { greeting: 'Hi' }, previous: null, resolved, keelsonVersion: '0.1.0', top: 'demo.target', files: [{ path: `/home/${owner}/.config/containers/systemd/web.container`, content: 'a\n' }], luksUuid: null }));
    await mkdir(`${root}/var/lib/keelson`, { recursive: true });
    await writeFile(`${root}${RECORD_PATH}`, record);
    try {
      const host = createLocalHost();
      const report = await statusReport(host, facts());
      expect(report.roundTrips).toBe(1);
      expect(report.units).toEqual([{ stack: 'demo', manager: `user:${owner}`, error: `the owner ${owner} does not exist`, units: [expect.objectContaining({ unit: 'web.service', status: 'fail' })] }]);
      const text = statusText(report.host, report.stateText, report.lastRun, { units: report.units, target: '' }).split('\n');
      expect(text[1]).toBe(`  demo: its units could not be read (the owner ${owner} does not exist); next: keelson doctor`);
    } finally {
      await rm(`${root}${RECORD_PATH}`, { force: true });
    }
  });
});

describe('keelson status over SSH (the real OpenSSH on 127.0.0.1)', () => {
  const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');
  let sshd: TestSshd;
  let dir: string;
  beforeAll(async () => {
    sshd = await startSshd();
    dir = await mkdtemp(join(tmpdir(), 'keelson-status-cli-'));
    await writeFile(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await sshd.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('--json: record, last run and units in one round trip', async () => {
    const args = ['status', '--host', `root@127.0.0.1:${sshd.port}`, '--identity', sshd.identityFile, '--known-hosts', join(dir, 'known_hosts'), '--json'];
    const r = await execa('node', [BIN, ...args], { reject: false, env: { HOME: dir, XDG_CONFIG_HOME: dir }, stdin: 'ignore' });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { host: string; roundTrips: number; units: unknown[] };
    expect([report.host, report.roundTrips, Array.isArray(report.units)]).toEqual([`ssh root@127.0.0.1:${sshd.port}`, 1, true]);
  }, 120_000);
});

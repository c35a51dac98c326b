// keelson status reads the last run with the same function as the wizard (src/apply/last-run.ts), from a real local
// host whose keelson state directory is a temp root: the newest journal by time, and a run the operator stopped is
// INTERRUPTED (resumable), not FAILED.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalDir } from '../../src/apply/journal.js';
import { statusReport } from '../../src/cli/commands/status.js';
import { statusText } from '../../src/cli/status-text.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { relocated } from '../support/relocated-host.js';

let root: string;
const lines = (...events: object[]) => `${events.map((e) => JSON.stringify({ at: '2026-01-01T00:00:00.000Z', ...e })).join('\n')}\n`;

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
  it('a run the operator stopped between actions is INTERRUPTED at the action it did not begin', async () => {
    const host = relocated(createLocalHost(), root);
    const report = await statusReport(host);
    expect(report.lastRun).toMatchObject({ runId: 'b-newer', state: 'interrupted', finished: 1, stoppedAt: { index: 1, description: 'write /etc/x' } });
    expect(statusText(report.host, report.stateText, report.lastRun)).toContain(`last run: INTERRUPTED at action 2 of 2 (write /etc/x), 1 of 2 actions finished, started 2026-01-01T00:00:00.000Z — ${root}${journalDir}/b-newer.jsonl`);
    expect(report.state).toBeNull();
  });
});

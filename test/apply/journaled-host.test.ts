// The journal lines due before an action, on the action's first command: appended on the host before it runs (real
// sh, this machine), never after; a failed append runs nothing; a command as another user gets them sent first.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FAILED_EXIT, journaledHost } from '../../src/apply/journaled-host.js';
import { Journal, KEELSON_STATE_DIR } from '../../src/apply/journal.js';
import type { Host, RunOptions } from '../../src/host/host.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { relocated } from '../support/relocated-host.js';

const setUp = () => {
  const root = mkdtempSync(join(tmpdir(), 'keelson-journaled-'));
  const host = relocated(createLocalHost(), root);
  const journal = new Journal(host, 'run-1', () => new Date('2026-12-07T00:00:00Z'));
  return { root, host, journal, file: `${root}${journal.path}` };
};
const begin = { event: 'begin', index: 0, kind: 'file.write', description: "write it's $(x)" } as const;

describe('journaledHost', () => {
  it("appends the lines before the command runs, in that command's one exec; later commands go as they are", async () => {
    const { host, journal, file } = setUp();
    const j = journaledHost(host, journal, [{ event: 'done', index: 3 }, begin]);
    // The command reads the journal: its lines are already there.
    const r = await j.host.run(['sh', '-c', 'cat -- "$1"; cat', 'probe', file], { stdin: 'from stdin\n' });
    expect(r.exitCode).toBe(0);
    const lines = readFileSync(file, 'utf8');
    expect(r.stdout).toBe(`${lines}from stdin\n`);
    expect(lines.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { at: '2026-12-07T00:00:00.000Z', event: 'done', index: 3 },
      { at: '2026-12-07T00:00:00.000Z', ...begin },
    ]);
    expect((await j.host.run(['true'])).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(lines);
    expect(j.unsent()).toEqual([]);
  });

  it('a journal that cannot be appended to runs nothing, and says so', async () => {
    const { root, host, journal, file } = setUp();
    mkdirSync(file, { recursive: true });
    const marker = join(root, 'ran');
    const r = await journaledHost(host, journal, [begin]).host.run(['touch', marker]);
    expect(r.exitCode).toBe(JOURNAL_FAILED_EXIT);
    expect(r.stderr).toContain(`keelson: could not append to the journal ${file}`);
    expect(existsSync(marker)).toBe(false);
  });

  it('a command as another user, or with an environment, gets the lines sent on their own first', async () => {
    const calls: { argv: readonly string[]; options?: RunOptions }[] = [];
    const fake: Host = {
      label: 'fake',
      roundTrips: 0,
      run: (argv, options) => {
        calls.push({ argv, ...(options === undefined ? {} : { options }) });
        return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
      },
      writeFile: () => Promise.resolve(),
      readFile: () => Promise.resolve({ kind: 'absent' }),
      close: () => Promise.resolve(),
    };
    const journal = new Journal(fake, 'run-2');
    for (const options of [{ asUser: 'keelson-demo' }, { env: { A: 'b' } }]) {
      calls.length = 0;
      const j = journaledHost(fake, journal, [begin]);
      await j.host.run(['podman', 'ps'], options);
      expect(calls.map((c) => c.argv[3] ?? c.argv[0])).toEqual(['keelson-journal', 'podman']);
      expect(calls[0]?.argv).toContain(`${KEELSON_STATE_DIR}/journal/run-2.jsonl`);
      expect(calls[1]?.options).toEqual(options);
    }
  });

  it('an action that never used the host leaves its lines for the next append', () => {
    const { host, journal } = setUp();
    expect(journaledHost(host, journal, [begin]).unsent()).toEqual([begin]);
  });
});

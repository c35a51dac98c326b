// The file executors on this machine for real, in a temp directory, with keelson's state directory (journal,
// backups) moved under a temp root: atomic writes with the planned mode and owner, a backup (kept exactly: content,
// mode, times) before anything is replaced or removed and its journal line, and a file that changed since the plan
// refused untouched.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorContext } from '../../src/apply/executor.js';
import { dirEnsure, FileDriftError, fileRemove, fileWrite, stateWrite } from '../../src/apply/executors/files.js';
import { backupDir, Journal, journalDir, parseJournal } from '../../src/apply/journal.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { relocated } from '../support/relocated-host.js';

let root: string;
let dir: string;
let ctx: ExecutorContext;
const journalText = () => readFile(`${root}${journalDir}/r1.jsonl`, 'utf8').catch(() => '');
const write = (path: string, content: string, before: string | null) =>
  fileWrite({ kind: 'file.write', description: 'w', path, content, mode: '0640', owner: 'root', group: 'nogroup', before }, ctx);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keelson-files-root-'));
  dir = await mkdtemp(join(tmpdir(), 'keelson-files-'));
  const host = relocated(createLocalHost(), root);
  ctx = { host, journal: new Journal(host, 'r1'), index: 3, runId: 'r1', secretAnswers: {} };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

describe('file.write', () => {
  it('a new file, in a directory made for it: the content, mode and group planned, no temp file left', async () => {
    const path = join(dir, 'new', 'unit.container');
    expect(await write(path, '[Container]\n', null)).toBe('done');
    const s = await stat(path);
    const nogroup = Number(execFileSync('getent', ['group', 'nogroup'], { encoding: 'utf8' }).split(':')[2]);
    expect([await readFile(path, 'utf8'), s.mode & 0o7777, s.uid, s.gid]).toEqual(['[Container]\n', 0o640, 0, nogroup]);
    expect(await readdir(join(dir, 'new'))).toEqual(['unit.container']);
    // Already as planned (an interrupted run, re-run): nothing is done, nothing backed up.
    expect(await write(path, '[Container]\n', null)).toBe('skipped');
    expect(await journalText()).toBe('');
  });

  it('one exec per file, new or replaced (the backup and its journal line included)', async () => {
    const path = join(dir, 'counted', 'unit.container');
    const trips = async (f: () => Promise<unknown>) => {
      const before = ctx.host.roundTrips;
      await f();
      return ctx.host.roundTrips - before;
    };
    expect(await trips(() => write(path, 'one\n', null))).toBe(1);
    expect(await trips(() => write(path, 'two\n', 'one\n'))).toBe(1);
    expect(await readFile(`${root}${backupDir('r1')}${path}`, 'utf8')).toBe('one\n');
    expect(await trips(() => fileRemove({ kind: 'file.remove', description: 'rm', path, before: 'two\n' }, ctx))).toBe(1);
  });

  it('bytes compared exactly: a file whose bytes are not UTF-8 is not what the plan saw', async () => {
    const path = join(dir, 'latin1.conf');
    await writeFile(path, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await expect(write(path, 'new\n', 'caf\uFFFD\n')).rejects.toBeInstanceOf(FileDriftError);
  });

  it('replacing a file backs it up first, exactly (content, mode, times), and journals where', async () => {
    const path = join(dir, 'replace.conf');
    await writeFile(path, 'old\n', { mode: 0o600 });
    await utimes(path, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    expect(await write(path, 'new\n', 'old\n')).toBe('done');
    expect(await readFile(path, 'utf8')).toBe('new\n');
    const backup = `${backupDir('r1')}${path}`;
    const kept = await stat(`${root}${backup}`);
    expect([await readFile(`${root}${backup}`, 'utf8'), kept.mode & 0o7777, kept.mtime.toISOString()]).toEqual(['old\n', 0o600, '2020-01-01T00:00:00.000Z']);
    expect(parseJournal(await journalText()).filter((e) => e.event === 'backup' && e.path === path)).toMatchObject([{ index: 3, path, backup }]);
  });

  it('a file that changed since the plan is refused, left as it is, and not backed up', async () => {
    const path = join(dir, 'drifted.conf');
    await writeFile(path, 'edited by hand\n');
    const before = await journalText();
    await expect(write(path, 'new\n', 'what the plan saw\n')).rejects.toBeInstanceOf(FileDriftError);
    await expect(write(path, 'new\n', 'what the plan saw\n')).rejects.toThrow(`${path} changed since the plan was made; nothing was written to it. Run "keelson plan" again and review the new diff.`);
    expect(await readFile(path, 'utf8')).toBe('edited by hand\n');
    expect(await journalText()).toBe(before);
    // A file that appeared where the plan saw none is drift too.
    await expect(write(join(dir, 'drifted.conf'), 'new\n', null)).rejects.toBeInstanceOf(FileDriftError);
  });
});

describe('file.remove', () => {
  it('backs the file up, then removes it; gone already: already so; changed since the plan: refused', async () => {
    const path = join(dir, 'stale.container');
    await writeFile(path, 'stale\n');
    const a = { kind: 'file.remove' as const, description: 'rm', path, before: 'stale\n' };
    expect(await fileRemove(a, ctx)).toBe('done');
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(`${root}${backupDir('r1')}${path}`, 'utf8')).toBe('stale\n');
    expect(await fileRemove(a, ctx)).toBe('skipped');
    await writeFile(path, 'someone else\'s\n');
    await expect(fileRemove(a, ctx)).rejects.toBeInstanceOf(FileDriftError);
    expect(await readFile(path, 'utf8')).toBe('someone else\'s\n');
  });
});

describe('dir.ensure and state.write', () => {
  it('a directory with the planned mode and group; the state file root-only (0600)', async () => {
    const d = join(dir, 'units', 'systemd');
    await dirEnsure({ kind: 'dir.ensure', description: 'd', path: d, mode: '0750', owner: 'root', group: 'nogroup' }, ctx);
    expect((await stat(d)).mode & 0o7777).toBe(0o750);
    const state = '/var/lib/keelson/state.json';
    await stateWrite({ kind: 'state.write', description: 's', path: state, content: '{"format":"keelson-state/1"}\n' }, ctx);
    const s = await stat(`${root}${state}`);
    expect([await readFile(`${root}${state}`, 'utf8'), s.mode & 0o7777, s.uid]).toEqual(['{"format":"keelson-state/1"}\n', 0o600, 0]);
  });
});

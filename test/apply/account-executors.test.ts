// The account executors on this machine for real (root only: they create real groups and users, removed afterwards):
// the IDs the plan chose, a home, the groups, subordinate IDs only from the plan's range (never useradd's own), a
// re-run that converges, and a clash with what exists named instead of papered over.
import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { ExecutorContext } from '../../src/apply/executor.js';
import { groupCreate, subidAssign, userAddGroups, userCreate } from '../../src/apply/executors/accounts.js';
import { Journal } from '../../src/apply/journal.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { lockAccounts } from '../support/accounts-lock.js';
import { isRoot, itAsRoot } from '../support/root.js';

const host = createLocalHost();
const ctx: ExecutorContext = { host, journal: new Journal(host, 'r1'), index: 0, runId: 'r1', secretAnswers: {} };
const tag = randomBytes(3).toString('hex');
const owner = `kt-own-${tag}`;
const clients = `kt-cli-${tag}`;
const extra = `kt-ext-${tag}`;

const getent = (db: 'passwd' | 'group', key: string): string[] | null => {
  try {
    return execFileSync('getent', [db, key], { encoding: 'utf8' }).trim().split(':');
  } catch {
    return null;
  }
};
/** The first ID from `from` that neither a user nor a group has. */
const freeId = (from: number): number => {
  for (let id = from; ; id += 1) if (getent('passwd', String(id)) === null && getent('group', String(id)) === null) return id;
};

let ids = { owner: 0, clients: 0, extra: 0 };
const subStart = 3_000_000_000 + (parseInt(tag, 16) % 1_000) * 65_536;
let release = () => Promise.resolve();

beforeAll(async () => {
  if (!isRoot) return;
  release = await lockAccounts();
  const a = freeId(61_000);
  const b = freeId(a + 1);
  ids = { owner: a, clients: b, extra: freeId(b + 1) };
}, 180_000);
afterAll(async () => {
  if (!isRoot) return;
  try {
    execFileSync('userdel', ['--remove', owner], { stdio: 'ignore' });
  } catch { /* never created */ }
  for (const g of [owner, clients, extra]) {
    try { execFileSync('groupdel', [g], { stdio: 'ignore' }); } catch { /* already gone with its user */ }
  }
  await release();
});

describe('accounts', () => {
  itAsRoot('groups: created with the planned GID, system or not; again: already so; another GID: named, not changed', async () => {
    expect(await groupCreate({ kind: 'group.create', description: 'g', name: clients, gid: ids.clients, system: true }, ctx)).toBe('done');
    expect(await groupCreate({ kind: 'group.create', description: 'g', name: owner, gid: ids.owner, system: false }, ctx)).toBe('done');
    expect(getent('group', clients)?.[2]).toBe(String(ids.clients));
    expect(await groupCreate({ kind: 'group.create', description: 'g', name: clients, gid: ids.clients, system: true }, ctx)).toBe('skipped');
    await expect(groupCreate({ kind: 'group.create', description: 'g', name: clients, gid: ids.extra, system: true }, ctx)).rejects.toThrow(
      `group ${clients} exists with GID ${ids.clients}, the plan wanted ${ids.extra}: run "keelson plan" again`,
    );
    expect(getent('group', clients)?.[2]).toBe(String(ids.clients));
  });

  itAsRoot('a user: the planned UID and primary GID, its home made, its groups, and no subordinate IDs of useradd\'s choosing', async () => {
    const home = `/home/${owner}`;
    const a = { kind: 'user.create' as const, description: 'u', name: owner, uid: ids.owner, gid: ids.owner, home, shell: '/bin/sh', groups: [clients], system: false };
    expect(await userCreate(a, ctx)).toBe('done');
    expect(getent('passwd', owner)).toEqual([owner, 'x', String(ids.owner), String(ids.owner), '', home, '/bin/sh']);
    expect((await stat(home)).uid).toBe(ids.owner);
    expect(execFileSync('id', ['-nG', owner], { encoding: 'utf8' }).trim().split(' ').sort()).toEqual([clients, owner].sort());
    for (const f of ['/etc/subuid', '/etc/subgid']) expect((await readFile(f, 'utf8')).split('\n').filter((l) => l.startsWith(`${owner}:`))).toEqual([]);
    expect(await userCreate(a, ctx)).toBe('skipped');
    await expect(userCreate({ ...a, uid: ids.extra }, ctx)).rejects.toThrow(`user ${owner} exists with UID ${ids.owner}, the plan wanted ${ids.extra}`);
  });

  itAsRoot('more groups are added, not replaced', async () => {
    expect(await groupCreate({ kind: 'group.create', description: 'g', name: extra, gid: ids.extra, system: true }, ctx)).toBe('done');
    expect(await userAddGroups({ kind: 'user.add-groups', description: 'add', name: owner, groups: [extra] }, ctx)).toBe('done');
    expect(execFileSync('id', ['-nG', owner], { encoding: 'utf8' }).trim().split(' ').sort()).toEqual([clients, extra, owner].sort());
  });

  itAsRoot('subordinate IDs: exactly the planned range in /etc/subuid and /etc/subgid; again: already so', async () => {
    const a = { kind: 'subid.assign' as const, description: 's', user: owner, start: subStart, count: 65_536 };
    expect(await subidAssign(a, ctx)).toBe('done');
    for (const f of ['/etc/subuid', '/etc/subgid']) expect((await readFile(f, 'utf8')).split('\n').filter((l) => l.startsWith(`${owner}:`))).toEqual([`${owner}:${subStart}:65536`]);
    expect(await subidAssign(a, ctx)).toBe('skipped');
  });
});

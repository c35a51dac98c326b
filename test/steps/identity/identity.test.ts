// Table tests for the identity step: facts in → findings, actions and resolved IDs out. No host involved.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/engine/action.js';
import { manifestSchema, type Manifest } from '../../../src/manifest/schema.js';
import { parseSubids } from '../../../steps/identity/account-facts.js';
import { checkIdentity, planIdentity, resolveIdentity, type IdentityFacts } from '../../../steps/identity.js';
import { ctxFor, freshHost, rootful, rootless, withAccounts } from './fixtures.js';

const codes = (facts: IdentityFacts, m: Manifest) => checkIdentity(facts, ctxFor(m)).map((f) => `${f.severity}:${f.code}`);
const kinds = (actions: Action[]) => actions.map((a) => a.kind);
const plan = (facts: IdentityFacts, m: Manifest) => planIdentity(facts, ctxFor(m));

/** The rootless host after a successful apply of the fresh plan below. */
const rootlessDone = withAccounts(freshHost, {
  passwd: [{ name: 'demo', uid: 1001, gid: 1001, home: '/home/demo', shell: '/usr/sbin/nologin' }],
  groups: [
    { name: 'demo-clients', gid: 991, members: ['demo'] },
    { name: 'demo', gid: 1001, members: [] },
  ],
  subids: 'demo:165536:65536\n',
  linger: ['demo'],
  managers: [{ uid: 1001, groups: [991, 1001] }],
});

describe('identity: a fresh host', () => {
  it('rootless: client group, then the owner (regular account, home on the data mount), subordinate IDs, linger, manager', () => {
    expect(plan(freshHost, rootless)).toEqual([
      { kind: 'group.create', description: 'group demo-clients (GID 991, client group)', name: 'demo-clients', gid: 991, system: true },
      { kind: 'group.create', description: "group demo (GID 1001, demo's own group)", name: 'demo', gid: 1001, system: false },
      {
        kind: 'user.create',
        description: 'user demo (UID 1001, GID 1001, owner of the rootless stack, home /home/demo, no login, in demo-clients)',
        name: 'demo', uid: 1001, gid: 1001, home: '/home/demo', shell: '/usr/sbin/nologin', groups: ['demo-clients'], system: false,
      },
      { kind: 'subid.assign', description: "subordinate UIDs and GIDs 165536-231071 for demo (its containers' users)", user: 'demo', start: 165536, count: 65536 },
      { kind: 'linger.enable', description: 'linger for demo: its user manager, and the stack, start at boot without a login', user: 'demo' },
      { kind: 'systemd.unit', description: "start demo's user manager (user@1001.service) so the stack has a manager to run under", target: { scope: 'system' }, verb: 'start', unit: 'user@1001.service' },
    ]);
    expect(codes(freshHost, rootless)).toEqual([]);
  });

  it('rootless: resolves the IDs the plan will create, before anything runs', () => {
    expect(resolveIdentity(freshHost, ctxFor(rootless))).toEqual({
      users: { demo: { uid: 1001, gid: 1001, home: '/home/demo' } },
      groups: { 'demo-clients': 991 },
    });
  });

  it('rootful: system users from the top of the system range, a UID equal to its GID, no subordinate IDs or linger', () => {
    const actions = plan(freshHost, rootful);
    expect(kinds(actions)).toEqual(['group.create', 'group.create', 'user.create', 'group.create', 'user.create']);
    expect(actions.filter((a) => a.kind === 'user.create')).toMatchObject([
      { name: 'shop-app', uid: 990, gid: 990, home: '/home/shop-app', shell: '/usr/sbin/nologin', groups: ['shop-clients'], system: true },
      { name: 'shop-db', uid: 989, gid: 989, groups: [], system: true },
    ]);
    expect(resolveIdentity(freshHost, ctxFor(rootful))).toEqual({
      users: { 'shop-app': { uid: 990, gid: 990, home: '/home/shop-app' }, 'shop-db': { uid: 989, gid: 989, home: '/home/shop-db' } },
      groups: { 'shop-clients': 991 },
    });
  });

  it('never hands out an ID twice, nor one the host has (property over many users)', () => {
    const m = manifestSchema.parse({ ...rootful, users: Array.from({ length: 40 }, (_, i) => ({ name: `u${i}`, groups: ['shop-clients'] })), containers: [{ name: 'app', image: 'localhost/shop:1', user: '1:1' }], sockets: [] });
    const r = resolveIdentity(freshHost, ctxFor(m));
    const uids = Object.values(r.users ?? {}).map((u) => u.uid);
    const gids = [...Object.values(r.users ?? {}).map((u) => u.gid), ...Object.values(r.groups ?? {})];
    expect(new Set(uids).size).toBe(40);
    expect(new Set(gids).size).toBe(41);
    for (const id of uids) expect(freshHost.passwd.some((p) => p.uid === id)).toBe(false);
    for (const id of gids) expect(freshHost.groups.some((g) => g.gid === id)).toBe(false);
  });
});

describe('identity: everything already exists', () => {
  it('rootless: the plan is empty and nothing is reported', () => {
    expect(plan(rootlessDone, rootless)).toEqual([]);
    expect(codes(rootlessDone, rootless)).toEqual([]);
  });

  it('rootless: existing IDs are what later steps get', () => {
    expect(resolveIdentity(rootlessDone, ctxFor(rootless))).toEqual({
      users: { demo: { uid: 1001, gid: 1001, home: '/home/demo' } },
      groups: { 'demo-clients': 991 },
    });
  });

  it('rootful: the plan is empty', () => {
    const done = withAccounts(freshHost, {
      passwd: [
        { name: 'shop-app', uid: 990, gid: 990, home: '/home/shop-app', shell: '/usr/sbin/nologin' },
        { name: 'shop-db', uid: 989, gid: 989, home: '/home/shop-db', shell: '/usr/sbin/nologin' },
      ],
      groups: [
        { name: 'shop-clients', gid: 991, members: ['shop-app'] },
        { name: 'shop-app', gid: 990, members: [] },
        { name: 'shop-db', gid: 989, members: [] },
      ],
    });
    expect(plan(done, rootful)).toEqual([]);
    expect(codes(done, rootful)).toEqual([]);
  });
});

describe('identity: existing accounts that differ', () => {
  const conflicting = withAccounts(freshHost, {
    passwd: [{ name: 'demo', uid: 1005, gid: 1005, home: '/home/demo', shell: '/bin/bash' }],
    groups: [{ name: 'demo', gid: 1005, members: [] }, { name: 'demo-clients', gid: 991, members: [] }],
    subids: 'demo:165536:65536\n',
    linger: ['demo'],
    managers: [{ uid: 1005, groups: [1005] }],
  });

  it('a user with a login shell, not in the client group: a warning, the group added, the manager restarted, nothing destroyed', () => {
    expect(codes(conflicting, rootless)).toEqual(['warning:user-login-shell', 'warning:user-manager-stale']);
    expect(plan(conflicting, rootless)).toEqual([
      { kind: 'user.add-groups', description: 'add demo to demo-clients', name: 'demo', groups: ['demo-clients'] },
      { kind: 'systemd.unit', description: "restart demo's user manager (user@1005.service) so it holds the groups it was given", target: { scope: 'system' }, verb: 'restart', unit: 'user@1005.service' },
    ]);
    expect(resolveIdentity(conflicting, ctxFor(rootless)).users).toEqual({ demo: { uid: 1005, gid: 1005, home: '/home/demo' } });
  });

  it('the owner with UID 0 is refused', () => {
    const m = manifestSchema.parse({ ...rootful, users: [{ name: 'toor', groups: ['shop-clients'] }, { name: 'shop-db' }], containers: [{ name: 'app', image: 'localhost/shop:1', user: 'toor', sockets: ['/run/shop-db'] }] });
    const host = withAccounts(freshHost, { passwd: [{ name: 'toor', uid: 0, gid: 0, home: '/root', shell: '/usr/sbin/nologin' }] });
    expect(codes(host, m)).toContain('blocker:user-is-root');
  });

  it('a rootless owner whose home is off the encrypted data mount is a blocker', () => {
    const host = withAccounts(rootlessDone, {});
    const moved = { ...host, passwd: host.passwd.map((p) => (p.name === 'demo' ? { ...p, home: '/srv/demo' } : p)) };
    expect(codes(moved, rootless)).toEqual(['blocker:owner-home-unencrypted']);
  });

  it('a manifest home that differs from the existing one: kept, with a warning', () => {
    const m = manifestSchema.parse({ ...rootless, users: [{ name: 'demo', home: '/home/stack' }] });
    expect(codes(rootlessDone, m)).toEqual(['warning:home-differs']);
    expect(plan(rootlessDone, m)).toEqual([]);
  });

  it('a group of the user\'s name without the user, that keelson created: taken as its primary group', () => {
    const host = withAccounts(freshHost, { groups: [{ name: 'demo', gid: 1400, members: [] }] });
    expect(codes(host, rootless)).toEqual([]);
    const create = plan(host, rootless).find((a) => a.kind === 'user.create');
    expect(create).toMatchObject({ gid: 1400 });
    expect(plan(host, rootless).flatMap((a) => (a.kind === 'group.create' ? [a.name] : []))).toEqual(['demo-clients']);
  });
});

describe('identity: GIDs', () => {
  it('a pinned GID already taken by another group is a blocker that names the holder', () => {
    const m = manifestSchema.parse({ ...rootless, groups: [{ name: 'demo-clients', gid: 995 }] });
    const findings = checkIdentity(freshHost, ctxFor(m));
    expect(findings.map((f) => f.code)).toEqual(['gid-taken']);
    expect(findings[0]?.message).toContain('sgx');
    expect(plan(freshHost, m).some((a) => a.kind === 'group.create' && a.name === 'demo-clients')).toBe(false);
  });

  it('an existing group with another GID than the pinned one is a blocker, never a groupmod', () => {
    const host = withAccounts(freshHost, { groups: [{ name: 'demo-clients', gid: 980, members: [] }] });
    const m = manifestSchema.parse({ ...rootless, groups: [{ name: 'demo-clients', gid: 970 }] });
    expect(codes(host, m)).toEqual(['blocker:group-gid-differs']);
  });

  it('a free pinned GID is used as given, and reserved from the allocator', () => {
    const m = manifestSchema.parse({ ...rootful, groups: [{ name: 'shop-clients', gid: 990 }] });
    const r = resolveIdentity(freshHost, ctxFor(m));
    expect(r.groups).toEqual({ 'shop-clients': 990 });
    expect(r.users?.['shop-app']).toEqual({ uid: 989, gid: 989, home: '/home/shop-app' });
  });

  it("a host group the manifest does not declare is a blocker: joining it is a grant the manifest must make (issue 12)", () => {
    const m = manifestSchema.parse({ ...rootful, users: [{ name: 'shop-app', groups: ['shop-clients', 'postgres-clients'] }, { name: 'shop-db' }] });
    const host = withAccounts(freshHost, { groups: [{ name: 'postgres-clients', gid: 962, members: [] }], createdByKeelson: false });
    expect(codes(host, m)).toEqual(['blocker:group-not-declared']);
  });

  it("an adopted host group is joined with the host's GID (infrastructure fact)", () => {
    const m = manifestSchema.parse({ ...rootful, groups: [{ name: 'shop-clients' }, { name: 'postgres-clients', adopt: true }], users: [{ name: 'shop-app', groups: ['shop-clients', 'postgres-clients'] }, { name: 'shop-db' }] });
    const host = withAccounts(freshHost, { groups: [{ name: 'postgres-clients', gid: 962, members: [] }], createdByKeelson: false });
    expect(codes(host, m)).toEqual([]);
    expect(resolveIdentity(host, ctxFor(m)).groups).toEqual({ 'shop-clients': 991, 'postgres-clients': 962 });
    expect(plan(host, m).find((a) => a.kind === 'user.create')).toMatchObject({ name: 'shop-app', groups: ['shop-clients', 'postgres-clients'] });
  });

  it('a group that is neither declared nor on the host is a blocker', () => {
    const m = manifestSchema.parse({ ...rootful, users: [{ name: 'shop-app', groups: ['shop-clients', 'valkey-clients'] }, { name: 'shop-db' }] });
    expect(codes(freshHost, m)).toEqual(['blocker:group-unknown']);
  });

  it('a rootful container whose user is not declared is a blocker', () => {
    const m = manifestSchema.parse({ ...rootful, containers: [{ name: 'app', image: 'localhost/shop:1', user: 'www', sockets: [] }] });
    expect(codes(freshHost, m)).toEqual(['blocker:container-user-undeclared']);
  });
});

describe('identity: subordinate IDs', () => {
  const owner = (subids: string, extraPasswd: IdentityFacts['passwd'] = []) => ({
    ...withAccounts(rootlessDone, { passwd: [...extraPasswd] }),
    subuid: parseSubids(subids),
    subgid: parseSubids(subids),
  });

  it('skips every existing range, in subuid and subgid alike', () => {
    const host = { ...freshHost, subuid: parseSubids('admin:100000:65536\nbob:150000:65536\n'), subgid: parseSubids('admin:100000:65536\ncarol:215536:10\n') };
    expect(plan(host, rootless).find((a) => a.kind === 'subid.assign')).toMatchObject({ start: 215546, count: 65536 });
  });

  it('skips real UIDs (an LDAP user at 170000)', () => {
    const host = withAccounts(freshHost, { passwd: [{ name: 'ldapuser', uid: 170000, gid: 100, home: '/home/l', shell: '/bin/bash' }] });
    expect(plan(host, rootless).find((a) => a.kind === 'subid.assign')).toMatchObject({ start: 170001 });
  });

  it("the owner's own range overlapping another user's is a blocker and nothing is assigned", () => {
    const host = owner('admin:100000:65536\ndemo:150000:65536\n');
    expect(codes(host, rootless)).toEqual(['blocker:subid-overlap', 'blocker:subid-overlap']);
    expect(kinds(plan(host, rootless))).not.toContain('subid.assign');
  });

  it('a range named by UID counts as the owner\'s', () => {
    expect(plan(owner('admin:100000:65536\n1001:165536:65536\n'), rootless)).toEqual([]);
  });

  it('too few subordinate IDs: a full range is added', () => {
    const host = owner('admin:100000:65536\ndemo:165536:1000\n');
    expect(codes(host, rootless)).toEqual(['info:subids-added']);
    expect(plan(host, rootless)).toMatchObject([{ kind: 'subid.assign', start: 166536, count: 65536 }]);
  });

  it('no room left below SUB_UID_MAX is a blocker', () => {
    const host = { ...freshHost, loginDefs: { ...freshHost.loginDefs, subUidMax: 150000, subGidMax: 150000 } };
    expect(codes(host, rootless)).toEqual(['blocker:no-free-subids']);
  });
});

describe('identity: linger and the user manager', () => {
  it('linger off: enabled, the running manager left alone', () => {
    const host = { ...rootlessDone, linger: [] };
    expect(kinds(plan(host, rootless))).toEqual(['linger.enable']);
  });

  it('manager not running: started', () => {
    const host = { ...rootlessDone, managers: [] };
    expect(plan(host, rootless)).toMatchObject([{ kind: 'systemd.unit', verb: 'start', unit: 'user@1001.service' }]);
  });

  it('rootful stacks need neither', () => {
    expect(kinds(plan(freshHost, rootful))).not.toContain('linger.enable');
    expect(kinds(plan(freshHost, rootful))).not.toContain('subid.assign');
  });
});

describe('identity: every blocker and warning says what to do', () => {
  it.each([
    ['gid-taken', freshHost, manifestSchema.parse({ ...rootless, groups: [{ name: 'demo-clients', gid: 995 }] })],
    ['subid-overlap', { ...rootlessDone, subuid: parseSubids('admin:100000:65536\ndemo:150000:65536\n') }, rootless],
  ] as const)('%s', (_code, facts, m) => {
    for (const f of checkIdentity(facts, ctxFor(m)).filter((x) => x.severity !== 'info')) expect(f.remedy).not.toBe('');
  });
});

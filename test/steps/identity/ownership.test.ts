// Issue 12 item 1: an existing group or account that keelson did not create for this stack is not the stack's to
// take, unless the manifest adopts it explicitly; GID 0 never. Facts in, findings out.
import { describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from '../../../src/manifest/schema.js';
import { checkIdentity, type IdentityFacts } from '../../../steps/identity.js';
import { parseCreatedAccounts, recordedAccounts } from '../../../steps/identity/created-accounts.js';
import { ctxFor, freshHost, rootless, withAccounts } from './fixtures.js';

const findings = (facts: IdentityFacts, m: Manifest) => checkIdentity(facts, ctxFor(m)).filter((f) => f.severity === 'blocker');
const codes = (facts: IdentityFacts, m: Manifest) => findings(facts, m).map((f) => f.code);
const withGroups = (groups: Manifest['groups']) => manifestSchema.parse({ ...rootless, groups, sockets: [{ ...rootless.sockets[0], group: groups[0]?.name }] });

describe('existing groups', () => {
  it("a system group of the host (render, GID 992) that keelson did not create is refused", () => {
    const f = findings(freshHost, withGroups([{ name: 'render' }]));
    expect(f.map((x) => x.code)).toEqual(['group-not-ours']);
    expect(f[0]?.message).toMatch(/Group render \(groups\[0\]\) already exists on this host \(GID 992\) and keelson did not create it/);
    expect(f[0]?.remedy).toMatch(/groups\[0\]: \{ name: render, adopt: true \}/);
  });

  it('the same group adopted explicitly is used', () => {
    expect(codes(freshHost, withGroups([{ name: 'render', adopt: true }]))).toEqual([]);
  });

  it("a group keelson created for another stack is named as that stack's", () => {
    const host = { ...freshHost, created: [{ kind: 'group' as const, name: 'render', stack: 'shop' }] };
    expect(findings(host, withGroups([{ name: 'render' }]))[0]?.message).toMatch(/keelson created it for stack shop, not demo/);
  });

  it('a group keelson created for this stack needs no adopt', () => {
    const host = { ...freshHost, created: [{ kind: 'group' as const, name: 'render', stack: 'demo' }] };
    expect(codes(host, withGroups([{ name: 'render' }]))).toEqual([]);
  });

  it('a group with GID 0 is refused even when adopted', () => {
    const host = withAccounts(freshHost, { groups: [{ name: 'toor', gid: 0, members: [] }], createdByKeelson: false });
    expect(codes(host, withGroups([{ name: 'toor', adopt: true }]))).toEqual(['group-is-root']);
  });
});

describe('existing accounts', () => {
  const human = manifestSchema.parse({ ...rootless, owner: 'admin', sockets: [{ ...rootless.sockets[0], owner: 'admin' }] });

  it("the host's human account (admin, UID 1000) as the owner is refused", () => {
    const f = findings(freshHost, human);
    expect(f.map((x) => x.code)).toContain('account-not-ours');
    expect(f.find((x) => x.code === 'account-not-ours')?.message).toMatch(/admin already exists on this host \(UID 1000, home \/home\/admin, shell \/bin\/bash\) and keelson did not create it/);
  });

  it('adopted explicitly, it is used (with the usual warnings)', () => {
    const adopted = manifestSchema.parse({ ...human, users: [{ name: 'admin', adopt: true }] });
    expect(codes(freshHost, adopted)).not.toContain('account-not-ours');
  });

  it("a system account of the host (messagebus) as a rootful service user is refused", () => {
    const m = manifestSchema.parse({ stack: 'shop', version: '1.0.0', mode: 'rootful', users: [{ name: 'messagebus' }], containers: [{ name: 'app', image: 'localhost/shop:1', user: 'messagebus' }] });
    expect(codes(freshHost, m)).toEqual(['account-not-ours']);
  });

  it('a new user whose same-name group exists on the host (and is not the stack\'s) is refused', () => {
    const host = withAccounts(freshHost, { groups: [{ name: 'demo', gid: 1400, members: [] }], createdByKeelson: false });
    expect(codes(host, rootless)).toEqual(['user-group-not-ours']);
  });
});

describe('the records of what keelson created', () => {
  it('reads the per-account records and the deployment record alike', () => {
    expect(parseCreatedAccounts('user-demo\tdemo\ngroup-demo-clients\tdemo\ngarbage\n')).toEqual([
      { kind: 'user', name: 'demo', stack: 'demo' },
      { kind: 'group', name: 'demo-clients', stack: 'demo' },
    ]);
    const state = JSON.stringify({ format: 'keelson-state/1', stacks: { demo: { stack: 'demo', version: '1', mode: 'rootless', owner: 'demo', keelson: '0', dataMount: { path: '/home', luksUuid: null }, top: 'demo.target', files: [], users: [{ name: 'demo', uid: 1001, gid: 1001, home: '/home/demo' }], groups: [{ name: 'demo-clients', gid: 991 }], secrets: [], images: [] } } });
    expect(recordedAccounts(state)).toEqual([
      { kind: 'user', name: 'demo', stack: 'demo' },
      { kind: 'group', name: 'demo-clients', stack: 'demo' },
    ]);
  });
});

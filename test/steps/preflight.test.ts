// Table tests: facts in → findings and actions out (the pyinfra way). No host involved.
import { describe, expect, it } from 'vitest';
import { checkPreflight, planPreflight, type PreflightFacts } from '../../steps/preflight.js';
import { NETWORK_ONLINE_DROP_IN, NETWORK_ONLINE_DROP_IN_CONTENT } from '../../steps/preflight/network-online.js';
import { parseOsRelease } from '../../src/facts/os-release.js';
import { emptyResolved } from '../../src/engine/make-plan.js';
import type { StepContext } from '../../src/engine/step.js';
import type { Manifest } from '../../src/manifest/schema.js';

const trixie = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n');
const bookworm = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
const rocky = parseOsRelease('NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\n');
const alpine = parseOsRelease('ID=alpine\nPRETTY_NAME="Alpine Linux v3.20"\n');

const installed = (names: string[], version = '1.0') => names.map((name) => ({ name, installed: version, candidate: version }));
const rootlessDebian = ['podman', 'crun', 'passt', 'uidmap', 'systemd-container', 'dbus-user-session'];

const ctx = (mode: Manifest['mode']): StepContext => ({
  manifest: { mode, containers: [] } as unknown as Manifest,
  answers: {},
  resolved: emptyResolved,
});

const base: PreflightFacts = {
  os: trixie,
  podman: { major: 5, minor: 4, patch: 2 },
  systemd: 257,
  cgroup: 'v2',
  packages: installed(rootlessDebian),
  networkOnline: 'active',
  networkOnlineDropIn: { kind: 'absent' },
  systemdBooted: true,
  userManagerUnit: true,
  unprivilegedPortStart: 1024,
};

const codes = (f: PreflightFacts, mode: Manifest['mode'] = 'rootless') =>
  checkPreflight(f, ctx(mode)).map((x) => `${x.severity}:${x.code}`);

describe('preflight check', () => {
  const table: [string, PreflightFacts, Manifest['mode'], string[]][] = [
    ['a ready trixie host', base, 'rootless', ['info:os', 'info:podman-ok', 'info:network-online-ok']],
    ['podman 4.3 installed', { ...base, podman: { major: 4, minor: 3, patch: 1 } }, 'rootless', ['info:os', 'blocker:podman-too-old', 'info:network-online-ok']],
    ['podman 4.4 has Quadlet but not the keys keelson writes', { ...base, podman: { major: 4, minor: 4, patch: 0 } }, 'rootless', ['info:os', 'blocker:podman-too-old', 'info:network-online-ok']],
    ['podman 4.8 is enough', { ...base, podman: { major: 4, minor: 8, patch: 0 } }, 'rootless', ['info:os', 'info:podman-ok', 'info:network-online-ok']],
    [
      'bookworm without podman: the candidate is 4.3',
      { ...base, os: bookworm, podman: null, packages: [{ name: 'podman', installed: null, candidate: '4.3.1+ds1-8+deb12u1' }] },
      'rootless',
      ['info:os', 'blocker:podman-candidate-too-old', 'info:network-online-ok'],
    ],
    [
      'trixie without podman: it will be installed',
      { ...base, podman: null, packages: [{ name: 'podman', installed: null, candidate: '5.4.2+ds1-2' }] },
      'rootless',
      ['info:os', 'info:podman-planned', 'info:network-online-ok'],
    ],
    [
      'podman installed but not answering',
      { ...base, podman: null },
      'rootless',
      ['info:os', 'blocker:podman-broken', 'info:network-online-ok'],
    ],
    ['no os-release', { ...base, os: null }, 'rootless', ['blocker:os-unknown', 'info:podman-ok', 'info:network-online-ok']],
    ['alpine', { ...base, os: alpine }, 'rootless', ['blocker:os-unsupported', 'info:podman-ok', 'info:network-online-ok']],
    ['no systemd', { ...base, systemd: null }, 'rootless', ['info:os', 'info:podman-ok', 'blocker:systemd-missing', 'info:network-online-ok']],
    ['old systemd', { ...base, systemd: 239 }, 'rootless', ['info:os', 'info:podman-ok', 'warning:systemd-old', 'info:network-online-ok']],
    ['cgroup v1 rootless', { ...base, cgroup: 'v1' }, 'rootless', ['info:os', 'info:podman-ok', 'blocker:cgroup-v1', 'info:network-online-ok']],
    ['cgroup v1 rootful', { ...base, cgroup: 'v1' }, 'rootful', ['info:os', 'info:podman-ok', 'warning:cgroup-v1']],
    [
      'a needed package apt cannot find',
      { ...base, packages: [...installed(rootlessDebian.filter((p) => p !== 'passt')), { name: 'passt', installed: null, candidate: null }] },
      'rootless',
      ['info:os', 'info:podman-ok', 'blocker:package-unavailable', 'info:network-online-ok'],
    ],
  ];
  it.each(table)('%s', (_name, facts, mode, expected) => {
    expect(codes(facts, mode)).toEqual(expected);
  });

  it('every blocker and warning tells the operator what to do', () => {
    for (const [, facts, mode] of table) {
      for (const f of checkPreflight(facts, ctx(mode)).filter((x) => x.severity !== 'info')) expect(f.remedy).not.toBe('');
    }
  });
});

describe('preflight plan', () => {
  it('plans nothing on a host that has every package (idempotence)', () => {
    expect(planPreflight(base, ctx('rootless'))).toEqual([]);
  });

  it('installs exactly the missing packages with the family manager', () => {
    const facts = { ...base, packages: [...installed(['podman', 'crun', 'passt', 'uidmap']), { name: 'systemd-container', installed: null, candidate: '257' }, { name: 'dbus-user-session', installed: null, candidate: '1.16' }] };
    expect(planPreflight(facts, ctx('rootless'))).toEqual([
      expect.objectContaining({ kind: 'package.install', manager: 'apt', packages: ['systemd-container', 'dbus-user-session'] }),
    ]);
  });

  it('uses dnf on a RHEL-family host and rootful package names', () => {
    const facts = { ...base, os: rocky, packages: [{ name: 'podman', installed: '5.2', candidate: null }, { name: 'crun', installed: '1.1', candidate: null }, { name: 'nftables', installed: null, candidate: null }] };
    expect(planPreflight(facts, ctx('rootful'))).toEqual([expect.objectContaining({ kind: 'package.install', manager: 'dnf', packages: ['nftables'] })]);
  });

  it('adds the static busybox a stack image is built from (imageBuild: busybox), and only then', () => {
    const building: StepContext = { ...ctx('rootless'), manifest: { mode: 'rootless', containers: [{ imageBuild: 'busybox' }] } as unknown as Manifest };
    const facts = { ...base, packages: [...base.packages, { name: 'busybox-static', installed: null, candidate: '1:1.37.0-6' }] };
    expect(planPreflight(facts, building)).toEqual([expect.objectContaining({ kind: 'package.install', packages: ['busybox-static'] })]);
    expect(planPreflight(facts, ctx('rootless'))).toEqual([]);
  });

  it('plans nothing when the OS family is unknown (the blocker explains)', () => {
    expect(planPreflight({ ...base, os: alpine, packages: [] }, ctx('rootless'))).toEqual([]);
  });
});

describe('preflight: network-online.target for rootless units', () => {
  const offline: PreflightFacts = { ...base, networkOnline: 'inactive' };
  const kinds = (f: PreflightFacts, mode: Manifest['mode'] = 'rootless') =>
    planPreflight(f, ctx(mode)).map((a) => (a.kind === 'systemd.unit' ? `${a.verb} ${a.unit}` : a.kind === 'file.write' ? `write ${a.path} over ${a.before === null ? 'nothing' : 'a file'}` : a.kind));

  it('a host where nothing wants it at boot: a drop-in of ours, a system reload, and the target reached now', () => {
    expect(codes(offline)).toContain('info:network-online-planned');
    expect(kinds(offline)).toEqual([`write ${NETWORK_ONLINE_DROP_IN} over nothing`, 'systemd.daemon-reload', 'start network-online.target']);
    const write = planPreflight(offline, ctx('rootless'))[0];
    expect(write?.kind === 'file.write' ? write.content : '').toMatch(/^\[Unit\]\nWants=network-online\.target\n$/m);
  });

  it('our drop-in already there: nothing, even while boot has not reached the target yet (a second plan stays empty)', () => {
    const facts: PreflightFacts = { ...offline, networkOnlineDropIn: { kind: 'present', content: NETWORK_ONLINE_DROP_IN_CONTENT } };
    expect(kinds(facts)).toEqual([]);
    expect(codes(facts)).toContain('info:network-online-ok');
  });

  it('a drop-in edited by hand is rewritten with what it holds now as the guard', () => {
    expect(kinds({ ...offline, networkOnlineDropIn: { kind: 'present', content: '[Unit]\n' } })).toEqual([`write ${NETWORK_ONLINE_DROP_IN} over a file`, 'systemd.daemon-reload', 'start network-online.target']);
  });

  it('an unreadable drop-in is left alone, with a warning that says what to check', () => {
    const facts: PreflightFacts = { ...offline, networkOnlineDropIn: { kind: 'unreadable', why: 'Permission denied' } };
    expect(kinds(facts)).toEqual(['start network-online.target']);
    const finding = checkPreflight(facts, ctx('rootless')).find((f) => f.code === 'network-online-drop-in-unreadable');
    expect(finding?.remedy).toContain(`ls -l ${NETWORK_ONLINE_DROP_IN}`);
  });

  it('systemd that could not be asked counts as not reached', () => {
    expect(kinds({ ...base, networkOnline: '' })).toContain('start network-online.target');
  });

  it('rootful stacks need nothing: their system units want the target themselves', () => {
    expect(kinds(offline, 'rootful')).toEqual([]);
    expect(codes(offline, 'rootful').filter((c) => c.includes('network-online'))).toEqual([]);
  });
});

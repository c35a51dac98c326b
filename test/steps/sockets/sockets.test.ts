// Table tests for the sockets step: facts (and the IDs identity resolved) in → findings and actions out.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/engine/action.js';
import type { Resolved } from '../../../src/engine/step.js';
import { manifestSchema, type Manifest } from '../../../src/manifest/schema.js';
import { parseOsRelease } from '../../../src/facts/os-release.js';
import { checkSockets, planSockets, type SocketsFacts } from '../../../steps/sockets.js';
import { probeSpecs } from '../../../steps/sockets/probe-specs.js';
import { parseCatConfig } from '../../../steps/sockets/socket-facts.js';
import { renderTmpfiles } from '../../../steps/sockets/tmpfiles.js';
import { ctxFor, rootful, rootless } from '../identity/fixtures.js';
import type { ProbeOutput } from '../../../src/facts/fact.js';
import { recordedHost, recordedStep } from '../../support/recorded-host.js';

const trixie = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n');

const rootlessIds: Resolved = { users: { demo: { uid: 1001, gid: 1001, home: '/home/demo' } }, groups: { 'demo-clients': 991 } };
const rootfulIds: Resolved = {
  users: { 'shop-app': { uid: 990, gid: 990, home: '/home/shop-app' }, 'shop-db': { uid: 989, gid: 989, home: '/home/shop-db' } },
  groups: { 'shop-clients': 991 },
};

const fresh: SocketsFacts = {
  conf: null,
  tmpfilesConfig: [],
  dirs: [{ path: '/run/demo', kind: 'absent', uid: null, gid: null, mode: null }],
  selinux: 'disabled',
  apparmor: false,
  records: {},
  busybox: '/usr/bin/busybox',
  os: trixie,
  busyboxPackage: [{ name: 'busybox-static', installed: '1:1.37.0-6', candidate: '1:1.37.0-6' }],
};


const codes = (facts: SocketsFacts, m: Manifest, ids: Resolved) => checkSockets(facts, ctxFor(m, ids)).map((f) => `${f.severity}:${f.code}`);
const plan = (facts: SocketsFacts, m: Manifest, ids: Resolved) => planSockets(facts, ctxFor(m, ids));
const kinds = (actions: Action[]) => actions.map((a) => a.kind);

describe('sockets: a fresh host', () => {
  it('rootless: tmpfiles.d file, created now, probe image, probe as the container runs in the owner\'s manager', () => {
    const actions = plan(fresh, rootless, rootlessIds);
    expect(kinds(actions)).toEqual(['file.write', 'tmpfiles.create', 'probe.image', 'probe.socket-access']);
    expect(actions[0]).toMatchObject({
      path: '/etc/tmpfiles.d/keelson-demo.conf',
      mode: '0644',
      owner: 'root',
      before: null,
    });
    expect(actions[0]?.kind === 'file.write' && actions[0].content.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['d /run/demo 0770 demo demo-clients -', '']);
    expect(actions[2]).toMatchObject({ target: { scope: 'user', user: 'demo' }, image: 'localhost/keelson-probe:1', busybox: '/usr/bin/busybox' });
    expect(actions[3]).toMatchObject({
      target: { scope: 'user', user: 'demo' },
      user: '1000:1000',
      groupAdd: 'keep-groups',
      dirs: ['/run/demo'],
      record: '/var/lib/keelson/probes/demo/1000-1000-kg.json',
    });
    // One plain sentence: what is probed, as whom, and what the probe does.
    expect(actions[3]?.description).toBe('probe /run/demo as web runs (1000:1000 with --group-add keep-groups): a short-lived container creates and reads back a file in it');
    expect(codes(fresh, rootless, rootlessIds)).toEqual([]);
  });

  it('rootful: --user UID:GID of the service user and --group-add its client groups, in the system scope', () => {
    const facts = { ...fresh, dirs: [{ path: '/run/shop-db', kind: 'absent' as const, uid: null, gid: null, mode: null }] };
    const probe = plan(facts, rootful, rootfulIds).find((a) => a.kind === 'probe.socket-access');
    expect(probe).toMatchObject({ target: { scope: 'system' }, user: '990:990', groupAdd: [991], dirs: ['/run/shop-db'], record: '/var/lib/keelson/probes/shop/990-990-g991.json' });
    expect(probe?.description).toBe('probe /run/shop-db as app runs (990:990 with --group-add 991): a short-lived container creates and reads back a file in it');
    expect(codes(facts, rootful, rootfulIds)).toEqual([]);
  });

  it('no static busybox on Debian: busybox-static is installed first', () => {
    const actions = plan({ ...fresh, busybox: null }, rootless, rootlessIds);
    expect(kinds(actions)).toEqual(['file.write', 'tmpfiles.create', 'package.install', 'probe.image', 'probe.socket-access']);
    expect(actions[3]).toMatchObject({ busybox: '/bin/busybox' });
  });

  it('no busybox and no way to install it: a blocker', () => {
    expect(codes({ ...fresh, busybox: null, busyboxPackage: [{ name: 'busybox-static', installed: null, candidate: null }] }, rootless, rootlessIds)).toEqual(['blocker:probe-no-busybox']);
    expect(codes({ ...fresh, busybox: null, os: parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\n') }, rootless, rootlessIds)).toEqual(['blocker:probe-no-busybox']);
  });
});

// The demo stack's host after keelson installed it, as the test VM answered (test/fixtures/hosts/): the tmpfiles.d
// file, the directory and a passed probe record are the real ones, read through the real parsers.
describe('sockets: a host keelson installed the demo on (recorded)', () => {
  const host = recordedHost('demo-installed');
  const answer = (stdout: string, exitCode = 0): ProbeOutput => ({ exitCode, stdout, stderr: '' });
  const step = (raw: Record<string, ProbeOutput> = {}) => {
    const { values, ctx } = recordedStep(host, 'sockets', raw);
    return { facts: values as unknown as SocketsFacts, ctx };
  };
  const dirs = (line: string) => ({ 'socket-dirs:/run/keelson-demo': answer(line) });
  const planned = (raw: Record<string, ProbeOutput> = {}) => {
    const { facts, ctx } = step(raw);
    return planSockets(facts, ctx);
  };
  const found = (raw: Record<string, ProbeOutput> = {}) => {
    const { facts, ctx } = step(raw);
    return checkSockets(facts, ctx).map((f) => `${f.severity}:${f.code}`);
  };
  const record = JSON.parse(host.raw.get('probe-records:demo')?.stdout.split('\t')[1] ?? '{}') as Record<string, unknown>;

  it('the file, the directory and a passed probe under the same conditions are there: nothing to do', () => {
    expect(planned()).toEqual([]);
    expect(found()).toEqual(['info:apparmor']);
  });

  it('a directory changed by hand (0755): systemd-tmpfiles puts it right, the file is left alone', () => {
    expect(kinds(planned(dirs('/run/keelson-demo\tdir\t1001\t991\t755\n')))).toEqual(['tmpfiles.create']);
  });

  it('after a reboot before tmpfiles ran (directory absent): recreated', () => {
    expect(kinds(planned(dirs('/run/keelson-demo\tabsent\n')))).toEqual(['tmpfiles.create']);
  });

  it('a file in the way of the directory is a blocker', () => {
    expect(found(dirs('/run/keelson-demo\tother\n'))).toEqual(['blocker:socket-path-not-dir', 'info:apparmor']);
  });

  it('the file edited by hand: rewritten, with the old content as "before" for the diff', () => {
    const edited = 'd /run/keelson-demo 0777 keelson-demo demo-clients -\n';
    expect(planned({ 'tmpfiles-conf:demo': answer(edited) })[0]).toMatchObject({ kind: 'file.write', before: edited });
  });

  it('the socket directories leave the manifest: the file goes', () => {
    const { facts, ctx } = step();
    const m = { ...ctx.manifest, sockets: [], containers: ctx.manifest.containers.map((c) => ({ ...c, sockets: [] })) };
    expect(planSockets(facts, { ...ctx, manifest: m })).toMatchObject([{ kind: 'file.remove', path: '/etc/tmpfiles.d/keelson-demo.conf' }]);
  });

  it('a failed probe under the same conditions is a blocker with its reason, and is not re-run blindly', () => {
    const failed = { 'probe-records:demo': answer(`1000-1000-kg\t${JSON.stringify({ ...record, ok: false, reason: 'FAIL /run/keelson-demo: Permission denied' })}\n`) };
    const { facts, ctx } = step(failed);
    const findings = checkSockets(facts, ctx);
    expect(findings.map((f) => f.code)).toEqual(['apparmor', 'probe-failed']);
    expect(findings[1]?.message).toContain('Permission denied');
    expect(findings[1]?.remedy).toContain('/var/lib/keelson/probes/demo/1000-1000-kg.json');
    expect(planSockets(facts, ctx)).toEqual([]);
  });

  it('once something it depends on changed (the group got another GID), the probe runs again', () => {
    const { facts, ctx } = step();
    const moved = { ...ctx, resolved: { ...ctx.resolved, groups: { ...ctx.resolved.groups, 'demo-clients': 990 } } };
    expect(kinds(planSockets(facts, moved)).slice(-2)).toEqual(['probe.image', 'probe.socket-access']);
  });

  it('SELinux switched to enforcing invalidates the passed probe', () => {
    const enforcing = { 'selinux-state': answer('1\n') };
    expect(kinds(planned(enforcing))).toEqual(['probe.image', 'probe.socket-access']);
    expect(found(enforcing)).toEqual(['info:selinux-shared-label', 'info:apparmor']);
  });
});

describe('sockets: access the probe will refuse', () => {
  // The manifest loader refuses this (a rootful container must own or join the directory it mounts); the step
  // still warns, as a second line in case a manifest reaches it another way.
  const lacking = { ...manifestSchema.parse(rootful), users: [{ name: 'shop-app', groups: [] }, { name: 'shop-db', groups: [] }] };

  it('rootful: a service user without the directory\'s group gets a warning before the probe proves it', () => {
    const facts = { ...fresh, dirs: [] };
    expect(codes(facts, lacking, rootfulIds)).toEqual(['warning:socket-access-denied']);
    expect(plan(facts, lacking, rootfulIds).find((a) => a.kind === 'probe.socket-access')).toMatchObject({ user: '990:990', groupAdd: [] });
  });

  it('rootful: a member of the group under a mode without group write is told the mode is the reason', () => {
    const readOnly = manifestSchema.parse({ ...rootful, sockets: rootful.sockets.map((x) => ({ ...x, mode: '0750' })) });
    const findings = checkSockets({ ...fresh, dirs: [] }, ctxFor(readOnly, rootfulIds));
    expect(findings.map((f) => f.code)).toEqual(['socket-access-denied']);
    expect(findings[0]?.message).toMatch(/shop-app is in group shop-clients, but mode 0750 gives the group no write access; the probe will fail\.$/);
    expect(findings[0]?.remedy).toMatch(/^Give the directory group write access \(mode "0770" under sockets\)/);
  });

  it('rootful: the directory\'s owner reaches it through the owner bits', () => {
    const own = manifestSchema.parse({ ...rootful, containers: [{ name: 'db', image: 'localhost/shop:1', user: 'shop-db', sockets: ['/run/shop-db'] }] });
    expect(codes({ ...fresh, dirs: [] }, own, rootfulIds)).toEqual([]);
  });

  it('rootless: a container running as root inside is the owner; any other user only has the owner\'s groups', () => {
    const m = manifestSchema.parse({
      ...rootless,
      containers: [
        { name: 'web', image: 'localhost/keelson-demo:1', user: '1000:1000', sockets: ['/run/demo'] },
        { name: 'db', image: 'localhost/keelson-demo:1', user: 'postgres', sockets: ['/run/demo'] },
        { name: 'init', image: 'localhost/keelson-demo:1', user: '0', rootReason: 'chowns the data volume', sockets: ['/run/demo'] },
      ],
    });
    const specs = probeSpecs(m, rootlessIds, 'disabled');
    expect(specs.map((s) => [s.key, s.containers, s.hostUid, s.hostGids])).toEqual([
      ['1000-1000-kg', ['web', 'db'], null, [991]],
      ['0-0-kg', ['init'], 1001, [991, 1001]],
    ]);
  });
});

describe('sockets: other tmpfiles.d lines for the same directory', () => {
  const cat = (file: string) => parseCatConfig(`# ${file}\nd /run/demo 0750 root root -\n`);
  /** The rootless test stack's directory in place (the tmpfiles conflicts do not depend on the rest). */
  const rootlessDone: SocketsFacts = { ...fresh, conf: renderTmpfiles(rootless), dirs: [{ path: '/run/demo', kind: 'dir', uid: 1001, gid: 991, mode: 0o770 }] };

  it('a file read before keelson\'s wins at boot: a blocker', () => {
    expect(codes({ ...rootlessDone, tmpfilesConfig: cat('/usr/lib/tmpfiles.d/demo.conf') }, rootless, rootlessIds)).toEqual(['blocker:tmpfiles-conflict']);
  });

  it('a file read after keelson\'s loses: a warning', () => {
    expect(codes({ ...rootlessDone, tmpfilesConfig: cat('/usr/lib/tmpfiles.d/zz-demo.conf') }, rootless, rootlessIds)).toEqual(['warning:tmpfiles-duplicate']);
  });

  it('keelson\'s own file is not a conflict', () => {
    expect(codes({ ...rootlessDone, tmpfilesConfig: cat('/etc/tmpfiles.d/keelson-demo.conf') }, rootless, rootlessIds)).toEqual([]);
  });

  it('a file in the way of the directory is a blocker', () => {
    expect(codes({ ...rootlessDone, dirs: [{ path: '/run/demo', kind: 'other', uid: null, gid: null, mode: null }] }, rootless, rootlessIds)).toEqual(['blocker:socket-path-not-dir']);
  });
});

describe('sockets: never world-writable', () => {
  it('refuses to render a world-writable directory even if a manifest got past the schema', () => {
    const forged = { ...rootless, sockets: [{ dir: '/run/demo', owner: 'demo', group: 'demo-clients', mode: '0777' }] };
    expect(() => renderTmpfiles(forged)).toThrow(/world-writable/);
  });

  it('the schema refuses it first', () => {
    expect(manifestSchema.safeParse({ ...rootless, sockets: [{ dir: '/run/demo', owner: 'demo', group: 'demo-clients', mode: '0772' }] }).success).toBe(false);
  });
});

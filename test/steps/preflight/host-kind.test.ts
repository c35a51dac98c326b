// Issue 12 items 7 and 8: what the host really is. Facts in (as the probes read them), findings out.
import { describe, expect, it } from 'vitest';
import { emptyResolved } from '../../../src/engine/make-plan.js';
import { manifestSchema, type Manifest } from '../../../src/manifest/schema.js';
import { checkPreflight, type PreflightFacts } from '../../../steps/preflight.js';
import { systemdBootedFact, unprivilegedPortStartFact, userManagerUnitFact } from '../../../steps/preflight/host-kind.js';

const out = (stdout: string, exitCode = 0) => ({ stdout, stderr: '', exitCode });
const manifest = (mode: Manifest['mode'], publish: string[]) => manifestSchema.parse({
  stack: 'demo', version: '1.0.0', mode, owner: 'demo', networks: [{ name: 'edge', internal: false }],
  containers: [{ name: 'web', image: 'localhost/web:1', user: '1000:1000', networks: ['edge'], publish }],
});
const facts = (over: Partial<PreflightFacts>): PreflightFacts => ({
  os: { id: 'debian', idLike: [], versionId: '13', prettyName: 'Debian GNU/Linux 13 (trixie)', family: 'debian' },
  podman: { major: 5, minor: 4, patch: 2 }, systemd: 257, cgroup: 'v2',
  packages: ['podman', 'crun', 'passt', 'uidmap', 'systemd-container', 'dbus-user-session', 'nftables'].map((name) => ({ name, installed: '1', candidate: '1' })),
  networkOnline: 'active', networkOnlineDropIn: { kind: 'absent' },
  systemdBooted: true, userManagerUnit: true, unprivilegedPortStart: 1024,
  ...over,
});
const blockers = (f: PreflightFacts, m: Manifest) => checkPreflight(f, { manifest: m, answers: {}, resolved: emptyResolved }).filter((x) => x.severity === 'blocker');

describe('item 7: systemd must be PID 1, not merely installed', () => {
  it('reads /run/systemd/system', () => {
    expect(systemdBootedFact.parse(out('yes\n'))).toBe(true);
    expect(systemdBootedFact.parse(out('no\n'))).toBe(false);
    expect(userManagerUnitFact.parse(out('no\n'))).toBe(false);
  });

  it('systemctl answers but systemd is not running the host: a blocker with the reason', () => {
    const b = blockers(facts({ systemdBooted: false }), manifest('rootful', []));
    expect(b.map((x) => x.code)).toEqual(['systemd-not-pid1']);
    expect(b[0]?.message).toMatch(/no \/run\/systemd\/system/);
  });

  it("rootless without a user@.service: the owner's manager cannot start", () => {
    expect(blockers(facts({ userManagerUnit: false }), manifest('rootless', [])).map((x) => x.code)).toEqual(['user-manager-missing']);
    expect(blockers(facts({ userManagerUnit: false }), manifest('rootful', []))).toEqual([]);
  });
});

describe('item 8: rootless ports below net.ipv4.ip_unprivileged_port_start', () => {
  it('reads the sysctl', () => {
    expect(unprivilegedPortStartFact.parse(out('1024\n'))).toBe(1024);
    expect(unprivilegedPortStartFact.parse(out('', 1))).toBeNull();
  });

  it('a rootless publish of port 443 is a blocker with the sysctl remedy', () => {
    const b = blockers(facts({}), manifest('rootless', ['127.0.0.1:443:8443']));
    expect(b.map((x) => x.code)).toEqual(['publish-privileged-port']);
    expect(b[0]?.message).toMatch(/containers\[0\]\.publish\[0\] "127\.0\.0\.1:443:8443" binds host port 443, below net\.ipv4\.ip_unprivileged_port_start \(1024\)/);
    expect(b[0]?.remedy).toMatch(/net\.ipv4\.ip_unprivileged_port_start=443/);
  });

  it('allowed by the host, or rootful, or above the limit: no blocker', () => {
    expect(blockers(facts({ unprivilegedPortStart: 80 }), manifest('rootless', ['127.0.0.1:443:8443']))).toEqual([]);
    expect(blockers(facts({}), manifest('rootful', ['127.0.0.1:443:8443']))).toEqual([]);
    expect(blockers(facts({}), manifest('rootless', ['127.0.0.1:8443:8443']))).toEqual([]);
  });
});

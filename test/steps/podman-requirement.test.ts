// One answer to "is this Podman enough?": preflight and the Quadlet step read the same requirements (each with the
// Quadlet key that needs it), so a host is never told "has Quadlet" by one step and blocked by the next, and one
// Podman problem is one blocker, not two.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/finding.js';
import type { StepContext } from '../../src/engine/step.js';
import { parseOsRelease } from '../../src/facts/os-release.js';
import type { Version } from '../../src/facts/version.js';
import { checkPreflight, type PreflightFacts } from '../../steps/preflight.js';
import { checkQuadlet } from '../../steps/quadlet/check.js';
import type { QuadletFacts } from '../../steps/quadlet/desired.js';
import { planQuadlet } from '../../steps/quadlet/plan.js';
import { MIN_PODMAN, PODMAN_REQUIREMENTS, podmanFeatures } from '../../steps/quadlet/podman-features.js';
import { answersFor, freshQuadletFacts, loadStack, resolved } from './quadlet/fixtures.js';
import { recordedHost, recordedPlans } from '../support/recorded-host.js';

const demo = loadStack('demo');
const ctx: StepContext = { manifest: demo, answers: answersFor.demo ?? {}, resolved };
const rootless = ['podman', 'crun', 'passt', 'uidmap', 'systemd-container', 'dbus-user-session'];

const preflightFacts = (podman: Version | null, candidate: string | null): PreflightFacts => ({
  os: parseOsRelease('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n'),
  podman,
  systemd: 257,
  cgroup: 'v2',
  packages: rootless.map((name) => ({ name, installed: name === 'podman' && podman === null ? null : '1.0', candidate: name === 'podman' ? candidate : '1.0' })),
  networkOnline: 'active',
  networkOnlineDropIn: { kind: 'absent' },
  systemdBooted: true,
  userManagerUnit: true,
  unprivilegedPortStart: 1024,
});

const quadletFacts = (podman: Version | null, candidate: string | null): QuadletFacts => {
  const fresh = freshQuadletFacts();
  return { ...fresh, podman, podmanPackage: [{ name: 'podman', installed: podman === null ? null : '1.0', candidate }] };
};

const blockers = (findings: Finding[]) => findings.filter((f) => f.severity === 'blocker').map((f) => f.code);
const both = (podman: Version | null, candidate: string | null) => ({
  preflight: checkPreflight(preflightFacts(podman, candidate), ctx),
  quadlet: checkQuadlet(quadletFacts(podman, candidate), ctx),
});

describe('the Podman version keelson needs', () => {
  it('is the newest version any key keelson writes needs, and each requirement names its key', () => {
    const required = PODMAN_REQUIREMENTS.filter((r) => r.required);
    expect(required.map((r) => `${r.since.major}.${r.since.minor}`)).toEqual(['4.4', '4.7', '4.8']);
    expect(MIN_PODMAN).toEqual({ major: 4, minor: 8 });
    for (const r of PODMAN_REQUIREMENTS) expect(r.key).toMatch(/^(?:Quadlet$|[A-Z][A-Za-z]+=)/);
  });

  it('Podman 4.6 installed: preflight blocks it, naming what it lacks, and the Quadlet step does not block it again', () => {
    const { preflight, quadlet } = both({ major: 4, minor: 6, patch: 1 }, '4.6.1');
    expect(blockers(preflight)).toEqual(['podman-too-old']);
    expect(preflight.find((f) => f.code === 'podman-too-old')?.message).toMatch(/NetworkName= and VolumeName= \(Podman 4\.7: .*ReadOnlyTmpfs= \(Podman 4\.8: /);
    expect(preflight.map((f) => f.code)).not.toContain('podman-ok');
    expect(blockers(quadlet)).toEqual([]);
    // Nothing is rendered for a Podman that cannot run it.
    expect(planQuadlet(quadletFacts({ major: 4, minor: 6, patch: 1 }, '4.6.1'), ctx)).toEqual([]);
  });

  it('bookworm (Podman 4.3 to be installed): one blocker for the one problem', () => {
    const { preflight, quadlet } = both(null, '4.3.1+ds1-8+deb12u1');
    expect([...blockers(preflight), ...blockers(quadlet)]).toEqual(['podman-candidate-too-old']);
  });

  it('Podman 4.8 is enough for both steps, with the optional keys off', () => {
    const { preflight, quadlet } = both({ major: 4, minor: 8, patch: 0 }, '4.8.0');
    expect([...blockers(preflight), ...blockers(quadlet)]).toEqual([]);
    expect(podmanFeatures({ major: 4, minor: 8 })).toEqual({ quadlet: true, resourceNames: true, readOnlyTmpfs: true, notifyHealthy: false, groupAddKey: false, quadletDependencies: false });
    expect(podmanFeatures({ major: 5, minor: 5 })).toEqual({ quadlet: true, resourceNames: true, readOnlyTmpfs: true, notifyHealthy: true, groupAddKey: true, quadletDependencies: true });
  });
});

describe('on the recorded test host (Debian 13, before the install), with its Podman answer replaced', () => {
  const host = recordedHost('demo-fresh');
  const allBlockers = (podman: string) =>
    recordedPlans(host, { 'podman-version': { exitCode: 0, stdout: `podman version ${podman}\n`, stderr: '' } }).flatMap((p) => p.findings.filter((f) => f.severity === 'blocker').map((f) => `${p.id}:${f.code}`));

  it('as recorded (5.4.2): no blocker anywhere', () => {
    expect(allBlockers('5.4.2')).toEqual([]);
  });

  it('Podman 4.6.1: the whole plan has exactly one blocker, preflight\'s', () => {
    expect(allBlockers('4.6.1')).toEqual(['preflight:podman-too-old']);
  });
});

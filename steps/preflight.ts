// Preflight: is this a host keelson can deploy onto at all? OS family, Podman new enough for every Quadlet key keelson
// writes (steps/quadlet/podman-features.ts: the one list of what needs which Podman),
// systemd, cgroup v2, the packages the chosen mode needs (planned for install where missing), and for rootless
// stacks a network-online.target that boot reaches (steps/preflight/network-online.ts).
import type { Fact } from '../src/facts/fact.js';
import { osReleaseFact, type OsRelease } from '../src/facts/os-release.js';
import { packagesFact, type PackageState } from '../src/facts/packages.js';
import { formatMajorMinor, formatVersion, parseVersion, type Version } from '../src/facts/version.js';
import type { Action } from '../src/engine/action.js';
import { blocker, info, warning, type Finding } from '../src/engine/finding.js';
import { defineStep, type StepContext } from '../src/engine/step.js';
import type { Manifest } from '../src/manifest/schema.js';
import { checkNetworkOnline, NETWORK_ONLINE_DROP_IN, networkOnlineFact, planNetworkOnline, type NetworkOnlineFacts } from './preflight/network-online.js';
import { describeRequirement, MIN_PODMAN, missingRequirements, podmanVersionOf } from './quadlet/podman-features.js';
import { fileFact } from './storage/facts.js';
import { checkHostKind, hostKindFacts, type HostKindFacts } from './preflight/host-kind.js';

export interface PreflightFacts extends NetworkOnlineFacts, HostKindFacts {
  readonly os: OsRelease | null;
  readonly podman: Version | null;
  readonly systemd: number | null;
  readonly cgroup: 'v2' | 'v1' | 'unknown';
  readonly packages: readonly PackageState[];
}

type Family = 'debian' | 'rhel';

// Why each package: podman + crun run containers; passt is rootless networking (pasta, Podman 5's default);
// uidmap gives newuidmap for subordinate IDs; systemd-container + dbus-user-session let root reach a user's
// manager with `systemctl --user -M USER@`; nftables is what rootful netavark programs.
const PACKAGES: Record<Family, Record<Manifest['mode'], readonly string[]>> = {
  debian: {
    rootless: ['podman', 'crun', 'passt', 'uidmap', 'systemd-container', 'dbus-user-session'],
    rootful: ['podman', 'crun', 'nftables'],
  },
  rhel: {
    rootless: ['podman', 'crun', 'passt', 'shadow-utils', 'systemd-container'],
    rootful: ['podman', 'crun', 'nftables'],
  },
};

// A stack image built on the host (imageBuild: busybox) is made of a statically linked busybox.
const STATIC_BUSYBOX: Record<Family, string> = { debian: 'busybox-static', rhel: 'busybox' };

/** Without os-release we cannot know the family; ask for the Debian names, the probe reports them missing. */
export const packagesFor = (mode: Manifest['mode'], family: Family = 'debian', manifest?: Manifest): readonly string[] => [
  ...PACKAGES[family][mode],
  ...(manifest?.containers.some((c) => c.imageBuild === 'busybox') === true ? [STATIC_BUSYBOX[family]] : []),
];

// `podman --version` is answered before Podman sets up its runtime (storage, the events backend), which
// `podman version --format` does first: 0.6–1.0 s against 1.5–3.3 s on the emulated test VM. "podman version 5.4.2".
export const podmanVersionFact: Fact<Version | null> = {
  id: 'podman-version',
  probe: { argv: ['podman', '--version'] },
  parse: (o) => {
    const m = /^podman version (\S+)/.exec(o.stdout.trim());
    return o.exitCode === 0 && m?.[1] !== undefined ? parseVersion(m[1]) : null;
  },
};

export const systemdVersionFact: Fact<number | null> = {
  id: 'systemd-version',
  probe: { argv: ['systemctl', '--version'] },
  parse: (o) => {
    const m = /^systemd ([0-9]+)/.exec(o.stdout);
    return o.exitCode === 0 && m?.[1] !== undefined ? Number(m[1]) : null;
  },
};

export const cgroupFact: Fact<'v2' | 'v1' | 'unknown'> = {
  id: 'cgroup-fs',
  probe: { argv: ['stat', '-f', '-c', '%T', '/sys/fs/cgroup'] },
  parse: (o) => {
    const t = o.stdout.trim();
    return t === 'cgroup2fs' ? 'v2' : t === 'tmpfs' ? 'v1' : 'unknown';
  },
};

const familyOf = (os: OsRelease | null): Family | null =>
  os === null || os.family === 'unknown' ? null : os.family;

const missingPackages = (facts: PreflightFacts, manifest: Manifest): string[] => {
  const mode = manifest.mode;
  const family = familyOf(facts.os);
  if (family === null) return [];
  const wanted = new Set(packagesFor(mode, family, manifest));
  return facts.packages.filter((p) => wanted.has(p.name) && p.installed === null).map((p) => p.name);
};

const PODMAN_REMEDY = `Use a host with Podman ${formatMajorMinor(MIN_PODMAN)} or newer (Debian 13, RHEL 9.4+, Ubuntu 24.04), or install a newer podman, then run keelson again.`;

/** What a Podman lacks of what keelson's units need, as one sentence; null when it has it all. */
const lacking = (v: Version): string | null => {
  const missing = missingRequirements(v);
  return missing.length === 0 ? null : `lacks what keelson's units need: ${missing.map(describeRequirement).join('; ')}`;
};

// The one place the Podman version is judged: the Quadlet step renders only for a Podman that passes here and adds no
// blocker of its own, so one problem is one blocker.
const checkPodman = (facts: PreflightFacts): Finding[] => {
  const pkg = facts.packages.find((p) => p.name === 'podman');
  if (facts.podman === null && pkg?.installed !== null && pkg?.installed !== undefined) {
    return [blocker('podman-broken', `The podman package (${pkg.installed}) is installed but "podman version" does not answer.`, 'Check it by hand ("podman version"); reinstall with "apt-get install --reinstall podman" or "dnf reinstall podman".')];
  }
  const use = podmanVersionOf(facts.podman, facts.packages);
  if (use === null) {
    return [info('podman-planned', 'Podman is not installed; it will be installed.')];
  }
  const v = formatVersion(use.version);
  const missing = lacking(use.version);
  if (use.source === 'installed') {
    return missing === null
      ? [info('podman-ok', `Podman ${v} has every Quadlet key keelson writes.`)]
      : [blocker('podman-too-old', `Podman ${v} ${missing}.`, PODMAN_REMEDY)];
  }
  return missing === null
    ? [info('podman-planned', `Podman is not installed; it will be installed (${v}).`)]
    : [blocker('podman-candidate-too-old', `Podman is not installed and the package manager offers ${v}, which ${missing}.`, `Debian 12 ships 4.3: upgrade the host to Debian 13 (trixie), or enable a repository with Podman ${formatMajorMinor(MIN_PODMAN)}+.`)];
};

export const checkPreflight = (facts: PreflightFacts, ctx: StepContext): Finding[] => {
  const findings: Finding[] = [];
  const family = familyOf(facts.os);
  if (facts.os === null) {
    findings.push(blocker('os-unknown', 'This host has no /etc/os-release: keelson cannot tell which packages it needs.', 'Run keelson on a Debian 13 or RHEL 9 family host.'));
  } else if (family === null) {
    findings.push(blocker('os-unsupported', `${facts.os.prettyName} is neither Debian- nor RHEL-family.`, 'Use Debian 13 (trixie) or a RHEL 9 compatible host.'));
  } else {
    findings.push(info('os', `${facts.os.prettyName} (${family} family).`));
  }
  findings.push(...checkPodman(facts));
  if (facts.systemd === null) {
    findings.push(blocker('systemd-missing', 'systemd is not running this host: Quadlet units need it.', 'Use a host booted with systemd as PID 1.'));
  } else findings.push(...checkHostKind(facts, ctx.manifest));
  if (facts.systemd !== null && facts.systemd < 250) {
    findings.push(warning('systemd-old', `systemd ${facts.systemd} is older than the 250 keelson is tested with.`, 'Upgrade the host if units misbehave.'));
  }
  if (facts.cgroup !== 'v2') {
    const msg = `The host uses cgroup ${facts.cgroup}; rootless Podman and health checks need the unified hierarchy (v2).`;
    const remedy = 'Boot with systemd.unified_cgroup_hierarchy=1 (the default on current distributions).';
    findings.push(ctx.manifest.mode === 'rootless' ? blocker('cgroup-v1', msg, remedy) : warning('cgroup-v1', msg, remedy));
  }
  const missing = missingPackages(facts, ctx.manifest);
  if (missing.length > 0) {
    const unavailable = facts.packages.filter((p) => missing.includes(p.name) && p.candidate === null && family === 'debian');
    for (const p of unavailable) {
      findings.push(blocker('package-unavailable', `${p.name} is needed for ${ctx.manifest.mode} mode but apt has no candidate for it.`, `Run "apt-get update" on the host, or enable the repository that carries ${p.name}.`));
    }
  }
  findings.push(...checkNetworkOnline(facts, ctx.manifest));
  return findings;
};

export const planPreflight = (facts: PreflightFacts, ctx: StepContext): Action[] => {
  const family = familyOf(facts.os);
  const missing = missingPackages(facts, ctx.manifest);
  const install: Action[] =
    family === null || missing.length === 0
      ? []
      : [
          {
            kind: 'package.install',
            description: `install ${missing.join(', ')} (needed for ${ctx.manifest.mode} Quadlet)`,
            manager: family === 'debian' ? 'apt' : 'dnf',
            packages: missing,
          },
        ];
  return [...install, ...planNetworkOnline(facts, ctx.manifest)];
};

export const preflightStep = defineStep<PreflightFacts>({
  id: 'preflight',
  title: 'Preflight: OS, Podman, systemd and packages',
  facts: ({ manifest }) => ({
    os: osReleaseFact,
    podman: podmanVersionFact,
    systemd: systemdVersionFact,
    cgroup: cgroupFact,
    // Ask for both families' names: one probe, whichever manager the host has answers.
    packages: packagesFact([...new Set([...packagesFor(manifest.mode, 'debian', manifest), ...packagesFor(manifest.mode, 'rhel', manifest)])]),
    networkOnline: networkOnlineFact,
    networkOnlineDropIn: fileFact(NETWORK_ONLINE_DROP_IN),
    ...hostKindFacts,
  }),
  check: checkPreflight,
  plan: planPreflight,
});

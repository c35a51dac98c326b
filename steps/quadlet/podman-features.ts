// Which Podman keelson needs, and why: every Quadlet key keelson writes that not every Podman understands, with the
// release that brought it. Preflight blocks a Podman below MIN_PODMAN (its message lists what is missing), the
// Quadlet step renders for the features a version has; both read this one table. Checked against containers/podman's
// docs/source/markdown/podman-systemd.unit.5.md at each release tag (and podlet's per-release key lists).
import type { PackageState } from '../../src/facts/packages.js';
import { formatMajorMinor, parseVersion, versionAtLeast, type MajorMinor, type Version } from '../../src/facts/version.js';

export type PodmanFeature = 'quadlet' | 'resourceNames' | 'readOnlyTmpfs' | 'notifyHealthy' | 'groupAddKey' | 'quadletDependencies';

export interface PodmanRequirement {
  readonly feature: PodmanFeature;
  readonly since: MajorMinor;
  /** The Quadlet key (or Quadlet itself) that needs it… */
  readonly key: string;
  /** …and what keelson uses it for. */
  readonly use: string;
  /** true: keelson's units cannot be written without it; false: an older Podman gets a fallback. */
  readonly required: boolean;
}

export const PODMAN_REQUIREMENTS: readonly PodmanRequirement[] = [
  { feature: 'quadlet', since: { major: 4, minor: 4 }, key: 'Quadlet', use: 'the generator that turns .container files into units', required: true },
  { feature: 'resourceNames', since: { major: 4, minor: 7 }, key: 'NetworkName= and VolumeName=', use: 'networks and volumes named without a "systemd-" prefix', required: true },
  { feature: 'readOnlyTmpfs', since: { major: 4, minor: 8 }, key: 'ReadOnlyTmpfs=', use: 'a writable /tmp in a read-only container', required: true },
  { feature: 'notifyHealthy', since: { major: 5, minor: 0 }, key: 'Notify=healthy', use: 'a unit is active only once its health check passed; older Podman is polled instead', required: false },
  { feature: 'groupAddKey', since: { major: 5, minor: 1 }, key: 'GroupAdd=', use: 'keep-groups and client GIDs; older Podman gets PodmanArgs=--group-add=…', required: false },
  { feature: 'quadletDependencies', since: { major: 5, minor: 5 }, key: 'Wants=/Requires= naming x.container', use: 'older Podman gets the generated x.service', required: false },
];

/** The oldest Podman keelson's units work on: the newest of the required features. */
export const MIN_PODMAN: MajorMinor = PODMAN_REQUIREMENTS.filter((r) => r.required)
  .map((r) => r.since)
  .reduce((a, b) => (versionAtLeast(a, b) ? a : b));

export type PodmanFeatures = Readonly<Record<PodmanFeature, boolean>>;

export const podmanFeatures = (v: MajorMinor): PodmanFeatures =>
  Object.fromEntries(PODMAN_REQUIREMENTS.map((r) => [r.feature, versionAtLeast(v, r.since)])) as Record<PodmanFeature, boolean>;

/** The required features this Podman lacks, oldest first; empty when it is enough. */
export const missingRequirements = (v: MajorMinor): PodmanRequirement[] => PODMAN_REQUIREMENTS.filter((r) => r.required && !versionAtLeast(v, r.since));

/** "ReadOnlyTmpfs= (Podman 4.8: a writable /tmp in a read-only container)": a requirement as a finding names it. */
export const describeRequirement = (r: PodmanRequirement): string => `${r.key} (Podman ${formatMajorMinor(r.since)}: ${r.use})`;

/** The Podman a plan is for: the installed one, else what the package manager would install (preflight installs it). */
export const podmanVersionOf = (installed: Version | null, packages: readonly PackageState[]): { version: Version; source: 'installed' | 'candidate' } | null => {
  if (installed !== null) return { version: installed, source: 'installed' };
  const candidate = packages.find((p) => p.name === 'podman')?.candidate;
  const v = candidate === undefined || candidate === null ? null : parseVersion(candidate);
  return v === null ? null : { version: v, source: 'candidate' };
};

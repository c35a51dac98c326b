// What the host really is, beyond "systemctl is installed": systemd running as PID 1 (/run/systemd/system exists only
// then: sd_booted), the user-manager template a rootless stack runs under, and the lowest port an unprivileged
// process may bind (a rootless stack's published ports go through the owner's user namespace).
import { blocker, type Finding } from '../../src/engine/finding.js';
import type { Fact } from '../../src/facts/fact.js';
import { parsePublish } from '../../src/manifest/publish.js';
import type { Manifest } from '../../src/manifest/schema.js';

export interface HostKindFacts {
  readonly systemdBooted: boolean;
  readonly userManagerUnit: boolean;
  /** net.ipv4.ip_unprivileged_port_start, or null when the kernel does not say. */
  readonly unprivilegedPortStart: number | null;
}

export const systemdBootedFact: Fact<boolean> = {
  id: 'systemd-booted',
  probe: { sh: '[ -d /run/systemd/system ] && echo yes || echo no' },
  parse: (o) => o.stdout.trim() === 'yes',
};

export const userManagerUnitFact: Fact<boolean> = {
  id: 'user-manager-unit',
  probe: { sh: 'for f in /etc/systemd/system/user@.service /usr/lib/systemd/system/user@.service /lib/systemd/system/user@.service; do [ -e "$f" ] && { echo yes; exit 0; }; done; echo no' },
  parse: (o) => o.stdout.trim() === 'yes',
};

export const unprivilegedPortStartFact: Fact<number | null> = {
  id: 'ip-unprivileged-port-start',
  probe: { argv: ['cat', '/proc/sys/net/ipv4/ip_unprivileged_port_start'] },
  parse: (o) => (o.exitCode === 0 && /^[0-9]+\s*$/.test(o.stdout) ? Number(o.stdout.trim()) : null),
};

export const hostKindFacts = { systemdBooted: systemdBootedFact, userManagerUnit: userManagerUnitFact, unprivilegedPortStart: unprivilegedPortStartFact };

export const checkHostKind = (facts: HostKindFacts, m: Manifest): Finding[] => {
  const findings: Finding[] = [];
  if (!facts.systemdBooted) {
    findings.push(blocker('systemd-not-pid1', 'systemd is installed but is not running this host (no /run/systemd/system: a container, a chroot, or another init): Quadlet units would never start, and nothing could reload the system manager.',
      'Run keelson on a host (or VM) booted with systemd as PID 1.'));
    return findings;
  }
  if (m.mode === 'rootless' && !facts.userManagerUnit) {
    findings.push(blocker('user-manager-missing', `systemd on this host has no user@.service: ${m.owner ?? 'the owner'}'s user manager, which runs a rootless stack, cannot start.`,
      'Install systemd\'s user-session support (Debian: systemd, libpam-systemd), or use mode: rootful.'));
  }
  const start = facts.unprivilegedPortStart;
  if (m.mode === 'rootless' && start !== null) {
    m.containers.forEach((c, i) => {
      c.publish.forEach((p, j) => {
        const port = Number(parsePublish(p)?.hostPort ?? 0);
        if (port < start) {
          findings.push(blocker('publish-privileged-port', `containers[${i}].publish[${j}] "${p}" binds host port ${port}, below net.ipv4.ip_unprivileged_port_start (${start}): the rootless owner may not bind it, and ${c.name} would fail to start.`,
            `Publish a port of ${start} or above (e.g. behind a reverse proxy), or allow it: echo 'net.ipv4.ip_unprivileged_port_start=${port}' > /etc/sysctl.d/50-keelson-ports.conf && sysctl --system`));
        }
      });
    });
  }
  return findings;
};

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KNOWN_PACKAGES, packagesFact, parsePackageStates } from '../../src/facts/packages.js';

describe('packages fact', () => {
  it('reads dpkg and apt-cache answers (recorded on Debian 12)', () => {
    const out = [
      '#dpkg',
      'dbus-user-session\tinstall ok installed\t1.14.10-1~deb12u1',
      'systemd-container\tunknown ok not-installed\t',
      '#apt',
      'podman:',
      '  Installed: (none)',
      '  Candidate: 4.3.1+ds1-8+deb12u1+b3',
      '  Version table:',
      '     4.3.1+ds1-8+deb12u1+b3 500',
      'shadow-utils:',
      '  Installed: (none)',
      '  Candidate: (none)',
      'dbus-user-session:',
      '  Installed: 1.14.10-1~deb12u1',
      '  Candidate: 1.14.10-1~deb12u1',
    ].join('\n');
    expect(parsePackageStates(out, ['dbus-user-session', 'podman', 'shadow-utils', 'systemd-container'])).toEqual([
      { name: 'dbus-user-session', installed: '1.14.10-1~deb12u1', candidate: '1.14.10-1~deb12u1' },
      { name: 'podman', installed: null, candidate: '4.3.1+ds1-8+deb12u1+b3' },
      { name: 'shadow-utils', installed: null, candidate: null },
      { name: 'systemd-container', installed: null, candidate: null },
    ]);
  });

  it('reads rpm answers', () => {
    expect(parsePackageStates('#rpm\npodman\t5.2.2-1.el9\npackage crun is not installed\n', ['crun', 'podman'])).toEqual([
      { name: 'crun', installed: null, candidate: null },
      { name: 'podman', installed: '5.2.2-1.el9', candidate: null },
    ]);
  });

  it('runs for real on this machine and agrees with dpkg-query asked directly', () => {
    const fact = packagesFact(['podman', 'uidmap']);
    if (!('sh' in fact.probe)) throw new Error('expected a sh probe');
    const stdout = execFileSync('sh', ['-c', fact.probe.sh, 'x', ...(fact.probe.args ?? [])], { encoding: 'utf8' });
    const states = fact.parse({ stdout, stderr: '', exitCode: 0 });
    expect(states.map((p) => p.name)).toEqual(KNOWN_PACKAGES);
    for (const p of states) {
      let status: string;
      try {
        status = execFileSync('dpkg-query', ['-W', '-f=${Status}', p.name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        status = 'not known to dpkg';
      }
      expect(p.installed !== null, `${p.name}: ${status}`).toBe(status === 'install ok installed');
    }
  });

  it('is one shared probe whatever a step asks for, and refuses a package nobody listed', () => {
    expect(packagesFact(['podman'])).toBe(packagesFact(['busybox-static', 'crun']));
    expect(() => packagesFact(['no-such-package'])).toThrow(/KNOWN_PACKAGES/);
  });
});

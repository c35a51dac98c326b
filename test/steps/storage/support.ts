// Test helpers: recorded samples, framed probe answers, and a baseline of facts for table tests.
import { readFileSync } from 'node:fs';
import type { ProbeOutput } from '../../../src/facts/fact.js';
import { parseOsRelease } from '../../../src/facts/os-release.js';
import { emptyResolved } from '../../../src/engine/make-plan.js';
import type { StepContext } from '../../../src/engine/step.js';
import type { Manifest } from '../../../src/manifest/schema.js';
import { parseDf } from '../../../steps/storage/facts.js';
import { parseDataVolume } from '../../../steps/storage/volume-probe.js';
import { parseFindmnt } from '../../../steps/storage/findmnt.js';
import type { StorageFacts } from '../../../steps/storage/model.js';

export const sample = (name: string): string => readFileSync(new URL(`./samples/${name}`, import.meta.url), 'utf8');

/** A probe answer framed the way the storage probe scripts print it. */
export const sections = (parts: Record<string, { stdout?: string; stderr?: string; exitCode?: number }>): ProbeOutput => ({
  exitCode: 0,
  stderr: '',
  stdout: Object.entries(parts)
    .map(([name, p]) => `${name} ${p.exitCode ?? 0} ${Buffer.from(p.stdout ?? '').toString('base64')} ${Buffer.from(p.stderr ?? '').toString('base64')}`)
    .join('\n'),
});

// ---------------------------------------------------------------------------------------------------------
// A host that complies: LUKS2 /home with a key file, audit on its own disk, auditd set to halt.


export const LUKS_UUID = 'b175eb25-707f-42d5-873f-e69691cce1b8';
/** The ext4 on /dev/mapper/home. */
export const HOME_FS_UUID = '4902031e-39fd-4564-b7d2-9d672ea18fa0';
export const ROOT_FSTAB = 'UUID=18668c3e-4ae1-4385-a1c8-954189b2c53c / ext4 errors=remount-ro 0 1\n';
export const MACHINE_ID = '0123456789abcdef0123456789abcdef';
export const trixie = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n');
export const rocky = parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="Rocky Linux 9.4"\n');

export const COMPLIANT_AUDITD_CONF = `#
# This file controls the configuration of the audit daemon
#
log_file = /var/log/audit/audit.log
max_log_file_action = KEEP_LOGS
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = HALT
disk_full_action = HALT
disk_error_action = HALT
`;

export const DEBIAN_AUDITD_CONF = COMPLIANT_AUDITD_CONF.replace('KEEP_LOGS', 'ROTATE')
  .replace('admin_space_left_action = HALT', 'admin_space_left_action = SUSPEND')
  .replace('disk_full_action = HALT', 'disk_full_action = SUSPEND')
  .replace('disk_error_action = HALT', 'disk_error_action = SUSPEND');

export const luksVolume = (over: Record<string, { stdout?: string; stderr?: string; exitCode?: number }> = {}) =>
  parseDataVolume(
    sections({
      probed: { stdout: '/home' },
      findmnt: { stdout: sample('trixie-findmnt-home-luks.json') },
      lsblk: { stdout: sample('trixie-lsblk-s-luks-home.json') },
      'dump:/dev/vdb': { stdout: sample('trixie-luks2.dump.txt') },
      'json:/dev/vdb': { stdout: sample('trixie-luks2.metadata.json') },
      'empty:/dev/vdb': emptyTest('trixie-luks2.empty-refused.txt'),
      'keyfile:home': { stdout: '400 root root 43\n' },
      ...over,
    }),
  );

export const plainVolume = () =>
  parseDataVolume(sections({ probed: { stdout: '/home' }, findmnt: { stdout: sample('trixie-findmnt-root.json') }, lsblk: { stdout: sample('trixie-lsblk-s-root.json') } }));

/** A recorded `cryptsetup open --test-passphrase` answer: its output, then "exit=N". */
export const emptyTest = (name: string): { stdout: string; exitCode: number } => {
  const text = sample(name);
  return { stdout: text.replace(/exit=[0-9]+\n?$/, ''), exitCode: Number(/exit=([0-9]+)/.exec(text)?.[1] ?? 1) };
};

export const present = (content: string) => ({ kind: 'present', content }) as const;

export const baseFacts: StorageFacts = {
  volume: luksVolume(),
  crypttab: present(`# <target name>\t<source device>\t\t<key file>\t<options>\nhome UUID=${LUKS_UUID} /etc/cryptsetup-keys.d/home.key luks,nofail\n`),
  fstab: present(`${ROOT_FSTAB}/dev/disk/by-id/virtio-audit /var/log/audit ext4 defaults,nodev,noexec,nosuid 0 2\n/dev/mapper/home /home ext4 defaults,nofail,x-systemd.device-timeout=10min 0 2\n`),
  auditdConf: present(COMPLIANT_AUDITD_CONF),
  auditMount: parseFindmnt(sample('trixie-findmnt-audit.json')),
  auditSpace: parseDf(sample('trixie-df-audit.txt')),
  tools: { cryptsetup: true, cryptsetupGenerator: true, auditd: true, auditdActive: 'active', auditdEnabled: 'enabled', auditdCanReload: false },
  machineId: MACHINE_ID,
  record: { kind: 'present', luksUuid: LUKS_UUID, machineId: MACHINE_ID, dataMount: '/home' },
  os: trixie,
};

export const ctxFor = (over: { mode?: Manifest['mode']; dataMount?: string; answers?: Record<string, string> } = {}): StepContext => ({
  manifest: { mode: over.mode ?? 'rootless', dataMount: over.dataMount ?? '/home' } as Manifest,
  answers: over.answers ?? {},
  resolved: emptyResolved,
});

// Table tests: facts in → findings out (the pyinfra way). No host involved.
import { describe, expect, it } from 'vitest';
import { checkStorage } from '../../../steps/storage.js';
import type { StorageFacts } from '../../../steps/storage/model.js';
import { LUKS_DEVICE_ANSWER } from '../../../steps/storage/setup-request.js';
import { parseFindmnt } from '../../../steps/storage/findmnt.js';
import { parseCandidate } from '../../../steps/storage/candidate-probe.js';
import {
  baseFacts,
  ctxFor,
  DEBIAN_AUDITD_CONF,
  LUKS_UUID,
  luksVolume,
  MACHINE_ID,
  plainVolume,
  present,
  rocky,
  sample,
  sections,
  emptyTest,
  HOME_FS_UUID,
  ROOT_FSTAB,
} from './support.js';

type Ctx = Parameters<typeof ctxFor>[0];

const codes = (facts: StorageFacts, ctx: Ctx = {}) =>
  checkStorage(facts, ctxFor(ctx))
    .filter((f) => f.severity !== 'info')
    .map((f) => `${f.severity}:${f.code}`);

const has = (facts: StorageFacts, code: string, ctx: Ctx = {}) => checkStorage(facts, ctxFor(ctx)).find((f) => f.code === code);

const audit = (over: Partial<StorageFacts>): StorageFacts => ({ ...baseFacts, ...over });
const volume = (over: Parameters<typeof luksVolume>[0]): StorageFacts => ({ ...baseFacts, volume: luksVolume(over) });
const crypttab = (text: string): StorageFacts => ({ ...baseFacts, crypttab: present(text) });
const fstab = (text: string): StorageFacts => ({ ...baseFacts, fstab: present(text) });

const luks1 = { 'dump:/dev/vdb': { stdout: sample('luks1-two-slots.dump.txt') }, 'json:/dev/vdb': { exitCode: 1, stderr: 'Dump operation is not supported for this device type.\n' } };
const weakJson = JSON.stringify({
  keyslots: { '0': { type: 'luks2', key_size: 32, kdf: { type: 'argon2id' } } },
  segments: { '0': { type: 'crypt', encryption: 'aes-cbc-essiv:sha256' } },
  digests: { '0': { type: 'pbkdf2', keyslots: ['0'], segments: ['0'] } },
  tokens: {},
});
const ROOT = ROOT_FSTAB;

describe('storage check: the data volume', () => {
  const table: [string, StorageFacts, string[], Ctx?][] = [
    ['a compliant host: LUKS2 /home, audit on its own disk, auditd halts', baseFacts, []],
    ['unencrypted /home on the root filesystem', { ...baseFacts, volume: plainVolume() }, ['blocker:data-not-encrypted']],
    ['plain dm-crypt without a LUKS header', { ...baseFacts, volume: luksVolume({ lsblk: { stdout: sample('trixie-lsblk-s-luks-home.json').replace('"crypto_LUKS"', 'null') } }) }, ['blocker:data-plain-dmcrypt']],
    ['findmnt fails', { ...baseFacts, volume: luksVolume({ findmnt: { exitCode: 1, stderr: 'findmnt: not found' } }) }, ['blocker:data-mount-unknown']],
    ['/home on tmpfs (no block device to follow)', { ...baseFacts, volume: luksVolume({ findmnt: { stdout: '{"filesystems":[{"target":"/home","source":"tmpfs","fstype":"tmpfs","options":"rw"}]}' }, lsblk: { exitCode: 1 } }) }, ['blocker:data-encryption-unknown']],
    ['LUKS1 with pbkdf2', { ...volume(luks1), crypttab: present('home UUID=5fe095a4-caca-4c9c-a7ac-1b286ddc6a52 /etc/cryptsetup-keys.d/home.key luks\n') }, ['warning:luks1', 'warning:luks-pbkdf']],
    ['AES-CBC with a 256-bit key', volume({ 'json:/dev/vdb': { stdout: weakJson } }), ['warning:luks-cipher', 'warning:luks-key-size']],
    ['an empty passphrase opens slot 1 (recorded)', volume({ 'empty:/dev/vdb': emptyTest('trixie-luks2.empty-opens.txt') }), ['blocker:luks-empty-passphrase']],
    ['the empty passphrase could not be tested', volume({ 'empty:/dev/vdb': { exitCode: 1, stderr: 'Nothing to read on input.\n' } }), ['warning:luks-empty-passphrase-untested']],
    ['the header cannot be read', volume({ 'dump:/dev/vdb': { exitCode: 4, stderr: 'Device /dev/vdb does not exist or access denied.\n' } }), ['warning:luks-header-unreadable']],
  ];
  it.each(table)('%s', (_name, facts, expected, ctx) => {
    expect(codes(facts, ctx)).toEqual(expected);
  });

  it('says where /home is and how keelson can encrypt it', () => {
    const f = has({ ...baseFacts, volume: plainVolume() }, 'data-not-encrypted');
    expect(f?.message).toContain('/dev/vda1 (ext4, mounted at /)');
    expect(f?.remedy).toContain('--setup-luks');
  });

  it('names the slot an empty passphrase opens in the remedy', () => {
    expect(has(volume({ 'empty:/dev/vdb': { stdout: 'Key slot 1 unlocked.\n' } }), 'luks-empty-passphrase')?.remedy).toBe(
      "Remove that slot: cryptsetup luksKillSlot /dev/vdb 1 (it asks for another slot's passphrase).",
    );
  });

  it('reports the key slots in use', () => {
    expect(has(baseFacts, 'luks-keyslots')?.message).toMatch(/^\/dev\/vdb: 1 key slot in use \(0\)\. /);
  });
});

describe('storage check: per-instance key', () => {
  const table: [string, StorageFacts, string[]][] = [
    ['no record yet: it will be made', { ...baseFacts, record: { kind: 'absent' } }, []],
    ['a clone: same volume, another machine', { ...baseFacts, machineId: 'ffffffffffffffffffffffffffffffff' }, ['blocker:luks-cloned-volume']],
    ['the volume was replaced on this machine', { ...baseFacts, record: { kind: 'present', luksUuid: '11111111-2222-3333-4444-555555555555', machineId: MACHINE_ID, dataMount: '/home' } }, []],
    ['no machine-id', { ...baseFacts, machineId: null }, ['warning:machine-id-missing']],
    ['an unreadable record', { ...baseFacts, record: { kind: 'unreadable', why: 'it is not JSON' } }, ['warning:storage-record-unreadable']],
  ];
  it.each(table)('%s', (_name, facts, expected) => {
    expect(codes(facts)).toEqual(expected);
  });

  it('tells a clone how to get a key of its own', () => {
    const f = has({ ...baseFacts, machineId: 'ffffffffffffffffffffffffffffffff' }, 'luks-cloned-volume');
    expect(f?.message).toContain(`recorded on machine ${MACHINE_ID}`);
    expect(f?.remedy).toContain('cryptsetup reencrypt /dev/vdb');
  });
});

describe('storage check: does it come back at boot', () => {
  const table: [string, StorageFacts, string[]][] = [
    ['no crypttab entry', crypttab('# empty\n'), ['blocker:crypttab-missing']],
    ['crypttab names another volume', crypttab('home UUID=11111111-2222-3333-4444-555555555555 /etc/cryptsetup-keys.d/home.key luks\n'), ['blocker:crypttab-wrong-device']],
    ['crypttab by a device path that resolves to the LUKS disk', { ...volume({ 'crypttab-source:home': { stdout: '/dev/vdb\n' } }), crypttab: present('home /dev/disk/by-id/virtio-home /etc/cryptsetup-keys.d/home.key luks\n') }, []],
    ['crypttab by a path keelson cannot resolve', crypttab('home /dev/disk/by-id/virtio-home /etc/cryptsetup-keys.d/home.key luks\n'), ['warning:crypttab-source-unverified']],
    ['crypttab noauto', crypttab(`home UUID=${LUKS_UUID} /etc/cryptsetup-keys.d/home.key luks,noauto\n`), ['blocker:crypttab-noauto']],
    ['a passphrase typed at boot, without nofail', crypttab(`home UUID=${LUKS_UUID} none luks\n`), ['warning:crypttab-passphrase-at-boot']],
    ['a TPM2 token opens it', crypttab(`home UUID=${LUKS_UUID} - luks,tpm2-device=auto\n`), []],
    ['the key file is missing', volume({ 'keyfile:home': { exitCode: 1, stderr: 'stat: cannot statx: No such file or directory\n' } }), ['blocker:crypttab-keyfile-missing']],
    ['the key file is world-readable', volume({ 'keyfile:home': { stdout: '644 root root 43\n' } }), ['warning:crypttab-keyfile-exposed']],
    ['the key file sits inside the volume it opens', crypttab(`home UUID=${LUKS_UUID} /home/.key luks\n`), ['blocker:crypttab-keyfile-inside']],
    ['Debian 13 without systemd-cryptsetup', { ...baseFacts, tools: { ...baseFacts.tools, cryptsetupGenerator: false } }, ['warning:cryptsetup-generator-missing']],
    ['RHEL without the generator', { ...baseFacts, os: rocky, tools: { ...baseFacts.tools, cryptsetupGenerator: false } }, ['blocker:cryptsetup-generator-missing']],
    ['no fstab line', fstab(ROOT), ['blocker:fstab-missing']],
    ['fstab noauto', fstab(`${ROOT}/dev/mapper/home /home ext4 noauto 0 2\n`), ['blocker:fstab-noauto']],
    ['fstab mounts another filesystem there', fstab(`${ROOT}UUID=99999999-2222-3333-4444-555555555555 /home ext4 defaults 0 2\n`), ['blocker:fstab-wrong-device']],
    ['fstab by the filesystem UUID', fstab(`${ROOT}UUID=${HOME_FS_UUID} /home ext4 defaults 0 2\n`), []],
  ];
  it.each(table)('%s', (_name, facts, expected) => {
    expect(codes(facts)).toEqual(expected);
  });

  it('a passphrase at boot with nofail keeps SSH up, and says so', () => {
    const withNofail = has(crypttab(`home UUID=${LUKS_UUID} none luks,nofail\n`), 'crypttab-passphrase-at-boot');
    expect(withNofail?.message).not.toContain('no SSH');
    expect(has(crypttab(`home UUID=${LUKS_UUID} none luks\n`), 'crypttab-passphrase-at-boot')?.message).toContain('no SSH');
  });
});

describe('storage check: audit', () => {
  const onRoot = parseFindmnt(sample('trixie-findmnt-root.json'));
  const table: [string, StorageFacts, string[], Ctx?][] = [
    ['auditd is not installed', audit({ tools: { ...baseFacts.tools, auditd: false, auditdActive: 'inactive' } }), ['blocker:auditd-missing']],
    ['audit on the root filesystem', audit({ auditMount: onRoot }), ['blocker:audit-on-root']],
    ['audit on the data mount', audit({ auditMount: { target: '/home', source: '/dev/mapper/home', fstype: 'ext4', options: [] } }), ['blocker:audit-on-data']],
    ['audit on a shared /var', audit({ auditMount: { target: '/var', source: '/dev/vdd', fstype: 'ext4', options: [] } }), ['warning:audit-shared']],
    ["Debian's default auditd.conf: the plan fixes three keys; ROTATE is the operator's call", audit({ auditdConf: present(DEBIAN_AUDITD_CONF) }), ['warning:audit-logs-rotate']],
    ['no auditd.conf', audit({ auditdConf: { kind: 'absent' } }), ['blocker:auditd-conf-missing']],
    ['auditd is not running', audit({ tools: { ...baseFacts.tools, auditdActive: 'inactive', auditdEnabled: 'disabled' } }), ['warning:auditd-not-running']],
    ['less free than admin_space_left while halt is set', audit({ auditSpace: { sizeBytes: 300 << 20, availableBytes: 40 << 20, target: '/var/log/audit' } }), ['blocker:audit-space-critical']],
    ['less free than space_left', audit({ auditSpace: { sizeBytes: 300 << 20, availableBytes: 60 << 20, target: '/var/log/audit' } }), ['warning:audit-space-low']],
    ['space_left not above admin_space_left', audit({ auditdConf: present(baseFacts.auditdConf.kind === 'present' ? baseFacts.auditdConf.content.replace('space_left = 75', 'space_left = 50') : '') }), ['warning:audit-thresholds']],
  ];
  it.each(table)('%s', (_name, facts, expected, ctx) => {
    expect(codes(facts, ctx)).toEqual(expected);
  });

  it('explains each setting it will change', () => {
    const infos = checkStorage(audit({ auditdConf: present(DEBIAN_AUDITD_CONF) }), ctxFor()).filter((f) => f.code === 'auditd-setting');
    expect(infos.map((f) => f.message)).toEqual([
      'disk_full_action is SUSPEND: when the audit filesystem is full, records are lost while the host keeps running. It will be set to HALT.',
      'disk_error_action is SUSPEND: when writing audit records fails, the host keeps running unaudited. It will be set to HALT.',
      'admin_space_left_action is SUSPEND: at the last safety margin the host keeps running until records are lost. It will be set to HALT.',
    ]);
  });

  it('the halt that the plan sets counts: low space with SUSPEND today is still critical', () => {
    const low = audit({ auditdConf: present(DEBIAN_AUDITD_CONF), auditSpace: { sizeBytes: 300 << 20, availableBytes: 10 << 20, target: '/var/log/audit' } });
    expect(codes(low)).toContain('blocker:audit-space-critical');
  });
});

describe('storage check: Quadlet files of a rootful stack', () => {
  it('refuses /etc/containers/systemd on a later mount', () => {
    expect(codes({ ...baseFacts, quadletMount: { target: '/etc/containers', source: '/dev/vde', fstype: 'ext4', options: [] } }, { mode: 'rootful' })).toEqual(['blocker:quadlet-dir-late-mount']);
    expect(codes({ ...baseFacts, quadletMount: parseFindmnt(sample('trixie-findmnt-root.json')) }, { mode: 'rootful' })).toEqual([]);
  });
});

describe('storage check: the LUKS setup on an empty disk', () => {
  const disk = (over: object = {}) => JSON.stringify({ blockdevices: [{ name: 'vdb', path: '/dev/vdb', type: 'disk', fstype: null, pttype: null, size: 1 << 30, ro: false, mountpoints: [null], ...over }] });
  const candidate = (over: Parameters<typeof sections>[0] = {}) =>
    parseCandidate('/dev/disk/by-id/virtio-home', sections({ resolved: { stdout: '/dev/vdb\n' }, lsblk: { stdout: disk() }, wipefs: { stdout: sample('wipefs-empty.json') }, mapper: { exitCode: 1 }, keyfile: { exitCode: 1 }, ...over }));
  const plainHost: StorageFacts = {
    ...baseFacts,
    volume: plainVolume(),
    crypttab: { kind: 'absent' },
    fstab: present(ROOT),
    record: { kind: 'absent' },
    candidate: candidate(),
    newUuid: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
    dataUsed: 1 << 20,
  };
  const asked = { answers: { [LUKS_DEVICE_ANSWER]: '/dev/disk/by-id/virtio-home' } };

  const table: [string, StorageFacts, string[], Ctx][] = [
    ['an empty disk: the setup is planned, the unencrypted /home is not a blocker', plainHost, [], asked],
    ['the disk holds ext4', { ...plainHost, candidate: candidate({ lsblk: { stdout: disk({ fstype: 'ext4' }) }, wipefs: { stdout: sample('wipefs-ext.json') } }) }, ['blocker:luks-device-not-empty', 'blocker:data-not-encrypted'], asked],
    ['the disk has a partition table and a partition', { ...plainHost, candidate: candidate({ lsblk: { stdout: disk({ pttype: 'gpt', children: [{ name: 'vdb1', type: 'part' }] }) }, wipefs: { stdout: sample('wipefs-gpt.json') } }) }, ['blocker:luks-device-not-empty', 'blocker:luks-device-in-use', 'blocker:data-not-encrypted'], asked],
    ['the disk is mounted', { ...plainHost, candidate: candidate({ lsblk: { stdout: disk({ mountpoints: ['/mnt'] }) } }) }, ['blocker:luks-device-mounted', 'blocker:data-not-encrypted'], asked],
    ['the device does not exist', { ...plainHost, candidate: candidate({ resolved: { exitCode: 1 } }) }, ['blocker:luks-device-missing', 'blocker:data-not-encrypted'], asked],
    ['the disk is too small for /home', { ...plainHost, dataUsed: 2 * 2 ** 30 }, ['blocker:luks-device-too-small', 'blocker:data-not-encrypted'], asked],
    ['/dev/mapper/home exists', { ...plainHost, candidate: candidate({ mapper: { exitCode: 0 } }) }, ['blocker:luks-mapper-taken', 'blocker:data-not-encrypted'], asked],
    ['/home is already on LUKS', { ...baseFacts, candidate: candidate(), newUuid: plainHost.newUuid ?? null }, ['blocker:luks-setup-not-needed'], asked],
    ['/home is a plain filesystem of its own', { ...plainHost, volume: { ...plainHost.volume, mount: { target: '/home', source: '/dev/vdc', fstype: 'ext4', options: [] } } }, ['blocker:luks-setup-mount-in-use', 'blocker:data-not-encrypted'], asked],
    ['fstab already names /home', { ...plainHost, fstab: present(`${ROOT}/dev/vdc /home ext4 defaults 0 2\n`) }, ['blocker:luks-fstab-taken', 'blocker:data-not-encrypted'], asked],
    ['no cryptsetup on a RHEL-family host', { ...plainHost, os: rocky, tools: { ...baseFacts.tools, cryptsetup: false } }, ['blocker:luks-cryptsetup-missing', 'blocker:data-not-encrypted'], asked],
    ['not a device path', plainHost, ['blocker:luks-setup-invalid', 'blocker:data-not-encrypted'], { answers: { [LUKS_DEVICE_ANSWER]: 'vdb; reboot' } }],
    ['a key file inside /home', plainHost, ['blocker:luks-setup-invalid', 'blocker:data-not-encrypted'], { answers: { ...asked.answers, 'keelson.luks-key-file': '/home/key' } }],
    ['a key file on tmpfs', plainHost, ['blocker:luks-setup-invalid', 'blocker:data-not-encrypted'], { answers: { ...asked.answers, 'keelson.luks-key-file': '/run/key' } }],
  ];
  it.each(table)('%s', (_name, facts, expected, ctx) => {
    expect(codes(facts, ctx)).toEqual(expected);
  });

  it('says what will happen, and that the key is shown once', () => {
    const all = checkStorage(plainHost, ctxFor(asked));
    expect(all.find((f) => f.code === 'luks-setup-planned')?.message).toBe(
      '/home is not encrypted yet: /dev/disk/by-id/virtio-home (/dev/vdb, 1.0 GiB) becomes a LUKS2 volume (aes-xts-plain64, 512-bit key, argon2id) opened at boot as home, and /home\'s content (1.0 MiB) moves onto it.',
    );
    expect(all.find((f) => f.code === 'luks-setup-key')?.message).toContain('/etc/cryptsetup-keys.d/home.key (root, 0400) and shown once');
  });

  it('without the request, the same empty disk changes nothing', () => {
    expect(codes(plainHost)).toEqual(['blocker:data-not-encrypted']);
  });
});

describe('storage check: every blocker and warning tells the operator what to do', () => {
  it('has a remedy', () => {
    const hosts: StorageFacts[] = [
      { ...baseFacts, volume: plainVolume(), auditMount: parseFindmnt(sample('trixie-findmnt-root.json')), auditdConf: present(DEBIAN_AUDITD_CONF) },
      volume(luks1),
      crypttab(`home UUID=${LUKS_UUID} none luks\n`),
      { ...baseFacts, machineId: 'ffffffffffffffffffffffffffffffff', tools: { ...baseFacts.tools, cryptsetupGenerator: false, auditdActive: 'failed' } },
    ];
    for (const h of hosts) {
      for (const f of checkStorage(h, ctxFor()).filter((x) => x.severity !== 'info')) expect(f.remedy, f.code).not.toBe('');
    }
  });
});

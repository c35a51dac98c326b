// The storage step's parsers on real tool output (recorded samples) and on the shapes the tools document.
import { describe, expect, it } from 'vitest';
import { auditChanges, editAuditdConf, parseAuditdConf, thresholdBytes } from '../../../steps/storage/auditd-conf.js';
import { parseCandidate } from '../../../steps/storage/candidate-probe.js';
import { parseDf, parseRecord, parseTools, renderRecord } from '../../../steps/storage/facts.js';
import { parseFindmnt } from '../../../steps/storage/findmnt.js';
import { isUnder } from '../../../steps/storage/is-under.js';
import { cryptLayers, parseLsblk } from '../../../steps/storage/lsblk.js';
import { parseLuksDumpText, parseLuksHeader } from '../../../steps/storage/luks-header.js';
import { parseSections } from '../../../steps/storage/sections.js';
import { appendLine, option, parseCrypttab, parseFstab } from '../../../steps/storage/tab-files.js';
import { parseDataVolume, parseEmptyPassphraseTest } from '../../../steps/storage/volume-probe.js';
import { sample, sections } from './support.js';

describe('findmnt', () => {
  it('reads the filesystem holding a path', () => {
    expect(parseFindmnt(sample('trixie-findmnt-home-luks.json'))).toEqual({ target: '/home', source: '/dev/mapper/home', fstype: 'ext4', options: ['rw', 'relatime'] });
    expect(parseFindmnt(sample('trixie-findmnt-audit.json'))?.options).toEqual(['rw', 'nosuid', 'nodev', 'noexec', 'relatime']);
  });
  it('is null for anything that is not its JSON', () => {
    expect(parseFindmnt('findmnt: /nope: not found')).toBeNull();
    expect(parseFindmnt('{"filesystems":[]}')).toBeNull();
  });
  it('knows what is under what', () => {
    expect(isUnder('/home/a', '/home')).toBe(true);
    expect(isUnder('/home', '/home')).toBe(true);
    expect(isUnder('/homer', '/home')).toBe(false);
    expect(isUnder('/etc/x', '/')).toBe(true);
  });
});

describe('lsblk', () => {
  it('walks an inverse tree from the mount to the LUKS device', () => {
    const roots = parseLsblk(sample('trixie-lsblk-s-luks-home.json'));
    expect(roots?.[0]?.path).toBe('/dev/mapper/home');
    const layers = cryptLayers(roots ?? []);
    expect(layers).toHaveLength(1);
    expect(layers[0]?.mapping.name).toBe('home');
    expect(layers[0]?.isLuks).toBe(true);
    expect(layers[0]?.backing?.path).toBe('/dev/vdb');
    expect(layers[0]?.backing?.uuid).toBe('b175eb25-707f-42d5-873f-e69691cce1b8');
    expect(roots?.[0]?.mountpoints).toEqual(['/home']);
  });
  it('finds no crypt layer on a plain partition, and drops null mountpoints', () => {
    const roots = parseLsblk(sample('trixie-lsblk-s-root.json')) ?? [];
    expect(cryptLayers(roots)).toEqual([]);
    expect(roots[0]?.children[0]?.mountpoints).toEqual([]);
  });
  it('sees plain dm-crypt (no LUKS header underneath) and LVM on LUKS', () => {
    const plain = { blockdevices: [{ name: 'data', path: '/dev/mapper/data', type: 'crypt', fstype: 'ext4', children: [{ name: 'vdb', type: 'disk', fstype: null }] }] };
    expect(cryptLayers(parseLsblk(JSON.stringify(plain)) ?? [])[0]?.isLuks).toBe(false);
    const lvm = {
      blockdevices: [{ name: 'vg-home', path: '/dev/mapper/vg-home', type: 'lvm', fstype: 'ext4', children: [{ name: 'luks-x', path: '/dev/mapper/luks-x', type: 'crypt', fstype: 'LVM2_member', children: [{ name: 'vda3', path: '/dev/vda3', type: 'part', fstype: 'crypto_LUKS', children: [{ name: 'vda', type: 'disk' }] }] }] }],
    };
    const layers = cryptLayers(parseLsblk(JSON.stringify(lvm)) ?? []);
    expect(layers.map((l) => [l.mapping.name, l.backing?.path, l.isLuks])).toEqual([['luks-x', '/dev/vda3', true]]);
  });
  it('reads old-style "0"/"1" and sizes in bytes', () => {
    const old = { blockdevices: [{ name: 'vdb', type: 'disk', ro: '1', size: 1073741824, mountpoint: null }] };
    expect(parseLsblk(JSON.stringify(old))?.[0]).toMatchObject({ readOnly: true, sizeBytes: 1073741824, path: '/dev/vdb', mountpoints: [] });
  });
});

describe('LUKS headers', () => {
  it('reads the LUKS2 header keelson made on the test VM (cryptsetup 2.7.5), JSON and text alike', () => {
    const want = { version: 2, uuid: 'b175eb25-707f-42d5-873f-e69691cce1b8', cipher: 'aes-xts-plain64', keyBits: 512, keyslots: [{ id: 0, kdf: 'argon2id', bound: true }], tokens: [] };
    expect(parseLuksHeader(sample('trixie-luks2.dump.txt'), sample('trixie-luks2.metadata.json'))).toEqual(want);
    expect(parseLuksHeader(sample('trixie-luks2.dump.txt'), null)).toEqual(want);
  });
  it('reads a LUKS2 header from its JSON metadata (cryptsetup 2.6)', () => {
    const h = parseLuksHeader(sample('luks2-two-slots.dump.txt'), sample('luks2-two-slots.metadata.json'));
    expect(h).toEqual({
      version: 2,
      uuid: 'c8f7c250-79ef-46b5-831a-5d73e6156054',
      cipher: 'aes-xts-plain64',
      keyBits: 512,
      keyslots: [
        { id: 0, kdf: 'argon2id', bound: true },
        { id: 1, kdf: 'argon2id', bound: true },
      ],
      tokens: [],
    });
  });
  it('reads the same from the LUKS2 text dump when there is no JSON (cryptsetup before 2.4)', () => {
    expect(parseLuksHeader(sample('luks2-two-slots.dump.txt'), null)).toEqual(parseLuksHeader(sample('luks2-two-slots.dump.txt'), sample('luks2-two-slots.metadata.json')));
  });
  it('reads a LUKS1 header: cipher name and mode, MK bits, enabled slots, always pbkdf2', () => {
    expect(parseLuksDumpText(sample('luks1-two-slots.dump.txt'))).toEqual({
      version: 1,
      uuid: '5fe095a4-caca-4c9c-a7ac-1b286ddc6a52',
      cipher: 'aes-xts-plain64',
      keyBits: 512,
      keyslots: [
        { id: 0, kdf: 'pbkdf2', bound: true },
        { id: 1, kdf: 'pbkdf2', bound: true },
      ],
      tokens: [],
    });
  });
  it('knows unbound slots and tokens, from JSON and text', () => {
    const json = JSON.stringify({
      keyslots: { '0': { type: 'luks2', key_size: 32, kdf: { type: 'pbkdf2' } }, '2': { type: 'luks2', key_size: 32, kdf: { type: 'argon2i' } } },
      segments: { '0': { type: 'crypt', encryption: 'aes-cbc-essiv:sha256', offset: '16777216' } },
      digests: { '0': { type: 'pbkdf2', keyslots: ['0'], segments: ['0'] }, '1': { type: 'pbkdf2', keyslots: ['2'], segments: [] } },
      tokens: { '0': { type: 'systemd-tpm2', keyslots: ['0'] } },
      config: {},
    });
    expect(parseLuksHeader('LUKS header information\nVersion:       \t2\nUUID:          \tabc\n', json)).toEqual({
      version: 2,
      uuid: 'abc',
      cipher: 'aes-cbc-essiv:sha256',
      keyBits: 256,
      keyslots: [
        { id: 0, kdf: 'pbkdf2', bound: true },
        { id: 2, kdf: 'argon2i', bound: false },
      ],
      tokens: ['systemd-tpm2'],
    });
    const text = 'Version:       \t2\nUUID:          \tabc\n\nKeyslots:\n  0: luks2\n\tKey:        256 bits\n\tPBKDF:      pbkdf2\n  2: luks2 (unbound)\n\tKey:        256 bits\n\tPBKDF:      argon2i\nTokens:\n  0: systemd-tpm2\n\tKeyslot:    0\nDigests:\n';
    expect(parseLuksDumpText(text)?.keyslots).toEqual([
      { id: 0, kdf: 'pbkdf2', bound: true },
      { id: 2, kdf: 'argon2i', bound: false },
    ]);
    expect(parseLuksDumpText(text)?.tokens).toEqual(['systemd-tpm2']);
  });
  it('is null for what is not a LUKS dump', () => {
    expect(parseLuksDumpText('Device /dev/vdb is not a valid LUKS device.')).toBeNull();
    expect(parseLuksHeader('', null)).toBeNull();
  });
});

describe('the empty-passphrase test', () => {
  it('opens: exit 0 names the slot (cryptsetup -v)', () => {
    expect(parseEmptyPassphraseTest({ exitCode: 0, stdout: 'No usable token is available.\nKey slot 1 unlocked.\nCommand successful.\n', stderr: '' })).toEqual({ result: 'opens', slot: 1 });
  });
  it('refused: exit 2 is "No key available with this passphrase"', () => {
    expect(parseEmptyPassphraseTest({ exitCode: 2, stdout: 'Command failed with code -2 (no permission or bad passphrase).\n', stderr: 'No key available with this passphrase.\n' })).toEqual({ result: 'refused' });
  });
  it('anything else tested nothing ("Nothing to read on input" is what /dev/null or --key-file - would give)', () => {
    expect(parseEmptyPassphraseTest({ exitCode: 1, stdout: '', stderr: 'Nothing to read on input.\n' })).toEqual({ result: 'untested', why: 'Nothing to read on input.' });
    expect(parseEmptyPassphraseTest(undefined).result).toBe('untested');
  });
});

describe('the data-volume probe answer', () => {
  it('puts the sections together', () => {
    const o = sections({
      probed: { stdout: '/home' },
      findmnt: { stdout: sample('trixie-findmnt-home-luks.json') },
      lsblk: { stdout: sample('trixie-lsblk-s-luks-home.json') },
      'dump:/dev/vdb': { stdout: sample('luks2-two-slots.dump.txt') },
      'json:/dev/vdb': { stdout: sample('luks2-two-slots.metadata.json') },
      'empty:/dev/vdb': { exitCode: 2, stderr: 'No key available with this passphrase.\n' },
      'crypttab-source:home': { stdout: '/dev/vdb\n' },
      'keyfile:home': { stdout: '400 root root 43\n' },
      'keyfile:other': { exitCode: 1, stderr: "stat: cannot statx '/x': No such file or directory\n" },
    });
    const v = parseDataVolume(o);
    expect(v.probedPath).toBe('/home');
    expect(v.mount?.target).toBe('/home');
    expect(v.devices?.[0]?.name).toBe('home');
    expect(v.luks).toHaveLength(1);
    expect(v.luks[0]).toMatchObject({ path: '/dev/vdb', dumpError: null, emptyPassphrase: { result: 'refused' } });
    expect(v.luks[0]?.header?.keyslots).toHaveLength(2);
    expect(v.crypttabSources).toEqual({ home: '/dev/vdb' });
    expect(v.keyFiles).toEqual({ home: { mode: '400', owner: 'root', group: 'root', sizeBytes: 43 }, other: null });
  });
  it('says why findmnt or luksDump failed', () => {
    const v = parseDataVolume(
      sections({
        probed: { stdout: '/' },
        findmnt: { exitCode: 1, stderr: 'findmnt: command not found\n' },
        'dump:/dev/vdb': { exitCode: 1, stderr: 'Device /dev/vdb is not a valid LUKS device.\n' },
      }),
    );
    expect(v.mount).toBeNull();
    expect(v.mountError).toBe('findmnt: command not found');
    expect(v.devices).toBeNull();
    expect(v.luks[0]?.dumpError).toBe('Device /dev/vdb is not a valid LUKS device.');
  });
  it('refuses an answer without sections (the script did not run)', () => {
    expect(() => parseDataVolume({ exitCode: 127, stdout: '', stderr: 'sh: 1: mktemp: not found' })).toThrow(/no sections/);
  });
  it('frames cannot be forged by tool output', () => {
    const s = parseSections(sections({ a: { stdout: 'b 0 Zm9v Zm9v\nc 0 x y\n' } }).stdout);
    expect([...s.keys()]).toEqual(['a']);
  });
});

describe('the LUKS setup candidate', () => {
  const lsblkDisk = (extra: object) => JSON.stringify({ blockdevices: [{ name: 'vdb', path: '/dev/vdb', type: 'disk', fstype: null, pttype: null, size: 1073741824, ro: false, mountpoints: [null], ...extra }] });
  it('an empty disk: no signatures, no children', () => {
    const c = parseCandidate('/dev/disk/by-id/virtio-home', sections({ resolved: { stdout: '/dev/vdb\n' }, lsblk: { stdout: lsblkDisk({}) }, wipefs: { stdout: sample('wipefs-empty.json') }, mapper: { exitCode: 1 }, keyfile: { exitCode: 1 } }));
    expect(c).toMatchObject({ resolved: '/dev/vdb', signatures: [], mapperExists: false, keyFileExists: false, probeError: null });
    expect(c.node?.sizeBytes).toBe(1073741824);
  });
  it('the audit disk on the VM: ext4, mounted (recorded)', () => {
    const c = parseCandidate('/dev/disk/by-id/virtio-audit', sections({ resolved: { stdout: '/dev/vdc\n' }, lsblk: { stdout: sample('trixie-lsblk-candidate-audit.json') }, wipefs: { stdout: sample('trixie-wipefs-audit-ext4.json') } }));
    expect(c.signatures).toEqual(['ext4']);
    expect(c.node).toMatchObject({ fstype: 'ext4', mountpoints: ['/var/log/audit'], sizeBytes: 268435456 });
  });
  it('wipefs finds a filesystem, a partition table', () => {
    const ext = parseCandidate('/dev/vdb', sections({ resolved: { stdout: '/dev/vdb' }, lsblk: { stdout: lsblkDisk({ fstype: 'ext4' }) }, wipefs: { stdout: sample('wipefs-ext.json') } }));
    expect(ext.signatures).toEqual(['ext4']);
    const gpt = parseCandidate('/dev/vdb', sections({ resolved: { stdout: '/dev/vdb' }, lsblk: { stdout: lsblkDisk({ pttype: 'gpt' }) }, wipefs: { stdout: sample('wipefs-gpt.json') } }));
    expect(gpt.signatures).toEqual(['gpt', 'gpt', 'PMBR']);
  });
  it('a device that does not exist', () => {
    const c = parseCandidate('/dev/vdz', sections({ resolved: { exitCode: 1 }, lsblk: { exitCode: 32, stderr: 'lsblk: /dev/vdz: not a block device\n' }, wipefs: { exitCode: 1, stderr: 'wipefs: error: /dev/vdz: probing initialization failed: No such file or directory\n' } }));
    expect(c).toMatchObject({ resolved: null, node: null, signatures: null });
    expect(c.probeError).not.toBeNull();
  });
});

describe('crypttab and fstab', () => {
  it('reads crypttab: none and - mean a passphrase, options split', () => {
    const text = '# <target name> <source device> <key file> <options>\nhome UUID=c8f7 /etc/cryptsetup-keys.d/home.key luks,nofail\nswap /dev/vda3 /dev/urandom swap,cipher=aes-xts-plain64\nold PARTUUID=ab none luks\nbare /dev/vdd\n';
    expect(parseCrypttab(text)).toEqual([
      { name: 'home', source: 'UUID=c8f7', keyFile: '/etc/cryptsetup-keys.d/home.key', options: ['luks', 'nofail'] },
      { name: 'swap', source: '/dev/vda3', keyFile: '/dev/urandom', options: ['swap', 'cipher=aes-xts-plain64'] },
      { name: 'old', source: 'PARTUUID=ab', keyFile: null, options: ['luks'] },
      { name: 'bare', source: '/dev/vdd', keyFile: null, options: [] },
    ]);
  });
  it('reads fstab with escapes and trailing slashes', () => {
    expect(parseFstab('UUID=1 / ext4 errors=remount-ro 0 1\n/dev/mapper/home /home/ ext4 defaults,nofail 0 2\nLABEL=x /srv/my\\040data xfs noauto\n')).toEqual([
      { source: 'UUID=1', target: '/', fstype: 'ext4', options: ['errors=remount-ro'] },
      { source: '/dev/mapper/home', target: '/home', fstype: 'ext4', options: ['defaults', 'nofail'] },
      { source: 'LABEL=x', target: '/srv/my data', fstype: 'xfs', options: ['noauto'] },
    ]);
  });
  it('finds options and appends lines', () => {
    expect(option(['luks', 'tpm2-device=auto'], 'tpm2-device')).toBe('auto');
    expect(option(['luks', 'nofail'], 'nofail')).toBe(true);
    expect(option(['nofailx'], 'nofail')).toBeUndefined();
    expect(appendLine('a\n', 'b')).toBe('a\nb\n');
    expect(appendLine('a', 'b')).toBe('a\nb\n');
    expect(appendLine(null, 'b')).toBe('b\n');
  });
});

const DEBIAN_AUDITD_CONF = `#
# This file controls the configuration of the audit daemon
#

local_events = yes
log_file = /var/log/audit/audit.log
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
`;

describe('auditd.conf', () => {
  it('reads settings case-insensitively, the last line winning', () => {
    const s = parseAuditdConf('Disk_Full_Action = halt\ndisk_full_action = SUSPEND\n# admin_space_left = 1\n');
    expect(s.get('disk_full_action')).toBe('SUSPEND');
    expect(s.has('admin_space_left')).toBe(false);
  });
  it("lists exactly the keys that differ from the rules (Debian's defaults)", () => {
    expect(auditChanges(parseAuditdConf(DEBIAN_AUDITD_CONF)).map((c) => `${c.key}:${c.from ?? '-'}→${c.to}`)).toEqual([
      'disk_full_action:SUSPEND→HALT',
      'disk_error_action:SUSPEND→HALT',
      'admin_space_left_action:SUSPEND→HALT',
    ]);
  });
  it('accepts single, lower case, and an EXEC with its path; wants a warning action', () => {
    const ok = 'disk_full_action = single\ndisk_error_action = HALT\nadmin_space_left_action = Single\nspace_left_action = exec /usr/local/bin/page-me\n';
    expect(auditChanges(parseAuditdConf(ok))).toEqual([]);
    expect(auditChanges(parseAuditdConf(`${ok}space_left_action = IGNORE\n`)).map((c) => c.key)).toEqual(['space_left_action']);
  });
  it('edits only the keys it must, keeping the comments and every other line', () => {
    const changes = auditChanges(parseAuditdConf(DEBIAN_AUDITD_CONF));
    const edited = editAuditdConf(DEBIAN_AUDITD_CONF, changes);
    expect(edited).toBe(DEBIAN_AUDITD_CONF.replace('admin_space_left_action = SUSPEND', 'admin_space_left_action = HALT').replace('disk_full_action = SUSPEND', 'disk_full_action = HALT').replace('disk_error_action = SUSPEND', 'disk_error_action = HALT'));
    expect(auditChanges(parseAuditdConf(edited))).toEqual([]);
  });
  it('appends keys the file does not set, and rewrites "key=value" with the spaces auditd needs', () => {
    const edited = editAuditdConf('disk_full_action=SUSPEND\nlog_file = /var/log/audit/audit.log', auditChanges(parseAuditdConf('disk_full_action=SUSPEND\n')));
    expect(edited).toBe('disk_full_action = HALT\nlog_file = /var/log/audit/audit.log\n# keelson: halt rather than lose audit records\ndisk_error_action = HALT\nadmin_space_left_action = HALT\nspace_left_action = SYSLOG\n');
  });
  it('reads thresholds in MiB or percent', () => {
    expect(thresholdBytes('75', null)).toBe(75 * 1024 * 1024);
    expect(thresholdBytes('25%', 1000)).toBe(250);
    expect(thresholdBytes('25%', null)).toBeNull();
    expect(thresholdBytes('lots', 1000)).toBeNull();
    expect(thresholdBytes(undefined, 1000)).toBeNull();
  });
});

describe('small facts', () => {
  it('df -P -B1', () => {
    expect(parseDf(sample('trixie-df-audit.txt'))).toEqual({ sizeBytes: 241081344, availableBytes: 223182848, target: '/var/log/audit' });
    expect(parseDf('df: /x: No such file or directory\n')).toBeNull();
  });
  it('the tools probe', () => {
    expect(parseTools('cryptsetup-generator=yes\ncryptsetup=yes\nauditd=yes\nauditd-active=active\nauditd-enabled=enabled\nauditd-can-reload=no\n')).toEqual({
      cryptsetup: true,
      cryptsetupGenerator: true,
      auditd: true,
      auditdActive: 'active',
      auditdEnabled: 'enabled',
      auditdCanReload: false,
    });
    expect(parseTools('auditd-active=\nauditd-enabled=\n')).toMatchObject({ auditd: false, auditdActive: 'unknown', cryptsetupGenerator: false });
  });
  it('the per-instance record, round trip', () => {
    const r = { luksUuid: 'c8f7c250-79ef-46b5-831a-5d73e6156054', machineId: '0123456789abcdef0123456789abcdef', dataMount: '/home' };
    expect(parseRecord({ kind: 'present', content: renderRecord(r) })).toEqual({ kind: 'present', ...r });
    expect(parseRecord({ kind: 'present', content: '{' })).toEqual({ kind: 'unreadable', why: 'it is not JSON' });
    expect(parseRecord({ kind: 'absent' })).toEqual({ kind: 'absent' });
  });
});

// Table tests: facts in → actions out. A host that complies gets nothing; each difference gets exactly its fix.
import { describe, expect, it } from 'vitest';
import { actionSchema, type Action } from '../../../src/engine/action.js';
import { fileDiff } from '../../../src/engine/render-plan.js';
import { planStorageStep } from '../../../steps/storage.js';
import { parseCandidate } from '../../../steps/storage/candidate-probe.js';
import { renderRecord } from '../../../steps/storage/facts.js';
import type { StorageFacts } from '../../../steps/storage/model.js';
import { LUKS_DEVICE_ANSWER, LUKS_KEY_FILE_ANSWER } from '../../../steps/storage/setup-request.js';
import { baseFacts, ctxFor, DEBIAN_AUDITD_CONF, LUKS_UUID, MACHINE_ID, plainVolume, present, rocky, ROOT_FSTAB, sample, sections } from './support.js';

type Ctx = Parameters<typeof ctxFor>[0];

const plan = (facts: StorageFacts, ctx: Ctx = {}): Action[] => planStorageStep(facts, ctxFor(ctx));
const kinds = (facts: StorageFacts, ctx: Ctx = {}) => plan(facts, ctx).map((a) => (a.kind === 'systemd.unit' ? `${a.kind}:${a.verb}` : a.kind));

const debianAudit: StorageFacts = { ...baseFacts, auditdConf: present(DEBIAN_AUDITD_CONF) };
const NEW_UUID = '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const emptyDisk = parseCandidate(
  '/dev/disk/by-id/virtio-home',
  sections({
    resolved: { stdout: '/dev/vdb\n' },
    lsblk: { stdout: JSON.stringify({ blockdevices: [{ name: 'vdb', path: '/dev/vdb', type: 'disk', fstype: null, pttype: null, size: 536870912, ro: false, mountpoints: [] }] }) },
    wipefs: { stdout: sample('wipefs-empty.json') },
    mapper: { exitCode: 1 },
    keyfile: { exitCode: 1 },
  }),
);
const plainHost: StorageFacts = {
  ...debianAudit,
  volume: plainVolume(),
  crypttab: present('# <target name>\t<source device>\t\t<key file>\t<options>\n'),
  fstab: present(ROOT_FSTAB),
  record: { kind: 'absent' },
  candidate: emptyDisk,
  newUuid: NEW_UUID,
  dataUsed: 28672,
};
const asked = { answers: { [LUKS_DEVICE_ANSWER]: '/dev/disk/by-id/virtio-home' } };

describe('storage plan', () => {
  const table: [string, StorageFacts, string[], Ctx?][] = [
    ['a compliant host: nothing (idempotence)', baseFacts, []],
    ["Debian's auditd.conf: edit it, then SIGHUP auditd (its unit cannot reload)", debianAudit, ['file.write', 'systemd.signal']],
    ['a unit with ExecReload gets a reload', { ...debianAudit, tools: { ...baseFacts.tools, auditdCanReload: true } }, ['file.write', 'systemd.unit:reload']],
    ['auditd stopped: enable and start it, which reads the new file anyway', { ...debianAudit, tools: { ...baseFacts.tools, auditdActive: 'inactive', auditdEnabled: 'disabled' } }, ['file.write', 'systemd.unit:enable-now']],
    ['auditd running but not enabled at boot', { ...baseFacts, tools: { ...baseFacts.tools, auditdEnabled: 'disabled' } }, ['systemd.unit:enable-now']],
    ['auditd not installed: the blocker says so, nothing is planned', { ...debianAudit, tools: { ...baseFacts.tools, auditd: false } }, []],
    ['first install on this volume: record it', { ...baseFacts, record: { kind: 'absent' } }, ['state.write']],
    ['a clone: the blocker stands, the record stays', { ...baseFacts, machineId: 'ffffffffffffffffffffffffffffffff' }, []],
    ['no machine-id: nothing to record against', { ...baseFacts, record: { kind: 'absent' }, machineId: null }, []],
    ['Debian 13 without systemd-cryptsetup: install it', { ...baseFacts, tools: { ...baseFacts.tools, cryptsetupGenerator: false } }, ['package.install']],
    ['RHEL without the generator: a blocker, no package guess', { ...baseFacts, os: rocky, tools: { ...baseFacts.tools, cryptsetupGenerator: false } }, []],
    ['an unencrypted /home without the setup request: only the audit fix', { ...debianAudit, volume: plainVolume() }, ['file.write', 'systemd.signal']],
    ['the LUKS setup on an empty disk, before anything boot-related', plainHost, ['luks.setup', 'file.write', 'file.write', 'systemd.daemon-reload', 'file.write', 'systemd.signal', 'state.write'], asked],
    ['the setup refused (the disk holds ext4): no setup actions', { ...plainHost, candidate: { ...emptyDisk, signatures: ['ext4'] } }, ['file.write', 'systemd.signal'], asked],
    ['the setup without cryptsetup and systemd-cryptsetup: install them first', { ...plainHost, tools: { ...baseFacts.tools, cryptsetup: false, cryptsetupGenerator: false } }, ['package.install', 'luks.setup', 'file.write', 'file.write', 'systemd.daemon-reload', 'file.write', 'systemd.signal', 'state.write'], asked],
  ];
  it.each(table)('%s', (_name, facts, expected, ctx) => {
    expect(kinds(facts, ctx)).toEqual(expected);
  });

  it('every planned action is valid plan JSON (a saved plan reads it back)', () => {
    for (const [, facts, , ctx] of table) for (const a of plan(facts, ctx)) expect(actionSchema.safeParse(a).success, a.kind).toBe(true);
  });
});

describe('the auditd.conf edit', () => {
  const [write, reload] = plan(debianAudit);

  it('keeps the file, changes three keys, and says which in its description', () => {
    expect(write).toMatchObject({
      kind: 'file.write',
      path: '/etc/audit/auditd.conf',
      before: DEBIAN_AUDITD_CONF,
      mode: '0640',
      owner: 'root',
      group: 'root',
      description: 'set disk_full_action = HALT, disk_error_action = HALT, admin_space_left_action = HALT (halt rather than lose audit records)',
    });
  });

  it('shows as a diff of only the changed lines', () => {
    const diff = write === undefined ? null : fileDiff(write);
    const changed = (diff ?? '').split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual([
      '-admin_space_left_action = SUSPEND',
      '-disk_full_action = SUSPEND',
      '-disk_error_action = SUSPEND',
      '+admin_space_left_action = HALT',
      '+disk_full_action = HALT',
      '+disk_error_action = HALT',
    ]);
  });

  it('reloads auditd with SIGHUP to its main process', () => {
    expect(reload).toEqual({ kind: 'systemd.signal', description: 'reload auditd with the new settings (SIGHUP)', target: { scope: 'system' }, unit: 'auditd.service', signal: 'SIGHUP' });
  });
});

describe('the per-instance record', () => {
  it('records the volume, the machine and the mount', () => {
    expect(plan({ ...baseFacts, record: { kind: 'absent' } })).toEqual([
      {
        kind: 'state.write',
        description: `record LUKS volume ${LUKS_UUID} as this machine's data volume`,
        path: '/var/lib/keelson/storage.json',
        content: renderRecord({ luksUuid: LUKS_UUID, machineId: MACHINE_ID, dataMount: '/home' }),
      },
    ]);
  });
  it('is rewritten when the volume changed on the same machine', () => {
    const changed = plan({ ...baseFacts, record: { kind: 'present', luksUuid: '11111111-2222-3333-4444-555555555555', machineId: MACHINE_ID, dataMount: '/home' } });
    expect(changed.map((a) => a.kind)).toEqual(['state.write']);
  });
});

describe('the LUKS setup actions', () => {
  const actions = plan(plainHost, asked);

  it('formats with the UUID the plan chose and names the key file, never a key', () => {
    expect(actions[0]).toEqual({
      kind: 'luks.setup',
      description: "encrypt /dev/disk/by-id/virtio-home (LUKS2, argon2id, aes-xts-plain64 512-bit) as home, move /home's content onto it and mount it; key to /etc/cryptsetup-keys.d/home.key, shown once",
      device: '/dev/disk/by-id/virtio-home',
      resolvedDevice: '/dev/vdb',
      uuid: NEW_UUID,
      name: 'home',
      keyFile: '/etc/cryptsetup-keys.d/home.key',
      mountPoint: '/home',
      filesystem: 'ext4',
    });
  });

  it('appends one crypttab line and one fstab line, keeping what is there', () => {
    expect(actions[1]).toMatchObject({
      path: '/etc/crypttab',
      before: '# <target name>\t<source device>\t\t<key file>\t<options>\n',
      content: `# <target name>\t<source device>\t\t<key file>\t<options>\nhome UUID=${NEW_UUID} /etc/cryptsetup-keys.d/home.key luks,nofail\n`,
    });
    expect(actions[2]).toMatchObject({
      path: '/etc/fstab',
      before: ROOT_FSTAB,
      content: `${ROOT_FSTAB}/dev/mapper/home /home ext4 defaults,nofail,x-systemd.device-timeout=10min 0 2\n`,
    });
  });

  it('creates crypttab when the host has none, and takes the key file the operator names', () => {
    const own = plan({ ...plainHost, crypttab: { kind: 'absent' } }, { answers: { ...asked.answers, [LUKS_KEY_FILE_ANSWER]: '/etc/keys/data.key' } });
    expect(own[0]).toMatchObject({ kind: 'luks.setup', keyFile: '/etc/keys/data.key' });
    expect(own[1]).toMatchObject({ path: '/etc/crypttab', before: null, content: `home UUID=${NEW_UUID} /etc/keys/data.key luks,nofail\n` });
  });

  it('records the new volume as this machine’s', () => {
    expect(actions.at(-1)).toMatchObject({ kind: 'state.write', content: renderRecord({ luksUuid: NEW_UUID, machineId: MACHINE_ID, dataMount: '/home' }) });
  });

  it('a data mount other than /home gets its own mapper name', () => {
    const srv = plan({ ...plainHost, fstab: present(ROOT_FSTAB) }, { ...asked, dataMount: '/srv/data' });
    expect(srv[0]).toMatchObject({ name: 'srv-data', keyFile: '/etc/cryptsetup-keys.d/srv-data.key', mountPoint: '/srv/data' });
  });
});

// What the storage step changes: the LUKS setup when asked (format, crypttab, fstab), the auditd.conf keys that
// differ (shown as a diff) and an auditd reload, systemd-cryptsetup where crypttab would be ignored, and the
// per-instance record of the data volume, and the empty-passphrase result for a header tested for the first time.
// Where the host already complies, nothing.
import type { Action } from '../../src/engine/action.js';
import { editAuditdConf, type AuditChange } from './auditd-conf.js';
import { AUDITD_CONF, plannedAuditChanges } from './check-audit.js';
import { needsCryptsetupGenerator } from './check-boot.js';
import { emptyPassphraseCacheActions } from './empty-passphrase-cache.js';
import { renderRecord, STORAGE_RECORD_PATH } from './facts.js';
import { luksUuidOf, type StorageFacts, type VolumeModel } from './model.js';
import type { SetupAssessment } from './setup.js';
import { appendLine } from './tab-files.js';

const system = { scope: 'system' } as const;

const setupActions = (facts: StorageFacts, s: Extract<SetupAssessment, { kind: 'ready' }>, dataMount: string): Action[] => {
  const { request, uuid } = s;
  const crypttab = facts.crypttab.kind === 'present' ? facts.crypttab.content : null;
  const fstab = facts.fstab.kind === 'present' ? facts.fstab.content : null;
  // nofail: should the volume ever fail to open, the host still boots and stays reachable over SSH; the stack's
  // units require the mount and stay down, so nothing lands on the unencrypted disk underneath. The long device
  // timeout lets a slow argon2id unlock finish (a minute under emulation, more on a small board): with nofail,
  // only the mount waits for it, not the boot.
  const crypttabLine = `${request.mapperName} UUID=${uuid} ${request.keyFile} luks,nofail`;
  const fstabLine = `/dev/mapper/${request.mapperName} ${dataMount} ext4 defaults,nofail,x-systemd.device-timeout=10min 0 2`;
  return [
    {
      kind: 'luks.setup',
      description: `encrypt ${request.device} (LUKS2, argon2id, aes-xts-plain64 512-bit) as ${request.mapperName}, move ${dataMount}'s content onto it and mount it; key to ${request.keyFile}, shown once`,
      device: request.device,
      resolvedDevice: s.resolvedDevice,
      uuid,
      name: request.mapperName,
      keyFile: request.keyFile,
      mountPoint: dataMount,
      filesystem: 'ext4',
    },
    { kind: 'file.write', description: `open ${request.mapperName} at boot (/etc/crypttab)`, path: '/etc/crypttab', content: appendLine(crypttab, crypttabLine), mode: '0644', owner: 'root', group: 'root', before: crypttab },
    { kind: 'file.write', description: `mount ${dataMount} at boot (/etc/fstab)`, path: '/etc/fstab', content: appendLine(fstab, fstabLine), mode: '0644', owner: 'root', group: 'root', before: fstab },
    { kind: 'systemd.daemon-reload', description: 'let systemd read the new crypttab and fstab lines', target: system },
  ];
};

const packageActions = (facts: StorageFacts, model: VolumeModel, setupReady: boolean): Action[] => {
  if (facts.os?.family !== 'debian') return [];
  const wanted = [
    ...(setupReady && !facts.tools.cryptsetup ? ['cryptsetup-bin'] : []),
    ...((setupReady && !facts.tools.cryptsetupGenerator) || needsCryptsetupGenerator(facts, model) ? ['systemd-cryptsetup'] : []),
  ];
  return wanted.length === 0
    ? []
    : [{ kind: 'package.install', description: `install ${wanted.join(', ')} (without systemd-cryptsetup, /etc/crypttab is ignored at boot)`, manager: 'apt', packages: wanted }];
};

/** auditd rereads its configuration on SIGHUP; its unit refuses a manual stop (and so a restart). */
export const auditReloadAction = (facts: StorageFacts): Action =>
  facts.tools.auditdCanReload
    ? { kind: 'systemd.unit', description: 'reload auditd with the new settings', target: system, verb: 'reload', unit: 'auditd.service' }
    : { kind: 'systemd.signal', description: 'reload auditd with the new settings (SIGHUP)', target: system, unit: 'auditd.service', signal: 'SIGHUP' };

const auditActions = (facts: StorageFacts, changes: readonly AuditChange[]): Action[] => {
  if (!facts.tools.auditd) return [];
  const out: Action[] = [];
  if (changes.length > 0 && facts.auditdConf.kind === 'present') {
    out.push({
      kind: 'file.write',
      description: `set ${changes.map((c) => `${c.key} = ${c.to}`).join(', ')} (halt rather than lose audit records)`,
      path: AUDITD_CONF,
      content: editAuditdConf(facts.auditdConf.content, changes),
      // auditd refuses a config file others can write; 0640 root:root is what the package installs.
      mode: '0640',
      owner: 'root',
      group: 'root',
      before: facts.auditdConf.content,
    });
  }
  const running = facts.tools.auditdActive === 'active';
  if (!running || facts.tools.auditdEnabled !== 'enabled') {
    out.push({ kind: 'systemd.unit', description: 'enable and start auditd', target: system, verb: 'enable-now', unit: 'auditd.service' });
  } else if (out.length > 0) {
    out.push(auditReloadAction(facts));
  }
  return out;
};

const recordActions = (facts: StorageFacts, model: VolumeModel, setup: SetupAssessment, dataMount: string): Action[] => {
  const machineId = facts.machineId;
  const first = model.luks[0];
  const uuid = setup.kind === 'ready' ? setup.uuid : first === undefined ? null : luksUuidOf(first);
  if (machineId === null || uuid === null) return [];
  const r = facts.record;
  if (r.kind === 'present' && r.luksUuid === uuid && r.dataMount === dataMount) return []; // a clone is a blocker, not a rewrite
  return [{ kind: 'state.write', description: `record LUKS volume ${uuid} as this machine's data volume`, path: STORAGE_RECORD_PATH, content: renderRecord({ luksUuid: uuid, machineId, dataMount }) }];
};

export const planStorage = (facts: StorageFacts, model: VolumeModel, setup: SetupAssessment, dataMount: string): Action[] => [
  ...packageActions(facts, model, setup.kind === 'ready'),
  ...(setup.kind === 'ready' ? setupActions(facts, setup, dataMount) : []),
  ...auditActions(facts, plannedAuditChanges(facts)),
  ...recordActions(facts, model, setup, dataMount),
  ...emptyPassphraseCacheActions(facts.volume.luks),
];

// Is the data mount on LUKS, and is that LUKS volume sound: LUKS2, AES-XTS with a 512-bit key, argon2id key
// slots, no slot an empty passphrase opens, and a key of this instance's own (not a clone's).
import { blocker, info, warning, type Finding } from '../../src/engine/finding.js';
import { STORAGE_RECORD_PATH, type RecordState } from './facts.js';
import type { LuksHeader } from './luks-header.js';
import { luksUuidOf, type StorageFacts, type VolumeModel } from './model.js';
import type { LuksDevice } from './volume-probe.js';
import { NOT_ENCRYPTED } from './setup-request.js';

const WANT_CIPHER = 'aes-xts-plain64';
const WANT_KEY_BITS = 512;

const list = (xs: readonly (string | number)[]): string => xs.join(', ');

const headerFindings = (dev: string, h: LuksHeader): Finding[] => {
  const out: Finding[] = [];
  const reencrypt = `cryptsetup reencrypt --cipher ${WANT_CIPHER} --key-size ${WANT_KEY_BITS} ${dev}`;
  if (h.version === 1) {
    out.push(warning('luks1', `${dev} is LUKS1: no argon2id key slots, no header checksums, no online re-encryption.`, `Convert it while it is unmounted and closed: cryptsetup convert --type luks2 ${dev}`));
  }
  if (h.cipher !== null && h.cipher !== WANT_CIPHER) {
    out.push(warning('luks-cipher', `${dev} encrypts with ${h.cipher}, not ${WANT_CIPHER}.`, h.version === 2 ? `Re-encrypt it (online, takes a while): ${reencrypt}` : `Convert it to LUKS2 first, then: ${reencrypt}`));
  }
  if (h.keyBits !== null && h.keyBits < WANT_KEY_BITS) {
    out.push(warning('luks-key-size', `${dev} has a ${h.keyBits}-bit volume key; XTS needs ${WANT_KEY_BITS} bits for AES-256.`, h.version === 2 ? `Re-encrypt it (online, takes a while): ${reencrypt}` : `Convert it to LUKS2 first, then: ${reencrypt}`));
  }
  const weak = h.keyslots.filter((s) => s.kdf !== 'argon2id');
  if (weak.length > 0) {
    const kdfs = [...new Set(weak.map((s) => s.kdf ?? 'an unknown KDF'))];
    const fix = weak.map((s) => `cryptsetup luksConvertKey --pbkdf argon2id --key-slot ${s.id} ${dev}`).join('; ');
    out.push(
      warning(
        'luks-pbkdf',
        `Key slot${weak.length === 1 ? '' : 's'} ${list(weak.map((s) => s.id))} of ${dev} use${weak.length === 1 ? 's' : ''} ${list(kdfs)}: each passphrase guess costs an attacker far less than with argon2id.`,
        h.version === 2 ? fix : `Convert the volume to LUKS2 first (see above), then: ${fix}`,
      ),
    );
  }
  const active = h.keyslots;
  if (active.length === 0) {
    out.push(blocker('luks-no-keyslots', `${dev} has no key slot: once closed, it can never be opened again.`, 'While it is still open, copy the data off, or add a key from the open mapping\'s volume key (dmsetup table --showkeys NAME, then cryptsetup luksAddKey --volume-key-file FILE DEV).'));
  } else {
    const unbound = active.filter((s) => !s.bound).map((s) => s.id);
    out.push(
      info(
        'luks-keyslots',
        `${dev}: ${active.length} key slot${active.length === 1 ? '' : 's'} in use (${list(active.map((s) => s.id))})` +
          `${unbound.length > 0 ? `, unbound: ${list(unbound)}` : ''}${h.tokens.length > 0 ? `; tokens: ${list(h.tokens)}` : ''}. ` +
          'Each is a way in: remove those nobody needs (cryptsetup luksKillSlot).',
      ),
    );
  }
  return out;
};

const emptyPassphraseFindings = (d: LuksDevice): Finding[] => {
  const t = d.emptyPassphrase;
  switch (t.result) {
    case 'refused':
      return [];
    case 'opens':
      return [
        blocker(
          'luks-empty-passphrase',
          `An empty passphrase opens ${d.path}${t.slot === null ? '' : ` (key slot ${t.slot})`}: whoever reaches the console or the disk has the data.`,
          `Remove that slot: cryptsetup luksKillSlot ${d.path} ${t.slot ?? 'SLOT'} (it asks for another slot's passphrase).`,
        ),
      ];
    case 'untested':
      return [
        warning(
          'luks-empty-passphrase-untested',
          `keelson could not test whether an empty passphrase opens ${d.path}: ${t.why}.`,
          `Test by hand: printf '\\n' | cryptsetup open --test-passphrase -v ${d.path} must answer "No key available with this passphrase".`,
        ),
      ];
  }
};

/** Per-instance key: the record made at the first install says which machine this volume belongs to. */
export const instanceFindings = (uuid: string, dev: string, machineId: string | null, record: RecordState): Finding[] => {
  if (machineId === null) {
    return [warning('machine-id-missing', '/etc/machine-id is missing or malformed: keelson cannot tell this instance from a clone of it.', 'Create one: systemd-machine-id-setup')];
  }
  switch (record.kind) {
    case 'absent':
      return [info('luks-uuid-record', `LUKS volume ${uuid} is recorded as this machine's in ${STORAGE_RECORD_PATH}, so a clone of the host is recognised later.`)];
    case 'unreadable':
      return [warning('storage-record-unreadable', `${STORAGE_RECORD_PATH} cannot be read (${record.why}); it will be written anew.`, `Look at what else writes ${STORAGE_RECORD_PATH}.`)];
    case 'present':
      if (record.luksUuid !== uuid) {
        return [info('luks-volume-changed', `The data volume changed since it was recorded (${record.luksUuid} → ${uuid}); the record will be updated.`)];
      }
      if (record.machineId !== machineId) {
        return [
          blocker(
            'luks-cloned-volume',
            `LUKS volume ${uuid} was recorded on machine ${record.machineId}, and this is ${machineId}: this host is a clone and shares its volume key with the original.`,
            `Give this instance a key of its own: cryptsetup reencrypt ${dev} (online), then cryptsetup luksUUID --uuid "$(cat /proc/sys/kernel/random/uuid)" ${dev} and update /etc/crypttab. ` +
              `If this is the same machine with a new machine-id, delete ${STORAGE_RECORD_PATH}.`,
          ),
        ];
      }
      return [];
  }
};

export const checkVolume = (facts: StorageFacts, model: VolumeModel, dataMount: string): Finding[] => {
  const m = model.mount;
  const where = m === null ? '' : `${m.source} (${m.fstype}${m.target === dataMount ? '' : `, mounted at ${m.target}`})`;
  switch (model.encryption) {
    case 'unknown':
      return m === null
        ? [blocker('data-mount-unknown', `keelson cannot tell which filesystem holds ${dataMount}: ${facts.volume.mountError ?? 'findmnt gave no answer'}.`, `Check by hand: findmnt -T ${dataMount}. It must be on a LUKS2 volume.`)]
        : [blocker('data-encryption-unknown', `${dataMount} is on ${where}, which keelson cannot follow to a LUKS volume.`, `Put ${dataMount} on a LUKS2 volume (ZFS and network filesystems are not recognised).`)];
    case 'none':
      return [
        blocker(
          NOT_ENCRYPTED,
          `${dataMount} is on ${where}, which is not encrypted: the stack's user data would be stored in the clear.`,
          `Put ${dataMount} on a LUKS2 volume. On an empty extra disk keelson does it: keelson plan --setup-luks /dev/disk/by-id/DISK (lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINTS lists the disks).`,
        ),
      ];
    case 'plain':
      return [blocker('data-plain-dmcrypt', `${dataMount} is on plain dm-crypt (${where}) without a LUKS header: no key slots, no way to change or revoke the key.`, `Move the data to a LUKS2 volume (cryptsetup luksFormat --type luks2).`)];
    case 'luks':
      break;
  }
  const out: Finding[] = [];
  model.luks.forEach((l, i) => {
    const d = l.device;
    const h = d?.header ?? null;
    if (i === 0) out.push(info('data-encrypted', `${dataMount} is on ${h === null ? 'LUKS' : `LUKS${h.version}`} ${l.backing.path}, opened as ${l.layer.mapping.name}${m === null ? '' : ` (${m.fstype})`}.`));
    if (d === null || h === null) {
      const why = d?.dumpError ?? (facts.tools.cryptsetup ? 'luksDump gave no answer' : 'cryptsetup is not installed');
      out.push(warning('luks-header-unreadable', `The LUKS header of ${l.backing.path} could not be read (${why}): cipher, key slots and the empty passphrase were not checked.`, 'Install cryptsetup on the host (apt-get install cryptsetup-bin, dnf install cryptsetup) and plan again.'));
      return;
    }
    out.push(...headerFindings(l.backing.path, h), ...emptyPassphraseFindings(d));
  });
  const first = model.luks[0];
  const uuid = first === undefined ? null : luksUuidOf(first);
  if (first !== undefined && uuid !== null) out.push(...instanceFindings(uuid, first.backing.path, facts.machineId, facts.record));
  out.push(info('requires-mounts-for', `The stack's units require ${dataMount} (RequiresMountsFor=): they do not start while it is not mounted, so nothing is written to the disk underneath.`));
  return out;
};
